"""The store on a real SQLite file: migrations, consent, the review gate, redaction changes, export,
erasure on revocation (byte scan of every file), retention, atomic writes and thread use.

Notes here are written through ``Store.complete_note`` from a transcript built in the test (the
pipeline's own tests run Whisper); that keeps these tests fast while exercising the real database.
"""
from __future__ import annotations

import json
import threading
import wave
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from assistant import paths
from assistant.store import (ConsentRequired, DatabaseError, InvalidValue, NotFound, PermissionDenied, Store,
                             StoreError, UnreviewedFields)
from redaction import placeholders

TEXT = "Saw John Smith at the office today. His phone is 07700 900461. He will see Shelter on Friday."
PERSONAL = ["John Smith", "07700 900461"]
FIELD_NAMES = ["contact_date", "contact_type", "attendance", "needs_discussed", "risk_flags", "referrals",
               "actions", "next_appointment"]


def _transcript(text: str) -> dict:
    words, t, pos = [], 0.0, 0
    for w in text.split(" "):
        words.append({"word": w, "start": round(t, 2), "end": round(t + 0.3, 2), "probability": 0.9,
                      "char_start": pos, "char_end": pos + len(w)})
        pos += len(w) + 1
        t += 0.4
    return {"text": text, "language": "en", "duration_s": t, "model": "tiny.en", "options": {},
            "timing": {"load_s": 0.0, "transcribe_s": 0.0},
            "segments": [{"id": 0, "start": 0.0, "end": t, "text": text, "words": words, "avg_logprob": -0.2,
                          "no_speech_prob": 0.01, "compression_ratio": 1.2, "char_start": 0, "char_end": len(text)}]}


def _entities(text: str) -> list[dict]:
    return [{"type": t, "start": text.index(v), "end": text.index(v) + len(v)}
            for t, v in (("PERSON", "John Smith"), ("PERSON", "Mary Jones"), ("PHONE", "07700 900461"))
            if v in text]


def _write_audio(store: Store, rec: dict, seconds: float = 1.0, tmp=None) -> bytes:
    """A real WAV imported (encrypted) into the audio folder, as the pipeline's import step leaves it."""
    import hashlib
    import tempfile

    rng = np.random.default_rng(int(rec["sha256"][:8], 16))
    pcm = (rng.standard_normal(int(16000 * seconds)) * 3000).astype("<i2").tobytes()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "dictation.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000), w.writeframes(pcm)
        store.import_audio(rec["id"], path, hashlib.sha256(path.read_bytes()).hexdigest())
    return pcm


def _make_note(store: Store, officer="jsmith", retention="delete_on_approval", text=TEXT, sha="a" * 64):
    cid = store.grant_consent(officer, retention=retention)
    rec = store.add_recording(cid, officer, sha, ".wav", 8.0, "2026-03-09")
    pcm = _write_audio(store, rec)
    store.set_stage(rec["id"], "imported")
    redacted, ents = placeholders.render_dicts(text, _entities(text))
    tr = _transcript(text)
    words = placeholders.redacted_words(tr["segments"][0]["words"], ents, redacted)
    shelter = redacted.index("Shelter")
    fields = {n: {"value": None, "evidence": [], "reason": "not said"} for n in FIELD_NAMES}
    fields["referrals"] = {"value": ["Shelter"], "reason": None,
                           "evidence": [{"start": shelter, "end": shelter + 7, "text": "Shelter"}]}
    if "office" in redacted:
        fields["contact_type"] = {"value": "office", "reason": None,
                                  "evidence": [{"start": redacted.index("office"),
                                                "end": redacted.index("office") + 6, "text": "office"}]}
    first = redacted.index(".") + 1
    note = {"contact_date": "2026-03-09", "transcript": tr, "redacted_text": redacted, "words": words,
            "entities": ents, "originals": {e["placeholder"]: text[e["start"]:e["end"]] for e in ents},
            "fields": fields, "crissa": {"check_in": [{"start": 0, "end": first, "text": redacted[:first]}]},
            "speaker_check": {"enrolled": False, "messages": ["no voiceprint"]}, "timing": {"total_s": 1.0}}
    return cid, rec, store.complete_note(rec["id"], note), pcm, note


