"""Store guards the review screen relies on: a reviewer cannot undo a redaction, and an officer's
typed transcript correction is redacted before it is stored."""
from __future__ import annotations

import pytest

from assistant.store import PermissionDenied, Store
from tests.test_store import _make_note


def test_reviewer_can_add_but_not_undo_a_redaction():
    s = Store()
    _, _, note_id, _, _ = _make_note(s)
    s.add_user("jsmith", "officer", "h1"), s.add_user("senior", "reviewer", "h2")
    s.assign_reviewer("senior", "jsmith")
    note = s.get_note(note_id)
    ents = note["entities"]
    with pytest.raises(PermissionDenied, match="undo"):
        s.set_redactions(note_id, ents[:1], "senior")
    assert s.get_note(note_id)["transcript"] == note["transcript"]       # unchanged
    shelter = note["transcript"].index("Shelter")
    s.set_redactions(note_id, ents + [{"type": "PERSON", "r_start": shelter, "r_end": shelter + 7}], "senior")
    assert "Shelter" not in s.get_note(note_id)["transcript"]
    s.set_redactions(note_id, ents, "jsmith")                             # the officer may undo
    assert "Shelter" in s.get_note(note_id)["transcript"]


@pytest.mark.spacy
def test_typed_correction_is_redacted_with_the_notes_own_placeholders():
    s = Store()
    _, _, note_id, _, _ = _make_note(s)
    typed = ("Saw John Smith at the office today. John's new number is 07700 900462 "
             "and his sister Priya Sharma was there. He will see Shelter on Friday.")
    s.correct_transcript(note_id, typed, "jsmith")
    stored = s.get_note(note_id)["transcript"]
    for value in ("John", "07700 900462", "Priya", "Sharma"):
        assert value not in stored, stored
    assert stored.startswith("Saw [PERSON_1] at the office today. [PERSON_1]'s new number is [PHONE_")
    assert "Shelter on Friday" in stored
    originals = s.get_originals(note_id, "jsmith")
    assert originals["[PERSON_1]"] == "John Smith"
    assert "Priya Sharma" in originals.values() and "[PHONE_1]" in originals
    assert originals["[PHONE_1]"] == "07700 900461"                       # the old number keeps its placeholder
