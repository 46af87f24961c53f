"""Benchmark (not a test): load time, wall time, real-time factor and peak memory of transcription,
for each model and beam size, on given audio or on a ~60 s dictation synthesised on this device.

Each configuration runs in a fresh subprocess (``eval.asr.run_configuration``), so peak memory is
that process's own ``ru_maxrss`` (Python + model + decoding), not left over from another model.
Targets (issue 2): tiny.en int8 on a 2-core machine, RTF <= 0.10 on a 60 s dictation, peak <= 600 MB.

\b
Examples:
  .venv/bin/python benchmarks/transcribe_bench.py
  .venv/bin/python benchmarks/transcribe_bench.py --model tiny.en,base --beam 1,5 --repeat 3
  .venv/bin/python benchmarks/transcribe_bench.py dictation.wav --json
"""
from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.asr import Configuration, Utterance, run_configuration  # noqa: E402

__all__ = ["bench_audio", "main"]

TARGET_RTF, TARGET_MB = 0.10, 600


def bench_audio(seconds: float = 60.0) -> Path:
    """A dictation of about ``seconds`` spoken by Piper from the held-out gold texts (cached)."""
    from assistant.audio import load_audio
    from eval.gold import load_gold
    from eval.synth import cached_synthesis

    words = " ".join(i["spoken"] for i in load_gold(ROOT / "eval" / "heldout" / "dictations.json")).split()
    n = int(seconds * 3.4)   # Piper's joe voice speaks about 3.4 words a second
    path = cached_synthesis(" ".join(words[:n]), "piper", ROOT / ".cache" / "bench")
    dur = len(load_audio(path)) / 16000
    if abs(dur - seconds) > 0.1 * seconds:   # speaking rate differs on this machine: rescale once
        n = int(n * seconds / dur)
        path = cached_synthesis(" ".join(words[:n]), "piper", ROOT / ".cache" / "bench")
    return path


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("audio", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "models", default="tiny.en", show_default=True, help="Comma-separated models.")
@click.option("--beam", "beams", default="1,5", show_default=True, help="Comma-separated beam sizes.")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20),
              help="Transcriptions per configuration (one process); the median is reported.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def main(audio, models, beams, repeat, as_json):
    """Print load time, wall time, RTF and peak memory per model x beam."""
    path = Path(audio) if audio else bench_audio()
    rows = []
    load_before = os.getloadavg()
    for model in [m.strip() for m in models.split(",") if m.strip()]:
        for beam in [int(b) for b in beams.split(",") if b.strip()]:
            items = [Utterance(f"run{i}", str(path.resolve()), "") for i in range(repeat)]
            raw = run_configuration(items, Configuration(model, beam))
            runs = [u for u in raw["utterances"].values() if "error" not in u]
            if not runs:
                raise SystemExit(f"{model} beam {beam}: {next(iter(raw['utterances'].values()))['error']}")
            audio_s = runs[0]["duration_s"]
            walls = [u["transcribe_s"] for u in runs]
            wall = statistics.median(walls)
            rows.append({"model": model, "beam": beam, "audio_s": audio_s, "load_s": raw["load_s"],
                         "wall_s": round(wall, 3), "wall_first_s": walls[0], "rtf": round(wall / audio_s, 4),
                         "peak_rss_mb": raw["peak_rss_mb"], "repeats": len(runs)})
    meta = {"audio": str(path), "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
    if as_json:
        click.echo(json.dumps({"runs": rows, **meta}))
        return
    click.echo(f"audio: {path} ({rows[0]['audio_s']:.1f} s); {meta['cpus']} CPUs; load average "
               f"before {meta['loadavg_before']} after {meta['loadavg_after']}")
    click.echo(f"{'model':10} {'beam':>4} {'load s':>7} {'wall s':>7} {'1st s':>7} {'RTF':>7} {'peak MB':>8}  target")
    for r in rows:
        ok = r["rtf"] <= TARGET_RTF and r["peak_rss_mb"] <= TARGET_MB
        click.echo(f"{r['model']:10} {r['beam']:>4} {r['load_s']:>7.2f} {r['wall_s']:>7.2f} {r['wall_first_s']:>7.2f} "
                   f"{r['rtf']:>7.3f} {r['peak_rss_mb']:>8.0f}  "
                   + (("met" if ok else "MISSED") + f" (RTF<={TARGET_RTF}, <={TARGET_MB} MB)"
                      if r["model"] == "tiny.en" else ""))


if __name__ == "__main__":
    main()
