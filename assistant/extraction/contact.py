"""The contact itself: its date, its type and whether the person attended.

Only the account of the session is read (before the actions and the next appointment), so "next
appointment ... by telephone" never becomes this contact's type. Attendance cues rank
failed_to_attend over late over attended ("he attended but was twenty minutes late" is late).
"""
from __future__ import annotations

import datetime as dt
import re

from assistant.extraction.dates import first_time, parse_contact_date, time_said, weekday_of
from assistant.extraction.lexicons import CONTACT_HINTS, CONTACT_TYPES
from assistant.extraction.nlp import LexiconMatcher, Parsed, spaced
from assistant.extraction.regions import Regions
from assistant.extraction.schema import Evidence, Field

__all__ = ["contact_date_field", "contact_type_field", "attendance_field", "booked_time", "LATE_AFTER_MIN"]

LATE_AFTER_MIN = 5   # arriving more than this many minutes after the booked time is late

_contact_matcher: LexiconMatcher | None = None
_hint_matcher: LexiconMatcher | None = None

_FAILED = spaced(
    r"\b(?:failed to (?:attend|answer|report|log on|join)|did not (?:attend|answer|pick up|turn up|show|log on|join|"
    r"report|respond)|didn't (?:attend|answer|pick up|turn up|show|log on|join|report)|no answer|no reply|"
    r"not at home|(?:was|were) not in\b|wasn't in\b|nobody was in|missed (?:the|his|her|their|this|today's) "
    r"(?:appointment|call|contact|session|visit)|missed appointment|missed contact|no show|"
    r"could not (?:reach|contact|get hold of)|unable to (?:reach|contact|get hold of)|did not make contact|"
    r"not been in contact)\b", re.IGNORECASE)
_LATE = spaced(
    r"\b(?:(?:about |around |roughly |some |nearly |almost )?(?:\d+|a|an|half an|few|five|ten|fifteen|twenty|"
    r"twenty five|thirty|forty|forty five|several)\s+(?:minutes?|mins?|hours?)\s+late|"
    r"(?:(?:he|she|they|\])\s+(?:was|were)|arrived|came in|came|turned up|joined|logged on|rang|called|running)"
    r"(?:\s+(?:a bit|slightly|very|quite))?\s+late"
    r"(?:\s+(?:joining|arriving|logging on|by \w+(?: \w+)?))?|late (?:for|to) (?:the|his|her|their|this|today's)\s+"
    r"(?:appointment|session|call|contact))\b", re.IGNORECASE)
_ATTENDED = spaced(
    r"\b(?:attended(?=\s*(?:[.,;]|$|and\b|on\b|today\b|as\b|promptly\b|well\b|the appointment\b|(?:his|her|their) "
    r"appointment\b))|(?:was|were|arrived|came in|joined|logged on|is) on time|on time\b|arrived\b|came in\b|"
    r"answered\b|picked up\b|let me in\b|(?:was|were) (?:in|at home|home|in the flat|in the house)(?=\s*(?:[.,;]|$|"
    r"and\b|with\b|when\b))|turned up\b|kept (?:the|his|her|their) appointment|presented (?:well|as)\b|joined\b|"
    r"logged on\b)", re.IGNORECASE)
_SPOKE = spaced(r"\b(?:told me|said|says|disclosed|reported|explained|informed me|asked me|asked|admitted|"
                    r"agreed|accepted|showed me|gave me|rang me|called me|is doing|'s doing|seemed|engaged|"
                    r"talked|brought|read me)\b", re.IGNORECASE)
# The officer's own verdict, said in passing: "so that's late", "I've put him as late", "so, on time,
# attended", "I'm recording it as failed to attend". It outranks every other cue.
_VERDICT = spaced(
    r"\b(?:so|that's|which is|put (?:him|her|them)(?: down)? as|recording (?:it|this|him|her) as|recorded (?:it )?as|"
    r"marked (?:it |him |her )?as|counts as|so it's|it's a)\s*,?\s*(?:a )?(?:(late)|(on time|attended|fine)|"
    r"(failed to attend|fta|no show|no-show|dna|did not attend))\b|"
    r"\b(?:he|she|they|\]) (?:was|were) (?:here )?(on time|early)\b")
# "... didn't turn up" counts only when the person is its subject ("the bus didn't turn up" does not).
_NOT_A_PERSON_BEFORE = re.compile(r"\b(?:bus|train|taxi|lift|link|letter|call|it|phone|car|interpreter)\W*"
                                  r"(?:just\s+)?$", re.IGNORECASE)


