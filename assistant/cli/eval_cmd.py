"""``casenote eval asr``, ``casenote eval dictation`` and ``casenote eval edits``."""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import click

from assistant.cli.base import BadInput, emit, eval_group, fail, handle_errors

__all__ = ["eval_asr_command", "eval_dictation_command", "eval_edits_command"]


def _split(value: str, what: str) -> list[str]:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    if not items:
        raise BadInput(f"--{what} needs at least one value, e.g. --{what} tiny.en,base")
    return list(dict.fromkeys(items))


def _beams(value: str) -> list[int]:
    out = []
    for v in _split(value, "beam"):
        if not v.isdigit() or not 1 <= int(v) <= 10:
            raise BadInput(f"--beam takes whole numbers from 1 to 10 separated by commas (got '{v}').")
        out.append(int(v))
    return out


def _vocab(value: str) -> list[bool]:
    table = {"off": False, "on": True}
    vals = _split(value, "vocabulary")
    bad = [v for v in vals if v not in table]
    if bad:
        raise BadInput(f"--vocabulary takes off, on or off,on (got '{bad[0]}').")
    return [table[v] for v in vals]


def _out_dir(out: str | None, kind: str) -> Path:
    from assistant.paths import casenote_home

    path = Path(out) if out else casenote_home() / "reports" / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}"
    if path.exists() and not path.is_dir():
        raise BadInput(f"--out {path} is a file; give a folder (it is created if missing).")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BadInput(f"Cannot create the report folder {path}: {e.strerror}.") from None
    return path


def _engine_options(command):
    """--engine / --address / --workers / --cpu-threads, shared by eval asr and eval dictation."""
    options = [
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="Where to transcribe: this machine, or a Ray cluster (needs the cluster extra: "
                          "pip install -e \".[cluster]\")."),
        click.option("--address", default=None,
                     help="With --engine ray: join this running cluster (e.g. 127.0.0.1:6379) instead of "
                          "starting a private local one for the command."),
        click.option("--workers", type=click.IntRange(1, 256), default=None,
                     help="With --engine ray: actors, each holding one loaded model "
                          "(default: the CPUs of the local instance or of the cluster)."),
        click.option("--cpu-threads", "cpu_threads", type=click.IntRange(1, 256), default=None,
                     help="CTranslate2 threads per model, the same on every engine (default: this machine's CPUs)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextlib.contextmanager
def _running_engine(engine: str, address: str | None, workers: int | None, cpu_threads: int | None):
    """Open, start (or join) and finally stop the engine; refusals (no Ray installed, more workers
    than CPUs, a cluster that cannot be joined) are bad input, exit 2."""
    from eval.engines import open_engine
    from eval.engines.ray_cluster import RayRefused, RayUnavailable

    if engine == "local" and (address or workers):
        raise BadInput(f"--{'address' if address else 'workers'} needs --engine ray.")
    try:
        running = open_engine(engine, address=address, workers=workers, cpu_threads=cpu_threads)
        running.__enter__()
    except (RayUnavailable, RayRefused) as e:
        raise BadInput(str(e)) from None
    try:
        yield running
    finally:
        running.__exit__(None, None, None)


def _progress_factory():
    from tqdm import tqdm

    # tqdm writes to stderr, so --json output on stdout stays one clean object.
    return lambda total, desc: tqdm(total=total, desc=desc, unit="utt", leave=False, disable=None)


@eval_group.command("asr")
@click.option("--manifest", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="TSV with columns id, file (relative to the TSV), reference_text.")
@click.option("--from-results", "from_results", multiple=True, type=click.Path(dir_okay=False),
              help="Instead of transcribing, join these results.json files (repeatable) into one report.")
@click.option("--model", "models", default="tiny.en", show_default=True,
              help="Comma-separated models: tiny.en, base, or local CTranslate2 folders.")
@click.option("--beam", "beams", default="1", show_default=True, help="Comma-separated beam sizes (1 = greedy).")
@click.option("--vocabulary", "vocab", default="off", show_default=True,
              help="Domain hotwords: off, on, or off,on to measure both.")
@click.option("--subset", default=None, help="Only rows of this subset (a 'subset' column, or meta.tsv beside it).")
@click.option("--limit", default=None, type=click.IntRange(1), help="Only the first N rows (after --subset).")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Folder for report.md, report.html, plots and results.json "
                   "(default: $CASENOTE_HOME/reports/asr-TIMESTAMP).")
