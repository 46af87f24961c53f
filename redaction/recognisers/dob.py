"""Dates of birth: the date said after "date of birth", "born on", "DOB"; appointment dates stay."""
from __future__ import annotations

import datetime as dt
import re

from redaction.analysis import Analysis, PhraseIndex
from redaction.model import Entity
from redaction.recognisers.base import Recogniser
from redaction.spoken import Token

__all__ = ["DobRecogniser", "MONTHS", "ORDINAL_WORDS", "date_tokens_after", "parse_spoken_date"]

MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                           "august", "september", "october", "november", "december"])}
MONTHS.update({m[:3]: v for m, v in list(MONTHS.items())})
MONTHS["sept"] = 9
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
ORDINAL_WORDS.update({"thirtieth": 30})
_ORDINAL_RE = re.compile(r"^(\d{1,2})(st|nd|rd|th)$", re.I)
OLD_YEARS = 10      # a full date this many years back is a birth date, not an appointment
_APPOINTMENT_WORDS = {"appointment", "next", "appointments", "session", "review", "hearing", "court"}
_FILLER = {"the", "of", ",", "is", "was", ":", "on", "-", "/", ".", "and"}
_CUES = ("date of birth", "d o b", "dob", "d.o.b", "born on", "born", "birthday is", "birthday", "birth date",
         "date of birth is", "born in")


def _dateish(t: Token) -> bool:
    return (t.lower in MONTHS or t.lower in ORDINAL_WORDS or bool(_ORDINAL_RE.match(t.raw))
            or (t.kind == "digits" and len(t.canon) <= 4) or t.raw.upper() in ("II", "III"))


def date_tokens_after(toks: list[Token], j: int, max_tokens: int = 12) -> tuple[int, int] | None:
    """Token range [first, last] of the date said from token ``j`` (allowing one misheard word)."""
    first = last = None
    gap = 0
    k = j
    while k < len(toks) and k < j + max_tokens:
        t = toks[k]
        if _dateish(t):
            first = k if first is None else first
            last, gap = k, 0
        elif t.lower in _FILLER and not (t.raw == "." and last is not None):
            pass
        elif t.raw in (".", "?", "!", ";", "[") or t.raw.startswith("["):
            break
        else:
            gap += 1
            if gap > 1:
                break
        k += 1
    if first is None:
        return None
    span = toks[first:last + 1]
    if not any(t.lower in MONTHS or (t.kind == "digits" and len(t.canon) == 4) for t in span) and len(span) < 2:
        return None
    return first, last


def parse_spoken_date(toks: list[Token]) -> tuple[int | None, int | None, int | None]:
    """(day, month, year) from tokens such as "the 2nd of June 1988" / "second of June nineteen eighty eight"."""
    day = month = year = None
    digits = []
    for k, t in enumerate(toks):
        if t.lower in MONTHS:
            month = MONTHS[t.lower]
        elif t.lower in ORDINAL_WORDS:
            day = ORDINAL_WORDS[t.lower]
            if k > 0 and toks[k - 1].canon in ("20", "30") and day < 10:   # "twenty ninth"
                day += int(toks[k - 1].canon)
                digits.pop()
        elif _ORDINAL_RE.match(t.raw):
            day = int(_ORDINAL_RE.match(t.raw).group(1))
        elif t.kind == "digits":
            digits.append(t.canon)
    for d in digits:
        if len(d) == 4 and year is None:
            year = int(d)
    if year is None and len(digits) >= 2 and len(digits[-2]) == 2 and len(digits[-1]) == 2 \
            and digits[-2] in ("19", "20"):
        year = int(digits[-2] + digits[-1])
    if day is None:
        for d in digits:
            if len(d) <= 2 and 1 <= int(d) <= 31 and not (year and str(year).startswith(d)):
                day = int(d)
                break
    return day, month, year


class DobRecogniser(Recogniser):
    name = "date_of_birth"
    type = "DATE_OF_BIRTH"

    def __init__(self):
        self._cues = PhraseIndex(_CUES)

    def find(self, a: Analysis) -> list[Entity]:
        out = []
        for _, j, _words in self._cues.find(a.tokens):
            rng = date_tokens_after(a.tokens, j)
            if rng:
                s, e = a.tokens[rng[0]].start, a.tokens[rng[1]].end
                out.append(self.entity(a, s, e, 0.9))
        out += self._old_dates(a)
        return out

    def _old_dates(self, a: Analysis) -> list[Entity]:
        """A whole date with a year long past ("19th of October 2001"): in a supervision note
        that is a date of birth even when Whisper garbled the cue ("mate on birth")."""
        out, toks = [], a.tokens
        limit = dt.date.today().year - OLD_YEARS
        for k, t in enumerate(toks):
            if t.lower not in MONTHS or len(t.raw) < 3 or t.raw == "may":   # "may" lowercase is a verb
                continue
            # the date around the month, from up to three tokens before it ("the 19th of October")
            rng = next((r for r in (date_tokens_after(toks, max(0, k - b), max_tokens=8) for b in (3, 2, 1, 0))
                        if r and r[0] <= k <= r[1]), None)
            if rng is None:
                continue
            span = toks[rng[0]:rng[1] + 1]
            day, month, year = parse_spoken_date(span)
            before = {x.lower for x in toks[max(0, rng[0] - 8):rng[0]]}
            if before & _APPOINTMENT_WORDS:   # "next appointment ... 10th of June 2011" (Whisper's "at 11am")
                continue
            # what is left of a garbled "date of birth" ("date on both ends of November, 1979")
            dated = "date" in {x.lower for x in toks[max(0, rng[0] - 6):rng[0]]}
            if (day or dated) and year and 1900 <= year <= limit:   # a whole date; "in May 2001" is history
                first = next(i for i, x in enumerate(span) if _dateish(x) and (x.lower in MONTHS or x.lower in
                                                                                 ORDINAL_WORDS or x.kind == "digits"
                                                                                 or _ORDINAL_RE.match(x.raw)))
                s, e = span[first].start, span[-1].end
                out.append(self.entity(a, s, e, 0.6))
        return out
