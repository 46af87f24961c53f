"""Extraction on text: evidence points at its words, dates as officers say them, negation and hedging,
CRISSA keeps every sentence, hostile and empty input. (Whisper transcripts: test_extraction_whisper.py.)"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.extraction import FIELD_NAMES, SECTIONS, ExtractionError, extract
from assistant.extraction.dates import parse_appointment
from redaction.placeholders import placeholder_pattern
from assistant.extraction.lexicons import CONTACT_TYPES, DRUG_WORDS, NEEDS, RISKS
from assistant.extraction.nlp import MAX_CHARS

# Every test here runs the spaCy English model (redaction or extraction).
pytestmark = pytest.mark.spacy

GOLD = json.loads((Path(__file__).resolve().parents[1] / "eval" / "gold" / "extraction_dictations.json").read_text())
# Words a code's evidence may hold beyond its lexicon (two-word cues and part-of-speech patterns).
EXTRA_CUES = {"substance_relapse": DRUG_WORDS + ["again", "using", "drinking"], "victim_contact": ["victim"],
              "child_safeguarding": ["welfare", "safety"], "domestic_abuse": ["partner", "wife", "husband"], "employment_education": ["work"], "finance": ["benefits"]}


def redacted(item: dict) -> str:
    """The item's text with its people replaced by placeholders, as the pipeline hands it to extract()."""
    text = item["spoken"]
    for n, p in enumerate([p for p in item["pii"] if p["type"] == "PERSON"], 1):
        for tok in p["leak_tokens"]:
            text = re.sub(rf"\b{tok}\b", f"[PERSON_{n}]", text, flags=re.IGNORECASE)
    text = re.sub(r"(%s) \1" % placeholder_pattern("PERSON"), r"\1", text)   # "[PERSON_1] [PERSON_1]": one name
    return text


def check_evidence(text: str, x) -> None:
    for name, f in x.fields.items():
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text and ev.text.strip(), (name, ev)
        if f.value in (None, "", []):
            assert f.reason, f"{name} is empty without a reason"
            continue
        assert f.evidence, f"{name}={f.value!r} has no evidence"
        low = [ev.text.lower().replace("-", " ") for ev in f.evidence]
        if name == "contact_type":
            assert any(t in low[0] for t in CONTACT_TYPES[f.value]), (f.value, low)
        if name in ("needs_discussed", "risk_flags"):
            vocab = NEEDS if name == "needs_discussed" else RISKS
            for code in f.value:
                mine = [ev.text.lower().replace("-", " ") for ev in f.evidence if ev.supports == code]
                assert mine, f"{code} has no evidence"
                assert any(t in m for m in mine for t in vocab.get(code, []) + EXTRA_CUES.get(code, [])), (code, mine)
        if name == "referrals":
            for value in f.value:
                assert any(value in ev.text for ev in f.evidence), value
        if name == "actions":
            assert [ev.text for ev in f.evidence] == f.value
        if name == "next_appointment":
            assert "appointment" in low[0] or "next" in low[0]


@pytest.mark.parametrize("item", GOLD, ids=[i["id"] for i in GOLD])
def test_evidence_points_at_the_words_on_redacted_text(item):
    text = redacted(item)
    assert "[PERSON_1]" in text
    x = extract(text, dt.date.fromisoformat(item["dictation_date"]))
    assert set(x.fields) == set(FIELD_NAMES)
    check_evidence(text, x)
    # Placeholders are names, not evidence of anything.
    assert all("[PERSON" not in ev.text for n in ("needs_discussed", "risk_flags") for ev in x.fields[n].evidence)


def test_clean_gold_fields():
    from eval.extraction_eval import evaluate_texts

    result = evaluate_texts([(i, "clean", redacted(i)) for i in GOLD], redact=False)
    assert result["n"] == len(GOLD) >= 20
    assert result["mean"] >= 0.9, result["fields"]


