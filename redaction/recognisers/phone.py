"""UK telephone numbers, checked with Google's ``phonenumbers`` (region GB)."""
from __future__ import annotations

import phonenumbers

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser

__all__ = ["PhoneRecogniser"]

REGION = "GB"
# Cues explicit enough that the digits said after them are the number, however Whisper wrote them.
_EXPLICIT = {"phone number", "mobile number", "telephone number", "contact number", "mobile", "number is",
             "new number", "landline", "phone"}
# Only right after an explicit cue: Whisper's homophones for digits ("oh seven four" -> "0.7 for").
_HOMOPHONES = {"for": "4", "to": "2", "too": "2", "oh": "0", "o": "0"}
_FILLER = {"is", "was", "now", "it's", ":"}


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

    def find(self, a: Analysis) -> list[Entity]:
        out = super().find(a)
        toks = a.tokens
        for _, j, phrase in self._cue_index.find(toks):
            if phrase not in _EXPLICIT:
                continue
            while j < len(toks) and toks[j].lower in _FILLER:
                j += 1
            digits, first, last, k = "", None, None, j
            while k < len(toks) and len(digits) <= 11:
                t = toks[k]
                if t.kind == "digits" and t.canon.isdigit():
                    d = t.canon
                elif t.lower in _HOMOPHONES:
                    d = _HOMOPHONES[t.lower]
                elif t.raw in (".", ",", "-") and first is not None:
                    k += 1
                    continue
                else:
                    break
                digits += d
                first = k if first is None else first
                last = k
                k += 1
            if first is None or not 10 <= len(digits) <= 11 or not digits.startswith("0"):
                continue
            if toks[first].kind != "digits" or toks[last].kind != "digits":
                continue                   # a homophone at either end is only a word
            if self.validate(digits) is False:
                continue
            out.append(self.entity(a, toks[first].start, toks[last].end, 0.85, f"{self.type}:{digits}"))
        return out

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
