"""The security tests' server: a real `casenote serve` subprocess on a free loopback port with a
real store (users of every role, notes with a real WAV file), shared by the module's tests."""
from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.review_server import running_server, seed_home
from tests.test_review_ui import hostile_transcript, make_note

PASSWORDS = {"jsmith": "officer-pass-1", "kwong": "officer-pass-2", "pbrown": "officer-pass-3",
             "akhan": "reviewer-pass-1", "eval1": "evaluator-pass"}
ROLES = {"jsmith": "officer", "kwong": "officer", "pbrown": "officer", "akhan": "reviewer", "eval1": "evaluator"}
TEXT = "Daniel attended the office today on time. We talked about his tenancy and his drinking."


class Server:
    def __init__(self, url, home, notes, ready_s):
        self.url, self.home, self.notes, self.ready_s = url, home, notes, ready_s

    def store(self):
        from assistant.store import Store
        return Store(self.home / "casenote.db")

    def files(self, sub: str) -> list[str]:
        """Files under the server's ``sub`` folder; "uploads" is wherever the server keeps them (in
        memory where the system has /dev/shm: ``assistant.paths.upload_dir``)."""
        from assistant.paths import upload_dir

        root = upload_dir(self.home) if sub == "uploads" else self.home / sub
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def audio_file(server, nid: str) -> Path:
    """The note's audio file in the server's home (the test process has its own $CASENOTE_HOME)."""
    store = server.store()
    # The store keeps it encrypted (``<audio_file>.enc``); this is the file an attacker would name.
    name = Path(store.recording_audio_path(store._note_row(nid)["recording_id"])).name
    return server.home / "audio" / name


def write_wav(path: Path, seconds: float = 1.0) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return path


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("security-home")
    wav = write_wav(tmp_path_factory.mktemp("wav") / "dictation.wav")
    notes = seed_home(home, PASSWORDS, ROLES, lambda store: {
        who: make_note(store, who, hostile_transcript(TEXT), wav) for who in ("jsmith", "pbrown")})
    with running_server(home) as (url, ready_s):
        yield Server(url, home, notes, ready_s)
