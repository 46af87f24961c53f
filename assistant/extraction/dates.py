"""Dates and times as officers say them, and as Whisper writes them, resolved against the contact date.

"Wednesday the eleventh of March at ten thirty in the morning", "Monday the 23rd of March at 2pm",
"Friday at two p m", "tomorrow at one", "in two weeks, on Tuesday the third", "a week on Friday",
"nine fifteen", "half past two". Anything ambiguous or missing gives None with the reason.

Conventions (said in the reason where they decide the answer): a weekday alone is the first such day
after the contact date ("next Friday" too); a time without am/pm is read in office hours (1 to 7 is
afternoon, 8 to 11 morning); a date without a year is the next one on or after the contact date.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from redaction.placeholders import PLACEHOLDER_RE

__all__ = ["Appointment", "weekday_of", "time_said", "first_time", "parse_appointment", "parse_contact_date", "WEEKDAYS", "MONTHS"]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())} | {"oh": 0}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ORDS = {w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                        "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                        "nineteenth twentieth".split())} | {"thirtieth": 30}
_TOKEN = re.compile(r"\d{1,2}[:.]\d{2}(?!\d)|\d+(?:st|nd|rd|th)?|[A-Za-z]+(?:'[a-z]+)?")


@dataclass
class _Tok:
    kind: str     # WD MON ORD NUM TIME AMPM WORD
    value: object
    start: int
    end: int
    word: str = ""


# Whisper's homophones of number words, read only where a time is being said ("at free", "half-free",
# "the 12th free", "half ine", "quarter past won"): espeak's and RP speech's "three" heard as "free".
_HOMOPHONES = {"free": "three", "tree": "three", "ine": "nine", "nein": "nine", "won": "one", "ate": "eight",
               "fore": "four"}
_TIME_BEFORE = {"at", "half", "past", "pass", "to", "till", "until", "by"}
_NUMBER_WORD = re.compile(r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)|first|second|third|\w+th|twenty\w*")


def _whisper_homophones(raw: list) -> None:
    """Whisper's spellings of spoken times, rewritten in place (the spans stay the words said):
    "quarter pass to" (past two), "half too" (half two), "at free" (three), "for a clock" (four
    o'clock), "Court to ten" (quarter to ten)."""
    for k, (w, s, e) in enumerate(raw):
        lw = w.lower()
        prev = raw[k - 1][0].lower() if k else ""
        nxt = raw[k + 1][0].lower() if k + 1 < len(raw) else ""
        if lw == "pass" and prev in ("quarter", "half", "five", "ten", "twenty"):
            raw[k] = ("past", s, e)
        elif lw in ("too", "to") and prev in ("past", "pass", "half") and not _NUMBER_WORD.fullmatch(nxt):
            raw[k] = ("two", s, e)
        elif lw in _HOMOPHONES and (prev in _TIME_BEFORE or _ORDINAL.fullmatch(prev) or prev in WEEKDAYS):
            raw[k] = (_HOMOPHONES[lw], s, e)
        elif lw in ("for", "fore") and (nxt in ("o'clock", "oclock") or (nxt == "a" and k + 2 < len(raw)
                                                                          and raw[k + 2][0].lower() == "clock")):
            raw[k] = ("four", s, e)
        elif lw == "a" and nxt == "clock" and prev and (_NUMBER_WORD.fullmatch(prev) or prev == "for"):
            raw[k] = ("o'clock", s, raw[k + 1][2])
            raw[k + 1] = ("", e, e)
        elif lw in ("court", "quota", "quarters", "corner") and nxt in ("to", "past", "pass"):
            raw[k] = ("quarter", s, e)
    raw[:] = [r for r in raw if r[0]]


def _tokens(text: str, offset: int = 0) -> list[_Tok]:
    # A placeholder's index is no number said: "[PERSON_1], 40 Cardigan Road" holds no "1 40".
    text = PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)
    raw = [(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]
    _whisper_homophones(raw)
    out: list[_Tok] = []
    i = 0
    while i < len(raw):
        w, s, e = raw[i]
        lw = w.lower()
        nxt = raw[i + 1][0].lower() if i + 1 < len(raw) else ""
        if lw in ("a", "p") and nxt == "m" and out and out[-1].kind in ("NUM", "TIME"):
            out.append(_Tok("AMPM", lw + "m", s, raw[i + 1][2]))
            i += 2
            continue
        if lw in ("am", "pm"):
            out.append(_Tok("AMPM", lw, s, e))
        elif lw in WEEKDAYS:
            out.append(_Tok("WD", WEEKDAYS.index(lw), s, e))
        elif lw in MONTHS or (lw in _MONTH_ABBR and lw != "may" and len(lw) >= 3):
            out.append(_Tok("MON", MONTHS.index(lw) + 1 if lw in MONTHS else _MONTH_ABBR[lw], s, e))
        elif re.fullmatch(r"\d{1,2}[:.]\d{2}", w):
            h, m = map(int, re.split(r"[:.]", w))
            out.append(_Tok("TIME", (h, m), s, e) if h < 24 and m < 60 else _Tok("WORD", lw, s, e, lw))
        elif re.fullmatch(r"\d+(st|nd|rd|th)", lw) and not (lw == "1st" and nxt == "thing"):
            out.append(_Tok("ORD", int(re.match(r"\d+", lw).group()), s, e, lw))
        elif lw.isdigit():
            out.append(_Tok("NUM", int(lw), s, e, lw))
        elif lw in _TENS and nxt in _ORDS and _ORDS[nxt] < 10:
            out.append(_Tok("ORD", _TENS[lw] + _ORDS[nxt], s, raw[i + 1][2]))
            i += 2
            continue
        elif lw in _TENS and nxt in _UNITS and 0 < _UNITS[nxt] < 10:
            out.append(_Tok("NUM", _TENS[lw] + _UNITS[nxt], s, raw[i + 1][2], lw))
            i += 2
            continue
        elif lw in _TENS:
            out.append(_Tok("NUM", _TENS[lw], s, e, lw))
        elif re.fullmatch(r"\d+(st|nd|rd|th)", lw) and lw == "1st" and nxt == "thing":
            out.append(_Tok("WORD", "first", s, e, "first"))            # "1st thing" is the morning
        elif lw in _ORDS and not (lw == "first" and nxt == "thing"):     # "first thing" is the morning
            out.append(_Tok("ORD", _ORDS[lw], s, e))
        elif lw in _UNITS and lw != "oh":
            out.append(_Tok("NUM", _UNITS[lw], s, e, lw))
        else:
            out.append(_Tok("WORD", lw, s, e, lw))
        i += 1
    return out


@dataclass
class Appointment:
    value: str | None              # "YYYY-MM-DDTHH:MM"
    span: tuple[int, int] | None   # characters of the date and time words used
    reason: str | None
    # When the words allow two dates ("next Wednesday" said on a Tuesday), value is None and each
    # reading is listed: {"value": "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD", "weekday": "Wednesday",
    # "reading": "..."}, so the reviewer chooses; never resolved silently.
    candidates: list[dict] | None = None


def weekday_of(value: str | None) -> str | None:
    """"Wednesday" for "2026-03-11T10:00" (the card shows dates with their weekday)."""
    if not value:
        return None
    try:
        return WEEKDAYS[dt.date.fromisoformat(value[:10]).weekday()].title()
    except ValueError:
        return None


def _is(t: _Tok | None, *words: str) -> bool:
    return t is not None and t.kind == "WORD" and t.value in words


def _find_time(toks: list[_Tok], used: set[int]) -> tuple[tuple[int, int] | None, list[int], bool]:
    """(hour, minute), token indices used, and whether am/pm was said."""
    n = len(toks)
    at = lambda i: toks[i] if 0 <= i < n else None  # noqa: E731
    for i, t in enumerate(toks):
        if i in used:
            continue
        if _is(t, "noon", "midday"):
            return (12, 0), [i], True
        # British "half two" is half past two (14:30); not "two and a half", "half an hour".
        # "two and a half", but Whisper's "tomorrow a half ten" is "tomorrow at half ten".
        a_half = _is(at(i - 1), "a") and (i < 2 or _is(at(i - 2), "and", "one") or at(i - 2).kind == "NUM")
        if _is(t, "half") and at(i + 1) and at(i + 1).kind == "NUM" and 0 < at(i + 1).value <= 12 \
                and not a_half and not _is(at(i - 1), "and") \
                and not _is(at(i + 2), "hours", "hour", "minutes", "weeks", "days"):
            return _meridiem(toks, i + 2, at(i + 1).value, 30, [i, i + 1])
        if _is(t, "half", "quarter") and _is(at(i + 1), "past", "to") and at(i + 2) and at(i + 2).kind == "NUM":
            h, m = at(i + 2).value, 30 if t.value == "half" else 15
            if at(i + 1).value == "to":
                h, m = h - 1, 60 - m
            return _meridiem(toks, i + 3, h, m, [i, i + 1, i + 2])
        # Whisper's "quarter pass to eleven": "past" heard as "pass to" before the hour.
        if _is(t, "half", "quarter") and _is(at(i + 1), "past") and _is(at(i + 2), "to") and at(i + 3) \
                and at(i + 3).kind == "NUM" and 0 < at(i + 3).value <= 12:
            return _meridiem(toks, i + 4, at(i + 3).value, 30 if t.value == "half" else 15, [i, i + 1, i + 2, i + 3])
        if t.kind == "NUM" and t.value in (5, 10, 20, 25) and _is(at(i + 1), "past", "to") and at(i + 2) \
                and at(i + 2).kind == "NUM":
            h, m = at(i + 2).value, t.value
            if at(i + 1).value == "to":
                h, m = h - 1, 60 - m
            return _meridiem(toks, i + 3, h, m, [i, i + 1, i + 2])
        if t.kind == "TIME":
            return _meridiem(toks, i + 1, *t.value, [i])
        if t.kind == "NUM" and (t.word.isdigit() and len(t.word) in (3, 4)) and (_is(at(i - 1), "at")
                                                                            or (at(i + 1) and at(i + 1).kind == "AMPM")):
            h, m = divmod(t.value, 100)
            if h < 24 and m < 60:
                return _meridiem(toks, i + 1, h, m, [i])
        if t.kind == "NUM" and 0 < t.value <= 12:
            nxt = at(i + 1)
            minute, idx = 0, [i]
            if nxt and nxt.kind == "NUM" and (nxt.value >= 10 or _is(at(i + 1), "oh")) and nxt.value < 60:
                minute, idx = nxt.value, [i, i + 1]
            elif _is(nxt, "oh") and at(i + 2) and at(i + 2).kind == "NUM" and at(i + 2).value < 10:
                minute, idx = at(i + 2).value, [i, i + 1, i + 2]
            after = at(idx[-1] + 1)
            said_as_time = _is(at(i - 1), "at", "from", "by", "say", "till", "until") or len(idx) > 1 or (after is not None and (
                after.kind == "AMPM" or _is(after, "o'clock", "oclock", "in")))
            if said_as_time and not _is(after, "minutes", "mins", "hours", "weeks", "days"):
                return _meridiem(toks, idx[-1] + 1, t.value, minute, idx)
    return None, [], False


def _meridiem(toks, i, h, m, idx):
    t = toks[i] if i < len(toks) else None
    said = False
    if t is not None and t.kind == "AMPM":
        said, idx = True, idx + [i]
        h = h % 12 + (12 if t.value == "pm" else 0)
    elif _is(t, "o'clock", "oclock"):
        idx = idx + [i]
        t = toks[i + 1] if i + 1 < len(toks) else None
        i += 1
    if not said and _is(t, "in") and i + 2 < len(toks) and _is(toks[i + 1], "the") \
            and _is(toks[i + 2], "morning", "afternoon", "evening"):
        said, idx = True, idx + [i, i + 1, i + 2]
        h = h % 12 + (0 if toks[i + 2].value == "morning" else 12)
    if not said:
        h = h + 12 if 1 <= h <= 7 else h   # office hours: "at two" is 14:00, "at nine" is 09:00
    return ((h, m) if h < 24 and m < 60 else None), idx, said


def _day_month(toks: list[_Tok]) -> tuple[int | None, int | None, list[int]]:
    """Day and month: "the 23rd of March", "19 November", "11 of March", "March the 23rd". A day said
    before a month wins over one after it, so "May 19th of January" reads as 19 January."""
    n = len(toks)
    months = [i for i, t in enumerate(toks) if t.kind == "MON"]
    for i in months:
        j = i - 1
        while j >= 0 and _is(toks[j], "of", "on", "the"):
            j -= 1
        if j >= 0 and toks[j].kind in ("ORD", "NUM") and 1 <= toks[j].value <= 31:
            return toks[j].value, toks[i].value, [j, i]
    for i in months:
        k = i + 1
        while k < n and _is(toks[k], "the"):
            k += 1
        if k < n and toks[k].kind == "ORD" and 1 <= toks[k].value <= 31:
            return toks[k].value, toks[i].value, [i, k]
        if k < n and toks[k].kind == "NUM" and 1 <= toks[k].value <= 31 and k == i + 1 \
                and not (k + 1 < n and toks[k + 1].kind == "AMPM"):
            return toks[k].value, toks[i].value, [i, k]
    if months:
        return None, toks[months[0]].value, [months[0]]
    for i, t in enumerate(toks):
        if t.kind == "ORD" and 1 <= t.value <= 31 and i > 0 and (_is(toks[i - 1], "the") or toks[i - 1].kind == "WD"):
            return t.value, None, [i]
    # Whisper garbles the words before the day ("Tuesday the fifth at ten" as "to name a fifth at 10",
    # "... of 5th at 10"): an ordinal written in digits, or after "a", said right before "at".
    for i, t in enumerate(toks[:-1]):
        digits = t.word[:1].isdigit()
        if t.kind == "ORD" and 1 <= t.value <= 31 and _is(toks[i + 1], "at") and (digits or (i and _is(toks[i - 1], "a"))):
            return t.value, None, [i]
    # Whisper drops the ordinal's ending: "the 28 at three", "Tuesday the 16 at ten", and writes "the"
    # as "at" or "on" ("at 28 at 3": no clock says 28).
    for i, t in enumerate(toks[1:], 1):
        nxt = toks[i + 1] if i + 1 < n else None
        if t.kind == "NUM" and t.word.isdigit() and 1 <= t.value <= 31 and _is(toks[i - 1], "the") \
                and (nxt is None or _is(nxt, "at", "of", "for", "in", "and") or nxt.kind == "WD"):
            return t.value, None, [i]
        if t.kind == "NUM" and t.word.isdigit() and 13 <= t.value <= 31 and _is(toks[i - 1], "at", "on") \
                and _is(nxt, "at"):
            return t.value, None, [i]
    return None, None, []


def _offset_days(toks: list[_Tok]) -> tuple[int, list[int], bool]:
    """Days added by 'in two weeks', 'in a fortnight', 'tomorrow'...; and whether a weekday is pushed a week on
    ('a week on Friday', 'Friday week', 'next week')."""
    words = [t.value if t.kind == "WORD" else None for t in toks]
    for i, t in enumerate(toks):
        if _is(t, "tomorrow"):
            if i >= 3 and words[i - 3: i] == ["the", "day", "after"]:
                return 2, [i - 3, i], False
            return 1, [i], False
        if _is(t, "fortnight", "fortnight's", "fortnite", "fortnights"):     # "Fortnite": Whisper's spelling
            return 14, [i], False
        if _is(t, "week", "weeks", "week's", "weeks'", "days") and i > 0:
            prev = toks[i - 1]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            # "at week on Thursday": Whisper's "at" for "a" before "week on <day>".
            count = prev.value if prev.kind == "NUM" else (1 if _is(prev, "a", "one") or (
                _is(prev, "at") and _is(nxt, "on")) else None)
            # Whisper hears "in three weeks" as "and three weeks" after the cue.
            said_in = i >= 2 and (_is(toks[i - 2], "in") or (_is(toks[i - 2], "and")
                                                             and (i < 3 or toks[i - 3].kind == "WORD")))
            if count is not None and (i < 2 or said_in or _is(toks[i + 1] if i + 1 < len(toks) else None,
                                                              "time", "on", "from", "today")):
                if not said_in and _is(toks[i + 1] if i + 1 < len(toks) else None, "on"):
                    return 0, [i - 1, i], True          # "a week on Friday"
                return (7 if "week" in t.value else 1) * count, ([i - 2, i] if said_in else [i - 1, i]), False
            if prev.kind == "WD":
                return 0, [i - 1, i], True              # "Friday week"
            if _is(prev, "next"):
                return 7, [i - 1, i], False
    return 0, [], False


def _next_weekday_readings(toks, wd_idx, contact: dt.date, first: dt.date):
    """Both readings of "next <weekday>" when that day still falls in the contact's own week ("next
    Wednesday" said on a Tuesday: tomorrow, or the Wednesday of next week); None when unambiguous."""
    if not any(i > 0 and _is(toks[i - 1], "next") for i in wd_idx):
        return None
    if first.isocalendar()[1] != contact.isocalendar()[1] or (first - contact).days >= 7:
        return None
    return [(first, "the coming one, this week"), (first + dt.timedelta(days=7), "the one in next week")]


def parse_appointment(text: str, contact: dt.date, offset: int = 0,
                      same_time: tuple[int, int] | None = None) -> Appointment:
    """Resolve the appointment said in ``text`` (offsets of the result are ``offset`` + position in text).
    ``same_time`` is the time this contact was booked for, used when the officer says "same time"."""
    toks = _tokens(text, offset)
    if re.search(r"\b(to be confirmed|tbc|to be arranged|not yet (booked|arranged))\b", text, re.I):
        tbc = True
    else:
        tbc = False
    weekdays = sorted({t.value for t in toks if t.kind == "WD"})
    wd_idx = [i for i, t in enumerate(toks) if t.kind == "WD"]
    day, month, dm_idx = _day_month(toks)
    add, off_idx, week_on = _offset_days(toks)
    used = set(dm_idx) | set(off_idx)
    # "Monday or Tuesday": the officer has not fixed a day.
    if len(weekdays) > 1:
        return Appointment(None, _span(toks, wd_idx), "more than one day was said: "
                           + " or ".join(WEEKDAYS[w].title() for w in weekdays))
    wd = weekdays[0] if weekdays else None
    date, why = _resolve_date(contact, wd, day, month, add, week_on)
    time, t_idx, _ = _find_time(toks, used)
    if time is None:
        time, t_idx = _bare_hour(toks, used | set(wd_idx))
    if time is None and same_time is not None and re.search(r"\bsame time\b", text, re.I):
        time = same_time          # "same time in a fortnight": the time this contact was booked for
    first_thing = re.search(r"\b(?:first|1st) thing\b", text, re.I)
    read_first_thing = time is None and first_thing is not None
    if read_first_thing:
        time = (9, 0)             # "Monday first thing": the start of office hours
        t_idx = [i for i, t in enumerate(toks) if first_thing.start() + offset <= t.start < first_thing.end() + offset]
    span = _span(toks, wd_idx + dm_idx + off_idx + t_idx)
    if date is not None and wd is not None and not (day or month or add or week_on):
        two = _next_weekday_readings(toks, wd_idx, contact, date)
        if two:
            stamp = (lambda d: f"{d.isoformat()}T{time[0]:02d}:{time[1]:02d}") if time else (lambda d: d.isoformat())
            cands = [{"value": stamp(d), "weekday": WEEKDAYS[d.weekday()].title(), "reading": why_}
                     for d, why_ in two]
            return Appointment(None, span, f"'next {WEEKDAYS[wd].title()}' said on a "
                               f"{WEEKDAYS[contact.weekday()].title()} can mean {two[0][0].isoformat()} ({two[0][1]}) or "
                               f"{two[1][0].isoformat()} ({two[1][1]}): choose one", cands)
    if date is None:
        return Appointment(None, span, why or "no date was said for the next appointment")
    if time is None:
        reason = f"the date {date.isoformat()} was said but no time"
        return Appointment(None, span, reason + (" (time to be confirmed)" if tbc else ""))
    return Appointment(f"{date.isoformat()}T{time[0]:02d}:{time[1]:02d}", span,
                       "'first thing' read as 09:00, the start of office hours" if read_first_thing else None)


def _bare_hour(toks: list[_Tok], used: set[int]):
    """Whisper drops "at": "Friday 11", "the third of May 3". A number of 1 to 12 straight after the
    date words, with no other time said, is the hour."""
    if not used:
        return None, []
    # "ten tomorrow", "ten on Friday": the hour said just before the date words.
    j = min(used) - 1 - (1 if min(used) >= 2 and _is(toks[min(used) - 1], "on") else 0)
    if 0 <= j and toks[j].kind == "NUM" and 1 <= toks[j].value <= 12 and (len(toks[j].word) <= 2 or toks[j].word.isalpha()) and \
            not _is(toks[j - 1] if j else None, "in", "next", "every", "a", "the"):
        time, idx, _ = _meridiem(toks, j + 1, toks[j].value, 0, [j])
        if time is not None:
            return time, idx
    i = max(used) + 1
    # "the 17th, same time, ten": the time said after "same time" is the time.
    while i < len(toks) and _is(toks[i], "same", "time"):
        i += 1
    if i < len(toks) and toks[i].kind == "NUM" and 1 <= toks[i].value <= 12 and len(toks[i].word) <= 2:
        after = toks[i + 1] if i + 1 < len(toks) else None
        if not _is(after, "minutes", "mins", "hours", "weeks", "days", "of", "on"):
            time, idx, _ = _meridiem(toks, i + 1, toks[i].value, 0, [i])
            return time, idx
    return None, []


def _span(toks, idx):
    idx = [i for i in idx if 0 <= i < len(toks)]
    return (min(toks[i].start for i in idx), max(toks[i].end for i in idx)) if idx else None


def _resolve_date(contact, wd, day, month, add, week_on):
    if month and day:
        try:
            d = dt.date(contact.year, month, day)
            if d < contact:
                d = dt.date(contact.year + 1, month, day)
        except ValueError:
            return None, f"there is no {day} {MONTHS[month - 1].title()}"
        if wd is not None and d.weekday() != wd:
            return None, (f"{WEEKDAYS[wd].title()} and {d.isoformat()} disagree "
                          f"({d.isoformat()} is a {WEEKDAYS[d.weekday()].title()})")
        return d, None
    if day:
        anchor = contact + dt.timedelta(days=add)
        cands = []
        for k in range(0, 14):
            y, m = divmod(contact.month - 1 + k, 12)
            try:
                d = dt.date(contact.year + y, m + 1, day)
            except ValueError:
                continue
            if d > contact and (wd is None or d.weekday() == wd):
                cands.append(d)
        if not cands:
            return None, f"no {WEEKDAYS[wd].title() if wd is not None else 'day'} the {day} follows the contact date"
        if not add:
            return cands[0], None
        best = min(cands, key=lambda d: abs((d - anchor).days))
        if abs((best - anchor).days) > 7:
            return None, f"'in {add} days' and 'the {day}' do not agree"
        return best, None
    if wd is not None:
        if add:
            anchor = contact + dt.timedelta(days=add)
            return anchor + dt.timedelta(days=(wd - anchor.weekday() + 3) % 7 - 3), None
        d = contact + dt.timedelta(days=(wd - contact.weekday() - 1) % 7 + 1)
        return (d + dt.timedelta(days=7) if week_on else d), None
    if add:
        return contact + dt.timedelta(days=add), None
    if month:
        return None, f"{MONTHS[month - 1].title()} was said without a day"
    return None, None


_PAST = re.compile(r"\b(?:(yesterday)|(today|this morning|this afternoon|this evening|earlier today))\b", re.IGNORECASE)


def parse_contact_date(text: str, dictated: dt.date, offset: int = 0) -> tuple[dt.date, tuple[int, int]] | None:
    """The contact's date when the opening of the dictation says it ("yesterday", "this morning");
    None when it does not. A weekday or date in the opening ("since release on Monday") is too often
    about something else to date the contact."""
    m = _PAST.search(text)
    if not m:
        return None
    span = (m.start() + offset, m.end() + offset)
    return (dictated - dt.timedelta(days=1) if m.group(1) else dictated), span


def time_said(text: str, offset: int = 0, words: int = 6) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The clock time said in the first ``words`` words of ``text`` ("at twenty to three", "at half two",
    "at 2:40") with its character span, or None."""
    toks = _tokens(text, offset)[:words]
    time, idx, _ = _find_time(toks, set())
    if time is None:
        return None
    return time, _span(toks, idx)


def first_time(text: str, offset: int = 0) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first clock time said anywhere in ``text``, with its span, or None."""
    toks = _tokens(text, offset)
    time, idx, _ = _find_time(toks, set())
    return (time, _span(toks, idx)) if time is not None else None
