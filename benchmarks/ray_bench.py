"""Benchmark (not a test): utterances per second of ``casenote eval asr`` on the local loop and on
Ray with 1 and 2 workers, on the same utterances, with the machine's load average beside each run.

Each run goes through ``eval.asr.run_configuration`` (what the CLI runs). Reported per run:
- ``utt/s``: utterances / wall time from starting the workers to the last result (model load
  included; Ray's own start-up is not, it is shown as ``ray start s``);
- ``steady utt/s``: utterances / (wall - model load), the rate once every model is loaded;
- whether every hypothesis equals the local loop's.

\b
Examples:
  .venv/bin/python benchmarks/ray_bench.py                       # 30 shared utterances, 4 runs
  .venv/bin/python benchmarks/ray_bench.py --limit 60 --runs local:1:2,ray:2:1 --json
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.asr import Configuration, read_manifest, run_configuration  # noqa: E402
from eval.engines import open_engine  # noqa: E402

__all__ = ["bench_run", "main"]

SHARED = Path(os.environ.get("CASENOTE_SHARED", ROOT.parent / "shared"))


def _parse_runs(value: str) -> list[tuple[str, int, int]]:
    """``engine:workers:threads`` comma-separated, e.g. ``local:1:2,ray:2:1``."""
    out = []
    for spec in (s.strip() for s in value.split(",") if s.strip()):
        engine, workers, threads = spec.split(":")
        out.append((engine, int(workers), int(threads)))
    return out


def bench_run(utterances, config: Configuration, engine_name: str, workers: int, threads: int) -> dict:
    """One timed run; returns the row printed and the hypotheses (id -> text)."""
    load_before = os.getloadavg()[0]
    with open_engine(engine_name, workers=workers if engine_name == "ray" else None, cpu_threads=threads) as eng:
        raw = run_configuration(utterances, config, engine=eng)
        start_s = eng.describe().get("ray_start_s")
    done = [r for r in raw["utterances"].values() if "hypothesis" in r]
    audio_s = sum(r["duration_s"] for r in done)
    return {"engine": engine_name, "workers": workers, "cpu_threads": threads, "utterances": len(done),
            "audio_s": round(audio_s, 1), "ray_start_s": start_s, "load_s": raw["load_s"],
            "wall_s": raw["wall_s"], "utt_per_s": round(len(done) / raw["wall_s"], 3),
            "steady_utt_per_s": round(len(done) / max(raw["wall_s"] - raw["load_s"], 1e-9), 3),
            "peak_rss_mb": raw["peak_rss_mb"],
            "loadavg_before": round(load_before, 2), "loadavg_after": round(os.getloadavg()[0], 2),
            "hypotheses": {r["id"]: r["hypothesis"] for r in done}}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--manifest", default=str(SHARED / "data" / "real_speech" / "refs.tsv"), show_default=True,
              help="TSV of recordings (id, file, reference_text).")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1), help="First N utterances.")
@click.option("--model", default="tiny.en", show_default=True)
@click.option("--beam", default=1, show_default=True, type=click.IntRange(1, 10))
@click.option("--runs", "runs", default=f"local:1:{os.cpu_count()},ray:1:{os.cpu_count()},ray:2:{os.cpu_count()},ray:2:1",
              show_default=True, help="engine:workers:cpu_threads, comma-separated; the first is the reference.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def main(manifest, limit, model, beam, runs, as_json):
    """Print utterances/s per engine and worker count, and the load average during each run."""
    utterances = read_manifest(manifest, limit=limit)
    config = Configuration(model, beam)
    rows = [bench_run(utterances, config, *spec) for spec in _parse_runs(runs)]
    reference = rows[0]["hypotheses"]
    for r in rows:
        r["same_hypotheses_as_first"] = r.pop("hypotheses") == reference
    meta = {"manifest": manifest, "utterances": len(utterances), "model": model, "beam": beam,
            "cpus": os.cpu_count()}
    if as_json:
        click.echo(json.dumps({**meta, "runs": rows}))
        return
    click.echo(f"{len(utterances)} utterances ({rows[0]['audio_s']} s of audio), {model} beam={beam}, "
               f"{meta['cpus']} CPUs")
    click.echo(f"{'engine':7} {'workers':>7} {'threads':>7} {'ray start s':>11} {'load s':>7} {'wall s':>7} "
               f"{'utt/s':>6} {'steady utt/s':>12} {'peak MB':>8} {'load avg':>11} same hyps")
    for r in rows:
        start = f"{r['ray_start_s']:.1f}" if r["ray_start_s"] is not None else "-"
        click.echo(f"{r['engine']:7} {r['workers']:>7} {r['cpu_threads']:>7} {start:>11} {r['load_s']:>7.2f} "
                   f"{r['wall_s']:>7.1f} {r['utt_per_s']:>6.2f} {r['steady_utt_per_s']:>12.2f} "
                   f"{r['peak_rss_mb']:>8.0f} {r['loadavg_before']:>5.1f}->{r['loadavg_after']:<5.1f} "
                   f"{'yes' if r['same_hypotheses_as_first'] else 'NO'}")


if __name__ == "__main__":
    main()
