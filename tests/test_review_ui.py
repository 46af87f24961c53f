"""Review screen, server side: rendering is escaped, edits are validated, access is checked on the
server, and the store's gate refuses a save with a field unreviewed (apart from any UI).

Notes here are made on the real store from speech the project synthesises and transcribes with the
real tiny.en model; the fields are given by the test (the extractor is tested elsewhere), which lets
these tests pin down exactly what the screen must show.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from review_ui import render
from review_ui.access import AccessDenied, open_note, visible_notes
from review_ui.auth import User, hash_password
from review_ui.fields import FIELD_NAMES, EditError, parse_edit, value_to_text

# Typed text and notes go through redaction: the tests here run the spaCy English model.
pytestmark = pytest.mark.spacy

ROOT = Path(__file__).resolve().parents[1]
DEMO_TEXT = (ROOT / "review_ui" / "demo_dictation.txt").read_text().strip()
# The test's own redactions (the redaction package is tested elsewhere): the full name however
# Whisper spelt the surname, the first name, and the phone number's digits.
REDACT = (("PERSON", r"(?<=with )[A-Z]\w+ [A-Z]\w+"), ("PERSON", r"\bDaniel\b"), ("PHONE", r"\b0\d[\d .-]{7,}\d"))

# What the demo dictation says, as the extractor should find it (phrases are looked up in the transcript).
DEMO_FIELDS = {
    "contact_date": ("2026-03-09", ["today"]),
    "contact_type": ("office", ["Office appointment"]),
    "attendance": ("attended", ["attended on time"]),
    "needs_discussed": (["accommodation", "employment_education", "alcohol", "emotional_wellbeing"],
                        ["accommodation", "looking for work", "drinking", "low"]),
    "risk_flags": ([], []),
    "referrals": (["Talking Therapies"], ["talking therap"]),
    "actions": (["bring his tenancy agreement to the next appointment", "contact the Jobcentre about a work coach"],
                ["tenancy agreement", "Jobcentre"]),
    "next_appointment": ("2026-03-12T11:00", ["Next appointment"]),
}


def transcribe_cached(wav: Path) -> dict:
    """Real tiny.en transcript of ``wav``, cached by ``eval.gold.cached_transcribe`` (keyed by the audio
    and everything that decides Whisper's output, the CPU instruction set included)."""
    from eval.gold import cached_transcribe

    return cached_transcribe(wav, cache_dir=ROOT / ".cache").to_dict()


def make_note(store, officer: str, transcript: dict, audio: Path | None = None,
              redact=REDACT, fields=None, contact_date="2026-03-09") -> str:
    """Store a note through the store's own pipeline entry points (add_recording + complete_note)."""
    from assistant import paths
    from redaction import placeholders

    text = transcript["text"]
    consent = store.grant_consent(officer)
    digest = hashlib.sha256(text.encode() + (audio.read_bytes() if audio else b"")).hexdigest()
    rec = store.add_recording(consent, officer, digest, ".wav", 20.0, contact_date)
    if audio:
        store.import_audio(rec["id"], audio, hashlib.sha256(audio.read_bytes()).hexdigest())
    ents, taken = [], set()
    for kind, pattern in redact:
        for m in re.finditer(pattern, text):
            if not taken & set(range(m.start(), m.end())):
                taken |= set(range(m.start(), m.end()))
                ents.append({"type": kind, "start": m.start(), "end": m.end(), "recogniser": "test", "score": 1.0})
    redacted, ents = placeholders.render_dicts(text, ents)
    words = placeholders.redacted_words([w for s in transcript["segments"] for w in s["words"]], ents, redacted)
    out_fields = {}
    for name, (value, phrases) in (fields or DEMO_FIELDS).items():
        evidence = []
        for p in phrases:
            i = redacted.lower().find(p.lower())
            if i >= 0:
                evidence.append({"start": i, "end": i + len(p), "text": redacted[i:i + len(p)]})
        out_fields[name] = {"value": value, "evidence": evidence, "reason": None if evidence else "not said"}
    sentences = [m for m in re.finditer(r"[^.]+\.", redacted)]
    crissa = {k: [] for k in ("check_in", "review", "intervention", "summary", "set_task", "appointment")}
    for m in sentences:
        s = m.group(0).strip()
        key = ("appointment" if "appointment is" in s.lower() else "set_task" if "action" in s.lower()
               else "intervention" if "referred" in s.lower() else "check_in" if m.start() == 0 else "review")
        crissa[key].append({"start": m.start(), "end": m.end(), "text": s})
    originals = {e["placeholder"]: text[e["start"]:e["end"]] for e in ents}
    return store.complete_note(rec["id"], {
        "contact_date": contact_date, "transcript": transcript, "redacted_text": redacted, "words": words,
        "entities": ents, "originals": originals, "fields": out_fields, "crissa": crissa,
        "speaker_check": {"enrolled": False}, "timing": {}})


def hostile_transcript(text: str) -> dict:
    """A transcript dict whose words are the whitespace-separated tokens of ``text``, 0.4 s each."""
    words = [{"word": m.group(0), "start": i * 0.4, "end": i * 0.4 + 0.35, "probability": 0.3 if i % 3 else 0.9,
              "char_start": m.start(), "char_end": m.end()} for i, m in enumerate(re.finditer(r"\S+", text))]
    return {"text": text, "model": "test", "segments": [{"words": words}]}


@pytest.fixture
def store():
    from assistant.store import Store
    s = Store()
    s.add_user("jsmith", "officer", hash_password("officer-pass-1"))
    s.add_user("other", "officer", hash_password("officer-pass-2"))
    s.add_user("akhan", "reviewer", hash_password("reviewer-pass-1"))
    s.add_user("eval1", "evaluator", hash_password("evaluator-pass"))
    s.assign_reviewer("akhan", "jsmith")
    return s


@pytest.fixture(scope="module")
def demo_speech():
    """The bundled demo dictation, spoken by Piper and transcribed by the real tiny.en."""
    from eval.synth import cached_synthesis
    wav = cached_synthesis(DEMO_TEXT, "piper", ROOT / ".cache" / "test-speech")
    return wav, transcribe_cached(wav)


# ---- rendering --------------------------------------------------------------------------------------

def test_hostile_transcript_is_escaped_and_placeholders_become_chips(store):
    nid = make_note(store, "jsmith", hostile_transcript('Daniel said <script>alert(1)</script> & "<img src=x>" ok'),
                    fields={n: (None if n == "next_appointment" else [], []) for n in FIELD_NAMES})
    html = render.transcript_html(store.get_note(nid))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="cn-chip" data-type="PERSON" data-t="0.00"' in html and "[PERSON_1]</span>" in html
    assert "Daniel" not in html
    assert 'class="cn-word cn-low"' in html  # probability 0.3 < LOW_CONFIDENCE


@pytest.mark.slow
def test_field_card_shows_value_evidence_with_time_and_review_state(store, demo_speech):
    wav, transcript = demo_speech
    nid = make_note(store, "jsmith", transcript, wav)
    note = store.get_note(nid)
    card = render.field_card_html(note, "referrals")
    assert "Talking Therapies" in card and "to review" in card
    assert re.search(r'<q class="cn-evidence" data-t="\d+\.\d\d" tabindex="0" role="button"', card), card
    t = float(re.search(r'data-t="([\d.]+)"', card).group(1))
    assert 5.0 < t < transcript["segments"][-1]["end"]  # said in the middle of the dictation
    store.review_field(nid, "referrals", "edit", ["Talking Therapies", "Jobcentre"], "jsmith")
    card = render.field_card_html(store.get_note(nid), "referrals")
    assert "edited" in card and "Jobcentre" in card and "extracted:" in card


# ---- edits ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,text,value", [
    ("contact_date", " 2026-03-09 ", "2026-03-09"),
    ("contact_type", "Home visit", "home_visit"),
    ("needs_discussed", "alcohol\n\nFinance\nalcohol", ["alcohol", "finance"]),
    ("actions", "- call the GP\n• send form ", ["call the GP", "send form"]),
    ("next_appointment", "2026-03-23 14:00", "2026-03-23T14:00"),
    ("next_appointment", "", None),
    ("referrals", "<b>Shelter</b>", ["<b>Shelter</b>"]),  # kept as typed; escaped when shown
])
def test_parse_edit_accepts_what_a_person_types(name, text, value):
    assert parse_edit(name, text) == value
    assert parse_edit(name, value_to_text(name, value)) == value


