"""UK vehicle registrations: current (AB12 CDE) and, when said after a cue, prefix/suffix styles."""
from __future__ import annotations

import re

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser

__all__ = ["VehicleRegRecogniser"]


class VehicleRegRecogniser(PatternRecogniser):
    name = "vehicle_reg"
    type = "VEHICLE_REG"
    patterns = ((r"(?<![A-Z0-9])[A-HJ-PR-Y][A-HJ-PR-Y]\d{2}[A-HJ-PR-Z]{3}(?![A-Z0-9])", 0.75),
                (r"(?<![A-Z0-9])[A-HJ-PR-Y]\d{1,3}[A-HJ-PR-Y]{3}(?![A-Z0-9])", 0.45),
                (r"(?<![A-Z0-9])[A-HJ-PR-Y]{3}\d{1,3}[A-HJ-PR-Y](?![A-Z0-9])", 0.45))
    cues = {"registration": 0.9, "registration number": 0.95, "reg": 0.85, "reg number": 0.95,
            "number plate": 0.95, "plate": 0.8, "vehicle registration": 0.95, "car reg": 0.95,
            # "registration" cut short by Whisper ("the regis, YR71, one, BNZ")
            "regis": 0.85}
    min_digits = 1

    def accept_cued(self, dense: str) -> bool:
        return len(dense) >= 4 and any(c.isdigit() for c in dense) and any(c.isalpha() for c in dense)

    def find(self, a: Analysis) -> list[Entity]:
        return super().find(a) + self._first_half(a)

    def _first_half(self, a: Analysis) -> list[Entity]:
        """The memory tag and age of a current plate ("MF58") standing alone, where the sentence is about
        a vehicle: Whisper turned the letters after it into words ("MF58, and then something") or the cue
        into another word. Alone it is too like other codes, so a vehicle must be named before it."""
        toks, out = a.tokens, []
        for run in a.runs:
            if _AGE_HALF_AND_LETTER.fullmatch(run.dense):      # "R.J. 6-4, W": a letter or two of the rest
                start, end = run.span(0, len(run.dense))
                out.append(self.entity(a, start, end, 0.55, f"{self.type}:{run.dense}"))
                continue
            if not _AGE_HALF.fullmatch(run.dense):
                continue
            k = a.token_index_at(run.tokens[0].start)
            window = toks[max(0, k - 15):k]
            if any(t.lower in _VEHICLE_WORDS for t in window):
                start, end = run.span(0, len(run.dense))
                out.append(self.entity(a, start, end, 0.6, f"{self.type}:{run.dense}"))
        return out


# Memory tag (two letters, no I, Q or Z) and an age identifier (02-29 for March, 51-79 for September).
_AGE_HALF = re.compile(r"[A-HJ-PR-Y]{2}(?:0[2-9]|[12]\d|5[1-9]|[67]\d)")
_AGE_HALF_AND_LETTER = re.compile(_AGE_HALF.pattern + r"[A-HJ-PR-Z]{1,2}")
_VEHICLE_WORDS = frozenset("""car van vehicle transit motorbike motorcycle moped scooter plate plates driving drive
drives driven reg registration""".split())
