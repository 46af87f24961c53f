"""Whisper forms seen in real dictation: hyphen-spelled identifiers, a misheard sort-code cue,
homophone phone digits after a phone cue, a street after a flat number."""
from redaction.engine import redact
from redaction.spoken import tokenise

# Every test here runs the spaCy English model (redaction or extraction).
import pytest

pytestmark = pytest.mark.spacy


def _types(text):
    return {(e.type, e.text) for e in redact(text).entities}


def test_hyphen_spelled_identifier_is_one_token_with_exact_offsets():
    text = "He said S-T-4-4-3-2-2B then."
    t = [t for t in tokenise(text) if t.spelled]
    assert len(t) == 1 and t[0].canon == "ST44322B" and text[t[0].start:t[0].end] == "S-T-4-4-3-2-2B"
    assert not any(t.spelled for t in tokenise("An X-ray on 12-05-20, score 3-1-0."))


def test_hyphen_spelled_nino_with_and_without_cue():
    assert ("NI_NUMBER", "S-T-4-4-3-2-2B") in _types("His National Insurance number is S-T-4-4-3-2-2B.")
    assert ("NI_NUMBER", "S-T-4-4-3-2-2B") in _types("His email address is [EMAIL_1]. S-T-4-4-3-2-2B actions.")


def test_misheard_sort_code_cue_and_groups_before_account_number():
    assert ("BANK", "40, 11, 62") in _types("Sorkhoed 40, 11, 62, account number 12345678")
    assert ("BANK", "20, 45, 77") in _types("His details are 20, 45, 77, account number 12345678.")
    assert "40, 11, 62" in redact("They paid 40, 11, 62 pounds over three weeks.").text


def test_homophone_phone_digits_after_cue():
    r = redact("The phone number is 0.7 for 0.0, 1, 2, 3, 9, 8, 7, actions.")
    assert [(e.type, e.text) for e in r.entities] == [("PHONE", "0.7 for 0.0, 1, 2, 3, 9, 8, 7")]
    # "for"/"to" are not digits elsewhere
    assert redact("He went to 3 meetings for 2 weeks.").text == "He went to 3 meetings for 2 weeks."


def test_street_after_flat_number():
    r = redact("Home visit to [PERSON_1] at Flat 3, Leaven Hyde Park Road, Leeds.")
    assert [e.type for e in r.entities] == ["ADDRESS"]
    assert "Leaven Hyde Park Road" in r.entities[0].text and "Leeds" in r.text


def test_times_dates_places_stay():
    text = "Met at 2 30 pm at Hyde Park. Seen at 9.30am and at 10am on 3 May, paid £40 for 2 weeks."
    assert redact(text).text == text


def test_sentence_opening_verbs_are_not_people_but_names_before_to_are():
    from redaction import redact

    text = ("Went to the Probation Office at Park Lane. Spoke to him about work. Talked to her about rent. "
            "Actions, Hamza to visit the GP, and Daniel to book a slot.")
    r = redact(text)
    assert r.text.startswith("Went to the Probation Office at Park Lane. Spoke to him about work. Talked to her")
    assert {e.text for e in r.entities if e.type == "PERSON"} == {"Hamza", "Daniel"}