@pytest.mark.parametrize("name,text,hint", [
    ("contact_date", "9th March", "YYYY-MM-DD"),
    ("contact_date", "2026-02-30", "YYYY-MM-DD"),
    ("contact_type", "carrier pigeon", "office, home_visit"),
    ("risk_flags", "weapons\nbad'; DROP TABLE notes;--", "risk flags code"),
    ("next_appointment", "next week", "YYYY-MM-DDTHH:MM"),
    ("attendance", "", "attended"),
])
def test_parse_edit_refuses_with_a_hint(name, text, hint):
    with pytest.raises(EditError, match=re.escape(hint)):
        parse_edit(name, text)


# ---- access, on the server --------------------------------------------------------------------------

def test_each_role_sees_only_what_it_may(store):
    mine = make_note(store, "jsmith", hostile_transcript("Daniel came in."))
    theirs = make_note(store, "other", hostile_transcript("Okafor came in."))
    officer, reviewer, evaluator = User("jsmith", "officer"), User("akhan", "reviewer"), User("eval1", "evaluator")
    assert [n["id"] for n in visible_notes(store, officer)] == [mine]
    assert [n["id"] for n in visible_notes(store, reviewer)] == [mine]
    assert visible_notes(store, evaluator) == []
    assert open_note(store, reviewer, mine)["id"] == mine
    for user, nid in ((officer, theirs), (reviewer, theirs), (evaluator, mine), (officer, "no-such-note"),
                      (officer, "../../etc/passwd")):
        with pytest.raises(AccessDenied):
            open_note(store, user, nid)


