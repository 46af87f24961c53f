"""Addresses: house number (written or spoken) and street ("forty two Harehills Lane", "flat three,
eleven Hyde Park Road", "nineteen Heol Las"). A street named without a number is redacted too,
unless it is an allow-listed place."""
from __future__ import annotations

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import Recogniser
from redaction.spoken import Token

__all__ = ["AddressRecogniser", "STREET_WORDS", "NEEDS_NUMBER"]

STREET_WORDS = frozenset("""street road lane avenue close drive way crescent place terrace grove gardens walk row
hill view square mews rise approach court parade park green vale wynd heights boulevard croft fold garth gate
crossing end side bank brow lea meadow meadows drove chase yard wharf quay""".split())
# Streets that are too often something else without a house number ("Park", "Court", "Hill", ...).
NEEDS_NUMBER = frozenset("court park hill view green end side bank gate way row walk yard".split())
# Street words clear enough to trust in lower case after a house number ("27 bell grave road").
_PLAIN_STREET = frozenset("street road lane avenue drive crescent terrace grove gardens mews approach square".split())
_WELSH_PREFIX = frozenset({"heol", "ffordd", "stryd", "lon", "rhodfa"})
_FLAT_WORDS = frozenset({"flat", "apartment", "unit", "room"})
_NOT_NAME = frozenset({"the", "a", "an", "and", "of", "he", "she", "they", "i", "it", "his", "her", "their"})


def _cap(t: Token) -> bool:
    return t.raw[:1].isupper() and t.kind in ("word", "caps") and t.lower not in _NOT_NAME


def _house_number(t: Token) -> bool:
    return (t.kind == "digits" and len(t.canon) <= 4) or (t.kind == "alnum" and t.raw[:-1].isdigit()
                                                          and len(t.raw) <= 5)


class AddressRecogniser(Recogniser):
    name = "address"
    type = "ADDRESS"

    def find(self, a: Analysis) -> list[Entity]:
        toks, out = a.tokens, []
        for k, t in enumerate(toks):
            lower_case = self._lower_case_street(toks, k)
            if lower_case is not None:
                i = lower_case
                end = t.end
            elif t.lower in STREET_WORDS and t.raw[:1].isupper():
                i = k
                # "Hyde Park Road": a street word that needs a number may be part of the name
                while i > 0 and _cap(toks[i - 1]) and k - i < 3 and (toks[i - 1].lower not in STREET_WORDS
                                                                      or toks[i - 1].lower in NEEDS_NUMBER):
                    i -= 1
                while i < k and toks[i].lower in STREET_WORDS:
                    i += 1
                if i == k:
                    continue
                end = t.end
            elif t.lower in _WELSH_PREFIX and t.raw[:1].isupper() and k + 1 < len(toks) and _cap(toks[k + 1]):
                i, j = k, k + 1
                while j + 1 < len(toks) and _cap(toks[j + 1]) and j - k < 2:
                    j += 1
                end = toks[j].end
            else:
                continue
            start, numbered = toks[i].start, False
            if lower_case is not None:
                i += 1
            if i > 0 and _house_number(toks[i - 1]):
                start, numbered = toks[i - 1].start, True
                f = i - 1
                # "flat three, eleven ..." / "flat 3 ..."
                while f > 0 and toks[f - 1].raw == ",":
                    f -= 1
                if f >= 2 and _house_number(toks[f - 1]) and toks[f - 2].lower in _FLAT_WORDS:
                    start = toks[f - 2].start
                elif f >= 1 and toks[f - 1].lower in _FLAT_WORDS:
                    start = toks[f - 1].start
            # "Flat 3, Leaven Hyde Park Road"; "flat six, Orchard Court" (a flat number makes even a
            # building named "Court" an address)
            if not numbered and lower_case is None and i >= 3 \
                    and toks[i - 1].raw == "," and _house_number(toks[i - 2]) and toks[i - 3].lower in _FLAT_WORDS:
                start, numbered = toks[i - 3].start, True
            if not numbered and lower_case is None and t.lower not in NEEDS_NUMBER and k - i >= 2 and i >= 1 \
                    and toks[i - 1].lower == "at":
                numbered = True        # "at Leaven Hyde Park Road": the house number misheard as a word
            if not numbered:
                if t.lower in NEEDS_NUMBER or a.is_protected(toks[i].start, end):
                    continue
            out.append(self.entity(a, start, end, 0.9 if numbered else 0.6,
                                   "ADDRESS:" + a.text[toks[i].start:end].lower()))
        return out

    @staticmethod
    def _lower_case_street(toks: list[Token], k: int) -> int | None:
        """Index of the street's first word when Whisper wrote it in lower case after a house number:
        "27 bell grave road" (index of "bell" - 1, the number), "40-cardigan road". After a flat number
        any street word counts ("flat six, orchard court")."""
        # "40 kelvin's treat": Whisper's split of "Kelvin Street", the "s" joined to the name
        split_street = toks[k].lower == "treat" and k > 0 and toks[k - 1].lower.endswith(("'s", "’s"))
        if (toks[k].lower not in STREET_WORDS and not split_street) or toks[k].raw[:1].isupper():
            return None
        i = k - 1
        while i >= 0 and k - i <= 3 and toks[i].kind == "word" and toks[i].lower not in _NOT_NAME \
                and toks[i].lower not in STREET_WORDS:
            i -= 1
        if i >= k - 1 or i < 0:
            return None
        if toks[i].raw in ("-", ",") and i > 0 and toks[i - 1].kind in ("digits", "alnum") \
                and (toks[i].raw == "-" or (i > 1 and toks[i - 2].lower in _FLAT_WORDS)):
            i -= 1                       # "40-cardigan road", "flat six, orchard court"
        if not _house_number(toks[i]):
            return None
        flat = i > 0 and toks[i - 1].lower in _FLAT_WORDS
        # "17 Tennyson court": the street's own name, capitalised, between the number and the street word
        named = all(x.raw[:1].isupper() for x in toks[i + 1:k] if x.kind == "word")
        return i if toks[k].lower in _PLAIN_STREET or flat or named or split_street else None
