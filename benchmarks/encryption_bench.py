"""What encryption at rest costs: `process` and the store's review actions with encryption on (as
shipped: SQLCipher, wrapped per-note keys, AES-GCM audio) and off (the same code with the cipher
layers swapped for plain SQLite, raw keys and a plain copy), in one process, alternating runs so
load changes hit both alike. Prints numbers and the load average (no pass/fail). Besides the
overhead of the two medians it prints the median of the paired differences (each encrypted repeat
minus the plain one timed right after it): on a machine shared with other work, that cancels load
that drifts between repeats, which the two medians apart do not.

    .venv/bin/python benchmarks/encryption_bench.py [--runs 5] [--actions 20] [--voice piper]

Review actions are timed as the review screen makes them (a Store per request, the note read,
the action, the note read again and rendered), alternating encrypted and plain every repeat.
"play audio" is the HTTP request a media player makes first (``Range: bytes=0-``), sent through the
review server's real audio route in this process (sign-in cookie, link check, store check, the
route's bounded answer of at most ``RANGE_CAP`` bytes, decrypted in memory); "play audio, seek" asks
for a range in the middle of the recording; "play audio, whole file" is a request with no range (a
download; players send ranges), decrypted whole. Plain, each reads the same bytes of a plain file.

A ``Store`` borrows one of the process's kept connections (``assistant.store.connections``), as
the review screen's requests do; the plain variant keeps its connections the same way (they are
made through the same ``dbfile.connect`` the swap replaces), so the overhead is the ciphers' only,
not the reuse's. "open note, new connection" closes the kept connections before each repeat (not
timed): the first request of a process, with SQLCipher's key setup and a cold page cache, which
is also roughly what a request pays after another process wrote to the store (SQLite then drops
the cached pages and reads and decrypts them again).

The Argon2id unlock (once per process) is reported on its own line. Whisper's model is loaded
before timing starts, so `process` here is import + speaker check + transcribe + redact + extract +
store on a dictation the project synthesises itself.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.synth import cached_synthesis  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from process_bench import DICTATION  # noqa: E402  (the same dictation as the process benchmark)


@contextlib.contextmanager
def encryption(on: bool):
    """Encryption as shipped, or the same store with its three cipher layers made plain."""
    if on:
        yield
        return
    import sqlcipher3

    from assistant.store import dbfile, keys, store as store_mod

    def plain_connect(path, key):
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlcipher3.Row
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON", "temp_store=MEMORY",
                       "synchronous=FULL", "busy_timeout=30000"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    def plain_copy(src, dst, key, chunk=1 << 20):
        h = hashlib.sha256()
        for block in iter(lambda: src.read(chunk), b""):
            h.update(block)
            dst.write(block)
        return h.hexdigest()

    def plain_read(path, key):
        with open(path, "rb") as f:
            yield from iter(lambda: f.read(1 << 20), b"")

    def plain_read_all(path, key):   # a plain file read whole, the cheapest way to hold it in memory
        return memoryview(Path(path).read_bytes())

    def plain_read_range(path, key, first, last):
        with open(path, "rb", buffering=0) as f:
            f.seek(first)
            return memoryview(f.read(last - first + 1))

    names = ("encrypt_stream", "decrypt_chunks", "decrypt_file", "decrypt_range", "plaintext_size")
    saved = (dbfile.connect, dbfile.is_plaintext, keys.wrap, keys.unwrap, [getattr(store_mod, n) for n in names])
    dbfile.connect, dbfile.is_plaintext = plain_connect, lambda p: False
    keys.wrap = lambda k, secret, ctx: secret
    keys.unwrap = lambda k, blob, ctx: blob
    for n, fn in zip(names, (plain_copy, plain_read, plain_read_all, plain_read_range, lambda p: Path(p).stat().st_size)):
        setattr(store_mod, n, fn)
    try:
        yield
    finally:
        dbfile.connect, dbfile.is_plaintext, keys.wrap, keys.unwrap, functions = saved
        for n, fn in zip(names, functions):
            setattr(store_mod, n, fn)


def _time(fn) -> float:
    """CPU seconds of this process (all its threads) spent in ``fn``: on a machine shared with other
    work, wall time mostly measures the others; CPU time measures what encryption adds."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _setup(on: bool, wav: Path) -> dict:
    """A fresh home with one processed note; returns the home, the note and the time `process` took."""
    from assistant.pipeline import process_dictation
    from assistant.store import Store
    from review_ui.auth import hash_password

    home = tempfile.mkdtemp(prefix="casenote-bench-")
    os.environ["CASENOTE_HOME"] = home
    with encryption(on):
        s = Store()
        s.add_user("jsmith", "officer", hash_password(_OFFICER_PASSWORD))
        cid = s.grant_consent("jsmith", retention="keep_days:7")
        took = _time(lambda: process_dictation(wav, "jsmith", cid, "2026-03-09", store=s))
        nid = s.list_notes()[0]["id"]
        s.close()
    return {"home": home, "note": nid, "process": took}


def _screen(action, cold: bool = False):
    """One review-screen request as the handlers make it: open a Store, read the note, act, read it
    again and render the page parts (transcript, field cards, CRISSA, redaction chips)."""
    from assistant.store import Store
    from review_ui import render
    from review_ui.fields import FIELD_NAMES

    def run(nid):
        s = Store()
        s.get_note(nid)
        action(s, nid)
        note = s.get_note(nid)
        render.transcript_html(note), render.crissa_html(note), render.progress_html(note)
        [render.field_card_html(note, n) for n in FIELD_NAMES]
        s.close()
    if cold:
        from assistant.store import connections
        run.prepare = connections.forget   # before each repeat, outside the timing
    return run