# Where the booked time and the arrival time are said ("he was due at two, got here at twenty to three").
_DUE = spaced(r"\b(?:(?:was|were|is) (?:due|booked|expected|meant to be here|supposed to be here|"
              r"supposed to come|meant to come)(?: in| here| to come in)?|due in|booked in|appointment (?:was |is )?"
              r"(?:booked )?(?:for|at)|booked for|supposed to be in)\b")
_ARRIVED = spaced(r"\b(?:got here|got in|arrived|turned up|came in|showed up|rolled in|wandered in|walked in|came "
                  r"through the door|logged on|joined(?: the call)?|answered|made it(?: in)?|(?:was|were) here|"
                  r"(?:didn't|did not) (?:join|arrive|turn up|get here|log on|come in))(?= (?:at|about|around|"
                  r"just after|till|until|by|half|quarter|\d|\w+ past|\w+ to))")
_DUE_SAID = spaced(r"\b(?:we'd said|we said|arranged for|got there for|I got there at|arrived for|we started(?= at))\b")


def _time_after(p: Parsed, m: re.Match, stop: int, hour: int | None = None):
    """The time said just after a cue ("booked for eleven", "got here at twenty to three", "arrived
    about ten past"), read as if "at" stood before it. ``hour``: the booked hour, for minutes said
    alone ("she joined at twenty-five past" a two o'clock appointment)."""
    text = p.clean[m.end():stop]
    text = re.sub(r"^\s*(?:at|for|about|around|just after|by|till|until)\b", lambda g: " " * len(g.group()), text)
    to = re.match(r"\s*(five|ten|quarter|twenty)\s+to\b(?=\s*(?:[.,;]|$|and\b|so\b|which\b))", text, re.IGNORECASE)
    if to and hour is not None:      # "here by five to" a ten o'clock appointment: 09:55
        minutes = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20}[to.group(1).lower()]
        return (hour - 1, 60 - minutes), (m.end() + to.start(1), m.end() + to.end())
    found = time_said("at " + text, offset=m.end() - 3)
    if found is None and hour is not None:
        past = re.match(r"\s*(five|ten|quarter|twenty|twenty[- ]five|half|\d{1,2})\s+past\b", text, re.IGNORECASE)
        if past:
            words = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20, "half": 30}
            w = past.group(1).lower().replace("-", " ")
            minutes = words.get(w, 25 if w == "twenty five" else int(w) if w.isdigit() else None)
            if minutes is not None:
                return (hour, minutes), (m.end() + past.start(1), m.end() + past.end())
    return found