@click.option("--json", "as_json", is_flag=True, help="Print a summary object instead of a table.")
@_engine_options
@handle_errors
def eval_asr_command(manifest, from_results, models, beams, vocab, subset, limit, out, as_json,
                     engine, address, workers, cpu_threads):
    """Word and character error rate, confidence interval, speed and memory of
    transcription on recordings with reference texts, for each model x beam.

    Reference and hypothesis are normalised alike with Whisper's English
    normaliser (British and American spellings count as equal). Each
    configuration runs in a fresh subprocess, so its peak memory is its own;
    with --engine ray it runs on Ray actors (one loaded model each) with the
    same per-utterance hypotheses, so the same WER. With --json prints {"configurations": [{label, model, beam, wer, cer, ci95,
    utterances, words, audio_s, rtf, load_s, peak_rss_mb, ...}], ...}; the same
    figures are in results.json.

    \b
    Examples:
      casenote eval asr --manifest ../shared/data/real_speech/refs.tsv --subset librispeech_test-other \\
          --model tiny.en,base --beam 1,5 --out reports/test-other
      casenote eval asr --manifest ../shared/data/real_speech/refs.tsv --limit 5 --json
      casenote eval asr --manifest refs.tsv --vocabulary off,on --out reports/vocab
      casenote eval asr --manifest ../shared/data/real_speech/refs.tsv --limit 6 --engine ray --workers 2
      casenote eval asr --manifest /data/refs.tsv --engine ray --address 127.0.0.1:6379 --out reports/cluster
      casenote eval asr --from-results reports/tiny/results.json --from-results reports/base/results.json \\
          --out reports/all
    """
    from eval.asr import Configuration, ManifestError, combine_results, evaluate, read_manifest
    from eval.report import write_asr_report

    if from_results:
        try:
            results = combine_results(list(from_results))
        except ManifestError as e:
            raise BadInput(str(e)) from None
        _print_asr(results, write_asr_report(results, _out_dir(out, "asr")), as_json)
        return
    if manifest is None:
        raise BadInput("Give --manifest TSV (or --from-results FILE to join earlier runs).")
    configs = [Configuration(m, b, v) for m in _split(models, "model") for b in _beams(beams) for v in _vocab(vocab)]
    try:
        utterances = read_manifest(manifest, subset=subset, limit=limit)
    except ManifestError as e:
        raise BadInput(str(e)) from None
    for m in {c.model for c in configs}:   # a bad model name fails now, not after an hour of decoding
        from models import resolve_model
        resolve_model(m)
    out_dir = _out_dir(out, "asr")
    with _running_engine(engine, address, workers, cpu_threads) as running:
        try:
            results = evaluate(utterances, configs, manifest=str(manifest), subset=subset,
                               progress_factory=_progress_factory(), engine=running)
        except ManifestError as e:
            raise BadInput(str(e)) from None
        except RuntimeError as e:   # a worker process or actor died: a runtime failure, exit 1
            fail(str(e), 1)
    _print_asr(results, write_asr_report(results, out_dir), as_json)


def _print_asr(results: dict, paths: dict, as_json: bool) -> None:
    from eval.asr import summary_of
    from eval.report import pct

    summary = {**summary_of(results), "report": str(paths["html"]), "results": str(paths["results"])}
    lines = [f"{'configuration':24} {'utts':>5} {'words':>6} {'WER':>7} {'95% CI':>13} {'CER':>7} "
             f"{'RTF':>7} {'load s':>7} {'peak MB':>8}"]
    for c in summary["configurations"]:
        ci = f"{100 * c['ci95'][0]:.1f}-{100 * c['ci95'][1]:.1f}%"
        lines.append(f"{c['label']:24} {c['utterances']:5d} {c['words']:6d} {pct(c['wer'], 2):>7} {ci:>13} "
                     f"{pct(c['cer'], 2):>7} {c['rtf'] if c['rtf'] is not None else 'n/a':>7} {c['load_s']:>7} "
                     f"{c['peak_rss_mb']:>8}" + (f"  ({c['failed']} failed)" if c["failed"] else ""))
    eng = results.get("engine", {"engine": "local"})
    if eng["engine"] != "local":
        lines.append(f"engine: {eng['engine']}, {eng['workers']} worker(s), {eng['cpu_threads']} thread(s) each, "
                     f"cluster CPUs {eng['cluster_resources'].get('CPU')}")
    lines += [f"report: {paths['html']}", f"results: {paths['results']}"]
    emit(summary, as_json, "\n".join(lines))


