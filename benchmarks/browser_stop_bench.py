"""Stop -> review-ready through the real review screen: `casenote serve` in its own process, headless
Debian Chromium signed in as an officer, its fake microphone playing a dictation the project made
(``--use-file-for-fake-audio-capture=F.wav%noloop``, benchmarks/dictation_audio.py), consent
attested on the Dictate tab, ``#start-dictation`` clicked; when the file has played, ``#stop-dictation``
is clicked and the time until the new note's ``#accept-contact_date`` is visible is taken. This is
what an officer waits for, browser and HTTP included; ``streaming_bench.py latency`` times the
same engine fed from a WAV in-process.

    .venv/bin/python benchmarks/browser_stop_bench.py [--lengths 60,300,900] [--runs 1]

A 20 s dictation first loads the server's models (not counted). The fake microphone starts when the
page opens it (at Start), so Stop is clicked ``--after`` seconds (default 0.5) after the file's
length has passed since Start: the dictation's own last pause (0.6 s) plus that. Needs Debian's
chromium (/usr/bin/chromium). Numbers are printed with the load average; nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
OFFICER, PASSWORD = "bench-officer", "bench-officer-pass"
_WAIT_MS = 600_000


def _seed(home: Path) -> None:
    from assistant.store import Store
    from review_ui.auth import hash_password

    os.environ["CASENOTE_HOME"] = str(home)
    with Store() as s:
        s.add_user(OFFICER, "officer", hash_password(PASSWORD))


def _serve(home: Path, log) -> tuple[subprocess.Popen, str]:
    from review_ui.server import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                            env={**os.environ, "CASENOTE_HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(1200):
        try:
            httpx.get(url + "login", timeout=2)
            return proc, url
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise SystemExit("casenote serve did not start; see its log")
            time.sleep(0.1)
    raise SystemExit("casenote serve did not answer in 120 s")


def _seconds(wav: Path) -> float:
    with wave.open(str(wav), "rb") as w:
        return w.getnframes() / w.getframerate()


def dictate(playwright, url: str, wav: Path, after_s: float) -> dict:
    """One dictation through the Dictate tab; returns Stop -> review-ready and the words shown live."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                         args=ARGS + [f"--use-file-for-fake-audio-capture={wav}%noloop"])
    try:
        page = browser.new_context(permissions=["microphone"]).new_page()
        page.goto(url)
        page.locator("#login-name").fill(OFFICER)
        page.locator("#login-password").fill(PASSWORD)
        page.locator("#login-submit").click()
        page.wait_for_selector("#whoami .cn-who", timeout=60_000)
        page.get_by_role("tab", name="Dictate").click()
        page.locator("#consent-ended input").check()
        page.locator("#consent-absent input").check()
        page.locator("#start-dictation").click()
        started = time.monotonic()
        time.sleep(max(0.0, started + _seconds(wav) + after_s - time.monotonic()))
        live_words = len(page.locator("#live-transcript textarea").input_value().split())
        t0 = time.monotonic()
        page.locator("#stop-dictation").click()
        page.wait_for_selector("#accept-contact_date", state="visible", timeout=_WAIT_MS)
        return {"stop_to_review_s": time.monotonic() - t0, "live_words_at_stop": live_words}
    finally:
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lengths", default="60,300,900", help="dictation lengths in seconds")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--after", type=float, default=0.5, help="seconds between the file's end and Stop")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("CASENOTE_PASSPHRASE", "benchmark passphrase (scratch store)")
    from playwright.sync_api import sync_playwright

    from dictation_audio import long_dictation

    with tempfile.TemporaryDirectory(prefix="casenote-browser-bench-") as d, sync_playwright() as pw:
        home = Path(d) / "home"
        _seed(home)
        with open(Path(d) / "serve.log", "wb") as log:
            proc, url = _serve(home, log)
            try:
                dictate(pw, url, long_dictation(20)[0], args.after)      # loads the server's models
                load0 = os.getloadavg()
                print(f"load average before {load0[0]:.2f}; Stop -> #accept-contact_date visible, seconds")
                for length in (float(x) for x in args.lengths.split(",")):
                    wav = long_dictation(length)[0]
                    runs = [dictate(pw, url, wav, args.after) for _ in range(args.runs)]
                    times = sorted(r["stop_to_review_s"] for r in runs)
                    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                    print(f"{_seconds(wav):6.0f} s dictation: median {statistics.median(times):.2f}, p95 {p95:.2f}, "
                          f"runs {[round(t, 2) for t in times]}, words live at Stop "
                          f"{[r['live_words_at_stop'] for r in runs]}, load {os.getloadavg()[0]:.2f}")
            finally:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
