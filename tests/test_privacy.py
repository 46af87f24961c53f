"""Private by construction (issue 12), on the real store, the real redaction and the real extraction
(Whisper is left to tests/test_privacy_speech.py): typed text goes through the one choke point,
the two review repros, exports from the reviewed state, and a hypothesis property test of random
corrections, redaction adds and undos against the one renderer."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import cli
from assistant.store import InvalidValue, PermissionDenied, Store
from redaction.placeholders import PLACEHOLDER_RE, render_dicts

# Typed text and notes go through redaction: the tests here run the spaCy English model.
pytestmark = pytest.mark.spacy

DICTATION = ("Office visit with Daniel Price today. He was asked to bring his tendency letter next time. "
             "His phone is 07700 900461. We talked about his drinking and he agreed to see Forward Leeds. "
             "Next appointment is Tuesday at 10am.")
TYPED = "Call Daniel Price on 07700 900461 about 14 Elm Grove, Leeds LS6 2AB"


def _transcript(text: str) -> dict:
    words, t = [], 0.0
    for m in re.finditer(r"\S+", text):
        words.append({"word": m.group(), "start": round(t, 2), "end": round(t + 0.3, 2), "probability": 0.9,
                      "char_start": m.start(), "char_end": m.end()})
        t += 0.4
    return {"text": text, "language": "en", "duration_s": t, "model": "tiny.en", "options": {},
            "timing": {"load_s": 0.0, "transcribe_s": 0.0},
            "segments": [{"id": 0, "start": 0.0, "end": t, "text": text, "words": words, "avg_logprob": -0.2,
                          "no_speech_prob": 0.01, "compression_ratio": 1.2, "char_start": 0, "char_end": len(text)}]}


def make_note(store: Store, text: str = DICTATION, officer: str = "jsmith") -> str:
    """A note written as the pipeline writes it, from a text in place of Whisper: real redaction,
    real extraction, the pipeline's own payload and the store's atomic write."""
    from assistant.extraction import extract
    from assistant.pipeline import _note_payload
    from assistant.transcribe import Transcript
    from redaction import redact

    cid = store.grant_consent(officer)
    rec = store.add_recording(cid, officer, hashlib.sha256(text.encode()).hexdigest(), ".wav", 20.0, "2026-03-09")
    tr = _transcript(text)
    red = redact(text).to_dict()
    ext = extract(red["text"], dt.date(2026, 3, 9)).to_dict()
    note = _note_payload(rec, Transcript.from_dict(tr), tr, red, ext, {"enrolled": False, "messages": []}, {})
    return store.complete_note(rec["id"], note)


def _spans_ok(note: dict) -> None:
    """Every offset the note gives points at what it says."""
    text = note["transcript"]
    for e in note["entities"]:
        assert text[e["r_start"]:e["r_end"]] == e["placeholder"]
    for f in note["fields"].values():
        for ev in f["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    for sentences in note["crissa"].values():
        for s in sentences:
            assert text[s["start"]:s["end"]] == s["text"]
    whisper = note["whisper_transcript"]
    assert all(whisper[w["char_start"]:w["char_end"]] == w["word"] for w in note["words"])


def _add(store: Store, note_id: str, phrase: str, kind: str, user: str = "jsmith") -> None:
    """What the review screen's "Redact missed text" does: every occurrence in the text shown."""
    note = store.get_note(note_id)
    body = note["transcript"]
    starts = [m.start() for m in re.finditer(re.escape(phrase), body)]
    assert starts, phrase
    store.set_redactions(note_id, note["entities"] + [{"type": kind, "r_start": i, "r_end": i + len(phrase)}
                                                       for i in starts], user)


def test_repro_redact_missed_text_after_a_correction_that_adds_a_sentence_at_the_start():
    s = Store()
    nid = make_note(s)
    shown = s.get_note(nid)["transcript"]
    s.correct_transcript(nid, "[PERSON_1] arrived on time and was sober. " + shown, "jsmith")
    _add(s, nid, "his tendency letter", "PERSON")
    note = s.get_note(nid)
    text = note["transcript"]
    assert text.startswith("[PERSON_1] arrived on time and was sober. Office visit with [PERSON_1] today.")
    assert "bring [PERSON_2] next time" in text and "tendency" not in text
    assert "Next appointment is Tuesday at 10am." in text and "appoin[" not in text
    _spans_ok(note)
    assert not any("tendency" in json.dumps(v) for v in (note["crissa"], note["fields"], note["words"]))
    assert "tendency" not in note["whisper_transcript"]          # Whisper's own text gets the redaction too
    assert s.get_originals(nid, "jsmith")["[PERSON_2]"] == "his tendency letter"
    crissa_text = " ".join(x["text"] for v in note["crissa"].values() for x in v)
    assert "[PERSON_1] arrived on time and was sober." in crissa_text   # the corrected sentence is laid out