@eval_group.command("dictation")
@click.option("--gold", "gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold dictations JSON (format: ../shared/spec/gold-format.md).")
@click.option("--voices", default="espeak,piper", show_default=True, help="Comma-separated TTS voices.")
@click.option("--model", default="tiny.en", show_default=True, help="Whisper model.")
@click.option("--beam", default=5, show_default=True, type=click.IntRange(1, 10), help="Beam size.")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Folder for report.md, report.html and results.json.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@_engine_options
@handle_errors
def eval_dictation_command(gold, voices, model, beam, out, as_json, engine, address, workers, cpu_threads):
    """Run the whole pipeline on synthesised gold dictations: transcription
    WER, redaction leak rate and must-keep retention, and note field scores,
    per voice, in one report.

    The speech is made on this device (espeak-ng, Piper) and cached, as are
    the transcripts, so a second run is quick. With --engine ray the
    transcriptions not yet cached run on Ray actors (the synthesised audio
    must be at the same path on every node).

    \b
    Examples:
      casenote eval dictation --gold eval/heldout/dictations.json
      casenote eval dictation --gold ../shared/data/dictations/samples.json --voices piper --json
      casenote eval dictation --gold eval/blind/dictations.json --engine ray --workers 2
    """
    from eval.dictation import evaluate_dictations
    from eval.gold import load_gold
    from eval.report import write_dictation_report
    from eval.synth import VOICES

    vs = _split(voices, "voices")
    bad = [v for v in vs if v not in VOICES]
    if bad:
        raise BadInput(f"Unknown voice '{bad[0]}'; use {', '.join(VOICES)}.")
    try:
        items = load_gold(gold)
    except (ValueError, TypeError) as e:
        raise BadInput(f"{gold} is not a gold dictation file ({e}); the format is in "
                       "../shared/spec/gold-format.md.") from None
    if not items:
        raise BadInput(f"{gold} holds no dictations.")
    out_dir = _out_dir(out, "dictation")
    from tqdm import tqdm

    with _running_engine(engine, address, workers, cpu_threads) as running, \
            tqdm(total=len(items) * len(vs), desc="dictations", unit="utt", leave=False, disable=None) as bar:
        results = evaluate_dictations(items, vs, model=model, beam=beam, progress=bar.update, gold_path=str(gold),
                                      engine=running if engine == "ray" or cpu_threads else None)
    paths = write_dictation_report(results, out_dir)
    summary = {**results["summary"], "report": str(paths["html"]), "results": str(paths["results"])}
    text = [f"{k}: {v}" for k, v in results["summary_text"]] + [f"report: {paths['html']}"]
    emit(summary, as_json, "\n".join(text))


@eval_group.command("edits")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def eval_edits_command(as_json):
    """From real use: the word error rate between what Whisper wrote and what
    officers approved, and how often reviewers edited each note field.

    Reads the local store only; prints counts and rates, never note text.

    \b
    Examples:
      casenote eval edits
      casenote eval edits --json
    """
    from eval.edits import edit_report
    from eval.report import pct

    rep = edit_report()
    tr = rep["transcripts"]
    lines = [f"notes with a corrected transcript: {tr['notes']}",
             f"WER Whisper vs approved: {pct(tr['wer'], 2)} over {tr['words']} approved words"]
    lines += [f"{name:18} edited {f['edited']}/{f['reviewed']} ({pct(f['edit_rate'])})"
              for name, f in rep["fields"].items()]
    emit(rep, as_json, "\n".join(lines))
