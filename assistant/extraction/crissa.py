"""CRISSA layout: each of the officer's sentences, unchanged and exactly once, under Check-in, Review,
Intervention, Summary, Set task or Appointment. The tool writes no sentence; it only places them.

Placement, first rule that applies: the next-appointment sentence (and a short fragment right after it,
"By video.") -> Appointment; a sentence in the
"Actions:" list or holding an action -> Set task; the opening sentence and any attendance or greeting
before the review starts -> Check-in; what the officer did in the session (discussed, referred,
challenged, gave) -> Intervention; the officer's judgement (concern, risk, overall) -> Summary; the
rest, what has happened since the last contact -> Review."""
from __future__ import annotations

import re

from assistant.extraction.nlp import Parsed
from assistant.extraction.regions import Regions
from assistant.extraction.schema import SECTIONS, Field, Sentence

__all__ = ["sentences", "crissa_layout"]

_INTERVENTION = re.compile(
    r"\b(?:we (?:discussed|talked|worked|went through|looked at|completed|reviewed|explored|spoke about|agreed|did)|"
    r"i (?:gave|signposted|referred|explained|challenged|reminded|completed|made|contacted|advised|told|provided|"
    r"showed|went through|discussed|offered|helped|set)|(?:have|has been) (?:referred|signposted)|"
    r"referral|signposted|safety plan)\b", re.IGNORECASE)
_SUMMARY = re.compile(
    r"\b(?:overall|in summary|to summarise|i am (?:very |really )?(?:concerned|worried|pleased)|"
    r"(?:no|any) (?:other |further )?(?:risk|concerns?)|risk (?:issues|concerns|remains|is)|i (?:assess|think|feel|"
    r"believe)|my (?:assessment|view)|(?:which|this) i am (?:very )?concerned|concerned about)\b", re.IGNORECASE)
_CHECK_IN = re.compile(
    r"\b(?:attended|on time|late|did not attend|failed to attend|no answer|answered|arrived|joined|logged on|"
    r"let me in|was in good spirits|presented|appointment with|visit to|contact with|call with|spirits|"
    r"was at home|was in)\b", re.IGNORECASE)


def sentences(p: Parsed) -> list[Sentence]:
    out = []
    for s in p.doc.sents:
        text = p.text[s.start_char:s.end_char]
        stripped = text.strip()
        if not stripped:
            continue
        start = s.start_char + (len(text) - len(text.lstrip()))
        out.append(Sentence(start, start + len(stripped), stripped))
    return out


def crissa_layout(p: Parsed, r: Regions, actions: Field) -> dict[str, list[Sentence]]:
    layout: dict[str, list[Sentence]] = {k: [] for k in SECTIONS}
    action_starts = [e.start for e in actions.evidence]
    reviewing = False
    after_appointment = False
    for i, s in enumerate(sentences(p)):
        holds = lambda a, b=None: a is not None and s.start <= a < s.end  # noqa: E731
        marker = r.actions_marker[0] if r.actions_marker else None
        if r.appointment_cue and holds(r.appointment_cue[0]) and not holds(marker):
            section = "appointment"
        elif after_appointment and len(s.text.split()) <= 4:
            section = "appointment"      # a trailing "By video." belongs with the appointment
        elif holds(marker) or (r.actions and r.actions[0] <= s.start < r.actions[1]) \
                or any(holds(a) for a in action_starts):
            section = "set_task"
        elif i == 0 or (not reviewing and _CHECK_IN.search(s.text)):
            section = "check_in"
        elif _INTERVENTION.search(s.text):
            section = "intervention"
        elif _SUMMARY.search(s.text):
            section = "summary"
        else:
            section = "review"
        if section not in ("check_in",):
            reviewing = True
        after_appointment = section == "appointment"
        layout[section].append(s)
    return layout
