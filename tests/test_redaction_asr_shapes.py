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


@pytest.mark.parametrize("text, gone", [
    ("So I've got her NHS number for the form. 4-8. No. Sorry. Let me read it. 9-4-3. 4-7-6. 5-9-1-9. Right.", "5-9-1-9"),
    ("He said the digits, 9.4, 3.4.7, 6.5, 9.1, 9, money's still tight.", "9.1"),
])
def test_digit_groups_split_by_full_stops(text, gone):
    out = redact(text).text
    assert gone not in out, out


def test_sort_code_and_account_said_one_after_the_other_are_two_values():
    out = redact("He gave me his bank details. Sorko 4-0, 1-1, 6-2, account for 5-5-1, 2-9-0-3, and I passed it on.").text
    assert "6-2" not in out and "2-9-0-3" not in out and out.count("[BANK_") == 2, out


@pytest.mark.parametrize("text, gone", [
    ("The court had his DNC wrong. The right one is 18-10-2-4-6-8-1-3-5, and that matches.", "8-1-3-5"),
    ("His DNC is 2020-1-0-4-5-1-2-8-7-M, I checked it, no new arrests.", "2-8-7"),
    ("She gave me the red item so I could chase it. It's 10-H, 3-6, one, two, eight, four, see. Then we moved on.",
     "eight, four"),
    ("She gave me the number so I could chase it. It's 11K452211C. Then we moved on.", "452211"),
])
def test_long_identifiers_whatever_cue_was_misheard(text, gone):
    out = redact(text).text
    assert gone not in out, out


@pytest.mark.parametrize("text", [
    "Between 2019, 2020, 2021 and 2022 he was at 10, 11 and 12 on the course.",
    "He worked 2.5 hours on 3 days and scored 4, 5, 6, 7, 8 and 9 on the tests.",
])
def test_years_times_and_counts_stay(text):
    assert redact(text).text == text


def test_a_nino_shape_with_a_misheard_prefix():
    out = redact("And I remember he gave me his DX 3-1, 5-5, 7-2, A, then his daughter came in.").text
    assert "7-2" not in out and "[NI_NUMBER_1]" in out, out


@pytest.mark.parametrize("text, gone", [
    ("Home visit, 22-heather road, quarter past 4, arranged.", "heather"),
    ("He moved in Monday, it's flat six, willow court, so I'll update the address.", "willow"),
    ("He moved in Monday. It's flat six willow court. So I'll update it.", "willow"),
])
def test_lower_case_streets_after_a_number_or_a_flat(text, gone):
    out = redact(text).text
    assert gone not in out and "[ADDRESS_1]" in out, out


@pytest.mark.parametrize("text", ["We met at 10, the court said no.", "He did 6 weeks at the park.",
                                  "Flat 3 was on the green."])
def test_numbers_before_street_words_used_as_words_stay(text):
    assert redact(text).text == text


def test_the_letter_o_for_zero_inside_a_spelled_identifier():
    out = redact("Her NI number came through, finally, it's S-K-3-O-1-4-2-2-A, so she can claim.").text
    assert "S-K" not in out and "[NI_NUMBER_1]" in out, out


def test_the_pronoun_after_an_identifier_is_not_part_of_it():
    out = redact("He was released three weeks ago, prison number A nine one four oh, B X, I need that.").text
    assert "B X" not in out and "I need that" in out, out


def test_a_long_number_in_unequal_groups_after_a_misheard_cue():
    out = redact("The NC for the police liaison form. 2018-0371, 5-2, I checked it on the system.").text
    assert "0371" not in out, out


def test_a_capitalised_street_name_before_a_lower_case_street_word():
    out = redact("Home visit at his flat, 23 Wordsworth court, Bristol, he was in.").text
    assert "Wordsworth" not in out and "[ADDRESS_1]" in out, out


@pytest.mark.parametrize("text", ["He spent 3 days at Lee court.", "I waited 10 minutes in the car park."])
def test_a_number_and_a_street_word_apart_are_not_an_address(text):
    assert redact(text).text == text


@pytest.mark.parametrize("text, gone", [
    ("He needed his national insurance number for the form. He read it out, PK-31, four-sembert, two-hand, see.",
     "PK-31"),
    ("Case ref for the reform. Next, four, two, nine, one, six, three. Next appointment Friday.", "nine, one"),
])
def test_an_identifier_opening_the_sentence_after_its_cue(text, gone):
    out = redact(text).text
    assert gone not in out, out


@pytest.mark.parametrize("text", [
    "The case reference is on file. He came at 10, 11 or so.",
    "We spoke about the phone. 10, 11, 12 are his hours.",
    "Our reference. At 10, 11 and 12 he works.",
])
def test_times_opening_the_next_sentence_stay(text):
    assert redact(text).text == text


def test_an_account_number_after_whisper_cut_account_to_count():
    out = redact("He gave me his details for the refund. The count 6-2-4-4, 0-9-1-3. Next call the 17th.").text
    assert "0-9-1-3" not in out and "[BANK_1]" in out, out


