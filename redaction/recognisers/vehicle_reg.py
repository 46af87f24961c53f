"""UK vehicle registrations: current (AB12 CDE) and, when said after a cue, prefix/suffix styles."""
from __future__ import annotations

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
