"""Probation case references (CRN), one letter and six digits: X123456."""
from __future__ import annotations

from redaction.recognisers.base import PatternRecogniser

__all__ = ["CaseRefRecogniser"]


class CaseRefRecogniser(PatternRecogniser):
    name = "case_ref"
    type = "CASE_REF"
    patterns = ((r"(?<![A-Z0-9])[A-Z]\d{6}(?!\d)", 0.65),)
    cues = {"case reference": 0.95, "case references": 0.9, "case ref": 0.95, "case number": 0.9, "crn": 0.95, "c r n": 0.95,
            "reference number": 0.85, "reference": 0.6, "ref": 0.6, "delius number": 0.9}
    min_digits = 3
