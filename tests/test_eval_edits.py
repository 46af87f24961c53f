"""``casenote eval edits`` from real use: synthesised dictations go through the real pipeline into a
real store, an officer corrects one transcript and edits two fields, and the command reports the
WER between Whisper's and the approved transcript and per-field edit rates, with no personal data."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from eval.edits import placeholders_as_words
from eval.wer import normalise

DICTATION = ("Office appointment today with Marcus Okafor. Marcus attended on time. His phone number is "
             "oh seven seven zero zero, nine double zero, four six one. He will contact Shelter about housing.")
PERSONAL = ["marcus", "okafor", "07700", "900461", "0770"]
ADDED = " Next appointment is Monday."


def test_placeholders_become_single_words():
    assert placeholders_as_words("[PERSON_1] rang [CASE_REF_12].") == " phpersonb  rang  phcaserefm ."
    assert normalise(placeholders_as_words("Saw [PERSON_1] and [PERSON_2]")) == "saw phpersonb and phpersonc"


def test_empty_store_reports_no_rates():
    res = CliRunner().invoke(cli, ["eval", "edits", "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert rep["notes"] == 0 and rep["transcripts"]["wer"] is None and rep["fields"] == {}


@pytest.mark.slow
@pytest.mark.spacy
def test_eval_edits_measures_corrections_without_personal_data(speak):
    from assistant.pipeline import process_dictation
    from assistant.store import Store

    audio = speak(DICTATION, "piper")
    store = Store()
    officer = "officer1"
    notes = []
    for _ in range(2):   # two consents: two notes from the same recording
        cid = store.grant_consent(officer)
        notes.append(process_dictation(audio, officer, cid, "2026-03-09", store=store).note_id)
    corrected_id, plain_id = notes
    whisper = store.get_note(corrected_id)["transcript"]
    store.correct_transcript(corrected_id, whisper + ADDED, officer)
    edited = {"contact_type": "telephone", "actions": ["Officer to ring Shelter"]}
    for note_id in notes:
        for name, f in store.get_note(note_id)["fields"].items():
            if note_id == corrected_id and name in edited and f["value"] != edited[name]:
                store.review_field(note_id, name, "edit", edited[name], officer)
            else:
                store.review_field(note_id, name, "accept", f["value"], officer)
        store.save_note(note_id, officer)
    store.close()

    res = CliRunner().invoke(cli, ["eval", "edits", "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    tr = rep["transcripts"]
    words = [len(normalise(placeholders_as_words(t)).split()) for t in (whisper + ADDED, whisper)]
    assert (rep["approved"], tr["notes"], tr["corrected"]) == (2, 2, 1)
    assert tr["words"] == sum(words) and tr["errors"] == 4          # the four words Whisper "missed"
    assert tr["wer"] == round(4 / sum(words), 6)
    assert rep["fields"]["contact_type"] == {"reviewed": 2, "accepted": 1, "edited": 1, "edit_rate": 0.5}
    assert rep["fields"]["actions"]["edited"] == 1 and rep["fields"]["referrals"]["edited"] == 0
    assert len(rep["fields"]) == 8
    text = CliRunner().invoke(cli, ["eval", "edits"]).output
    for out in (res.output.lower(), text.lower()):
        assert not [p for p in PERSONAL if p in out], out     # counts and rates only, never note text
    assert "contact_type" in text and "edited 1/2" in text
