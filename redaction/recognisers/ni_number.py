"""National Insurance numbers (QQ123456C) with HMRC's allocation rules for the prefix."""
from __future__ import annotations

import re

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser

__all__ = ["NiNumberRecogniser", "valid_nino"]

# HMRC: the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U or V;
# these prefixes are never allocated; the suffix is A, B, C or D.
_BAD_FIRST = set("DFIQUV")
_BAD_SECOND = set("DFIOQUV")
_UNALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def valid_nino(value: str) -> bool:
    v = value.upper().replace(" ", "")
    if len(v) not in (8, 9) or not v[2:8].isdigit():
        return False
    if v[0] in _BAD_FIRST or v[1] in _BAD_SECOND or v[:2] in _UNALLOCATED:
        return False
    return len(v) == 8 or v[8] in "ABCD"


class NiNumberRecogniser(PatternRecogniser):
    name = "ni_number"
    type = "NI_NUMBER"
    patterns = ((r"[A-Z]{2}\d{6}[A-D]?", 0.6),)
    cues = {"national insurance number": 0.95, "national insurance": 0.9, "ni number": 0.95,
            "n i number": 0.95, "nino": 0.9, "insurance number": 0.9}
    min_digits = 3

    def validate(self, value: str) -> bool | None:
        return valid_nino(value)

    def find(self, a: Analysis) -> list[Entity]:
        out = super().find(a)
        # Spelled out character by character ("S-T-4-4-3-2-2B") the NINO shape is plain even when
        # Whisper dropped a repeated digit: an allocated prefix, five or six digits, a valid suffix.
        for t in a.tokens:
            if t.spelled and _SPELLED_NINO.fullmatch(t.canon) and valid_nino(t.canon[:2] + "000000"):
                out.append(self.entity(a, t.start, t.end, 0.75, f"{self.type}:{t.canon}"))
        # The whole shape with its suffix letter said in groups ("JD 4-8, 2-7, 1-9, B") is a NINO even
        # when Whisper misheard a prefix letter into one HMRC never allocates (T heard as D).
        for run in a.runs:
            for m in _FULL_NINO.finditer(run.dense):
                if not valid_nino(m.group()):
                    start, end = run.span(m.start(), m.end())
                    out.append(self.entity(a, start, end, 0.55, f"{self.type}:{m.group()}"))
        return out


_SPELLED_NINO = re.compile(r"[A-Z]{2}\d{5,6}[A-D]?")
_FULL_NINO = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{6}[A-D](?![A-Z0-9])")