def test_a_street_split_by_whisper_into_a_possessive_and_treat():
    out = redact("Home visit at his mum's flat, 40 moran's treat, Carlisle, he was in.").text
    assert "moran" not in out and "[ADDRESS_1]" in out, out


@pytest.mark.parametrize("text", ["2026-03-13T10:30", "Next one 2026-03-13T10:30, at the office.",
                                  "Seen on 2026-03-13 10:30:00."])
def test_an_iso_date_time_typed_into_an_edit_is_a_date_not_an_identifier(text):
    # The review screen's date fields hold ISO values, and officers type them into edits.
    assert redact(text).text == text


def test_a_long_run_that_only_starts_like_a_date_is_still_redacted():
    assert "[" in redact("the ref is 2026-03-13-4-5-6-7-8, I'll check it").text


@pytest.mark.parametrize("text", [
    "For the benefits form he read it out, WK for 1, 6 3, 0 5, D, then we moved on.",
    "Off the letter: PR to 9, 1 1, 7 3, A. That one is right.",
])
def test_a_nino_with_a_digit_written_as_its_homophone(text):
    out = redact(text).text
    assert "WK" not in out and "PR" not in out and "[NI_NUMBER_1]" in out, out


def test_homophones_after_two_capitals_without_the_whole_nino_shape_stay():
    text = "He gave me his KP for 6 weeks to 10 and that was it."
    assert redact(text).text == text


@pytest.mark.parametrize("text", [
    "He's borrowing his uncle's car for work, a blue Astra, it's MF58, he thinks, then he forgot the rest.",
    "They drive a grey van now. Hers was DK09 and, um, the rest I didn't catch.",
])
def test_the_first_half_of_a_plate_after_a_vehicle_is_named(text):
    out = redact(text).text
    assert "[VEHICLE_REG_1]" in out, out


@pytest.mark.parametrize("text", ["He lives in LS12 and works in BD71 near the depot.",
                                  "He scored AB12 in the test. His driving test is in March."])
def test_a_plate_half_without_a_vehicle_before_it_stays(text):
    assert "[VEHICLE_REG" not in redact(text).text


def test_a_phone_number_whisper_cut_with_full_stops_after_double_oh():
    out = redact("New mobile for her, she read it slowly: 0, 7, 8, double-o. 4, 4, 1. 6, 2, 9. I'll text it.").text
    assert "6, 2, 9" not in out and "4, 4, 1" not in out, out


@pytest.mark.parametrize("text", ["He came at 10, 11. 12 days later he rang.",
                                  "We counted 3, 4, 5. 6, 7, 8 more came."])
def test_short_numbers_either_side_of_a_full_stop_stay(text):
    assert redact(text).text == text


def test_a_plate_whose_last_letters_whisper_lost():
    out = redact("For the insurance bit he spelled it, R.J. 6-4, W, and stopped.").text
    assert "6-4" not in out and "[VEHICLE_REG_1]" in out, out


def test_an_outward_code_and_a_garbled_inward_part_after_a_street():
    out = redact("She's moved to 8 Kestrel Lane, WF13, 60 and then I lost it.").text
    assert "WF13" not in out and "[POSTCODE_1]" in out, out


def test_a_motorway_and_minutes_stay():
    text = "He took the M6, 40 minutes late. We did RAR 12 and 14 today."
    assert redact(text).text == text


def test_six_digits_opening_the_sentence_after_the_cue():
    out = redact("His case ref, for the letter. 274 915, he read it twice. Back at 10 tomorrow.").text
    assert "274" not in out and "10 tomorrow" in out, out


def test_a_time_opening_the_sentence_after_a_cue_stays():
    text = "His case ref, for the letter. 10, 11 o'clock he came."
    assert redact(text).text == text


def test_a_sort_code_with_a_group_lost_right_before_the_account_number():
    out = redact("He wants the grant paid in, so. 47-09, the count number 5-518-3-3-0-2. Done.").text
    assert "47-09" not in out and out.count("[BANK_") == 2, out


@pytest.mark.parametrize("text", ["He came at 10, 15, the account number is on the letter.",
                                  "He does 12-14 hours, his account number is on the letter."])
def test_two_numbers_before_an_account_cue_that_are_not_joined_pairs_stay(text):
    assert redact(text).text == text


def test_digits_said_one_at_a_time_and_a_check_letter_whatever_the_cue():
    out = redact("I couldn't catch the first part, then nine, one, five, five, zero, two, K, which he repeated.").text
    assert "five, zero" not in out, out


@pytest.mark.parametrize("text", ["He scored 1, 2, 3, 4, 5, 6, A and B were the options.",
                                  "We did 2, 3, 4, 5, 6, 7, I said, fine."])
def test_counted_digits_before_an_article_or_pronoun_stay(text):
    assert redact(text).text == text
