"""Review screen timings: password hashing, rendering a long note, one review round trip on the
store, a cold start of `casenote serve` until its sign-in page answers, and a sign-in. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/review_ui_bench.py
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]
os.environ["CASENOTE_HOME"] = tempfile.mkdtemp(prefix="casenote-ui-bench-")
# A scratch store of its own: its passphrase is only ever this benchmark's.
os.environ.setdefault("CASENOTE_PASSPHRASE", "benchmark passphrase (scratch store)")


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    from assistant.store import Store
    from review_ui import render
    from review_ui.auth import hash_password, verify_password
    from review_ui.fields import FIELD_NAMES
    from review_ui.server import free_port
    from tests.test_review_ui import hostile_transcript, make_note

    h = hash_password("benchmark-password")
    print(f"scrypt hash (N=2^15, r=8: 32 MiB):  {timed(lambda: hash_password('benchmark-password'), 5) * 1000:7.1f} ms")
    print(f"scrypt verify:                       {timed(lambda: verify_password('benchmark-password', h), 5) * 1000:7.1f} ms")

    store = Store()
    words = " ".join(f"word{i}" + ("." if i % 15 == 14 else "") for i in range(3000))  # ~20 min dictation
    nid = make_note(store, "bench", hostile_transcript("Daniel said " + words))
    note = store.get_note(nid)
    print(f"get_note, 3000 words:                {timed(lambda: store.get_note(nid), 10) * 1000:7.1f} ms")
    print(f"render transcript + 8 cards:         "
          f"{timed(lambda: (render.transcript_html(note), [render.field_card_html(note, n) for n in FIELD_NAMES]), 10) * 1000:7.1f} ms")
    print(f"accept one field (store write+audit): "
          f"{timed(lambda: store.review_field(nid, 'attendance', 'accept', None, 'bench'), 10) * 1000:6.1f} ms")

    port = free_port()
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        # CPU seconds are what a quiet machine's wall time approaches (the start is one thread).
        print(f"casenote serve cold start to sign-in page: {time.perf_counter() - t:5.1f} s wall, "
              f"{cpu:4.1f} s CPU (load average {os.getloadavg()[0]:.1f})")
        import httpx
        store.add_user("benchofficer", "officer", hash_password("benchmark-password"))
        t = time.perf_counter()
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}/")
        client.post("login", data={"username": "benchofficer", "password": "benchmark-password"})
        signed = time.perf_counter()
        assert client.get("").status_code == 200 and client.get("config").status_code == 200
        print(f"sign-in (POST /login, scrypt):       {(signed - t) * 1000:7.1f} ms")
        print(f"signed-in page + config:             {(time.perf_counter() - signed) * 1000:7.1f} ms")
        rss = int(Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024
        print(f"casenote serve resident memory:      {rss:7d} MiB")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"this process peak RSS:               {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:7d} MiB")


if __name__ == "__main__":
    main()
