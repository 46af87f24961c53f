"""Where the appointment and the actions are said, so that each field reads the right part of the
dictation: the next appointment's "by telephone" is not this contact's type, and an explicit
"Actions:" list is the officer's own count of actions."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.extraction.nlp import Parsed

__all__ = ["Regions", "find_regions", "APPOINTMENT_CUE"]

APPOINTMENT_CUE = re.compile(
    r"\b(?:next|following)\s+(?:appointment|session|contact|meeting|supervision|home\s+visit|office\s+appointment|"
    r"telephone\s+(?:call|appointment|contact)|phone\s+call|video\s+(?:call|appointment)|report(?:ing)?|visit)\b|"
    # Words between, or Whisper's split of "office": "next face to face appointment", "Next off is appointment".
    r"\bnext\s+(?:[a-z]+\s+){1,3}?appointment\b|"
    r"\b(?:see|meet|visit|call|ring)\s+(?:him|her|them|[A-Z][a-z]+)\s+again\b|"
    r"\b(?:booked|arranged|rebooked|made)\s+(?:him|her|them|a\s+new\s+appointment|an\s+appointment)(?:\s+in)?\s+for\b|"
    # Said as people say it: "same time in a fortnight", "see him again a week on Friday", "back in on Tuesday".
    r"\bsame\s+time\s+(?:next\s+week|in\s+(?:a|one|two|three|four)\s+(?:fortnight|weeks?)|a\s+week\s+on|next)\b|"
    r"\bnext,?\s+(?:one|once|call|time|video\s+call)\b|"
    r"\b(?:is|'s|are|'re)\s+to\s+come\s+(?:in|back)\b|\b(?:coming|come)\s+(?:back\s+)?(?:in|back|into\s+the\s+office)\s+"
    r"(?=(?:on|at|next|tomorrow|monday|tuesday|wednesday|thursday|friday|the)\b)|"
    r"\b(?:appointment\s+letter(?:\s+\w+)?\s+for|(?:with\s+)?a\s+new\s+appointment)\b|"
    r"\b(?:see|seeing)\s+(?:him|her|them)\s+(?:again\s+)?(?:on|next|in|at)\b|"
    r"\b(?:he's|she's|they're|he\s+is|she\s+is|they\s+are)\s+(?:back|booked)\s+in\s+(?:on|for|next)\b|"
    # "He's coming on Thursday at two", "she's coming at ten tomorrow": the person as the subject.
    r"\b(?:he's|she's|they're|he\s+is|she\s+is|they\s+are)\s+coming\s+(?:in\s+|back\s+)?(?=(?:on|at|next|tomorrow|"
    r"monday|tuesday|wednesday|thursday|friday|the)\b)",
    re.IGNORECASE)
# Said without the word "appointment": "he must report to the office again tomorrow at nine".
FALLBACK_CUE = re.compile(r"\b(?:report|come|come back|return|attend)\s+(?:in\s+)?(?:to|at)\s+(?:the\s+)?office\b",
                          re.IGNORECASE)
# After a missed contact the new one is often said by its type alone: "... so that's a fail to attend.
# Office appointment Monday the 23rd at two." Read only when no other cue was found, and never in
# the opening sentence, which says this contact's own type ("Office appointment Monday, he attended").
TYPED_CUE = re.compile(r"\b(?:office|home|phone|telephone|video)\s+(?:appointment|visit|call)\s+(?:on\s+|is\s+)?"
                       r"(?=(?:monday|tuesday|wednesday|thursday|friday|tomorrow|the\s+\d+(?:st|nd|rd|th))\b)",
                       re.IGNORECASE)
_MARKER_WORDS = {"actions", "action", "tasks", "task", "todo"}
_NOT_BEFORE_MARKER = {"his", "her", "their", "my", "the", "of", "these", "those", "your", "our", "its", "an", "any",
                      "for", "about", "on", "with", "our", "of", "own", "by", "future", "no", "further", "agreed"}


@dataclass
class Regions:
    appointment: tuple[int, int] | None       # chars: from the appointment cue to the end of its sentence(s)
    appointment_cue: tuple[int, int] | None   # chars of the cue words ("Next appointment")
    actions: tuple[int, int] | None           # chars after an "Actions:" marker up to the appointment (or end)
    actions_marker: tuple[int, int] | None
    fallback: bool = False                    # the appointment was found without the word "appointment"

    def in_appointment(self, start: int, end: int | None = None) -> bool:
        return self.appointment is not None and self.appointment[0] <= start < self.appointment[1]

    def in_actions(self, start: int) -> bool:
        return self.actions is not None and self.actions[0] <= start < self.actions[1]

    def narrative_end(self) -> int:
        """Where the account of the session ends (before actions and the appointment)."""
        ends = [r[0] for r in (self.actions_marker, None if self.fallback else self.appointment_cue) if r]
        return min(ends) if ends else 10 ** 9


def _actions_marker(p: Parsed) -> tuple[int, int] | None:
    doc = p.doc
    for t in doc:
        if t.lower_ not in _MARKER_WORDS:
            continue
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        prev = doc[t.i - 1] if t.i > 0 else None
        punct_after = nxt is None or nxt.text in (":", ",", ".", ";", "-", "—")
        # "Actions:" opens a sentence; Whisper also glues it to the end of the one before
        # ("... the housing options team actions. Liam to bring ...") or drops its colon.
        sentence_initial = prev is None or prev.is_punct or t.is_sent_start
        if (punct_after or (sentence_initial and t.text[:1].isupper())) \
                and (prev is None or prev.lower_ not in _NOT_BEFORE_MARKER):
            end = (nxt.idx + len(nxt.text)) if (nxt is not None and punct_after) else t.idx + len(t.text)
            return t.idx, end
    return None


_DATEISH = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|tomorrow|today|week|weeks|fortnight|noon|midday|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\b", re.IGNORECASE)


_BOOKING = re.compile(r"\s*(?:(?:is|will be|was booked|has been booked|booked|on|for|at|set)\b|:)", re.IGNORECASE)


# A day, a date or a clock time, said unmistakably (not just any number): what a sentence after the
# cue must hold to be read as the appointment's.
_STRONG_DATE = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|"
    r"august|september|october|november|december|tomorrow|fortnight|week|noon|midday|o'clock|\d+(?:st|nd|rd|th)|"
    r"\d{1,2}[:.]\d{2}|(?:at|half|quarter|past)\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve))\b", re.IGNORECASE)
_TIME_START = re.compile(r"\s*(?:on|at|by|half|quarter|\d)\b", re.IGNORECASE)
# A sentence that corrects the one before it: "at eleven. Well, quarter past eleven", "No, sorry. Make that ...".
_COMMITMENT_START = re.compile(r"\s*(?:and\s+|so\s+)?(?:i|he|she|they|we)\s*(?:'ll|will|'m going|am going|'s going|is going|"
                               r"need|have to|'ve got to|'re going|are going)\b", re.IGNORECASE)
_REPAIR_START = re.compile(r"\s*(?:well|no|sorry|actually|make that|i mean|or rather)\b", re.IGNORECASE)


def _next_sentence(p: Parsed, sent):
    return p.doc[sent.end].sent if sent.end < len(p.doc) else None


def _appointment_at(p: Parsed, cue: re.Match) -> tuple[int, int]:
    text = p.clean
    span = p.doc.char_span(cue.start(), cue.end(), alignment_mode="expand")
    sent = span.sent
    end = sent.end_char
    after = _next_sentence(p, sent)
    # "Next appointment." said on its own, or Whisper's full stop inside the date ("... in two weeks.
    # on Tuesday the 16th"): the rest is in the sentence after it.
    if after is not None:
        lone = span.start == sent.start and len(text[cue.end():end].strip(" .,:;")) < 4
        # A short sentence of date words after it: "Same time in a fortnight. Ten o'clock."
        # "Next appointment, Tuesday week. Same time." too.
        short_date = len([t for t in after if not t.is_punct and not t.is_space]) <= 4 \
            and _DATEISH.search(after.text) is not None
        # "Next one Tuesday week. Same time on Teams again."
        short_date = short_date or re.match(r"\s*same\s+time\b", after.text, re.I) is not None
        if lone or short_date or after.text[:1].islower() or _TIME_START.match(text, after.start_char):
            end, sent = after.end_char, after
    # An aside between the cue and the date ("Next one. She can't do early because of the shifts. So the
    # 24th at eleven."): the date is in one of the next two sentences. Not for "next time", which is
    # as often "bring it next time" as a booking.
    if not _STRONG_DATE.search(text, cue.end(), end) and not re.search(r"time|once", cue.group(), re.IGNORECASE):
        nxt = sent
        for _ in range(2):
            nxt = _next_sentence(p, nxt)
            if nxt is None:
                break
            if _COMMITMENT_START.match(text, nxt.start_char):
                break          # "I'll give her a ring tomorrow": an action, not the booking
            if _STRONG_DATE.search(nxt.text):
                end, sent = nxt.end_char, nxt
                break
    # A sentence that corrects the date: "... at eleven. Well, quarter past eleven."
    after = _next_sentence(p, sent)
    if after is not None and _REPAIR_START.match(text, after.start_char) and _STRONG_DATE.search(after.text):
        end = after.end_char
    return cue.start(), _clause_end(p, span.end, end)


_NEW_SUBJECTS = {"i", "he", "she", "they", "we", "i'll", "and"}


def _clause_end(p: Parsed, tok: int, end: int) -> int:
    """The appointment ends where a new clause with its own subject starts after the date was said
    ("Monday at quarter past eleven, and I'll text him a reminder Sunday night")."""
    doc, seen_date = p.doc, False
    while tok < len(doc) and doc[tok].idx < end:
        t = doc[tok]
        seen_date = seen_date or _DATEISH.fullmatch(t.text) is not None
        nxt = doc[tok + 1] if tok + 1 < len(doc) else None
        if seen_date and t.text == "," and nxt is not None and (
                nxt.lower_ in ("i", "he", "she", "they", "we") or (nxt.lower_ == "and" and tok + 2 < len(doc)
                                                                    and doc[tok + 2].lower_ in _NEW_SUBJECTS)):
            return t.idx
        # Whisper leaves the comma out: "Thursday at two and I'll text him that as well".
        if seen_date and t.lower_ == "and" and nxt is not None and nxt.lower_ in ("i", "he", "she", "they", "we") \
                and tok + 2 < len(doc) and doc[tok + 2].lower_ in ("'ll", "will", "'m", "am", "need", "have", "'ve"):
            return t.idx
        # A sentence of its own after the date, with its own subject: "... at eleven here. I'll ring her".
        if seen_date and t.is_sent_start and t.lower_ in ("i", "he", "she", "they", "we") and tok > 0 \
                and doc[tok - 1].text in (".", "!", "?"):
            return doc[tok - 1].idx + 1
        tok += 1
    return end


def find_regions(p: Parsed) -> Regions:
    text = p.clean
    appointment = appointment_cue = None
    # "Bring it to his next appointment" also names the appointment; the one being booked is said as
    # "Next appointment is ..." (a sentence of its own, or a cue followed by is/on/for) with a date.
    best = -1
    for cue in APPOINTMENT_CUE.finditer(text):
        region = _appointment_at(p, cue)
        span = p.doc.char_span(cue.start(), cue.end(), alignment_mode="expand")
        initial = span.start == span.sent.start or (span.start > 0 and span.doc[span.start - 1].is_punct)
        score = 2 * initial + bool(_BOOKING.match(text, cue.end())) + bool(_DATEISH.search(text, cue.end(), region[1])) \
            + cue.group().lower().startswith("next")
        if score > best:
            best, appointment, appointment_cue = score, region, (cue.start(), cue.end())
    primary = appointment_cue
    if appointment is None:
        first_end = p.sents[0].end_char if p.sents else 0
        typed = [c for c in TYPED_CUE.finditer(text) if c.start() >= first_end]
        if typed:
            appointment, appointment_cue = _appointment_at(p, typed[-1]), (typed[-1].start(), typed[-1].end())
    if appointment is None:
        for cue in FALLBACK_CUE.finditer(text):
            region = _appointment_at(p, cue)
            if _DATEISH.search(text, cue.end(), region[1]):
                appointment, appointment_cue = region, (cue.start(), cue.end())
                break
    marker = _actions_marker(p)
    actions = None
    if marker:
        # An instruction to report to the office is itself one of the actions: the list runs on past it.
        stop = primary[0] if primary and primary[0] > marker[1] else len(text)
        actions = (marker[1], stop)
    return Regions(appointment, appointment_cue, actions, marker, fallback=primary is None and appointment is not None)
