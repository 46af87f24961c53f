"""Redaction speed and memory against text size: is ``redact`` linear up to 1 MB?

Times one dictation (the pipeline's case), then builds notes of growing size from the project's own gold dictations (every identifier type, many
names), redacts each once, and prints seconds, characters per second, seconds per MB (flat when
linear) and peak memory. Run:

    .venv/bin/python benchmarks/redaction_bench.py            # 64 KB .. 1 MB
    .venv/bin/python benchmarks/redaction_bench.py --max-kb 256
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redaction import redact  # noqa: E402
from redaction.analysis import load_nlp  # noqa: E402


def corpus(size: int) -> str:
    items = json.loads((ROOT / "eval" / "gold" / "redaction_dictations.json").read_text())
    texts = [i["spoken"] for i in items]
    out, n, k = [], 0, 0
    while n < size:
        t = texts[k % len(texts)]
        out.append(t)
        n += len(t) + 2
        k += 1
    return "\n\n".join(out)[:size]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-kb", type=int, default=1024)
    ap.add_argument("--start-kb", type=int, default=64)
    args = ap.parse_args()
    t0 = time.perf_counter()
    load_nlp()
    redact("warm up with Daniel Price on 07700 900461")
    print(f"model load + warm-up: {time.perf_counter() - t0:.1f} s")
    items = json.loads((ROOT / "eval" / "gold" / "redaction_dictations.json").read_text())
    times = []
    for i in items:
        t = time.perf_counter()
        redact(i["spoken"])
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"one dictation ({len(items)} gold dictations, ~{sum(len(i['spoken']) for i in items) // len(items)} chars): "
          f"median {1000 * times[len(times) // 2]:.0f} ms, max {1000 * times[-1]:.0f} ms")
    print(f"{'size KB':>8} {'seconds':>9} {'chars/s':>10} {'s per MB':>9} {'entities':>9} {'peak MB (py)':>13}")
    kb = args.start_kb
    while kb <= args.max_kb:
        text = corpus(kb * 1024)
        tracemalloc.start()
        t = time.perf_counter()
        r = redact(text)
        dt = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{kb:>8} {dt:>9.2f} {len(text) / dt:>10.0f} {dt / (len(text) / 2**20):>9.1f} "
              f"{len(r.entities):>9} {peak / 2**20:>13.1f}", flush=True)
        kb *= 2
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
