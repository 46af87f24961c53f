"""Postcodes as Whisper writes spoken ones: halves split by its punctuation, letters written with dots
or spelled with hyphens, a misheard area or inward code right after a town or an address; and the
sort-code cue fused into one word. Real spaCy model, no mocks."""
from __future__ import annotations

import pytest

from redaction import redact

# Every test here runs the spaCy English model (redaction or extraction).
pytestmark = pytest.mark.spacy


def _found(text):
    return {(e.type, e.text) for e in redact(text).entities}


@pytest.mark.parametrize("text, value", [
    # a comma or a full stop between the outward and the inward code
    ("He moved to Peterborough, PE1, 5KR, last week.", "PE1, 5KR"),
    ("She lives in Swansea, SA2 0NE now.", "SA2 0NE"),
    ("She lives in Swansea, SA2. 0NE now.", "SA2. 0NE"),
    ("Leeds. LS9. 8AB.", "LS9. 8AB"),
    # letters written with dots, the halves split, even across a sentence break
    ("He lives at 4 Mill Road, Bristol, B.S. 5, 7 B.L. He is fine.", "B.S. 5, 7 B.L"),
    ("He lives in Bristol, B.S. 5. 7 B.L. Then he left.", "B.S. 5. 7 B.L"),
    ("Address is Peterborough, B.D. 1, 5 K.R. And then.", "B.D. 1, 5 K.R"),
    # hyphen-spelled characters, "O" for zero in the inward code
    ("He is staying in Swansea, S-A-2, O-N-E, with his mum.", "S-A-2, O-N-E"),
    # a misheard (invalid) area right after a town or an address
    ("He lives at 4 Mill Road, Bristol, DS5, 7PL now.", "DS5, 7PL"),
    ("He lives at [ADDRESS_1], DS5, 7PL now.", "DS5, 7PL"),
    ("She is in Bristol DS5 7PL at the moment.", "DS5 7PL"),
])
def test_split_or_spelled_postcodes_are_redacted_whole(text, value):
    found = _found(text)
    assert ("POSTCODE", value) in found, found
    out = redact(text).text
    for part in value.replace(",", " ").replace(".", " ").split():
        if len(part) > 1:
            assert part not in out, out


@pytest.mark.parametrize("text", [
    "DS5 7PL alone",                               # invalid area, no town or address before it
    "He was in Room B2, 3 PM meeting.",
    "See you Tuesday, A2, 3 PM.",
    "He scored A2, 3 AB in exams.",
    "He got a B. 5 AB",
    "Meet at 2 30 pm on the 20th of April, 9.30am, £200, 8 cans a day.",
    "He drinks 8 cans a day, says Leeds, 2 30 pm is fine. The 20th of April at 9.30am, £200.",
])
def test_postcode_like_text_kept(text):
    assert not any(e.type == "POSTCODE" for e in redact(text).entities), redact(text).entities


def test_times_dates_money_counts_untouched():
    text = "Meet at 2 30 pm on the 20th of April, 9.30am, £200, 8 cans a day."
    assert redact(text).text == text


def test_misheard_sort_code_cue():
    found = _found("His bank is Sorko 20, 31, 45 with them.")
    assert ("BANK", "20, 31, 45") in found, found
