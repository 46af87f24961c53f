"""Bank details: sort codes and account numbers, said after a cue ("sort code", "account number")."""
from __future__ import annotations

from redaction.recognisers.base import PatternRecogniser

__all__ = ["BankRecogniser"]


class BankRecogniser(PatternRecogniser):
    name = "bank"
    type = "BANK"
    # Six or eight bare digits are too common to redact without a cue, but Whisper sometimes fuses
    # the cue into the number ("Sorko204577" for "sort code 20 45 77").
    patterns = ((r"(?<![A-Z0-9])[A-Z]{4,}\d{6}(?:\d{2})?(?![A-Z0-9])", 0.55),)
    cues = {"sort code": 0.95, "account number": 0.95, "account no": 0.9, "bank account number": 0.95,
            "bank details": 0.85, "iban": 0.95, "card number": 0.95, "bank card number": 0.95,
            # Whisper often mishears "sort" ("sore code", "SOAR code"); digits after "code" are bank details
            "code": 0.65,
            # ... or fuses it into one word ("Sorko 20, 31, 45")
            "sorko": 0.8, "sortcode": 0.9}
    min_digits = 4