def _review_all(store, note_id, user):
    for name in FIELD_NAMES:
        store.review_field(note_id, name, "accept", None, user)


def _scan_home(needles: list[bytes]) -> list[str]:
    """Every file under $CASENOTE_HOME, read byte-wise, that holds any needle."""
    hits = []
    for f in paths.casenote_home().rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            hits += [f"{f.name}: {n[:20]!r}" for n in needles if n in data]
    return hits


def test_migrations_are_numbered_recorded_and_applied_once(tmp_path):
    s = Store(tmp_path / "x.db")
    rows = s._all("SELECT version, name FROM schema_migrations")
    assert [r["version"] for r in rows] == list(range(1, len(rows) + 1))
    s.close()
    s2 = Store(tmp_path / "x.db")
    assert s2._all("SELECT version FROM schema_migrations") == [{"version": r["version"]} for r in rows]
    assert s2.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s2.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s2.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_audit_log_is_append_only():
    s = Store()
    s.grant_consent("jsmith")
    with pytest.raises(DatabaseError, match="append-only"):
        s.conn.execute("UPDATE audit_log SET actor='x'")
    with pytest.raises(DatabaseError, match="append-only"):
        s.conn.execute("DELETE FROM audit_log")
    assert [a["action"] for a in s.audit()] == ["consent.grant"]


def test_users_reviewers_and_voiceprints():
    s = Store()
    s.add_user("jsmith", "officer", "hash1")
    s.add_user("rlee", "reviewer", "hash2")
    assert s.get_user("jsmith")["role"] == "officer" and s.get_user("nobody") is None
    with pytest.raises(StoreError):
        s.add_user("jsmith", "officer", "again")
    with pytest.raises(InvalidValue):
        s.add_user("eve", "admin", "h")
    s.assign_reviewer("rlee", "jsmith")
    s.assign_reviewer("rlee", "jsmith")
    assert s.officers_of("rlee") == ["jsmith"]
    v = np.random.default_rng(1).standard_normal(256).astype(np.float32)
    s.set_voiceprint("jsmith", v)
    assert np.allclose(Store().get_voiceprint("jsmith"), v) and s.get_voiceprint("rlee") is None


@pytest.mark.parametrize("bad", ["", "../etc", "a/b", "a\\b", "..", "a..b", " jsmith", "j smith", "x" * 65,
                                 "<script>alert(1)</script>", "'; DROP TABLE consents; --", "jsmith\n", "-rf"])
def test_hostile_officer_ids_are_refused_and_change_nothing(bad):
    s = Store()
    before = s.counts()
    with pytest.raises(InvalidValue, match="invalid officer id"):
        s.grant_consent(bad)
    assert s.counts() == before


def test_consent_grant_check_list_and_refusals():
    s = Store()
    cid = s.grant_consent("jsmith", retention="keep_days:30")
    assert s.active_consent(cid, "jsmith")["retention"] == "keep_days:30"
    with pytest.raises(ConsentRequired, match="another officer"):
        s.active_consent(cid, "akhan")
    with pytest.raises(ConsentRequired, match="no consent"):
        s.active_consent("nope", "jsmith")
    for bad in ("keep_days:0", "keep_days:x", "forever", "keep_days:99999"):
        with pytest.raises(InvalidValue):
            s.grant_consent("jsmith", retention=bad)
    with pytest.raises(ConsentRequired, match="attestation"):
        s.grant_consent("jsmith", attested=False)
    s.revoke_consent(cid, "jsmith")
    with pytest.raises(ConsentRequired, match="revoked"):
        s.active_consent(cid, "jsmith")
    [c] = s.list_consents("jsmith")
    assert c["id"] == cid and not c["active"]


