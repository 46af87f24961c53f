"""Field extraction on the shapes Whisper writes spontaneous dictation in (issue 15, third round).

Every dictation here was written for these tests; none is taken from an evaluation set."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.extraction import extract

pytestmark = pytest.mark.spacy

TUESDAY = dt.date(2026, 3, 10)
OPEN = "Office appointment, he attended. "


def fields(text: str, day: dt.date = TUESDAY) -> dict:
    x = extract(text, day)
    for f in x.fields.values():                 # every value keeps exact evidence
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text
    return {n: f.value for n, f in x.fields.items()}


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
