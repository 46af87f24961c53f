"""Disfluencies of spontaneous dictation, resolved before the fields are read, with offsets kept.

Officers do not dictate tidy prose: "um", "you know", "he he said", "Thursday, sorry, Friday at two,
well, half two". Three kinds are resolved here:

- **fillers** ("um", "uh", "erm", and "you know", "like", "basically" said between commas);
- **repeats** ("he he said", "on the, on the Friday"): the first copy goes;
- **self-corrections**: a correction marker ("sorry", "I mean", "no", "well", "or rather",
  "actually") between two values of the same kind (a weekday and a weekday, a time and a time, a
  name and a name, or a restart with the same first word) removes the first value and the marker,
  so the **last stated value wins**.

Nothing is rewritten: ``clean(text)`` returns a string of the **same length** in which every removed
character is a space. The mapping from cleaned offsets to the original text is therefore the
identity, so every field's evidence still points at the officer's exact words (and, through the
transcript's word times, at the audio). ``Cleaned.removed`` lists what was taken out and why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Cleaned", "Removal", "clean", "FILLERS"]

FILLERS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "err", "ah", "hmm", "mm", "mmm"})
# Discourse words that are fillers only when set off by commas ("he was, you know, upset").
_COMMA_FILLERS = ("you know", "i mean", "like", "basically", "literally", "sort of", "kind of", "yeah", "anyway")
# Correction markers, longest first. "well" and "no" also occur as ordinary words, so they count only
# when the values on both sides are of the same kind (never for a clause restart).
_MARKERS = ("sorry i mean", "sorry no", "no sorry", "no wait", "actually no", "well no", "or no", "but no", "or rather",
            "i mean",
            "sorry", "actually",
            "rather", "no", "well", "correction", "make that", "i should say", "scratch that")
_WEAK_MARKERS = {"no", "well", "actually", "rather"}
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "that", "this", "it's", "he's", "she's", "they're"}
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d{1,2}[:.]\d{2}|\d+(?:st|nd|rd|th)?|[.,;:!?\-—–]")
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "today"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"}
_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "fifteen", "twenty", "thirty", "forty", "forty-five", "fifty", "half", "quarter", "noon", "midday",
            "o'clock", "am", "pm", "oclock"}
_ORDINALS = re.compile(r"^(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                       r"eleventh|twelfth|\w+teenth|twentieth|thirtieth)$")
# Words that may sit inside a value of one kind ("Friday the 13th", "half past two", "ten in the morning").
_GLUE = {"the", "of", "past", "to", "in", "morning", "afternoon", "evening", "next", "this", "at", "on", "a", "m", "p"}
_PUNCT = set(".,;:!?-—–")
# Words that begin a value without being part of it: "on Thursday, sorry, on Friday" drops "on" with the
# first value only when the repair repeats it.
_LEADS = {"at", "on", "for", "by", "the", "to", "it's", "its", "it", "was", "is", "make", "that", "next", "this", "say"}


@dataclass
class Removal:
    start: int
    end: int
    kind: str        # filler | repeat | correction

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class Cleaned:
    text: str                                    # same length as the input; removed characters are spaces
    removed: list[Removal] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Offset in the cleaned text -> offset in the input (the identity: lengths are kept)."""
        return offset


@dataclass
class _W:
    text: str
    lower: str
    start: int
    end: int

    @property
    def punct(self) -> bool:
        return self.text in _PUNCT


def _kind(w: _W) -> str:
    lw = w.lower
    if lw in _WEEKDAYS:
        return "day"
    if lw in _MONTHS or _ORDINALS.match(lw):
        return "date"
    if lw in _NUMBERS or lw.isdigit() or re.fullmatch(r"\d{1,2}[:.]\d{2}", lw):
        return "time"
    if w.text[:1].isupper():
        return "name"
    return "word"


