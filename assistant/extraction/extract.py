"""``extract(text, contact_date) -> Extraction``: the eight note fields with evidence, and the CRISSA
layout, from a (redacted) transcript. Each field module reads the parse once made here."""
from __future__ import annotations

import datetime as dt

from assistant.extraction.actions import actions_field
from assistant.extraction.contact import attendance_field, booked_time, contact_date_field, contact_type_field
from assistant.extraction.crissa import crissa_layout
from assistant.extraction.dates import parse_appointment, weekday_of
from assistant.extraction.needs import needs_field
from assistant.extraction.nlp import ExtractionError, Parsed, parse
from assistant.extraction.referrals import referrals_field
from assistant.extraction.regions import Regions, find_regions
from assistant.extraction.risks import risks_field
from assistant.extraction.schema import FIELD_NAMES, Evidence, Extraction, Field

__all__ = ["extract"]


def _appointment_field(p: Parsed, r: Regions, contact: dt.date) -> Field:
    if r.appointment is None:
        return Field("next_appointment", None, [], "no next appointment was said")
    s, e = r.appointment
    booked = booked_time(p, r)
    appt = parse_appointment(p.clean[s:e], contact, offset=s, same_time=booked[0] if booked else None)
    cs, ce = r.appointment_cue
    end = max(ce, appt.span[1]) if appt.span else ce
    ev = [Evidence(cs, end, p.text[cs:end])]
    return Field("next_appointment", appt.value, ev, appt.reason, candidates=appt.candidates,
                 weekday=weekday_of(appt.value))


def extract(text: str, contact_date: dt.date) -> Extraction:
    """Fields of ../shared/spec/fields.md from ``text``; relative dates resolve against ``contact_date``
    (the dictation's date, unless the dictation says the contact was on another day)."""
    if not isinstance(contact_date, dt.date):
        raise ExtractionError(f"contact_date must be a date, not {type(contact_date).__name__}")
    p = parse(text)
    r = find_regions(p)
    ctype = contact_type_field(p, r)
    cdate = contact_date_field(p, r, contact_date, ctype)
    actions = actions_field(p, r)
    fields = {
        "contact_date": cdate,
        "contact_type": ctype,
        "attendance": attendance_field(p, r),
        "needs_discussed": needs_field(p, r),
        "risk_flags": risks_field(p, r),
        "referrals": referrals_field(p, r),
        "actions": actions,
        "next_appointment": _appointment_field(p, r, dt.date.fromisoformat(cdate.value)),
    }
    assert tuple(fields) == FIELD_NAMES
    return Extraction(fields, crissa_layout(p, r, actions))
