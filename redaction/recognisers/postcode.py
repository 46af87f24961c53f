"""UK postcodes (LS9 8AB), whole or, after an address or a "postcode" cue, the outward part."""
from __future__ import annotations

from redaction.recognisers.address import STREET_WORDS
from redaction.recognisers.base import PatternRecogniser

__all__ = ["PostcodeRecogniser", "POSTCODE_AREAS"]

# The 121 postcode areas of the UK (Royal Mail); a match outside them is not a postcode.
POSTCODE_AREAS = frozenset("""AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN
DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME
MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN
TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE""".split())


def _area(value: str) -> str:
    return value[:2] if len(value) > 1 and value[1].isalpha() else value[:1]


class PostcodeRecogniser(PatternRecogniser):
    name = "postcode"
    type = "POSTCODE"
    patterns = ((r"(?<![A-Z0-9])[A-Z]{1,2}\d[A-Z\d]?\d[ABD-HJLNP-UW-Z]{2}(?![A-Z0-9])", 0.75),
                # Whisper's "LS849": an outward code followed by a garbled inward part.
                (r"(?<![A-Z0-9])[A-Z]{1,2}\d{1,2}[A-Z]?\d[A-Z]?(?![A-Z0-9])", 0.35),
                # the outward code alone ("Leeds LS9"), only kept when an address is near
                (r"(?<![A-Z0-9])[A-Z]{1,2}\d{1,2}[A-Z]?(?![A-Z0-9])", 0.3))
    cues = {"postcode": 0.95, "post code": 0.95}
    # A postcode follows the street and the town: "... Harehills Lane, Leeds, LS849".
    context = tuple(STREET_WORDS) + ("lives at", "living at", "address", "moved to", "staying at")
    context_boost = 0.2
    min_digits = 1

    def validate(self, value: str) -> bool | None:
        return _area(value) in POSTCODE_AREAS

    def accept_cued(self, dense: str) -> bool:
        return len(dense) >= 3 and dense[:1].isalpha() and any(c.isdigit() for c in dense)