def test_note_is_stored_once_without_personal_data_in_clear():
    s = Store()
    cid, rec, note_id, _, payload = _make_note(s)
    assert s.complete_note(rec["id"], payload) == note_id
    assert [n["id"] for n in s.list_notes()] == [note_id] == [n["id"] for n in s.list_notes(officer="jsmith")]
    assert s.list_notes(officers=[]) == []
    note = s.get_note(note_id)
    assert note["status"] == "pending_review" and note["audio_available"]
    assert "[PERSON_1]" in note["transcript"] and not any(p in json.dumps(note) for p in PERSONAL)
    assert {w["word"] for w in note["words"]} >= {"[PERSON_1]", "[PHONE_1]"}
    assert all(note["transcript"][w["char_start"]:w["char_end"]] == w["word"] for w in note["words"])
    assert s.get_originals(note_id, "jsmith") == {"[PERSON_1]": "John Smith", "[PHONE_1]": "07700 900461"}
    with pytest.raises(PermissionDenied):
        s.get_originals(note_id, "rlee")
    with pytest.raises(PermissionDenied):
        s.audio_path(note_id, "rlee")
    assert s.audio_path(note_id, "jsmith").is_file()
    # Personal values reach the database only sealed: no clear copy in any file.
    s.checkpoint()
    assert _scan_home([p.encode() for p in PERSONAL]) == []


@pytest.mark.spacy
def test_review_gate_permissions_and_export():
    s = Store()
    cid, rec, note_id, _, _ = _make_note(s)
    with pytest.raises(UnreviewedFields) as e:
        s.save_note(note_id, "jsmith")
    assert set(e.value.fields) == set(FIELD_NAMES)
    with pytest.raises(UnreviewedFields):
        s.export_note(note_id, "json", "jsmith")
    with pytest.raises(PermissionDenied):
        s.review_field(note_id, "referrals", "accept", None, "rlee")
    s.add_user("jsmith", "officer", "h1"), s.add_user("rlee", "reviewer", "h2")
    s.assign_reviewer("rlee", "jsmith")
    _review_all(s, note_id, "rlee")
    s.review_field(note_id, "actions", "edit", ["=HYPERLINK(\"x\") call [PERSON_1]"], "jsmith")
    with pytest.raises(InvalidValue):
        s.review_field(note_id, "no_such_field", "accept", None, "jsmith")
    with pytest.raises(InvalidValue):
        s.review_field(note_id, "actions", "delete", None, "jsmith")
    assert s.get_note(note_id)["fields"]["actions"]["review"]["action"] == "edit"
    with pytest.raises(PermissionDenied, match="approve"):   # only the note's own officer approves
        s.save_note(note_id, "rlee")
    with pytest.raises(UnreviewedFields):   # a reviewer's accepts wait for the officer's own
        s.save_note(note_id, "jsmith")
    _review_all(s, note_id, "jsmith")
    s.save_note(note_id, "jsmith")
    note = s.get_note(note_id)
    assert note["status"] == "approved" and not note["audio_available"]   # delete_on_approval
    with pytest.raises(NotFound, match="retention"):
        s.audio_path(note_id, "jsmith")
    with pytest.raises(StoreError, match="approved"):
        s.review_field(note_id, "actions", "accept", None, "jsmith")
    exported = json.loads(s.export_note(note_id, "json", "rlee"))
    assert exported["fields"]["referrals"] == ["Shelter"] and "John Smith" not in json.dumps(exported)
    csv_text = s.export_note(note_id, "csv", "rlee")
    assert "'=HYPERLINK" in csv_text        # formula neutralised
    assert "Check-in:" in s.export_note(note_id, "crissa", "jsmith")
    with pytest.raises(PermissionDenied):
        s.export_note(note_id, "json", "rlee", full=True)
    full = s.export_note(note_id, "crissa", "jsmith", full=True)
    assert "John Smith" in full
    with pytest.raises(InvalidValue):
        s.export_note(note_id, "pdf", "jsmith")
    actions = [a["action"] for a in s.audit(note_id)]
    assert actions.count("note.export") == 4 and "note.approve" in actions and "audio.delete" in actions
    # The audit log keeps before/after only sealed; its clear columns name no person.
    assert not any(p in json.dumps(s.audit()) for p in PERSONAL)
    stats = s.edit_statistics()
    assert stats["fields"]["actions"] == {"reviewed": 1, "accepted": 0, "edited": 1}
    assert stats["fields"]["referrals"]["accepted"] == 1


