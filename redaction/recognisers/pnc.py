"""Police National Computer IDs: year, slash, up to seven digits and a check letter (2019/0456789Z)."""
from __future__ import annotations

from redaction.recognisers.base import PatternRecogniser

__all__ = ["PncRecogniser"]

_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"   # the PNC check character is (digits of year+serial) mod 23


class PncRecogniser(PatternRecogniser):
    name = "pnc_id"
    type = "PNC_ID"
    patterns = ((r"(?<!\d)(?:\d{2}){1,2}/?\d{5,7}[A-Z](?![A-Z0-9])", 0.6),
                (r"(?<!\d)(?:\d{2}){1,2}/\d{1,7}[A-Z](?![A-Z0-9])", 0.8),
                # the check letter lost ("2910 slash 0456789"): year, slash, serial is still distinctive
                (r"(?<![\d/])\d{2,4}/\d{5,7}(?![\d/])", 0.55))
    cues = {"pnc number": 0.95, "pnc id": 0.95, "pnc": 0.9, "p n c": 0.9, "p n c number": 0.95,
            "p n c i d": 0.95, "pnc i d": 0.95, "police national computer": 0.95, "cro number": 0.9}
    min_digits = 4

    def validate(self, value: str) -> bool | None:
        year, _, serial = value.partition("/")
        if not serial:
            return None
        digits = (year[-2:] + serial[:-1].zfill(7))
        # Real PNC IDs carry this check letter; spoken ones in notes often do not match, so a
        # mismatch is not a rejection, a match is a boost.
        return True if _CHECK[int(digits) % 23] == serial[-1] else None
