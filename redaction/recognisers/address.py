"""Addresses: house number (written or spoken) and street ("forty two Harehills Lane", "flat three,
eleven Hyde Park Road", "nineteen Heol Las"). A street named without a number is redacted too,
unless it is an allow-listed place."""
from __future__ import annotations

import functools
import re

import jellyfish

from redaction.analysis import Analysis, is_common_word
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


def _joining_hyphen(toks: list[Token], i: int) -> bool:
    """A hyphen written between two words with no space ("maple-court")."""
    return (toks[i].raw == "-" and 0 < i < len(toks) - 1 and toks[i - 1].kind == "word"
            and toks[i - 1].end == toks[i].start and toks[i].end == toks[i + 1].start)


def _flat_before(toks: list[Token], i: int) -> bool:
    """Is the house number at ``i`` a flat's ("flat six", "flat-6")?"""
    j = i - 2 if i >= 2 and toks[i - 1].raw == "-" else i - 1
    return j >= 0 and toks[j].lower in _FLAT_WORDS


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
                misheard = self._misheard_street(a, k)
                if misheard is not None:
                    out.append(misheard)
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
                if f >= 2 and _house_number(toks[f - 1]) and _flat_before(toks, f - 1):
                    start = toks[f - 2 - (toks[f - 2].raw == "-")].start
                elif _flat_before(toks, f):
                    start = toks[f - 1 - (toks[f - 1].raw == "-")].start
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
        "27 bell grave road" (index of "bell" - 1, the number), "40-cardigan road", "27-brook Street". After
        a flat number any street word counts ("flat six, orchard court")."""
        # "40 kelvin's treat": Whisper's split of "Kelvin Street", the "s" joined to the name
        split_street = toks[k].lower == "treat" and k > 0 and toks[k - 1].lower.endswith(("'s", "’s"))
        if toks[k].lower not in STREET_WORDS and not split_street:
            return None
        capital = toks[k].raw[:1].isupper()      # only "27-brook Street": the name hyphen-joined to the number
        i = k - 1
        while i >= 0 and k - i <= 4 and (toks[i].kind == "word" or _joining_hyphen(toks, i)) \
                and toks[i].lower not in _NOT_NAME and toks[i].lower not in STREET_WORDS:
            i -= 1                       # "maple-court": Whisper joins the street's words with hyphens
        if i >= k - 1 or i < 0 or not any(x.kind == "word" for x in toks[i + 1:k]):
            return None
        hyphened = toks[i].raw == "-" and i > 0 and toks[i - 1].end == toks[i].start
        if toks[i].raw in ("-", ",") and i > 0 and toks[i - 1].kind in ("digits", "alnum") \
                and (toks[i].raw == "-" or _flat_before(toks, i - 1)):
            i -= 1                       # "40-cardigan road", "flat six, orchard court", "flat-9, maple-court"
        if not _house_number(toks[i]) or (capital and not hyphened):
            return None
        flat = _flat_before(toks, i)
        # "17 Tennyson court": the street's own name, capitalised, between the number and the street word
        named = all(x.raw[:1].isupper() for x in toks[i + 1:k] if x.kind == "word")
        return i if toks[k].lower in _PLAIN_STREET or flat or named or split_street else None

    def _misheard_street(self, a: Analysis, k: int) -> Entity | None:
        """A house number, the street's name and a capitalised word that sounds like a street word:
        Whisper's "22 Larchfield Terris." for "Terrace", "9 Oakbank Rode, Leeds" for "Road". The name
        must be a word no dictionary knows ("at 10 Green Tea" stays), and the street ends the phrase."""
        toks = a.tokens
        t = toks[k]
        if not (t.raw[:1].isupper() and t.kind == "word" and k >= 2 and _sounds_like_street(t.lower)):
            return None
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is not None and nxt.kind != "punct" and not nxt.raw[:1].isupper():
            return None                # the street ends the phrase: "..., 22 Larchfield Terris, Leeds."
        i = k - 1
        while i > 0 and k - i <= 2 and _cap(toks[i]) and toks[i].lower not in STREET_WORDS:
            i -= 1
        name = toks[i + 1:k]
        if not name or not _house_number(toks[i]) or all(is_common_word(x.raw) for x in name) \
                or a.is_protected(name[0].start, t.end):
            return None
        return self.entity(a, toks[i].start, t.end, 0.8, "ADDRESS:" + a.text[name[0].start:t.end].lower())


def _collapse(code: str) -> str:
    return re.sub(r"(.)\1+", r"\1", code)


@functools.lru_cache(maxsize=4096)
def _sounds_like_street(word: str) -> bool:
    """Sounds like a street word (the same Metaphone code once doubled consonants are one), beginning
    with the same letter: "terris" ~ "terrace", "rode" ~ "road", "clothes" ~ "close"."""
    if word in STREET_WORDS or len(word) < 3:
        return False
    return (word[0], _collapse(jellyfish.metaphone(word))) in _street_sounds()


@functools.lru_cache(maxsize=1)
def _street_sounds() -> frozenset[tuple[str, str]]:
    """(first letter, collapsed Metaphone code) of each street word, computed once."""
    return frozenset((st[0], _collapse(jellyfish.metaphone(st))) for st in STREET_WORDS if st not in NEEDS_NUMBER)
