"""Time `casenote process` end to end and per stage, `resume` of a finished note, and `consent revoke`,
on a dictation the project synthesises itself; prints numbers (no pass/fail).

    .venv/bin/python benchmarks/process_bench.py [--runs 3] [--voice piper]

Each run uses a fresh $CASENOTE_HOME and a fresh process (so model loading is included, as an
officer meets it); peak memory is the child's maximum resident set size.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.synth import cached_synthesis  # noqa: E402

DICTATION = ("Post session note. I saw John Smith at the office today and he attended on time. His phone number is "
             "07700 900461. We talked about his housing and his debts, and I referred him to Shelter. He said he "
             "has been drinking less. He agreed to bring his tenancy letter. His next appointment is on Friday at "
             "ten in the morning.")


def _run(args, home):
    env = {**os.environ, "CASENOTE_HOME": home}
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"casenote {' '.join(args)} failed: {r.stderr}")
    return wall, r.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--voice", default="piper")
    a = ap.parse_args()
    wav = cached_synthesis(DICTATION, a.voice, ROOT / ".cache" / "test-speech")
    rows = []
    for _ in range(a.runs):
        with tempfile.TemporaryDirectory() as home:
            _, out = _run(["consent", "grant", "--officer", "bench", "--json"], home)
            cid = json.loads(out)["consent_id"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            wall, out = _run(["process", str(wav), "--officer", "bench", "--consent", cid, "--json"], home)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            res = json.loads(out)
            again, _ = _run(["process", str(wav), "--officer", "bench", "--consent", cid, "--json"], home)
            revoke, _ = _run(["consent", "revoke", cid, "--json"], home)
            rows.append({"process_wall_s": wall, **res["timing"], "rerun_finished_s": again, "revoke_s": revoke,
                         "peak_rss_mb": max(peak, before) / 1024,
                         "audio_s": res["speaker_check"]["kept"][-1][1] if res["speaker_check"]["kept"] else 0})
    print(f"dictation: {rows[0]['audio_s']:.1f} s of {a.voice} speech, {a.runs} runs, {os.cpu_count()} CPUs")
    for key in rows[0]:
        vals = [r[key] for r in rows if key in r]
        print(f"  {key:<20} median {statistics.median(vals):8.3f}   min {min(vals):8.3f}   max {max(vals):8.3f}")
    print(f"  real-time factor (process wall / audio): "
          f"{statistics.median(r['process_wall_s'] for r in rows) / rows[0]['audio_s']:.2f}")


if __name__ == "__main__":
    main()
