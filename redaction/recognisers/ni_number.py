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
        return out + self._homophones(a)

    def _homophones(self, a: Analysis) -> list[Entity]:
        """The prefix and six digits with a digit Whisper wrote as its homophone ("JT for eight, two seven,
        one nine, B": "for" is 4): taken only when the whole NINO shape comes out, with the suffix."""
        toks, out = a.tokens, []
        for k, t in enumerate(toks):
            if t.kind != "caps" or len(t.canon) != 2 or not valid_nino(t.canon + "000000"):
                continue
            digits, homophones, j = "", 0, k + 1
            while j < len(toks) and len(digits) < 6:
                x = toks[j]
                if x.kind == "digits":
                    digits += x.canon
                elif x.lower in _DIGIT_HOMOPHONES and j + 1 < len(toks) and toks[j + 1].kind in ("digits", "punct"):
                    digits += _DIGIT_HOMOPHONES[x.lower]
                    homophones += 1
                elif x.raw not in (",", "-"):
                    break
                j += 1
            while j < len(toks) and toks[j].raw in (",", "-"):
                j += 1
            if homophones and len(digits) == 6 and j < len(toks) and toks[j].kind == "letter" \
                    and toks[j].canon in "ABCD":
                out.append(self.entity(a, t.start, toks[j].end, 0.6, f"{self.type}:{t.canon}{digits}{toks[j].canon}"))
        return out


_DIGIT_HOMOPHONES = {"for": "4", "to": "2", "too": "2", "ate": "8", "won": "1"}
_SPELLED_NINO = re.compile(r"[A-Z]{2}\d{5,6}[A-D]?")
_FULL_NINO = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{6}[A-D](?![A-Z0-9])")