def _words(text: str) -> list[_W]:
    return [_W(m.group(), m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]


def _blank(chars: list[str], s: int, e: int) -> None:
    for i in range(s, e):
        if chars[i] not in "\n":
            chars[i] = " "


def _marker_at(ws: list[_W], i: int) -> tuple[str, int] | None:
    """The correction marker starting at word ``i`` and the index after it."""
    for m in _MARKERS:
        parts = m.split()
        seq = [w.lower for w in ws[i:i + len(parts) * 2] if not w.punct][:len(parts)]
        if seq != parts:
            continue
        j, k = i, 0
        while k < len(parts):
            if not ws[j].punct:
                k += 1
            j += 1
        return m, j
    return None


def _value_back(ws: list[_W], end: int, kind: str) -> int | None:
    """Start index of the run of ``kind`` words ending just before ``end`` (punctuation skipped), or None."""
    i = end - 1
    while i >= 0 and ws[i].punct:
        i -= 1
    if i < 0 or _kind(ws[i]) != kind:
        return None
    start = i
    while i - 1 >= 0 and (_kind(ws[i - 1]) == kind or (ws[i - 1].lower in _GLUE and kind in ("time", "date", "day")
                                                        and i - 2 >= 0 and _kind(ws[i - 2]) == kind)):
        i -= 1
        if _kind(ws[i]) == kind:
            start = i
    return start


def _corrections(ws: list[_W], gone: set[int] = frozenset()) -> list[Removal]:
    out = []
    i = 0
    while i < len(ws):
        # A pause: punctuation, or a filler already taken out ("Monday, er, no, Tuesday").
        prev_punct = i > 0 and (ws[i - 1].punct or any(c in gone for c in range(ws[i - 1].end, ws[i].start)))
        # "Monday or no Tuesday", "Monday, but no Tuesday", "at eleven well say half eleven": Whisper
        # leaves out the pause; read only between two values (below), never as a clause restart.
        unpaused = not prev_punct and ws[i].lower in ("or", "but", "well")
        found = _marker_at(ws, i) if prev_punct or unpaused or ws[i].lower in ("sorry", "correction") else None
        if not found or i == 0:
            i += 1
            continue
        marker, j = found
        while j < len(ws) and ws[j].punct:
            j += 1
        r = j
        while r < len(ws) and ws[r].lower in _LEADS:
            r += 1
        if r >= len(ws):
            break
        kind = _kind(ws[r])
        start = None
        if unpaused and kind not in ("day", "date", "time"):
            i += 1
            continue
        if kind in ("day", "date", "time", "name"):
            start = _value_back(ws, i, kind)
            # "on Thursday, sorry, on Friday": the repeated lead word goes with the first value.
            if start is not None and j < r and start > 0 and ws[start - 1].lower == ws[j].lower:
                start -= 1
        elif marker not in _WEAK_MARKERS:
            # A restart: "he was, sorry, he is": back to the same first word within the clause.
            # The repair's first word, or its second after a pronoun ("..., actually no, it was a video call"
            # restarts at "was a phone call").
            heads = {ws[j].lower} | ({ws[j + 1].lower} if j + 1 < len(ws) and ws[j].lower in _PRONOUNS else set())
            k = i - 1
            while k >= 0 and i - k <= 10 and not (ws[k].punct and ws[k].text in ".;:!?"):
                if ws[k].lower in heads and not ws[k].punct:
                    start = k
                    break
                k -= 1
        if start is not None:
            out.append(Removal(ws[start].start, ws[j - 1].end if ws[j - 1].punct else ws[j - 1].end, "correction"))
            i = j
            continue
        i += 1
    return out


def _repeats(ws: list[_W]) -> list[Removal]:
    """Adjacent repeats of one to three words ("he he", "on the, on the"): the first copy goes. Numbers
    and months are left alone ("ten ten" is a time, "May may"), as are words English doubles ("that
    that", "had had"); an ordinal said twice is a repeat."""
    out = []
    content = [k for k, w in enumerate(ws) if not w.punct]
    i = 0
    while i < len(content):
        done = False
        for n in (3, 2, 1):
            if i + 2 * n > len(content):
                continue
            a = [ws[k].lower for k in content[i:i + n]]
            b = [ws[k].lower for k in content[i + n:i + 2 * n]]
            # An ordinal said twice is a repeat ("the eighth, eighth at ten"): no date reads it twice.
            if a != b or (n == 1 and (a[0] in ("that", "had", "is", "do") or a[0] in _MONTHS
                                      or _kind(ws[content[i]]) == "time")):
                continue
            if n == 1 and not a[0].isalpha():
                continue
            s, e = ws[content[i]].start, ws[content[i + n]].start
            out.append(Removal(s, e, "repeat"))
            i += n
            done = True
            break
        if not done:
            i += 1
    return out


def _fillers(text: str, ws: list[_W]) -> list[Removal]:
    out = []
    for k, w in enumerate(ws):
        if w.lower in FILLERS:
            s, e = w.start, w.end
            # take one neighbouring comma with it, so "he was, um, late" reads "he was late"
            m = re.match(r"\s*,", text[e:])
            if m:
                e += m.end()
            if k > 0 and ws[k - 1].text == ",":
                s = ws[k - 1].start
            out.append(Removal(s, e, "filler"))
    out += _her_for_er(ws)
    lower = text.lower()
    for phrase in _COMMA_FILLERS:
        for m in re.finditer(r",\s*" + re.escape(phrase) + r"\s*,", lower):
            out.append(Removal(m.start(), m.end(), "filler"))
        for m in re.finditer(r"(?:^|(?<=[.!?]))\s*" + re.escape(phrase) + r"\s*,", lower):
            out.append(Removal(m.start(), m.end(), "filler"))
    return out


def _her_for_er(ws: list[_W]) -> list[Removal]:
    """Whisper writes the filler "er" as "her": "Her, she wants ...", "so her, the 24th", "referred him
    to her, to Aquarius". A "her" before a comma is the filler when a pause or a conjunction comes
    before it, or when the word before it is said again after it ("to her, to"); "I rang her, she
    said" keeps its "her"."""
    out = []
    for k, w in enumerate(ws):
        if w.lower != "her" or k + 1 >= len(ws) or ws[k + 1].text != ",":
            continue
        prev = ws[k - 1] if k else None
        again = k + 2 < len(ws) and prev is not None and not prev.punct and ws[k + 2].lower == prev.lower
        if prev is None or prev.punct or prev.lower in ("so", "and", "but", "then") or again:
            out.append(Removal(w.start, ws[k + 1].end, "filler"))
    return out


def clean(text: str, read: str | None = None) -> Cleaned:
    """``text`` with fillers, repeats and self-corrections blanked out (same length; see the module).
    ``read``, when given, is a same-length version of ``text`` the decisions are made on (extraction
    passes its placeholder-masked text, so a placeholder is removed whole or not at all)."""
    read = text if read is None else read
    assert len(read) == len(text)
    ws = _words(read)
    removed = _fillers(read, ws)
    # Corrections and repeats are read with the fillers already gone ("Thursday, um, sorry, Friday").
    gone = {i for r in removed for i in range(r.start, r.end)}
    ws2 = [w for w in ws if w.start not in gone]
    removed += _corrections(ws2, gone) + _repeats(ws2)
    chars = list(text)
    for r in removed:
        _blank(chars, r.start, r.end)
    return Cleaned("".join(chars), sorted(removed, key=lambda r: r.start))
