"""Probation case references (CRN), one letter and six digits: X123456."""
from __future__ import annotations

from redaction.analysis import Analysis, PhraseIndex
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser
from redaction.spoken import run_from

__all__ = ["CaseRefRecogniser"]

# "case" alone is what is left of "case ref" when Whisper mishears the rest ("his case left in
# x 4 7 7 0 2 1", "case reffing next for ..."): only a long number said after it counts.
_WEAK_CUES = ("case", "his case", "her case", "their case")
_WEAK_MIN_DIGITS = 5


class CaseRefRecogniser(PatternRecogniser):
    name = "case_ref"
    type = "CASE_REF"
    patterns = ((r"(?<![A-Z0-9])[A-Z]\d{6}(?!\d)", 0.65),)
    cues = {"case reference": 0.95, "case references": 0.9, "case ref": 0.95, "case number": 0.9, "crn": 0.95, "c r n": 0.95,
            "reference number": 0.85, "reference": 0.6, "ref": 0.6, "delius number": 0.9}
    min_digits = 3

    def __init__(self):
        super().__init__()
        self._weak = PhraseIndex(_WEAK_CUES)

    def find(self, a: Analysis) -> list[Entity]:
        out = super().find(a)
        for _, j, _phrase in self._weak.find(a.tokens):
            run = run_from(a.tokens, j, max_tokens=10, max_gap=1)
            if run is None or sum(c.isdigit() for c in run.dense) < _WEAK_MIN_DIGITS:
                continue
            start, end = run.span(0, len(run.dense))
            out.append(self.entity(a, start, end, 0.7, f"{self.type}:{run.dense}"))
        return out