def test_set_redactions_undo_and_add_keep_evidence_on_the_same_words():
    s = Store()
    _, _, note_id, _, _ = _make_note(s)
    note = s.get_note(note_id)
    person = next(e for e in note["entities"] if e["type"] == "PERSON")
    shelter = note["transcript"].index("Shelter")
    # Undo the phone (pretend it was a false hit) and add "Shelter" as a missed one, by redacted span.
    s.set_redactions(note_id, [person, {"type": "PERSON", "r_start": shelter, "r_end": shelter + 7}], "jsmith")
    new = s.get_note(note_id)
    assert "07700 900461" in new["transcript"] and "Shelter" not in new["transcript"]
    assert [e["placeholder"] for e in new["entities"]] == ["[PERSON_1]", "[PERSON_2]"]
    ct = new["fields"]["contact_type"]["evidence"][0]
    assert new["transcript"][ct["start"]:ct["end"]] == "office" == ct["text"]
    assert new["fields"]["referrals"]["evidence"][0]["text"] == "[PERSON_2]"
    assert s.get_originals(note_id, "jsmith") == {"[PERSON_1]": "John Smith", "[PERSON_2]": "Shelter"}
    assert all(new["transcript"][w["char_start"]:w["char_end"]] == w["word"] for w in new["words"])
    with pytest.raises(InvalidValue):
        s.set_redactions(note_id, [{"type": "PERSON", "start": 0, "end": 10 ** 6}], "jsmith")
    # overlapping spans (a reviewer's phrase across an existing redaction) merge into one, never fail
    s.set_redactions(note_id, [{"type": "PERSON", "start": 0, "end": 5}, {"type": "PHONE", "start": 3, "end": 8}],
                     "jsmith")
    merged = s.get_note(note_id)["entities"]
    assert [(e["start"], e["end"]) for e in merged] == [(0, 8)]


@pytest.mark.spacy
def test_correct_transcript_records_the_pair_and_refuses_empty():
    s = Store()
    _, _, note_id, _, _ = _make_note(s)
    s.correct_transcript(note_id, "Saw [PERSON_1] at the office today.", "jsmith")
    assert s.get_note(note_id)["transcript"].startswith("Saw [PERSON_1] at") and s.get_note(note_id)["corrected"]
    with pytest.raises(InvalidValue):
        s.correct_transcript(note_id, "   ", "jsmith")
    [pair] = s.edit_statistics()["transcript_pairs"]
    assert pair["corrected"] == "Saw [PERSON_1] at the office today."


@pytest.mark.spacy
def test_revocation_erases_every_byte_of_the_dictation():
    s = Store()
    cid, rec, note_id, pcm, _ = _make_note(s)
    s.correct_transcript(note_id, "Saw [PERSON_1] today about rent arrears.", "jsmith")
    s.review_field(note_id, "actions", "edit", ["ring 07700 900461 about rent arrears"], "jsmith")
    other_text = "Phoned Mary Jones at home. She will go to Shelter on Friday."
    other_cid, _, other_note, _, _ = _make_note(s, officer="akhan", sha="b" * 64, text=other_text)
    counts = s.revoke_consent(cid, "jsmith")
    assert counts["notes"] == 1 and counts["audio_files"] == 1 and counts["wal_checkpointed"]
    with pytest.raises(NotFound):
        s.get_note(note_id)
    assert s.get_note(other_note)["status"] == "pending_review"       # other consents untouched
    # Byte-wise: no personal value, no redacted-text sentence, no audio chunk anywhere in $CASENOTE_HOME.
    needles = [b"John Smith", b"rent arrears", b"Saw [PERSON_1] at the office", pcm[1000:1064], pcm[-64:]]
    s.close()
    assert _scan_home(needles) == []
    assert Store().audit()[-1]["action"] == "consent.revoke"


