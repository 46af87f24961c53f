"""NHS numbers: ten digits whose last is a modulus 11 check digit (``python-stdnum``'s gb.nhs)."""
from __future__ import annotations

from stdnum.gb import nhs

from redaction.recognisers.base import PatternRecogniser

__all__ = ["NhsRecogniser"]


class NhsRecogniser(PatternRecogniser):
    name = "nhs_number"
    type = "NHS_NUMBER"
    patterns = ((r"(?<!\d)\d{10}(?!\d)", 0.55),)
    cues = {"nhs number": 0.95, "nhs no": 0.9, "n h s number": 0.95, "health number": 0.85, "nhs": 0.7}
    min_digits = 4

    def validate(self, value: str) -> bool | None:
        # A ten-digit run that fails mod 11 is rejected here (it may still be a phone number).
        return nhs.is_valid(value)
