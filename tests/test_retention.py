"""`casenote retention run`: audio goes when its note is approved or its keep_days run out, each
deletion is logged, a dry run deletes nothing, and the note itself stays."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from assistant.cli import cli
from assistant.store import Store
from tests.test_store import _make_note, _review_all   # same real-SQLite note builder as the store tests


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_retention_run_deletes_due_audio_and_logs_it():
    s = Store()
    _, rec_week, note_week, _, _ = _make_note(s, retention="keep_days:7", sha="1" * 64)
    _, rec_keep, _, _, _ = _make_note(s, retention="keep_days:30", sha="2" * 64)
    in_ten_days = (dt.date.today() + dt.timedelta(days=10)).isoformat()

    assert json.loads(run("retention", "run", "--json").stdout) == {"deleted": []}
    r = run("retention", "run", "--as-of", in_ten_days, "--dry-run", "--json")
    assert json.loads(r.stdout) == {"due": [{"recording_id": rec_week["id"], "reason": "kept 7 days"}]}
    assert s.recording_audio_path(rec_week["id"]).exists()          # a dry run deletes nothing

    r = run("retention", "run", "--as-of", in_ten_days)
    assert r.exit_code == 0 and f"audio of recording {rec_week['id']} (kept 7 days)" in r.stdout
    assert not s.recording_audio_path(rec_week["id"]).exists() and s.recording_audio_path(rec_keep["id"]).exists()
    note = s.get_note(note_week)
    assert not note["audio_available"] and note["transcript"]          # the note outlives its audio
    [log] = [a for a in s.audit() if a["action"] == "audio.delete"]
    assert log["detail"] == {"recording_id": rec_week["id"], "reason": "kept 7 days", "files": 1}
    assert json.loads(run("retention", "run", "--as-of", in_ten_days, "--json").stdout) == {"deleted": []}


def test_approval_deletes_audio_and_retention_run_catches_any_left():
    s = Store()
    _, rec, note_id, _, _ = _make_note(s)
    _review_all(s, note_id, "jsmith")
    # Approve without the store's own deletion step, as if the process died right after approving.
    with s._tx():
        s.conn.execute("UPDATE notes SET status='approved' WHERE id=?", (note_id,))
    assert s.recording_audio_path(rec["id"]).exists()
    r = run("retention", "run", "--json")
    assert json.loads(r.stdout) == {"deleted": [{"recording_id": rec["id"], "reason": "approved"}]}
    assert not s.get_note(note_id)["audio_available"]


def test_bad_as_of_dates_are_refused():
    for bad in ("yesterday", "2020-01-01", "2026-13-01"):
        r = CliRunner().invoke(cli, ["retention", "run", "--as-of", bad])
        assert r.exit_code == 2 and "--as-of" in r.stderr