def test_repro_a_phrase_across_a_placeholder_merges_instead_of_failing():
    s = Store()
    nid = make_note(s)
    s.correct_transcript(nid, "Seen at home first. " + s.get_note(nid)["transcript"], "jsmith")
    _add(s, nid, "visit with [PERSON_1] today", "PERSON")
    note = s.get_note(nid)
    assert "Office [PERSON_2]." in note["transcript"]
    _spans_ok(note)
    assert s.get_originals(nid, "jsmith")["[PERSON_2]"] == "visit with Daniel Price today"


def test_typed_personal_data_in_an_edit_becomes_the_notes_placeholders_and_the_officer_can_undo_it():
    s = Store()
    nid = make_note(s)
    s.review_field(nid, "actions", "edit", [TYPED], "jsmith")
    note = s.get_note(nid)
    [value] = note["fields"]["actions"]["review"]["value"]
    assert value.startswith("Call [PERSON_1] on [PHONE_1] about [ADDRESS_1]")   # the note's own placeholders
    shown = json.dumps(note)
    for secret in ("Daniel", "900461", "Elm Grove", "LS6 2AB"):
        assert secret not in shown
    r = CliRunner().invoke(cli, ["notes", "show", nid, "--json"])
    assert r.exit_code == 0 and "Elm Grove" not in r.stdout and "900461" not in r.stdout
    originals = s.get_originals(nid, "jsmith")
    assert originals["[ADDRESS_1]"] == "14 Elm Grove" and originals["[PERSON_1]"] == "Daniel Price"
    with pytest.raises(PermissionDenied):
        s.undo_redaction(nid, "[ADDRESS_1]", "reviewer1")
    s.undo_redaction(nid, "[ADDRESS_1]", "jsmith")                  # the officer: not personal data after all
    [value] = s.get_note(nid)["fields"]["actions"]["review"]["value"]
    assert "about 14 Elm Grove" in value and "[PERSON_1]" in value
    s.review_field(nid, "actions", "edit", ["Write to 14 Elm Grove"], "jsmith")
    assert s.get_note(nid)["fields"]["actions"]["review"]["value"] == ["Write to 14 Elm Grove"]   # stays released
    with pytest.raises(InvalidValue):
        s.review_field(nid, "actions", "edit", ["See [PERSON_9]"], "jsmith")   # not a placeholder of this note


def test_exports_come_from_the_reviewed_state_redacted_unless_the_officer_asks():
    s = Store()
    s.add_user("jsmith", "officer", "h1"), s.add_user("senior1", "reviewer", "h2")
    s.assign_reviewer("senior1", "jsmith")
    nid = make_note(s)
    s.correct_transcript(nid, s.get_note(nid)["transcript"].replace(
        "his tendency letter", "his tenancy letter") + " [PERSON_1] left at noon.", "jsmith")
    s.review_field(nid, "actions", "edit", [TYPED], "jsmith")
    for name in s.get_note(nid)["fields"]:
        if name != "actions":       # only the note's own officer's reviews open the gate
            s.review_field(nid, name, "accept", None, "jsmith")
    s.save_note(nid, "jsmith")
    crissa = s.export_note(nid, "crissa", "senior1")
    assert "tenancy letter" in crissa and "tendency" not in crissa and "[PERSON_1] left at noon." in crissa
    as_json, as_csv = json.loads(s.export_note(nid, "json", "senior1")), s.export_note(nid, "csv", "senior1")
    assert as_json["fields"]["actions"][0].startswith("Call [PERSON_1] on [PHONE_1]")
    assert "[PHONE_1]" in as_csv and "tenancy" in as_json["transcript"]
    for out in (crissa, json.dumps(as_json), as_csv):
        for secret in ("Daniel", "900461", "Elm Grove", "LS6 2AB"):
            assert secret not in out
    with pytest.raises(PermissionDenied):
        s.export_note(nid, "json", "senior1", full=True)
    full = json.loads(s.export_note(nid, "json", "jsmith", full=True))
    assert "Daniel Price left at noon." in full["transcript"]
    assert full["fields"]["actions"] == [TYPED]
    assert any("Daniel Price left at noon." in x for v in full["crissa"].values() for x in v)
    exports = [a["detail"] for a in s.audit(nid) if a["action"] == "note.export"]
    assert exports[-1] == {"fmt": "json", "full": True} and not any(
        "Daniel" in json.dumps(a) for a in s.audit(nid))


