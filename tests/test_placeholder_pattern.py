"""One placeholder pattern in the code: every other module builds on redaction.placeholders."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from redaction.placeholders import PLACEHOLDER_RE, placeholder_pattern

ROOT = Path(__file__).resolve().parents[1]
# A regex written to match "[TYPE_N]": a literal "[", a type (named or [A-Z_]+), "_", \d.
_WRITTEN_PATTERN = re.compile(r"\\\[(?:\[A-Z_\]\+|\(|[A-Z_]+)[^\n\"']{0,40}_\(?\\d")


def test_the_placeholder_pattern_is_written_once_in_the_code():
    found = []
    for folder in ("assistant", "redaction", "review_ui", "eval", "models", "benchmarks", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _WRITTEN_PATTERN.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}")
    assert found == ["redaction/placeholders.py:" + str(_pattern_line())], found


def _pattern_line() -> int:
    lines = (ROOT / "redaction/placeholders.py").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("_PATTERN ="))


def test_a_pattern_for_some_types_matches_only_those():
    person = re.compile(placeholder_pattern("PERSON"))
    assert person.fullmatch("[PERSON_12]") and not person.fullmatch("[PHONE_1]")
    text = "Met [PERSON_1] at [ADDRESS_2]; call [PHONE_10], not [NAME_1] or [PERSON_x]."
    assert re.findall(placeholder_pattern(), text) == [m.group(0) for m in PLACEHOLDER_RE.finditer(text)] \
        == ["[PERSON_1]", "[ADDRESS_2]", "[PHONE_10]"]    # non-capturing: findall gives whole placeholders


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError):
        placeholder_pattern("NAME")
