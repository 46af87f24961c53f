"""Property tests (hypothesis) of ``redact``: offsets always valid and exact, no detected value
left in the output, redacting twice changes nothing more, any unicode input is handled."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redaction import apply_entities, redact
from redaction.placeholders import PLACEHOLDER_RE, parse_placeholder

# Every test here runs the spaCy English model (redaction or extraction).
import pytest

pytestmark = pytest.mark.spacy

FRAGMENTS = [
    "Daniel Price", "Siobhán O'Connell", "Nguyen Van Minh", "her partner, Dean Hart", "a man called Kyle",
    "Daniel's", "Forward Leeds", "Citizens Advice", "the Jobcentre", "Leeds", "Cardiff Prison", "licence",
    "oh seven seven zero zero, nine double zero, four six one", "07700 900461", "LS9 8AB", "L S nine, eight A B",
    "A4829 KT", "X482 913", "JK 123456 C", "priya dot sharma eighty eight at example dot com", "x@y.co.uk",
    "nine four three, four seven six, five nine one nine", "2019/0456789Z", "YT68 KLM", "sort code 20 32 10",
    "date of birth the second of June 1988", "Monday the 23rd of March at 2pm", "42 Harehills Lane",
    "his phone number is", "NHS number", "case reference", "[PERSON_1]", "[PHONE_2]", "<script>alert(1)</script>",
    "'; DROP TABLE notes; --", "\x00\x1b[31m", "double", "oh", "at", "dot", "slash", "Mr", "Doctor", "\u202e",
]
SEPARATORS = st.sampled_from([" ", ", ", ". ", "\n", " - ", "", "'s "])
PIECES = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))
NOTES = st.lists(st.tuples(PIECES, SEPARATORS), max_size=14).map(lambda xs: "".join(p + s for p, s in xs))

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_result(text: str, r) -> None:
    prev_end = 0
    for e in r.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert e.start >= prev_end, "entities overlap or are unsorted"
        assert text[e.start:e.end] == e.text
        assert parse_placeholder(e.placeholder)
        prev_end = e.end
    assert apply_entities(text, r.entities).text == r.text
    # every character outside a placeholder maps back to the same character of the input
    inside = set()
    shift = 0
    for e in r.entities:
        inside.update(range(e.start + shift, e.start + shift + len(e.placeholder)))
        shift += len(e.placeholder) - (e.end - e.start)
    for o in range(0, len(r.text), max(1, len(r.text) // 50)):
        if o not in inside:
            assert r.text[o] == text[r.to_original(o)]


@SETTINGS
@given(NOTES)
def test_offsets_valid_and_exact(text):
    _check_result(text, redact(text))


@SETTINGS
@given(NOTES)
def test_no_detected_value_remains_in_output(text):
    r = redact(text)
    for e in r.entities:
        pattern = r"(?<![^\W_])%s(?![^\W_])" % re.escape(e.text)
        leftover = [m for m in re.finditer(pattern, r.text)
                    if not any(m.start() >= p.start() and m.end() <= p.end() for p in PLACEHOLDER_RE.finditer(r.text))]
        assert not leftover, (e, r.text)


@SETTINGS
@given(NOTES)
def test_redacting_twice_changes_nothing_more(text):
    once = redact(text).text
    twice = redact(once)
    assert twice.text == once and twice.entities == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode_input(text):
    _check_result(text, redact(text))
