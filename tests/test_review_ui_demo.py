"""`make demo` (python -m assistant.demo): on an empty $CASENOTE_HOME it makes the demo officer,
speaks the bundled dictation with Piper, runs the real pipeline, and prints how to sign in; a second
run reuses all of it."""
from __future__ import annotations

import re
import stat

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.spacy]


def test_demo_sets_up_once_then_reuses(casenote_home):
    from click.testing import CliRunner

    from assistant.demo import DEMO_OFFICER, main
    from assistant.store import Store
    from review_ui.auth import verify_password
    from review_ui.fields import FIELD_NAMES

    first = CliRunner().invoke(main, ["--no-serve"])
    assert first.exit_code == 0, first.output
    password = re.search(r"Password:\s+(\S+)", first.output).group(1)
    note_id = re.search(r"Demo note (\w+) is ready for review \(new", first.output).group(1)

    store = Store()
    assert verify_password(password, store.get_user(DEMO_OFFICER)["password_hash"])
    secret = casenote_home / "demo-officer-password.txt"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    note = store.get_note(note_id)
    assert note["officer"] == DEMO_OFFICER and note["status"] == "pending_review" and note["audio_available"]
    assert set(note["fields"]) == set(FIELD_NAMES)
    assert note["fields"]["contact_type"]["value"] == "office"
    assert "Okafor" not in note["transcript"] and "[PERSON_1]" in note["transcript"]

    again = CliRunner().invoke(main, ["--no-serve"])
    assert again.exit_code == 0, again.output
    assert f"Demo note {note_id} is ready for review (reused" in again.output
    assert f"Password:    {password}" in again.output
    assert len(store.list_notes(officer=DEMO_OFFICER)) == 1
