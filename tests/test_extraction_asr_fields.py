"""Field extraction on the shapes Whisper writes spontaneous dictation in (issue 15, third round).

Every dictation here was written for these tests; none is taken from an evaluation set."""
from __future__ import annotations


import pytest

from assistant.extraction import extract
from tests.extraction_fields import TUESDAY, fields

pytestmark = pytest.mark.spacy

OPEN = "Office appointment, he attended. "


# -- referrals: the officer corrects the agency's name --------------------------------------------
@pytest.mark.parametrize("text, agency", [
    # capitalised: the disfluency layer blanks the first name, "it's" leads the repair
    ("I've signposted him to the Acme Project, no, sorry, it's the Bravo Project now, for the mentoring.",
     "Bravo Project"),
    # lower case, as Whisper writes unfamiliar names
    ("I've side posted her to the harbour trust, no, sorry, it's the lighthouse trust now.", "lighthouse trust"),
    # "I said" after "no, actually", and a filler Whisper wrote as "or"
    ("I've referred her to, or, to ours, no, actually, I said the food bank, that's the one.", "food bank"),
    ("I referred him to Acme, no, it was Bravo Works, I did the Bravo Works referral.", "Bravo Works"),
])
def test_the_last_stated_agency_is_the_referral(text, agency):
    assert fields(OPEN + text)["referrals"] == [agency]


def test_a_correction_that_is_not_a_name_keeps_the_referral():
    assert fields(OPEN + "I signposted him to the food bank, no question about it.")["referrals"] == ["food bank"]


# -- the next appointment in Whisper's shapes -----------------------------------------------------
@pytest.mark.parametrize("said, want", [
    # a correction with no pause written: the last stated time wins
    ("Next appointment Friday at 10 well say half 10, to fit round her course.", "2026-03-13T10:30"),
    ("Next one the 19th at 2 well quarter past 2 in the office.", "2026-03-19T14:15"),
    # the words before the day garbled: an ordinal in digits, or after "a", right before "at"
    ("Next appointment to see his of 18th at 3 in the office.", "2026-03-18T15:00"),
    ("Next appointment on a twelfth at 9, here.", "2026-03-12T09:00"),
])
def test_appointment_times_whisper_runs_together(said, want):
    assert fields(OPEN + said)["next_appointment"] == want


def test_doing_well_is_no_correction():
    assert fields(OPEN + "He is doing well. Next appointment Friday at 10 as well.")["next_appointment"] \
        == "2026-03-13T10:00"
    assert fields(OPEN + "Next appointment is his fifth at the office.")["next_appointment"] is None


def test_same_time_said_as_a_sentence_after_the_day():
    text = "Office appointment, booked for half two, he attended on time. Next appointment, Thursday week. Same time."
    assert fields(text)["next_appointment"] == "2026-03-19T14:30"


# -- referrals: listed names Whisper splits at other word boundaries --------------------------------
@pytest.mark.parametrize("text, listed", [
    # "signposted her to" heard with "for" for "her"; the name split into other words
    ("So I've composted for to sit is an advice about the fines.", "citizens advice"),
    ("I've signposted him to city zens advice for the debt letters.", "citizens advice"),
    ("I put a referral in to change grew life this week.", "change grow live"),
    ("I've signposted her to talk in therapies.", "talking therapies"),
])
def test_a_listed_agency_split_into_other_words_sounds_like_it(text, listed):
    x = extract(OPEN + text, TUESDAY)
    assert x.fields["referrals"].value == [listed]


@pytest.mark.parametrize("heard", ["forward leads", "mental health nurse", "housing officer", "sit in a car",
                                   "the council tax", "careers advice"])
def test_sound_alike_needs_the_words_to_agree(heard):
    from assistant.extraction.referrals import listed_agency

    assert listed_agency(heard) is None