def test_store_gate_refuses_save_until_every_field_is_reviewed_and_audits_each_review(store):
    from assistant.store import UnreviewedFields

    nid = make_note(store, "jsmith", hostile_transcript("Daniel attended the office."))
    for i, name in enumerate(FIELD_NAMES):
        with pytest.raises(UnreviewedFields):
            store.save_note(nid, "jsmith")
        store.review_field(nid, name, "edit", parse_edit(name, value_to_text(name, DEMO_FIELDS[name][0])), "jsmith")
    store.save_note(nid, "jsmith")
    reviews = [a for a in store.audit(nid) if a["action"] == "field.review"]
    assert [r["detail"]["field"] for r in reviews] == list(FIELD_NAMES)
    assert {r["actor"] for r in reviews} == {"jsmith"} and all(r["sealed"] and r["at"] for r in reviews)
    assert store.get_note(nid)["status"] == "approved"


# ---- roles, in the store ----------------------------------------------------------------------------

def test_a_reviewers_save_is_refused_by_the_store_and_the_officer_approves_after_the_reviewers_edit(store):
    from assistant.store import PermissionDenied, UnreviewedFields

    nid = make_note(store, "jsmith", hostile_transcript("Daniel attended the office."))
    for name in FIELD_NAMES:
        store.review_field(nid, name, "accept", None, "akhan")
    store.review_field(nid, "attendance", "edit", "late", "akhan")
    store.add_comment(nid, "He was late, please check.", "akhan", field="attendance")
    with pytest.raises(PermissionDenied, match="approve"):
        store.save_note(nid, "akhan")
    note = store.get_note(nid)
    assert note["status"] == "pending_review" and note["audio_available"] is False  # (no audio in this note)
    assert all(a["action"] != "note.approve" for a in store.audit(nid))
    # The officer sees what the reviewer changed: the card says so and the field waits for them.
    card = render.field_card_html(note, "attendance")
    assert "edited by reviewer akhan" in card and "cn-state-reviewer-edited" in card and "late" in card
    assert render.progress_html(note).count('data-done="0"') == 1
    with pytest.raises(UnreviewedFields) as refused:
        store.save_note(nid, "jsmith")
    assert set(refused.value.fields) == set(FIELD_NAMES)
    for name in FIELD_NAMES:
        store.review_field(nid, name, "accept", None, "jsmith")
    store.save_note(nid, "jsmith")
    note = store.get_note(nid)
    assert note["status"] == "approved" and note["fields"]["attendance"]["review"]["value"] == "late"
    assert store._note_row(nid)["approved_by"] == "jsmith"
    assert [c["by"] for c in store.comments(nid)] == ["akhan"]


