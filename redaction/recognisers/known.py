"""The case's own identifiers, given by the officer (``CaseIdentifiers``): redacted wherever they
appear, in part or possessive ("Daniel", "Daniel's", "Smith"), whatever the other recognisers think,
and above the allow-list. Whisper's mishearings of a known name ("Mabey" written "maybe") are caught
by sound (Metaphone, from jellyfish) or spelling (Jaro-Winkler) when they stand next to a name cue
("Mr", "his partner", "met with") or next to another word of the same name.

``NoteValuesRecogniser`` finds the values a note already holds (``placeholder -> value``) so text
typed later into the same note gets the same placeholders."""
from __future__ import annotations

import datetime as dt
import re

import dateparser
import jellyfish

from redaction.analysis import Analysis
from redaction.model import CaseIdentifiers, Entity
from redaction.recognisers.base import Recogniser
from redaction.recognisers.dob import MONTHS, date_tokens_after, parse_spoken_date
from redaction.placeholders import parse_placeholder
from redaction.recognisers.person import PERSON_CUES, strip_possessive

__all__ = ["KnownRecogniser", "NoteValuesRecogniser", "parse_date_of_birth", "sounds_like", "NOTE_KEY"]

NOTE_KEY = "NOTE:"   # key prefix of a value the note already holds: NOTE:[PERSON_1]
_SPELLING_SIMILARITY = 0.9   # Jaro-Winkler at or above this is the same name misspelt ("Mabey"/"Mabbey")
_CUES = frozenset(tuple(c.split()) for c, score in PERSON_CUES.items() if score > 0)
_MAX_CUE = max(len(c) for c in _CUES)

_STREET_NUMBER = re.compile(r"^\s*(?:flat\s+\w+,?\s*)?\d+[a-z]?\s+", re.I)