def test_revocation_erases_an_interrupted_recording_and_its_partial_copy():
    s = Store()
    cid = s.grant_consent("jsmith")
    rec = s.add_recording(cid, "jsmith", "e" * 64, ".wav", 5.0, "2026-03-09")
    pcm = _write_audio(s, rec)
    part = s.recording_audio_path(rec["id"]).with_suffix(".wav.part")
    part.write_bytes(s.recording_audio_path(rec["id"]).read_bytes())      # a copy a kill left behind
    s.save_stage_result(rec["id"], "transcribed", _transcript("Saw Daniel Okafor about his rent arrears"))
    assert s.unfinished_recordings()[0]["stage"] == "transcribed"
    counts = s.revoke_consent(cid, "jsmith")
    assert counts["audio_files"] == 2 and counts["stage_results"] == 1 and counts["note_keys"] == 1
    assert s.unfinished_recordings() == [] and list(paths.audio_dir().iterdir()) == []
    s.close()
    assert _scan_home([pcm[500:564], b"Daniel Okafor"]) == []


def test_revocation_during_a_long_read_says_so_and_a_second_run_finishes():
    s = Store()
    cid, _, note_id, pcm, _ = _make_note(s)
    reader = Store()
    reader.conn.execute("BEGIN")
    reader.conn.execute("SELECT COUNT(*) FROM notes").fetchone()     # e.g. the review screen mid-query
    assert s.revoke_consent(cid, "jsmith")["wal_checkpointed"] is False
    reader.conn.execute("COMMIT")
    reader.close()
    again = s.revoke_consent(cid, "jsmith")
    assert again["wal_checkpointed"] and again["notes"] == 0
    s.close()
    assert _scan_home([b"Saw [PERSON_1] at the office", pcm[2000:2064]]) == []


def test_retention_keep_days_and_approval():
    s = Store()
    _, rec_keep, _, _, _ = _make_note(s, retention="keep_days:7")
    _, rec_appr, note_appr, _, _ = _make_note(s, sha="c" * 64)
    assert s.run_retention() == []
    later = datetime.now(timezone.utc) + timedelta(days=8)
    assert s.run_retention(now=later) == [{"recording_id": rec_keep["id"], "reason": "kept 7 days"}]
    assert not s.recording_audio_path(rec_keep["id"]).exists()
    assert s.recording_audio_path(rec_appr["id"]).exists()
    assert s.run_retention(now=later) == []
    assert [a["detail"]["reason"] for a in s.audit() if a["action"] == "audio.delete"] == ["kept 7 days"]


def test_a_failed_note_write_leaves_nothing_half_written():
    s = Store()
    cid = s.grant_consent("jsmith")
    rec = s.add_recording(cid, "jsmith", "d" * 64, ".wav", 3.0, "2026-03-09")
    before = s.counts()
    redacted, ents = placeholders.render_dicts(TEXT, _entities(TEXT))
    bad = {"contact_date": "2026-03-09", "transcript": _transcript(TEXT), "redacted_text": redacted, "words": [],
           "entities": ents, "originals": {}, "crissa": {}, "speaker_check": {}, "timing": {},
           "fields": {"contact_type": {"value": "office", "evidence": []}, "actions": {"value": object()}}}
    with pytest.raises(TypeError):
        s.complete_note(rec["id"], bad)
    assert s.counts() == before and s.get_recording(rec["id"])["stage"] == "importing"


def test_stores_in_threads_write_concurrently():
    Store()  # migrate once
    errors, ids = [], []

    def work(i):
        try:
            st = Store()
            ids.append(st.grant_consent(f"officer{i}"))
            st.close()
        except Exception as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len(Store().list_consents()) == 8 == len(set(ids))