def test_a_reviewer_may_add_but_never_undo_and_typed_text_never_renumbers():
    s = Store()
    s.add_user("jsmith", "officer", "h1"), s.add_user("senior1", "reviewer", "h2")
    s.assign_reviewer("senior1", "jsmith")
    nid = make_note(s)
    before = s.get_note(nid)["entities"]
    _add(s, nid, "Forward Leeds", "PERSON", user="senior1")
    with pytest.raises(PermissionDenied):
        s.set_redactions(nid, [], "senior1")
    after = s.get_note(nid)
    assert {e["placeholder"] for e in before} < {e["placeholder"] for e in after["entities"]}
    s.correct_transcript(nid, after["transcript"] + " Daniel Price rang later from 07700900461.", "senior1")
    text = s.get_note(nid)["transcript"]
    assert text.endswith("[PERSON_1] rang later from [PHONE_1].")


def test_process_refuses_a_bad_date_of_birth_before_anything_is_written(tmp_path):
    before = Store().counts()
    r = CliRunner().invoke(cli, ["process", str(tmp_path / "none.wav"), "--officer", "jsmith", "--consent", "x",
                                 "--name", "Daniel Price", "--dob", "not a date"])
    assert r.exit_code == 2 and "--dob" in r.stderr
    assert Store().counts() == before


# -- the property test: random corrections, additions and undos against the one renderer -----------
SENTENCES = ["He said his sister Jane Doe would help.", "Call back on 07700 900123.", "He seemed well.",
             "Mr Okafor from the council was there.", "Nothing else to add."]


def _invariants(s: Store, nid: str) -> None:
    note = s.get_note(nid)
    n = s._note_row(nid)
    key = s._key(n["recording_id"])
    doc = s._current_doc(n, key)
    rendered, _ = render_dicts(doc.source, doc.entities)
    assert rendered == note["transcript"]                    # the text is the one renderer's output
    originals = s.get_originals(nid, "jsmith")
    for e in doc.entities:                                    # each placeholder maps to its original span
        value = doc.source[e["start"]:e["end"]]
        assert note["transcript"][e["r_start"]:e["r_end"]] == e["placeholder"]
        assert e["placeholder"] in originals and value
    assert set(PLACEHOLDER_RE.findall(note["transcript"])) <= {tuple(PLACEHOLDER_RE.fullmatch(p).groups())
                                                             for p in originals}
    _spans_ok(note)


@st.composite
def operations(draw):
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["correct", "add", "undo"]))
        ops.append((kind, draw(st.integers(0, 1000)), draw(st.sampled_from(["PERSON", "ADDRESS", "CASE_REF"]))))
    return ops


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations())
def test_random_corrections_adds_and_undos_keep_every_placeholder_on_its_original(ops):
    s = Store()
    nid = make_note(s)
    for kind, pick, typ in ops:
        note = s.get_note(nid)
        text = note["transcript"]
        if kind == "correct":
            cut = [m.end() for m in re.finditer(r"\. ", text)] or [len(text)]
            at = cut[pick % len(cut)]
            s.correct_transcript(nid, text[:at] + SENTENCES[pick % len(SENTENCES)] + " " + text[at:], "jsmith")
        elif kind == "add":
            words = [m for m in re.finditer(r"[a-z]{3,}(?: [a-z]{3,})?", text)]
            if words:
                _add(s, nid, words[pick % len(words)].group(), typ)
        elif note["entities"]:
            ph = note["entities"][pick % len(note["entities"])]["placeholder"]
            s.undo_redaction(nid, ph, "jsmith")
        _invariants(s, nid)
    s.close()
