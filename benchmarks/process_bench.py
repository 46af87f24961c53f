"""Time `casenote process` end to end and per stage, `resume` of a finished note, and `consent revoke`,
on a dictation the project synthesises itself, side by side with plain faster-whisper on the same
audio and options (benchmarks/plain_whisper.py), runs alternating; prints numbers (no pass/fail).

    .venv/bin/python benchmarks/process_bench.py [--runs 4] [--voice piper] [--seconds 149]

``--seconds`` builds a dictation of about that length from the gold dictations (benchmarks/
dictation_audio.py); 0 uses the short built-in one. Each run uses a fresh $CASENOTE_HOME and a fresh
process (so model loading is included, as an officer meets it); peak memory is the child's maximum
resident set size, measured with /usr/bin/time-like wait4 accounting per child.
"""
from __future__ import annotations

import argparse
import json
import os
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
    env = {"CASENOTE_PASSPHRASE": "benchmark passphrase (scratch store)", **os.environ, "CASENOTE_HOME": home}
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"casenote {' '.join(args)} failed: {r.stderr}")
    return wall, r.stdout


def _peak_mb_of(cmd, env) -> tuple[float, str, float]:
    """Run ``cmd`` under a tiny wrapper that reports its own child's ru_maxrss (exact per child)."""
    wrapper = ("import resource,subprocess,sys,time;t=time.perf_counter();"
               "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
               "sys.stdout.write(r.stdout);sys.stderr.write(r.stderr);"
               "print(f'@@ {time.perf_counter()-t:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}',"
               "file=sys.stderr);sys.exit(r.returncode)")
    r = subprocess.run([sys.executable, "-c", wrapper, *cmd], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr[-2000:]}")
    wall, kb = r.stderr.rsplit("@@ ", 1)[1].split()
    return float(wall), r.stdout, int(kb) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--voice", default="piper")
    ap.add_argument("--seconds", type=float, default=149)
    a = ap.parse_args()
    if a.seconds:
        from benchmarks.dictation_audio import long_dictation
        wav = long_dictation(a.seconds, a.voice)[0]
    else:
        wav = cached_synthesis(DICTATION, a.voice, ROOT / ".cache" / "test-speech")
    rows = []
    for _ in range(a.runs):
        with tempfile.TemporaryDirectory() as home:
            env = {"CASENOTE_PASSPHRASE": "benchmark passphrase (scratch store)", **os.environ, "CASENOTE_HOME": home}
            plain_wall, _, plain_peak = _peak_mb_of([sys.executable, str(ROOT / "benchmarks" / "plain_whisper.py"),
                                                     str(wav)], env)
            _, out = _run(["consent", "grant", "--officer", "bench", "--json"], home)
            cid = json.loads(out)["consent_id"]
            wall, out, peak = _peak_mb_of([sys.executable, "-m", "assistant", "process", str(wav), "--officer",
                                           "bench", "--consent", cid, "--json"], env)
            res = json.loads(out)
            again, _ = _run(["process", str(wav), "--officer", "bench", "--consent", cid, "--json"], home)
            revoke, _ = _run(["consent", "revoke", cid, "--json"], home)
            rows.append({"plain_whisper_wall_s": plain_wall, "process_wall_s": wall,
                         "overhead_x": wall / plain_wall, **res["timing"], "rerun_finished_s": again,
                         "revoke_s": revoke, "plain_whisper_peak_mb": plain_peak, "peak_rss_mb": peak,
                         "audio_s": res["speaker_check"]["kept"][-1][1] if res["speaker_check"]["kept"] else 0})
    print(f"dictation: {rows[0]['audio_s']:.1f} s of {a.voice} speech, {a.runs} runs alternating with plain "
          f"faster-whisper, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for key in rows[0]:
        vals = [r[key] for r in rows if key in r]
        print(f"  {key:<20} median {statistics.median(vals):8.3f}   min {min(vals):8.3f}   max {max(vals):8.3f}")
    print(f"  real-time factor (process wall / audio): "
          f"{statistics.median(r['process_wall_s'] for r in rows) / rows[0]['audio_s']:.2f}")
    print(f"  overhead (median process wall / median plain faster-whisper wall): "
          f"{statistics.median(r['process_wall_s'] for r in rows) / statistics.median(r['plain_whisper_wall_s'] for r in rows):.2f}x")


if __name__ == "__main__":
    main()
