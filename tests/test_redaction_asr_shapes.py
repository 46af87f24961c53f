"""Identifiers and names in the shapes Whisper writes spontaneous dictation (issue 15): a value
announced in one sentence and said in the next, letters written with full stops or as their names,
a lone letter in lower case, "double oh" run together, a garbled "date of birth" cue, a postcode
whose area was misheard after an address. Development examples written for these tests."""
from __future__ import annotations

import pytest

from redaction import redact
from redaction.spoken import id_runs, tokenise

# Every test here runs redaction, which runs the spaCy English model.
pytestmark = pytest.mark.spacy


@pytest.mark.parametrize("text, digits", [
    ("She has a new mobile number. It's L7 8 00 9 00 6 5 2. I'll put that on the system.", "652"),
    ("I asked for her NHS number, so I've got that. It's 4-8-5, 7-7-3, 2-9-1-9, then we moved on.", "2-9-1-9"),
    ("He gave me his new number. It's so 7, 8, 00, 9, 00, 1, 2, 4, and said to text first.", "1, 2, 4"),
])
def test_a_number_said_in_the_sentence_after_its_cue(text, digits):
    out = redact(text).text
    assert digits not in out, out


@pytest.mark.parametrize("text", [
    "We did a phone contact. It's 3 weeks since the last one and he was on time at 10.",
    "Phone contact today. It's been 2 weeks, he said, 10 past 10 suits him.",
])
def test_numbers_in_the_next_sentence_that_are_not_the_value_stay(text):
    assert redact(text).text == text


def test_dotted_capitals_join_into_one_identifier():
    assert [r.dense for r in id_runs(tokenise("a car last night, R.K.21, XPD, a grey Focus"))] == ["RK21XPD"]
    out = redact("The police stopped him in a car last night, R.K.21, XPD, a grey Focus.").text
    assert "XPD" not in out and "[VEHICLE_REG_1]" in out, out


@pytest.mark.parametrize("text", ["He came at 10 a.m. today, e.g. before work.", "She moved back to the U.K. He is fine."])
def test_lower_case_abbreviations_and_sentence_ends_are_unchanged(text):
    raws = [t.raw for t in tokenise(text)]
    assert "." in raws[-1:] and redact(text).text == text


def test_a_lone_lower_case_letter_before_digits_is_part_of_the_reference():
    out = redact("I checked his details for the transfer, so his case ref is y 5 3 8 8 1 0 and that's right.").text
    assert "5 3 8 8 1 0" not in out, out


@pytest.mark.parametrize("text", [
    "So his case, well, the one Whisper mangled, left in y 5 3 8 8 1 0 and date of birth to follow.",
    "Checked his case reffing next for 5 3 8 8 1 and then the address.",
])
def test_a_long_number_after_what_is_left_of_a_case_ref_cue(text):
    out = redact(text).text
    assert "8 8 1" not in out and "[CASE_REF_1]" in out, out


@pytest.mark.parametrize("text", ["In case she rings in before 10, I'll call at 11, 15 minutes later.",
                                  "The case was put back 2 weeks to the 12th, 3 days before his birthday."])
def test_case_as_a_word_with_small_numbers_is_kept(text):
    assert redact(text).text == text


def test_double_oh_run_together():
    out = redact("I rang the number we've got, oh seven eight double-low, nine double-low, five one two, "
                 "and his sister answered.").text
    assert "five one two" not in out and "[PHONE_1]" in out, out


def test_a_garbled_date_of_birth_cue_with_month_and_year():
    out = redact("Checked his details, and date on both ends of March, 1983, right, all correct.").text
    assert "1983" not in out, out


def test_a_month_and_old_year_without_a_date_cue_is_history():
    text = "He was first convicted in March 1983 and again in the nineties."
    assert redact(text).text == text


@pytest.mark.parametrize("text, inward", [
    ("Home visit, 18 Larch Terrace, at C.S. 4, 6-PW, planned, he was in.", "6-PW"),
    ("Home visit to Mr Osei, 18 Larchmont Teris at PB4, 6PW Clan visit, he was in.", "6PW"),
    ("Home visit at his nan's, 3 Rowan Close, Al-9, 4TD, arranged for ten.", "4TD"),
])
def test_a_postcode_with_a_misheard_area_after_an_address(text, inward):
    out = redact(text).text
    assert inward not in out and "[POSTCODE_1]" in out, out


@pytest.mark.parametrize("text", ["We met at 10 at the office at A2, 3PM.", "He sat at table 5, 7 of them there."])
def test_letters_and_digits_after_at_without_an_address_stay(text):
    assert redact(text).text == text