def test_comments_are_redacted_checked_and_audited(store):
    from assistant.store import InvalidValue, PermissionDenied, StoreError

    nid = make_note(store, "jsmith", hostile_transcript("Daniel attended the office."))
    store.add_comment(nid, "Daniel said <b>call 07700 900462</b>", "akhan")
    (c,) = store.comments(nid)
    assert "Daniel" not in c["text"] and "07700 900462" not in c["text"] and "[PERSON_1]" in c["text"]
    shown = render.comments_html([c])
    assert "<b>call" not in shown and "&lt;b&gt;call" in shown
    for text, user, error in (("", "akhan", InvalidValue), ("x" * 3000, "akhan", InvalidValue),
                              ("hello", "other", PermissionDenied), ("hello", "eval1", PermissionDenied)):
        with pytest.raises(error):
            store.add_comment(nid, text, user)
    with pytest.raises(InvalidValue):
        store.add_comment(nid, "hi", "akhan", field="no_such_field")
    assert [a["detail"] for a in store.audit(nid) if a["action"] == "note.comment"] == [
        {"field": None, "chars": len(c["text"])}]
    for name in FIELD_NAMES:
        store.review_field(nid, name, "accept", None, "jsmith")
    store.save_note(nid, "jsmith")
    with pytest.raises(StoreError, match="approved"):
        store.add_comment(nid, "too late", "akhan")


def test_consent_is_for_officers_and_assignment_needs_a_reviewer_and_an_officer(store):
    from assistant.store import InvalidValue, PermissionDenied

    before = store.counts()
    for who in ("akhan", "eval1", "nobody"):
        with pytest.raises(PermissionDenied, match="not an officer"):
            store.grant_consent(who)
    for reviewer, officer in (("jsmith", "other"), ("akhan", "eval1"), ("ghost", "jsmith"), ("akhan", "ghost")):
        with pytest.raises(InvalidValue, match="is not a"):
            store.assign_reviewer(reviewer, officer)
    assert store.counts() == before
    assert store.grant_consent("jsmith")


def test_safe_message_hides_server_paths():
    assert render.safe_message("cannot read /home/x/.local/share/casenote/uploads/u-1/a.wav: bad header") == \
        "cannot read [file]: bad header"
    assert render.safe_message(r"C:\Users\x\a.wav is not audio") == "[file] is not audio"
    assert render.safe_message("keep_days:30 and 10/20") == "keep_days:30 and 10/20"


# ---- handlers: the user comes from the verified cookie ----------------------------------------------

