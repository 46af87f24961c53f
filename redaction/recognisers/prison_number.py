"""Prison numbers (A1234BC): one letter, four digits, two letters."""
from __future__ import annotations

from redaction.recognisers.base import PatternRecogniser

__all__ = ["PrisonNumberRecogniser"]


class PrisonNumberRecogniser(PatternRecogniser):
    name = "prison_number"
    type = "PRISON_NUMBER"
    # Whisper often drops the leading letter ("4551 CD"), so four digits and two letters also count.
    patterns = ((r"(?<![A-Z0-9])[A-Z]\d{4}[A-Z]{2}(?![A-Z0-9])", 0.85),
                (r"(?<![A-Z0-9])\d{4}(?!AM|PM)[A-Z]{2}(?![A-Z0-9])", 0.5))   # not a time: "11, 30am"
    cues = {"prison number": 0.95, "prisoner number": 0.95, "prison no": 0.9, "nomis number": 0.95,
            "noms number": 0.95, "booking number": 0.85}
    min_digits = 3
