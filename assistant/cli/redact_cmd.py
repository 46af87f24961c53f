"""``casenote redact`` and ``casenote eval redaction``."""
from __future__ import annotations

import sys

import click

from assistant.cli.base import BadInput, cli, emit, eval_group, handle_errors, read_text_input

__all__ = ["redact_cmd", "eval_redaction_cmd"]


@cli.command("redact")
@click.argument("file", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {text, entities} as JSON (offsets into the input).")
@click.option("--name", "names", multiple=True, help="A name of the person in the case; always redacted.")
@click.option("--dob", help="Their date of birth (YYYY-MM-DD); redacted however it is said.")
@click.option("--address", help="Their address ('9 Linden Avenue, Nottingham, NG7 4BX'); always redacted.")
@click.option("--other", multiple=True, help="Any other identifier of the case (case reference, ...).")
@click.option("--allow", "allow", multiple=True, help="A term to keep (an agency, a place); adds to the allow-list.")
@handle_errors
def redact_cmd(file, as_json, names, dob, address, other, allow):
    """Redact personal data in a transcript (FILE, or standard input).

    Names, dates of birth, addresses, postcodes, phone numbers, emails, NI, NHS, case, prison and
    PNC numbers, vehicle registrations and bank details are replaced by placeholders such as
    [PERSON_1] (the same person keeps the same placeholder), including the forms Whisper writes for
    spoken identifiers ("oh seven seven ...", "L S nine, eight A B"). Agencies, towns, prisons,
    courts, appointment dates and probation terms stay. Extra terms to keep can be listed, one a
    line, in $CASENOTE_HOME/redaction_allow_list.txt.

    \b
    Examples:
      echo "Her phone is oh seven seven zero zero, nine double zero, four six one" | casenote redact
      casenote redact transcript.txt --json
      casenote redact transcript.txt --name "Daniel Price" --dob 1990-04-02 --json
      casenote redact transcript.txt --allow "Leeds Women's Centre"
    """
    from assistant.paths import allow_list_path
    from redaction import CaseIdentifiers, redact

    text = read_text_input(file)
    known = None
    if names or dob or address or other:
        known = CaseIdentifiers(names=list(names), date_of_birth=dob, address=address, other=list(other))
    try:
        result = redact(text, known=known, allow_list=list(allow) or None, allow_list_file=allow_list_path())
    except ValueError as e:   # an unreadable --dob
        raise BadInput(str(e)) from None
    emit(result.to_dict(), as_json, result.text)


def _summary(name: str, r: dict) -> list[str]:
    lines = [f"{name}: leak rate {_pct(r['leak_rate'])} ({r['items_leaked']}/{r['items_present']} items), "
             f"must-keep retained {_pct(r['must_keep']['retention'])} "
             f"({r['must_keep']['kept']}/{r['must_keep']['present']})"]
    return lines


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


@eval_group.command("redaction")
@click.option("--gold", "gold", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="Gold dictations JSON (../shared/spec/gold-format.md); repeat for several files.")
@click.option("--voices", default="espeak,piper", show_default=True, help="Voices to synthesise with.")
@click.option("--presidio/--no-presidio", default=True, show_default=True,
              help="Also run Presidio's default analyzer on the same transcripts, side by side.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@handle_errors
def eval_redaction_cmd(gold, voices, presidio, as_json):
    """Measure redaction on Whisper transcripts of synthesised gold dictations.

    Each dictation's spoken text is synthesised with each voice, transcribed by Whisper (cached
    under .cache/), redacted, and scored: leak rate per personal data type (only items the
    transcript actually contains count) and must-keep retention, for Casenote and for Presidio's
    default analyzer side by side.

    \b
    Examples:
      casenote eval redaction --gold eval/gold/redaction_dictations.json
      casenote eval redaction --gold eval/gold/redaction_dictations.json \\
          --gold ../shared/data/dictations/samples.json --voices espeak,piper --json
      casenote eval redaction --gold my_gold.json --voices piper --no-presidio
    """
    from eval.gold import load_gold, transcribe_gold
    from eval.redaction_eval import evaluate_redaction, presidio_redactor
    from eval.synth import VOICES

    vs = tuple(v.strip() for v in voices.split(",") if v.strip())
    bad = [v for v in vs if v not in VOICES]
    if not vs or bad:
        raise BadInput(f"--voices: unknown voice(s) {', '.join(bad) or '(none given)'}; use {','.join(VOICES)}.")
    items = []
    for path in gold:
        try:
            items += load_gold(path)
        except (ValueError, OSError) as e:
            raise BadInput(f"{path}: {e}") from None
    with click.progressbar(length=len(items) * len(vs), label="synthesising and transcribing",
                           file=sys.stderr) as bar:
        gts = transcribe_gold(items, vs, progress=bar.update)
    report = {"gold": list(gold), "voices": list(vs), "dictations": len(items),
              "casenote": evaluate_redaction(gts)}
    if presidio:
        try:
            baseline = presidio_redactor()
        except RuntimeError as e:   # presidio-analyzer is a test extra, not a run-time dependency
            raise BadInput(f"{e}; or leave the baseline out with --no-presidio") from None
        report["presidio"] = evaluate_redaction(gts, baseline)
    lines = _summary("casenote", report["casenote"])
    if presidio:
        lines += _summary("presidio", report["presidio"])
    lines.append(f"{'type':<15}{'present':>8}{'casenote leak':>15}" + (f"{'presidio leak':>15}" if presidio else ""))
    for t, row in report["casenote"]["per_type"].items():
        p = report.get("presidio", {}).get("per_type", {}).get(t, {})
        lines.append(f"{t:<15}{row['present']:>8}{_pct(row['leak_rate']):>15}"
                     + (f"{_pct(p.get('leak_rate')):>15}" if presidio else ""))
    emit(report, as_json, "\n".join(lines))
