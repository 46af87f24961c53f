"""UK telephone numbers, checked with Google's ``phonenumbers`` (region GB)."""
from __future__ import annotations

import phonenumbers

from redaction.recognisers.base import PatternRecogniser

__all__ = ["PhoneRecogniser"]

REGION = "GB"


class PhoneRecogniser(PatternRecogniser):
    name = "phone"
    type = "PHONE"
    # Dense runs hold digits only once Whisper's spacing and commas are gone: 07700900461, 447700900461.
    patterns = ((r"(?<!\d)(?:44|0)\d{9,10}(?!\d)", 0.6),)
    cues = {"phone number": 0.85, "mobile number": 0.85, "telephone number": 0.85, "contact number": 0.85,
            "phone": 0.7, "mobile": 0.75, "landline": 0.8, "number is": 0.6, "new number": 0.75,
            "his number": 0.7, "her number": 0.7, "their number": 0.7, "rang him on": 0.8, "rang her on": 0.8,
            "rang them on": 0.8, "call him on": 0.8, "call her on": 0.8, "called him on": 0.8,
            "called her on": 0.8, "text him on": 0.8, "text her on": 0.8, "ring him on": 0.8, "ring her on": 0.8,
            "rang": 0.55, "called": 0.55, "ring": 0.55, "on": 0.0}
    min_digits = 5

    def __init__(self):
        self.cues = {k: v for k, v in self.cues.items() if v > 0}
        super().__init__()

    def validate(self, value: str) -> bool | None:
        number = "+" + value if value.startswith("44") else value
        try:
            parsed = phonenumbers.parse(number, REGION)
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_possible_number(parsed):
            return False
        # Ofcom's drama ranges (07700 900xxx) are possible but not valid: still someone's number here.
        return True if phonenumbers.is_valid_number(parsed) else None
