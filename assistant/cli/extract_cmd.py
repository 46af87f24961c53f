"""``casenote extract`` and ``casenote eval extraction``."""
from __future__ import annotations

import datetime as dt
import sys

import click

from assistant.cli.base import BadInput, cli, emit, eval_group, handle_errors, read_text_input

__all__ = ["extract_command", "eval_extraction_command"]


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; give it as YYYY-MM-DD, e.g. 2026-03-09") from None




@cli.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--date", "date", required=True, callback=_date, metavar="YYYY-MM-DD",
              help="The dictation's date; relative dates ('Friday', 'tomorrow') resolve against it.")
@click.option("--json", "as_json", is_flag=True, help="Print {fields: {name: {value, evidence, reason}}, crissa}.")
@handle_errors
def extract_command(file, date, as_json):
    """Fill the note fields from a (redacted) transcript in FILE or standard input, each with the
    evidence it came from, and lay the officer's sentences out under CRISSA headings.

    \b
    Examples:
      casenote extract transcript.txt --date 2026-03-09
      echo "Office appointment today. He attended on time. Next appointment is Friday at 2pm." \\
        | casenote extract --date 2026-03-09 --json
      casenote transcribe dictation.wav | casenote redact | casenote extract --date 2026-03-09 --json
    """
    from assistant.extraction import ExtractionError, extract

    text = read_text_input(file)
    try:
        x = extract(text, date)
    except ExtractionError as e:
        raise BadInput(str(e)) from None
    lines = []
    for name, f in x.fields.items():
        value = ", ".join(f.value) if isinstance(f.value, list) else f.value
        lines.append(f"{name:17} {value if value not in (None, '') else '-'}")
        for ev in f.evidence:
            lines.append(f"{'':17}   [{ev.start}:{ev.end}] \"{ev.text}\"")
        if f.reason:
            lines.append(f"{'':17}   ({f.reason})")
    emit(x.to_dict(), as_json, "\n".join(lines) + "\n\n" + x.crissa_text())


@eval_group.command("extraction")
@click.option("--gold", "gold", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Gold dictations (JSON, ../shared/spec/gold-format.md); repeatable. "
                   "Default: eval/gold/extraction_dictations.json.")
@click.option("--voices", default="espeak,piper", show_default=True,
              help="Comma-separated synthesis voices (espeak, piper).")
@click.option("--clean", is_flag=True, help="Score on the scripted text itself instead of Whisper transcripts.")
@click.option("--no-redact", is_flag=True, help="Extract from the unredacted transcript.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every item.")
@handle_errors
def eval_extraction_command(gold, voices, clean, no_redact, as_json):
    """Score field extraction on Whisper tiny.en transcripts of synthesised gold dictations.

    Exact match for contact date, type, attendance and next appointment; set F1 for needs, risks and
    referrals; actions against the gold count. Transcripts are cached under .cache/, so a second run
    takes seconds.

    \b
    Examples:
      casenote eval extraction
      casenote eval extraction --gold ../shared/data/dictations/samples.json --voices piper --json
      casenote eval extraction --gold eval/gold/extraction_dictations.json --clean
    """
    from eval.extraction_eval import evaluate_extraction, evaluate_texts, format_table
    from eval.gold import GOLD_DIR, load_gold
    from eval.synth import VOICES

    files = list(gold) or [str(GOLD_DIR / "extraction_dictations.json")]
    items = []
    for f in files:
        try:
            items += load_gold(f)
        except ValueError as e:
            raise BadInput(str(e)) from None
    bad = [i["id"] for i in items if "fields" not in i or "dictation_date" not in i]
    if bad:
        raise BadInput(f"gold items without 'fields' or 'dictation_date': {', '.join(bad[:5])}")
    vs = tuple(v.strip() for v in voices.split(",") if v.strip())
    unknown = [v for v in vs if v not in VOICES]
    if unknown or not vs:
        raise BadInput(f"unknown voice(s) {', '.join(unknown) or '(none)'}; use {', '.join(VOICES)}")
    redact = False if no_redact else None
    if clean:
        result = evaluate_texts([(i, "clean", i["spoken"]) for i in items], redact)
    else:
        from eval.gold import transcribe_gold

        with click.progressbar(length=len(items) * len(vs), label="synthesising and transcribing",
                               file=sys.stderr) as bar:
            gts = transcribe_gold(items, voices=vs, progress=bar.update)
        result = evaluate_extraction(gts, redact)
    if not as_json:
        result_text = format_table(result)
    emit(result, as_json, None if as_json else result_text)