def parse_date_of_birth(value: str) -> dt.date:
    """"1988-06-02", "02/06/1988", "2 June 1988" -> a date (day first, as in the UK)."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    parsed = dateparser.parse(value, settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise ValueError(f"date of birth {value!r} is not a date; give it as YYYY-MM-DD")
    return parsed.date()


class KnownRecogniser(Recogniser):
    name = "known"

    def __init__(self, known: CaseIdentifiers):
        self.known = known
        self.dob = parse_date_of_birth(known.date_of_birth) if known.date_of_birth else None

    def find(self, a: Analysis) -> list[Entity]:
        out: list[Entity] = []
        toks = a.tokens
        lows = [strip_possessive(t.raw).lower() for t in toks]
        # names: each word of each name, wherever it stands
        for name in self.known.names:
            words = [w.lower() for w in re.findall(r"[^\W_]+(?:['’][^\W_]+)*", name) if len(w) >= 2]
            key = "PERSON:" + " ".join(words)
            for k, w in enumerate(lows):
                if w in words:
                    e = toks[k].end - (2 if toks[k].raw.endswith(("'s", "’s")) else 0)
                    out.append(Entity("PERSON", toks[k].start, e, a.text[toks[k].start:e], "", self.name, 1.0, key))
            out += _sound_alikes(a, lows, words, key, {e.start for e in out})
        out = _merge_adjacent(a.text, out)
        # address: the street words and the postcode, wherever they appear
        if self.known.address:
            line = self.known.address.split(",")[0]
            street = _STREET_NUMBER.sub("", line).strip()
            words = [w.lower() for w in re.findall(r"[^\W_]+", street)]
            if words:
                for k in range(len(toks) - len(words) + 1):
                    if lows[k:k + len(words)] == words:
                        s, e = toks[k].start, toks[k + len(words) - 1].end
                        if k > 0 and toks[k - 1].kind == "digits":
                            s = toks[k - 1].start
                        out.append(Entity("ADDRESS", s, e, a.text[s:e], "", self.name, 1.0, "ADDRESS:known"))
            out += self._dense_matches(a, [p for p in self.known.address.split(",")[1:]], "POSTCODE")
        out += self._dense_matches(a, self.known.other, None)
        if self.dob:
            out += self._dob_matches(a)
        return out

    def _dense_matches(self, a: Analysis, values, type_: str | None) -> list[Entity]:
        out = []
        for v in values:
            dense = "".join(c for c in v.upper() if c.isalnum())
            if len(dense) < 4 or not any(c.isdigit() for c in dense):
                if type_ is None and dense:   # a word such as a nickname: match it as a word
                    for m in re.finditer(r"(?<!\w)%s(?!\w)" % re.escape(v.strip()), a.text, re.I):
                        out.append(Entity("PERSON", m.start(), m.end(), m.group(), "", self.name, 1.0,
                                          "PERSON:" + v.lower()))
                continue
            for run in a.runs:
                pos = run.dense.find(dense)
                while pos >= 0:
                    s, e = run.span(pos, pos + len(dense))
                    out.append(Entity(type_ or _guess_type(dense), s, e, a.text[s:e], "", self.name, 1.0,
                                      "KNOWN:" + dense))
                    pos = run.dense.find(dense, pos + 1)
        return out

    def _dob_matches(self, a: Analysis) -> list[Entity]:
        out, toks = [], a.tokens
        for k, t in enumerate(toks):
            if t.lower not in MONTHS:
                continue
            j = max(0, k - 4)
            rng = date_tokens_after(toks, j, max_tokens=10)
            if not rng or not (rng[0] <= k <= rng[1]):
                continue
            day, month, year = parse_spoken_date(toks[rng[0]:rng[1] + 1])
            if month == self.dob.month and day == self.dob.day and year in (None, self.dob.year):
                s, e = toks[rng[0]].start, toks[rng[1]].end
                out.append(Entity("DATE_OF_BIRTH", s, e, a.text[s:e], "", self.name, 1.0, "DATE_OF_BIRTH:known"))
        for run in a.runs:   # 02/06/1988
            for m in re.finditer(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", run.dense):
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                if (d, mo) == (self.dob.day, self.dob.month) and y in (self.dob.year, self.dob.year % 100):
                    s, e = run.span(m.start(), m.end())
                    out.append(Entity("DATE_OF_BIRTH", s, e, a.text[s:e], "", self.name, 1.0, "DATE_OF_BIRTH:known"))
        return out


def _guess_type(dense: str) -> str:
    from redaction.engine import classify

    return classify(dense) or "CASE_REF"


def _merge_adjacent(text: str, ents: list[Entity]) -> list[Entity]:
    """"Dean" + "Hart" -> "Dean Hart" when only spaces or a hyphen stand between the words."""
    out: list[Entity] = []
    for e in sorted(ents, key=lambda e: e.start):
        if out and out[-1].key == e.key and text[out[-1].end:e.start].strip(" -") == "" \
                and not out[-1].text.endswith(("'s", "’s")) and out[-1].end == out[-1].start + len(out[-1].text):
            prev = out[-1]
            out[-1] = Entity(prev.type, prev.start, e.end, text[prev.start:e.end], "", prev.recogniser, 1.0, prev.key)
        else:
            out.append(e)
    return out


def sounds_like(heard: str, name: str) -> bool:
    """Whisper's word ``heard`` could be the name ``name`` misheard: the same Metaphone code
    ("maybe"/"Mabey"), or a near spelling ("Mabbey"). Short words never match (too many collide)."""
    h, n = heard.lower(), name.lower()
    if len(h) < 3 or len(n) < 3 or h == n:
        return h == n
    hc, nc = jellyfish.metaphone(h), jellyfish.metaphone(n)
    if h[0] != n[0] and hc[:1] != nc[:1]:
        return False
    # the same sounds, or the name's sounds and one more ("Maybitt" for "Mabey"), or a near spelling
    return hc == nc or (len(nc) >= 2 and hc.startswith(nc) and len(hc) == len(nc) + 1) \
        or jellyfish.jaro_winkler_similarity(h, n) >= _SPELLING_SIMILARITY


def _after_cue(lows: list[str], k: int) -> bool:
    if k > 0 and lows[k - 1] == ".":   # "Mr." / "Mrs." as Whisper writes titles
        k -= 1
    for n in range(1, _MAX_CUE + 1):
        if k - n >= 0 and tuple(lows[k - n:k]) in _CUES:
            return True
    return False


def _sound_alikes(a: Analysis, lows: list[str], words: list[str], key: str, taken: set[int]) -> list[Entity]:
    """Mishearings of the name's words: a word that sounds like one of them, right after a name cue
    or right beside a word of the name (found exactly or by sound)."""
    toks, out = a.tokens, []
    exact = {k for k, t in enumerate(toks) if t.start in taken}
    for k, t in enumerate(toks):
        if t.start in taken or t.kind not in ("word", "caps") or a.is_protected(t.start, t.end):
            continue
        word = lows[k]
        if not any(sounds_like(word, w) for w in words if len(w) >= 3):
            continue
        if _after_cue(lows, k) or (k - 1) in exact or (k + 1) in exact:
            e = t.end - (2 if t.raw.endswith(("'s", "’s")) else 0)
            out.append(Entity("PERSON", t.start, e, a.text[t.start:e], "", "known", 0.9, key))
            exact.add(k)
    return out


class NoteValuesRecogniser(Recogniser):
    """The values a note already holds, wherever they stand in new text, with their own placeholders."""
    name = "known"

    def __init__(self, existing: dict[str, list[str]]):
        self.existing = existing

    def find(self, a: Analysis) -> list[Entity]:
        out = []
        for ph, values in self.existing.items():
            parsed = parse_placeholder(ph)
            if not parsed:
                continue
            for v in values:
                v = (v or "").strip()
                dense = "".join(c for c in v.upper() if c.isalnum())
                if len(dense) < 2:
                    continue
                if len(dense) >= 4 and any(c.isdigit() for c in dense):   # said with other spacing
                    for run in a.runs:
                        pos = run.dense.find(dense)
                        while pos >= 0:
                            s, e = run.span(pos, pos + len(dense))
                            out.append(Entity(parsed[0], s, e, a.text[s:e], "", self.name, 1.0, NOTE_KEY + ph))
                            pos = run.dense.find(dense, pos + 1)
                pattern = r"(?<!\w)%s(?!\w)" % r"\s+".join(re.escape(w) for w in v.split())
                for m in re.finditer(pattern, a.text, re.I):
                    out.append(Entity(parsed[0], m.start(), m.end(), m.group(), "", self.name, 1.0, NOTE_KEY + ph))
        return out
