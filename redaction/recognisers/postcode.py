"""UK postcodes (LS9 8AB), whole or, after an address or a "postcode" cue, the outward part."""
from __future__ import annotations

import re

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.address import STREET_WORDS
from redaction.recognisers.base import PatternRecogniser
from redaction.spoken import Token

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
                # Whisper's "LS849", "WF13, 60 and": an outward code followed by a garbled inward part.
                (r"(?<![A-Z0-9])[A-Z]{1,2}\d{1,2}[A-Z]?\d[A-Z\d]?(?![A-Z0-9])", 0.35),
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

    def find(self, a: Analysis) -> list[Entity]:
        return super().find(a) + self._split_shapes(a)

    def _split_shapes(self, a: Analysis) -> list[Entity]:
        """Postcodes Whisper split with its punctuation ("PE1, 5KR", "SA2. 0NE"), dotted ("B.S. 5, 7 B.L.")
        or hyphen-spelled ("S-A-2, O-N-E"). After a town or an address any outward+inward shape is taken
        (the area or the inward letters may be misheard: "Bristol, DS5, 7PL"); elsewhere only a valid one."""
        toks, out = a.tokens, []
        n = len(toks)
        for k in range(n):
            t = toks[k]
            spoken = _spoken_letter(toks, k)
            if spoken is None and (t.kind not in ("letter", "caps", "alnum") or not t.canon[:1].isalpha()):
                continue
            if k and toks[k - 1].kind in ("letter", "caps", "alnum", "digits") and toks[k - 1].end == t.start:
                continue
            if k and (toks[k - 1].raw in _JOINERS and k > 1 and toks[k - 2].kind in ("letter", "caps", "alnum")
                      and toks[k - 2].end == toks[k - 1].start):
                continue                                # inside "S-A-2" or "B.S.": start at its first letter
            shape = _shape_at(toks, k, spoken)
            if shape is None or (spoken and not _after_place(a, k)):
                continue
            end_tok, dense = shape
            outward, inward = dense[:-3], dense[-3:]
            strict = _area(outward) in POSTCODE_AREAS and _INWARD_LETTERS.issuperset(inward[1:]) \
                and inward[0] != "O"
            if _after_place(a, k):
                if inward[1:] in ("AM", "PM"):
                    continue                            # "Tuesday, A2, 3 PM"
                score = 0.8
            elif strict:
                score = 0.7
            else:
                continue
            start, end = t.start, toks[end_tok].end
            key = f"{self.type}:{outward}{inward[0].replace('O', '0')}{inward[1:]}"
            out.append(self.entity(a, start, end, score, key))
        return out


_INWARD_LETTERS = frozenset("ABDEFGHJLNPQRSTUWXYZ")
_JOINERS = {".", "-", "–"}
_BETWEEN = {",", ".", "-", "–"}
_SHAPE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?[\dO][A-Z]{2}")
# Capitalised words that are not a town before a code ("Room B2", "Year 9"): days, months, labels.
_NOT_PLACE = frozenset("""the a an and but so then he she they it we his her their is was at in on of to for from
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december room flat unit year block ward wing cell level floor bus route platform
gate section page band grade tier table form question item step stage number""".split())


# A letter Whisper wrote as its name, hyphen-joined to the digit after it ("Al-4, 2SN" for L4 2SN).
_LETTER_WORDS = {"al": "L", "el": "L", "em": "M", "en": "N", "es": "S", "ess": "S", "ex": "X", "dee": "D",
                 "gee": "G", "jay": "J", "kay": "K", "pee": "P", "tee": "T", "vee": "V", "bee": "B", "ef": "F"}


def _spoken_letter(toks: list[Token], k: int) -> str | None:
    t = toks[k]
    if t.kind != "word" or t.lower not in _LETTER_WORDS or k + 1 >= len(toks):
        return None
    nxt = toks[k + 1]
    joined = nxt.raw in ("-", "–") and nxt.start == t.end and k + 2 < len(toks) and toks[k + 2].kind == "digits"
    return _LETTER_WORDS[t.lower] if joined or (nxt.kind == "digits" and nxt.start == t.end) else None


def _shape_at(toks: list[Token], k: int, first: str | None = None) -> tuple[int, str] | None:
    """(last token, dense form) of the longest postcode shape starting at token ``k``, tokens joined
    by commas, full stops and hyphens; None if there is none. ``first``: token ``k`` read as this letter."""
    dense, best = "", None
    j, n = k, len(toks)
    while j < n and j < k + 14 and len(dense) <= 7:
        t = toks[j]
        if j == k and first:
            dense += first
        elif t.kind in ("letter", "caps", "alnum", "digits"):
            dense += t.canon.upper()
            if len(dense) >= 5 and _SHAPE.fullmatch(dense):
                best = (j, dense)
        elif t.raw not in _BETWEEN:
            break
        j += 1
    if best is None:
        return None
    nxt = best[0] + 1
    if nxt < n and toks[nxt].kind in ("letter", "caps", "alnum", "digits") and toks[nxt].start == toks[best[0]].end:
        return None
    return best


def _after_place(a: Analysis, k: int) -> bool:
    """Does token ``k`` follow a town ("Bristol, ..."), a street ("... Mill Road, ...") or an address
    already redacted ("[ADDRESS_1], ...")?"""
    toks = a.tokens
    i = k - 1
    while i >= 0 and toks[i].raw == ",":
        i -= 1
    if i < 0:
        return False
    p = toks[i]
    if p.lower == "at" and i > 0:
        # "40 Hestro Teris at PS5, 7QD": an address said just before, by its street word or its number
        near = toks[max(0, i - 6):i]
        if any(x.lower in STREET_WORDS for x in near) or any(
                x.kind == "digits" and y.raw[:1].isupper() for x, y in zip(near, near[1:])):
            return True
    if p.raw == "]":
        return a.text.rfind("[ADDRESS_", 0, p.start) > a.text.rfind("]", 0, p.start)
    return (p.kind == "word" and p.raw[:1].isupper() and len(p.raw) >= 3 and p.raw.isalpha()
            and p.lower not in _NOT_PLACE) or p.lower in STREET_WORDS
