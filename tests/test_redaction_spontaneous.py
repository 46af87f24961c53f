"""Redaction of names the way officers say them in spontaneous dictation (issue 15), and common
words kept when they are used as words. Development examples written for these tests."""
from __future__ import annotations

import pytest

from redaction import redact

# Every test here runs the spaCy English model (redaction or extraction).
pytestmark = pytest.mark.spacy


@pytest.mark.parametrize("text, name", [
    ("Tunde Bakare, this was a phone appointment, two o'clock.", "Tunde"),
    ("Phone contact, Emeka Nwosu. Planned, I rang him at three.", "Nwosu"),
    ("Okay, Oluwaseun Adeyemi, Seun, office. He was due at quarter past nine.", "Seun"),
    ("Patrick Quinn, Paddy, office. He was due at ten.", "Paddy"),
    ("Neighbour said she'd seen her and her lad Ciaran go out first thing.", "Ciaran"),
    ("He'd forgotten, his little girl Amber had been up all night poorly.", "Amber"),
    ("He's down to weekends, and Anjali, his wife, has told him to stop.", "Anjali"),
    ("He pushed her in front of the kids, and that Jack, the eldest, tried to stop him.", "Jack"),
    ("An hour later his partner Beverley rang me back. Beverley's going to get him to ring me.", "Beverley"),
    ("With a Somali interpreter on the line, Abdirizak from the interpreting service.", "Abdirizak"),
])
def test_names_as_spoken(text, name):
    out = redact(text).text
    assert name not in out, out


@pytest.mark.parametrize("text, word", [
    ("Home visit to Dawn Hughes. She started a new dawn shift at the bakery.", "dawn shift"),
    ("Bill Carter attended. The bill was paid by his partner.", "bill was paid"),
    ("Her son Will Hughes was there. He said she will phone the gas company.", "will phone"),
])
def test_a_name_used_as_a_common_word_is_kept(text, word):
    out = redact(text).text
    assert word in out and "[PERSON_" in out, out


def test_a_town_after_a_relation_is_a_name_but_stays_a_town_elsewhere():
    out = redact("His partner Beverley rang me. He used to live in Beverley, East Yorkshire.").text
    assert "partner [PERSON_1]" in out


def test_flat_number_before_a_named_court_is_an_address():
    out = redact("He moved in Monday, it's flat six, Orchard Court, so I'll update the address.").text
    assert "Orchard" not in out