def test_handlers_take_the_user_from_the_session_cookie_only(store):
    import gradio as gr
    from starlette.requests import Request

    from review_ui.app import ServerContext
    from review_ui.handlers import Handlers

    nid = make_note(store, "jsmith", hostile_transcript("Daniel attended the office."))
    ctx = ServerContext()
    handlers = Handlers(ctx)

    def request(token):
        headers = [(b"cookie", f"casenote_session={token}".encode())] if token else []
        return gr.Request(request=Request({"type": "http", "method": "POST", "path": "/", "headers": headers}))

    for token in (None, "forged-token"):
        with pytest.raises(AccessDenied, match="session has ended"):
            handlers.load(request(token))
    officer, _ = ctx.sessions.sign_in(store, "jsmith", "officer-pass-1")
    with pytest.raises(AccessDenied, match="Open the note"):  # never shown to this session: no accept
        handlers.accept("contact_date")(nid, request(officer))
    shown = handlers.open(nid, request(officer))
    assert shown[0] == nid and any("cn-progress" in str(v) for v in shown)
    handlers.accept("contact_date")(nid, request(officer))
    assert store.get_note(nid)["fields"]["contact_date"]["review"]["by"] == "jsmith"
    assert [a["actor"] for a in store.audit(nid) if a["action"] == "note.view"] == ["jsmith"]
    reviewer, _ = ctx.sessions.sign_in(store, "akhan", "reviewer-pass-1")
    from assistant.store import PermissionDenied
    with pytest.raises(PermissionDenied, match="approve"):
        handlers.save(nid, request(reviewer))
    ctx.end_session(officer)
    with pytest.raises(AccessDenied, match="session has ended"):
        handlers.open(nid, request(officer))


def test_the_screens_requests_reuse_the_stores_unlocked_connections(store, monkeypatch):
    """Each request opens a Store; after the first, they borrow the connections earlier requests
    handed back (a warm page cache) instead of keying a new one, and none is left lent out."""
    import gradio as gr
    from starlette.requests import Request

    from assistant import paths
    from assistant.store import connections, dbfile
    from review_ui.app import ServerContext
    from review_ui.handlers import Handlers

    nid = make_note(store, "jsmith", hostile_transcript("Daniel attended the office."))
    ctx, opened = ServerContext(), []
    handlers = Handlers(ctx)
    token, _ = ctx.sessions.sign_in(store, "jsmith", "officer-pass-1")
    req = gr.Request(request=Request({"type": "http", "method": "POST", "path": "/",
                                      "headers": [(b"cookie", f"casenote_session={token}".encode())]}))
    handlers.open(nid, req)
    kept = connections.idle_count(paths.database_path())
    real_connect = dbfile.connect
    monkeypatch.setattr(dbfile, "connect", lambda *a: opened.append(a) or real_connect(*a))
    for name in ("contact_date", "contact_type", "attendance"):
        handlers.open(nid, req)
        handlers.accept(name)(nid, req)
    assert opened == [] and kept >= 1
    assert connections.idle_count(paths.database_path()) == kept      # every one handed back
    assert store.get_note(nid)["fields"]["attendance"]["review"]["by"] == "jsmith"


def test_dates_show_their_weekday_and_an_ambiguous_one_both_readings():
    """The card shows a date with its weekday, and a date the words leave open with both readings
    (extraction never resolves 'next Wednesday' said on a Tuesday silently)."""
    from assistant.extraction import extract

    x = extract("Office visit today. Next appointment is next Wednesday at ten.", dt.date(2026, 3, 10))
    appt = x.fields["next_appointment"]
    note = {"officer": "jsmith", "fields": {"next_appointment": {
        "value": appt.value, "reason": appt.reason,
        "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in appt.evidence]}}}
    card = render.field_card_html(note, "next_appointment")
    assert appt.value is None and "2026-03-11" in card and "2026-03-18" in card, card
    note["fields"]["next_appointment"].update(value="2026-03-13T10:00", reason=None)
    assert "2026-03-13T10:00 (Friday)" in render.field_card_html(note, "next_appointment")
