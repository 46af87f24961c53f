"""A real ``casenote process`` subprocess is SIGKILLed at several points (while copying the audio,
during transcription, between stages, inside the final database transaction); each time the audio
is kept, and ``resume`` or a re-run finishes exactly one complete note.

The kill is the process's own ``CASENOTE_TEST_KILL_AT`` fault-injection hook
(``assistant.store.faults``), so the point of death is exact rather than a race with a timer here.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from assistant import paths
from assistant.store import Store

DICTATION = ("Post session note. I saw John Smith at the office today and he attended on time. "
             "His phone number is 07700 900461. We talked about his housing and his debts, and I referred "
             "him to Shelter. His next appointment is on Friday at ten in the morning.")


def _casenote(*args, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASENOTE_HOME": str(paths.casenote_home())}
    env.pop("CASENOTE_TEST_KILL_AT", None)
    if kill_at:
        env["CASENOTE_TEST_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=900)


def _state():
    s = Store()
    recs = s._all("SELECT id, stage FROM recordings")
    return recs, s.list_notes(), sorted(p.name for p in paths.audio_dir().iterdir())


@pytest.mark.slow
@pytest.mark.spacy
def test_kill_at_every_stage_then_resume_gives_exactly_one_note(speak):
    wav = speak(DICTATION)
    cid = Store().grant_consent("jsmith")
    process = ("process", wav, "--officer", "jsmith", "--consent", cid, "--date", "2026-03-09", "--json")
    killed = -signal.SIGKILL

    # 1. Killed after copying the audio but before the copy was put in place.
    assert _casenote(*process, kill_at="import_before_rename").returncode == killed
    recs, notes, files = _state()
    assert [r["stage"] for r in recs] == ["importing"] and notes == [] and files[0].endswith(".part")
    r = _casenote("resume", "--json")           # cannot finish without the original: says how
    assert r.returncode == 1 and "again with the same file" in json.loads(r.stdout)["problems"][0]

    # 2. Re-run, killed in the middle of transcription: the speaker check is kept, nothing else.
    assert _casenote(*process, kill_at="transcribe:0.5").returncode == killed
    recs, notes, files = _state()
    assert [r["stage"] for r in recs] == ["speaker_checked"] and notes == [] and len(files) == 1
    assert not files[0].endswith(".part")

    # 3. Re-run, killed between stages (after redaction).
    assert _casenote(*process, kill_at="after_redact").returncode == killed
    assert [r["stage"] for r in _state()[0]] == ["redacted"]

    # 4. resume, killed inside the note's database transaction: SQLite rolls it back.
    assert _casenote("resume", kill_at="db_write").returncode == killed
    recs, notes, _ = _state()
    assert [r["stage"] for r in recs] == ["extracted"] and notes == []
    assert Store().counts()["fields"] == 0

    # 5. resume completes it; running process again finds the same note instead of making another.
    r = _casenote("resume", "--json")
    assert r.returncode == 0, r.stderr
    [done] = json.loads(r.stdout)["completed"]
    r = _casenote(*process)
    assert r.returncode == 0, r.stderr
    again = json.loads(r.stdout)
    assert again["note_id"] == done["note_id"] and again["resumed"]

    recs, notes, files = _state()
    assert len(recs) == 1 and recs[0]["stage"] == "done" and [n["id"] for n in notes] == [done["note_id"]]
    assert len(files) == 1 and files[0] == Store().recording_audio_path(recs[0]["id"]).name
    note = Store().get_note(done["note_id"])
    assert note["status"] == "pending_review" and len(note["fields"]) == 8
    assert "office" in note["transcript"].lower() and note["words"]
    assert Store().counts()["stage_results"] == 0         # intermediate results go once the note is whole
    creates = [a for a in Store().audit() if a["action"] == "note.create"]
    assert len(creates) == 1