@pytest.mark.parametrize("said, contact, expected", [
    ("Next appointment is Wednesday the eleventh of March at ten thirty in the morning.", "2026-03-09",
     "2026-03-11T10:30"),
    ("Next appointment is Friday at two p m.", "2026-03-09", "2026-03-13T14:00"),
    ("Next appointment is tomorrow at one.", "2026-03-09", "2026-03-10T13:00"),
    ("Next appointment is in two weeks, on Tuesday the third, at ten.", "2026-02-17", "2026-03-03T10:00"),
    ("Next appointment is Friday at nine fifteen.", "2026-03-09", "2026-03-13T09:15"),
    # as Whisper writes them
    ("Next appointment is Monday the 23rd of March at 2pm at the office.", "2026-03-09", "2026-03-23T14:00"),
    ("Next appointment is Thursday 19th of November at 9.30am.", "2026-11-16", "2026-11-19T09:30"),
    ("Next appointment is Friday at 10 a.m. by telephone.", "2026-08-05", "2026-08-07T10:00"),
    ("next appointment is Monday, 23rd of March, 2 PM at the office.", "2026-03-09", "2026-03-23T14:00"),
    ("Next appointment is a week on Friday, at ten a m.", "2026-12-01", "2026-12-11T10:00"),
    ("Next appointment is Tuesday the nineteenth of January at half past two.", "2027-01-12", "2027-01-19T14:30"),
    ("Next appointment is the 3rd of January at 11am.", "2026-12-20", "2027-01-03T11:00"),   # over the new year
])
def test_appointment_dates(said, contact, expected):
    x = extract(said, dt.date.fromisoformat(contact))
    f = x.fields["next_appointment"]
    assert f.value == expected, f.reason
    assert f.evidence[0].text.lower().startswith("next appointment")


@pytest.mark.parametrize("said, contact, why", [
    ("Next appointment is Monday the 24th of March at 2pm.", "2026-03-09", "disagree"),   # 24 March 2026 is a Tuesday
    ("Next appointment is Monday or Tuesday at ten.", "2026-03-09", "more than one day"),
    ("Next appointment is on the twentieth of October, time to be confirmed.", "2027-10-13", "no time"),
    ("Next appointment is in two weeks, on Tuesday the third, at ten.", "2026-03-09", "do not agree"),
    ("We will book the next appointment by phone.", "2026-03-09", "no date"),
])
def test_ambiguous_or_missing_dates_are_null_with_a_reason(said, contact, why):
    f = extract(said, dt.date.fromisoformat(contact)).fields["next_appointment"]
    assert f.value is None and why in f.reason


def test_no_appointment_said():
    f = extract("Office appointment today. He attended on time.", dt.date(2026, 3, 9)).fields["next_appointment"]
    assert f.value is None and f.evidence == [] and "no next appointment" in f.reason


def test_relative_dates_resolve_against_the_contact_date_said():
    x = extract("Office visit with [PERSON_1] yesterday afternoon. She came in on time. "
                "Next appointment is tomorrow at two p m.", dt.date(2027, 2, 3))
    assert x.fields["contact_date"].value == "2027-02-02"
    assert x.fields["contact_date"].evidence[0].text == "yesterday"
    assert x.fields["next_appointment"].value == "2027-02-03T14:00"


def test_appointment_span_is_parsed_alone():
    a = parse_appointment("in two weeks on Monday the twenty eighth at ten", dt.date(2027, 6, 14))
    assert a.value == "2027-06-28T10:00" and a.span == (0, 47)


def test_negation_and_hedging():
    d = dt.date(2026, 3, 9)
    x = extract("Office appointment. He attended. I have no concerns about alcohol. No risk concerns were identified.", d)
    assert "alcohol" in x.fields["needs_discussed"].value          # discussed...
    assert x.fields["risk_flags"].value == []                        # ...but not a risk
    assert "No risk concerns were identified" in x.fields["risk_flags"].evidence[0].text
    x = extract("She denied any thoughts of self harm. I asked whether he has had thoughts of suicide and he said no. "
                "There has been no contact with the victim. His drug test was negative.", d)
    assert x.fields["risk_flags"].value == []
    assert "emotional_wellbeing" in x.fields["needs_discussed"].value
    x = extract("He admitted using heroin at the weekend. He has had contact with the victim by text. "
                "I am concerned about domestic abuse.", d)
    assert x.fields["risk_flags"].value == ["substance_relapse", "victim_contact", "domestic_abuse"]
    x = extract("Her ex partner has been following her and she is frightened. Her partner is not violent.", d)
    assert x.fields["risk_flags"].value == ["domestic_abuse"]
    assert x.fields["risk_flags"].evidence[0].text == "ex partner has been following her and she is frightened"
    x = extract("He missed his curfew twice, which may be a breach.", d)
    assert x.fields["risk_flags"].value == ["licence_breach"] and "hedged" in x.fields["risk_flags"].reason
    x = extract("We did not discuss his housing today.", d)
    assert "accommodation" not in x.fields["needs_discussed"].value