def test_a_correction_after_what_the_referral_is_for():
    # the purpose said first, then the correction: the corrected agency only
    assert fields(OPEN + "I signposted her to the food bank for the vouchers, or no, citizens advice.")["referrals"] \
        == ["citizens advice"]
    # across Whisper's full stop, and in another spelling of the listed name
    assert fields(OPEN + "I signposted him to the food bank for the vouchers. Or, no, citizen's advice. He's fine."
                  )["referrals"] == ["citizen's advice"]
    # what it is for is no agency, and no correction follows
    assert fields(OPEN + "I referred him for an assessment.")["referrals"] == []


def test_a_sound_alike_must_end_like_the_listed_name():
    from assistant.extraction.referrals import listed_agency

    assert listed_agency("the mental health was") is None    # "... because the mental health was asking"
    assert listed_agency("talk in therapies") == "talking therapies"


def test_the_time_said_after_same_time_and_same_time_opening_the_next_sentence():
    assert fields("Phone contact, I rang him, he answered. Next call the 19th, same time, 10. He's going to "
                  "send his payslips.")["next_appointment"] == "2026-03-19T10:00"
    assert fields("Office appointment, booked for ten, he attended on time. Next one Friday week. Same time in "
                  "the office again.")["next_appointment"] == "2026-03-20T10:00"


def test_the_new_appointment_said_by_its_type_after_a_missed_contact():
    f = fields("This was meant to be a phone appointment at ten. I rang twice, no answer, so it's a failed to "
               "attend. Office appointment Friday the 13th at 2 in person.")
    assert f["next_appointment"] == "2026-03-13T14:00"
    assert f["contact_type"] == "telephone"
    # the opening names this contact's own type and day
    assert fields("Office appointment Monday, he attended on time. He's doing well.")["next_appointment"] is None


# -- referrals: contacting a service ---------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("I need to do a check with the housing team before he moves.", ["housing team"]),
    ("I'll check with the drug service whether he's been going.", ["drug service"]),
    ("I'll check with him about it later.", []),
    ("I did a check on his address with the police.", []),
    # an unlisted service named as a common noun right after "contact"
    ("I'm going to contact trading standards about the loan shark tomorrow.", ["trading standards"]),
    ("I'll contact the victim to let her know.", []),
    ("I'll contact his mum tomorrow.", []),
    ("I'll contact [PERSON_1] again tomorrow.", []),
])
def test_checking_with_or_contacting_a_service(text, want):
    assert fields(OPEN + text)["referrals"] == want


def test_a_referral_restarted_after_no_is_read_at_the_second_cue():
    assert fields(OPEN + "He was referred to, no, I'm posted to the food bank.")["referrals"] == ["food bank"]
    assert fields(OPEN + "She was referred to no sign posted to the Acme Project.")["referrals"] == ["Acme Project"]
    assert fields(OPEN + "I posted to the group about it.")["referrals"] == []


def test_an_agencys_own_organisation_is_no_second_referral():
    assert fields(OPEN + "I emailed the housing options team at the council as well.")["referrals"] \
        == ["housing options team"]
    assert fields(OPEN + "I'll ring the council and the food bank.")["referrals"] == ["council", "food bank"]


@pytest.mark.parametrize("said, want", [
    ("Next appointment at week on Thursday at 11.", "2026-03-19T11:00"),    # "a week on Thursday"
    ("Next appointment at 19 at 3 in the office.", "2026-03-19T15:00"),     # "the 19th at 3"
    ("Next appointment a week on Thursday at 11.", "2026-03-19T11:00"),
])
def test_whisper_writes_a_or_the_as_at(said, want):
    assert fields(OPEN + said)["next_appointment"] == want


def test_at_a_number_that_is_a_clock_time_stays_a_time():
    assert fields(OPEN + "Next appointment Friday at 10 at the office.")["next_appointment"] == "2026-03-13T10:00"


def test_a_word_said_twice_inside_an_agency_name_is_said_once():
    x = extract(OPEN + "I will tell the drug service service about the relapse.", TUESDAY)
    f = x.fields["referrals"]
    assert f.value == ["drug service"]
    assert any("drug service service" in ev.text for ev in f.evidence)     # the evidence as said