def booked_time(p: Parsed, r: Regions) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The time this contact was booked for, when said ("he was due at two"), and its span."""
    _, stop = _narrative(p, r)
    for rx in (_DUE, _DUE_SAID):
        for m in rx.finditer(p.clean[:stop]):
            found = _time_after(p, m, stop)
            if found:
                return found[0], (m.start(), found[1][1])
    # Otherwise the clock time said in the opening ("Office, four o'clock, he came in on time", "we
    # started at quarter past three"), outside the next appointment.
    sents = list(p.doc.sents)[:3]      # Whisper splits the opening into short sentences
    end = min(sents[-1].end_char if sents else 0, stop)
    if r.appointment is not None:
        end = min(end, r.appointment[0])
    found = first_time(p.clean[:end])
    return found


def _lateness_from_times(p: Parsed, r: Regions) -> Field | None:
    """Attendance said only as times: booked for one time, arrived at a later one."""
    due = booked_time(p, r)
    if due is None:
        return None
    _, stop = _narrative(p, r)
    for m in _ARRIVED.finditer(p.clean[:stop]):
        if m.start() < due[1][0]:
            continue
        got = _time_after(p, m, stop, hour=due[0][0])
        if got is None:
            continue
        (dh, dm), (ah, am) = due[0], got[0]
        late_by = (ah * 60 + am) - (dh * 60 + dm)
        if late_by < -6 * 60:          # "due at ten, arrived at quarter past" read in office hours
            late_by += 12 * 60
        s, e = min(due[1][0], m.start()), max(due[1][1], got[1][1])
        value = "late" if late_by > LATE_AFTER_MIN else "attended"
        return Field("attendance", value, [Evidence(s, e, p.text[s:e])],
                     f"booked for {dh:02d}:{dm:02d}, arrived at {ah:02d}:{am:02d}")
    return None


def _narrative(p: Parsed, r: Regions) -> tuple[int, int]:
    return 0, min(len(p.text), r.narrative_end())


def contact_date_field(p: Parsed, r: Regions, dictated: dt.date, type_field: Field) -> Field:
    # The date of the contact is said, if at all, in the opening sentence.
    sents = [s for s in p.doc.sents][:1]
    end = min(sents[-1].end_char if sents else 0, r.narrative_end())
    found = parse_contact_date(p.clean[:end], dictated)
    if found:
        d, (s, e) = found
        return Field("contact_date", d.isoformat(), [Evidence(s, e, p.text[s:e])], weekday=weekday_of(d.isoformat()))
    return Field("contact_date", dictated.isoformat(), list(type_field.evidence),
                 "no other date was said for the contact, so it is the dictation date (--date)",
                 weekday=weekday_of(dictated.isoformat()))


# Whisper hears "office" as "of his": "[PERSON_1] of his, booked for ten", "of his twelve o'clock".
# Read only in the opening, and only before what cannot follow "of his" as a possessive.
_OF_HIS = spaced(r"\b(?:of|off) (?:his|is)\b(?=\s*(?:[,.]|booked\b|book\b|appointment\b|\d|half\b|quarter\b|at\b|"
                 r"one\b|two\b|three\b|four\b|ten\b|eleven\b|twelve\b|nine\b))")
# A correction between two contact types across Whisper's full stop: "a phone call. Actually, no, it was
# a video call" (the last stated value wins, as in assistant.extraction.disfluency).
_CORRECTED = spaced(r"\b(?:actually|sorry|i mean|or rather|rather|no(?=\s*[,.]|\s+(?:it|sorry|wait)\b))\b")


def _first_contact_type(p: Parsed, r: Regions, stop: int):
    global _contact_matcher
    if _contact_matcher is None:
        _contact_matcher = LexiconMatcher(CONTACT_TYPES)
    chosen = None
    for hit in _contact_matcher(p.doc):
        s, e = p.chars(hit.start, hit.end)
        if s >= stop:
            break
        if r.in_appointment(s):
            continue
        if chosen is None:
            chosen = (hit.label, s, e)
        elif hit.label != chosen[0] and s - chosen[2] <= 80 and _CORRECTED.search(p.clean, chosen[2], s):
            chosen = (hit.label, s, e)
        else:
            break
    return chosen


def contact_type_field(p: Parsed, r: Regions) -> Field:
    _, stop = _narrative(p, r)
    chosen = _first_contact_type(p, r, stop)
    if chosen is not None:
        label, s, e = chosen
        return Field("contact_type", label, [Evidence(s, e, p.text[s:e])])
    sents = list(p.doc.sents)[:2]
    m = _OF_HIS.search(p.clean, 0, min(stop, sents[-1].end_char if sents else 0))
    if m:
        return Field("contact_type", "office", [Evidence(m.start(), m.end(), p.text[m.start():m.end()])],
                     f"'{p.text[m.start():m.end()]}' read as 'office' (how Whisper writes it)")
    # Said without naming it: "popped round to his flat", "he came in to see me", "rang her".
    global _hint_matcher
    if _hint_matcher is None:
        _hint_matcher = LexiconMatcher(CONTACT_HINTS)
    for hit in _hint_matcher(p.doc):
        s, e = p.chars(hit.start, hit.end)
        if s >= stop:
            break
        if not r.in_appointment(s):
            return Field("contact_type", hit.label, [Evidence(s, e, p.text[s:e])],
                         f"not named; '{p.text[s:e]}' says how the contact took place")
    return Field("contact_type", None, [], "the dictation does not say how the contact took place")


def attendance_field(p: Parsed, r: Regions) -> Field:
    _, stop = _narrative(p, r)
    text = p.clean[:stop]
    for m in _VERDICT.finditer(text):
        if not r.in_appointment(m.start()):
            value = "late" if m.group(1) else "attended" if (m.group(2) or m.group(4)) else "failed_to_attend"
            return Field("attendance", value, [Evidence(m.start(), m.end(), p.text[m.start():m.end()])],
                         "the officer's own verdict")
    timed = _lateness_from_times(p, r)
    if timed is not None:
        return timed
    for value, rx in (("failed_to_attend", _FAILED), ("late", _LATE), ("attended", _ATTENDED)):
        for m in rx.finditer(text):
            if r.in_appointment(m.start()):
                continue
            if value == "failed_to_attend" and _NOT_A_PERSON_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
                continue
            return Field("attendance", value, [Evidence(m.start(), m.end(), p.text[m.start():m.end()])])
    # No explicit cue, but the person spoke to the officer in this contact ("Ben said he is doing well").
    for m in _SPOKE.finditer(text):
        tok = p.doc.char_span(m.start(), m.end(), alignment_mode="expand")
        subj = [t for t in tok.root.children if t.dep_ == "nsubj" and t.lower_ not in ("i", "we")] if tok else []
        if subj:
            s = min(subj[0].idx, m.start())
            return Field("attendance", "attended", [Evidence(s, m.end(), p.text[s:m.end()])],
                         "no attendance was said; the person spoke with the officer in this contact")
    return Field("attendance", None, [], "the dictation does not say whether the person attended")