_OFFICER_PASSWORD = "bench-officer-pass"


class _AudioRoute:
    """The review server's app in this process, one officer signed in: GETs of a note's audio link
    as a browser's player makes them. One app serves both homes (its store is $CASENOTE_HOME's)."""

    def __init__(self):
        from starlette.testclient import TestClient

        from review_ui.app import ServerContext
        from review_ui.boundary import COOKIE
        from review_ui.server import create_server_app

        self.ctx = ServerContext()
        self.http = TestClient(create_server_app(self.ctx, 7860), base_url="http://127.0.0.1:7860")
        r = self.http.post("/login", data={"username": "jsmith", "password": _OFFICER_PASSWORD})
        assert r.status_code == 200, r.text
        self.token, self.links = self.http.cookies.get(COOKIE), {}

    def get(self, nid: str, asked: str | None, status: int) -> None:
        if nid not in self.links:
            user = self.ctx.sessions.user(self.token)
            self.links[nid] = f"/casenote/audio/{self.ctx.audio_links.issue(nid, user, self.token)}"
        r = self.http.get(self.links[nid], headers={"Range": asked} if asked else {})
        assert r.status_code == status and len(r.content) > 1000, (r.status_code, r.text[:200])


def _player(asked: str | None, status: int):
    route: list[_AudioRoute] = []

    def run(nid):
        route[0].get(nid, asked, status)
    run.prepare = lambda: route or route.append(_AudioRoute())   # start-up and sign-in, not timed
    return run


def _actions() -> dict:
    def add(s, nid):
        note = s.get_note(nid)
        w = re.search(r"housing|[a-z]{7,}", note["transcript"])
        if w:
            s.set_redactions(nid, note["entities"] + [{"type": "PERSON", "r_start": w.start(), "r_end": w.end()}],
                             "jsmith")

    return {
        "open note": _screen(lambda s, nid: None),
        "open note, new connection": _screen(lambda s, nid: None, cold=True),
        "accept field": _screen(lambda s, nid: s.review_field(nid, "contact_type", "accept", None, "jsmith")),
        "edit field": _screen(lambda s, nid: s.review_field(nid, "actions", "edit", ["Bring the letter"], "jsmith")),
        "play audio": _player("bytes=0-", 206),                 # what a media player asks first
        "play audio, seek": _player("bytes=600000-", 206),
        "play audio, whole file": _player(None, 200),
        "redaction add": _screen(add),
        "correction": _screen(lambda s, nid: s.correct_transcript(nid, s.get_note(nid)["transcript"] + " Noted.",
                                                                  "jsmith")),
    }


def _measure(homes: dict, repeats: int) -> dict:
    """Each action in turn, alternating encrypted and plain on every repeat."""
    out = {True: {}, False: {}}
    for name, run in _actions().items():
        for _ in range(repeats):
            for on in (True, False):
                os.environ["CASENOTE_HOME"] = homes[on]["home"]
                with encryption(on):
                    getattr(run, "prepare", lambda: None)()
                    out[on].setdefault(name, []).append(_time(lambda: run(homes[on]["note"])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--actions", type=int, default=20)
    ap.add_argument("--voice", default="piper")
    args = ap.parse_args()
    os.environ.setdefault("CASENOTE_PASSPHRASE", "benchmark passphrase, not a secret")
    wav = cached_synthesis(DICTATION, args.voice, ROOT / ".cache" / "test-speech")
    from assistant.store import connections, keys
    from assistant.transcribe import transcribe

    transcribe(str(wav))   # load the model and warm spaCy outside the timings
    load0 = os.getloadavg()
    results = {True: {"process": []}, False: {"process": []}}
    homes = {}
    for _ in range(args.runs):
        for on in (True, False):
            h = _setup(on, wav)
            results[on]["process"].append(h["process"])
            if on not in homes:
                homes[on] = h
            else:
                connections.forget(Path(h["home"]) / "casenote.db")
                shutil.rmtree(h["home"], ignore_errors=True)
    for on, timings in _measure(homes, args.actions).items():
        results[on].update(timings)
    connections.forget()
    for h in homes.values():
        shutil.rmtree(h["home"], ignore_errors=True)
    load1 = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        keys._cache.clear()
        t0 = time.perf_counter()
        keys.unlock(Path(d) / "x.db")
        unlock = time.perf_counter() - t0
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f}; runs {args.runs}, actions {args.actions}")
    print("CPU time of this process, median (and minimum) over the repeats; overhead of the medians, and the\n"
          "median of each repeat's own difference (encrypted minus the plain run right after it) over the plain median")
    print(f"{'action':<26} {'plain ms':>18} {'encrypted ms':>18} {'overhead':>9} {'paired':>8}")
    for k in results[True]:
        off, on = (statistics.median(results[x][k]) * 1000 for x in (False, True))
        lo_off, lo_on = (min(results[x][k]) * 1000 for x in (False, True))
        paired = statistics.median(a - b for a, b in zip(results[True][k], results[False][k])) * 1000
        print(f"{k:<26} {off:>9.2f} ({lo_off:>6.2f}) {on:>9.2f} ({lo_on:>6.2f}) {100 * (on - off) / off:>8.1f}% "
              f"{100 * paired / off:>7.1f}%")
    print(f"Argon2id unlock, once per process: {unlock * 1000:.0f} ms")


if __name__ == "__main__":
    main()