def test_contact_and_attendance_read_the_session_not_the_next_appointment():
    x = extract("Home visit to [PERSON_1]. There was no answer at the door. Her phone number is [PHONE_1]. "
                "Next appointment is Friday at ten a m, by telephone.", dt.date(2026, 8, 5))
    assert x.fields["contact_type"].value == "home_visit"
    assert x.fields["attendance"].value == "failed_to_attend"
    x = extract("Video call with [PERSON_1]. He attended but was twenty minutes late.", dt.date(2026, 8, 5))
    assert (x.fields["contact_type"].value, x.fields["attendance"].value) == ("video", "late")
    assert x.fields["attendance"].evidence[0].text == "twenty minutes late"


def test_actions_from_an_actions_list_and_without_one():
    d = dt.date(2026, 3, 9)
    x = extract("I will make a referral today. Actions: I will make both referrals today and discuss the case "
                "with my senior. Next appointment is Friday at 10am.", d)
    assert x.fields["actions"].value == ["I will make both referrals today", "discuss the case with my senior"]
    x = extract("She is hoping it will lead to paid work. I will contact the police and make a referral to the "
                "crisis team, who will call her today. Next appointment is Friday at 10am.", d)
    assert x.fields["actions"].value == ["I will contact the police", "make a referral to the crisis team"]
    assert x.fields["referrals"].value == ["police", "crisis team"]
    x = extract("Actions: none agreed. Next appointment is Friday at 10am.", d)
    assert x.fields["actions"].value == [] and "no actions" in x.fields["actions"].reason


def test_referrals_need_a_cue():
    x = extract("He has an appointment with his work coach at the Jobcentre on Thursday. I gave her a food bank "
                "voucher and the details of StepChange for debt advice. I spoke to my manager.", dt.date(2026, 3, 9))
    assert x.fields["referrals"].value == ["StepChange"]


def crissa_is_a_partition(text: str, x) -> None:
    placed = sorted((s for sec in SECTIONS for s in x.crissa[sec]), key=lambda s: s.start)
    for s in placed:
        assert text[s.start:s.end] == s.text and s.text == s.text.strip()
    for a, b in zip(placed, placed[1:]):
        assert a.end <= b.start and not text[a.end:b.start].strip()     # nothing lost between sentences
    assert not text[:placed[0].start].strip() and not text[placed[-1].end:].strip() if placed else not text.strip()
    out = x.crissa_text()
    for s in placed:
        assert out.count(s.text) >= 1


@pytest.mark.parametrize("item", GOLD[:6], ids=[i["id"] for i in GOLD[:6]])
def test_crissa_places_every_sentence_once_unchanged(item):
    text = redacted(item)
    x = extract(text, dt.date.fromisoformat(item["dictation_date"]))
    crissa_is_a_partition(text, x)
    assert x.crissa["check_in"] and x.crissa["appointment"]
    assert x.crissa["appointment"][0].text.startswith("Next appointment")
    assert x.to_dict()["crissa"].keys() == set(SECTIONS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_consistent_fields_and_layout(text):
    x = extract(text, dt.date(2026, 3, 9))
    for f in x.fields.values():
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text
    crissa_is_a_partition(text, x)
    json.dumps(x.to_dict())


def test_hostile_text_is_only_text():
    text = ("<script>alert('x')</script> Office appointment with Robert'); DROP TABLE notes;-- who attended. "
            "He lives at ../../etc/passwd and {{7*7}} ${HOME}. Next appointment is Friday at 2pm.")
    x = extract(text, dt.date(2026, 3, 9))
    assert x.fields["contact_type"].value == "office" and x.fields["attendance"].value == "attended"
    assert x.fields["next_appointment"].value == "2026-03-13T14:00"
    crissa_is_a_partition(text, x)
    assert "<script>alert('x')</script>" in x.crissa_text()      # kept verbatim; escaping is the display's job


def test_empty_and_huge_text():
    x = extract("", dt.date(2026, 3, 9))
    assert x.fields["contact_date"].value == "2026-03-09" and x.fields["actions"].value == []
    assert all(f.reason for n, f in x.fields.items() if n != "contact_date")
    assert all(v == [] for v in x.crissa.values())
    with pytest.raises(ExtractionError, match="at most"):
        extract("word " * (MAX_CHARS // 5 + 1), dt.date(2026, 3, 9))
    with pytest.raises(ExtractionError):
        extract("text", "2026-03-09")


@pytest.mark.shared
def test_shared_samples_as_scripted(shared_samples):
    from eval.extraction_eval import evaluate_texts

    for item in shared_samples:
        text = redacted(item)
        check_evidence(text, extract(text, dt.date.fromisoformat(item["dictation_date"])))
    result = evaluate_texts([(i, "clean", redacted(i)) for i in shared_samples], redact=False)
    assert result["mean"] >= 0.9, result["fields"]
