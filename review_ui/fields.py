"""The eight note fields as the review screen shows and edits them (../shared/spec/fields.md).

An edit arrives as text typed by a person; ``parse_edit`` turns it into the field's value or
raises ``EditError`` with a message saying what to type instead, so a bad edit is refused
before it reaches the store and the officer's typing stays in the box.
"""
from __future__ import annotations

import datetime as dt

__all__ = [
    "FIELD_NAMES", "FIELD_LABELS", "LIST_FIELDS", "CONTACT_TYPES", "ATTENDANCE", "NEED_CODES",
    "RISK_CODES", "ENTITY_TYPES", "EditError", "value_to_text", "parse_edit", "is_reviewed", "edit_hint",
    "edit_lines",
]

FIELD_NAMES = ("contact_date", "contact_type", "attendance", "needs_discussed", "risk_flags",
               "referrals", "actions", "next_appointment")
FIELD_LABELS = {
    "contact_date": "Contact date", "contact_type": "Contact type", "attendance": "Attendance",
    "needs_discussed": "Needs discussed", "risk_flags": "Risk flags", "referrals": "Referrals",
    "actions": "Actions", "next_appointment": "Next appointment",
}
LIST_FIELDS = ("needs_discussed", "risk_flags", "referrals", "actions")
CONTACT_TYPES = ("office", "home_visit", "telephone", "video")
ATTENDANCE = ("attended", "late", "failed_to_attend")
NEED_CODES = ("accommodation", "employment_education", "finance", "relationships", "lifestyle_associates",
              "drugs", "alcohol", "emotional_wellbeing", "thinking_behaviour", "attitudes")
RISK_CODES = ("domestic_abuse", "child_safeguarding", "self_harm_suicide", "weapons", "victim_contact",
              "licence_breach", "substance_relapse", "further_offending")
# Personal data types a reviewer can mark (../shared/spec/fields.md).
ENTITY_TYPES = ("PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "NI_NUMBER", "NHS_NUMBER",
                "CASE_REF", "PRISON_NUMBER", "PNC_ID", "VEHICLE_REG", "BANK")
_CHOICES = {"contact_type": CONTACT_TYPES, "attendance": ATTENDANCE,
            "needs_discussed": NEED_CODES, "risk_flags": RISK_CODES}
_MAX_ITEM = 500


class EditError(ValueError):
    """An edit the reviewer must retype; the message says how."""


def value_to_text(name: str, value) -> str:
    """The text a person sees in the edit box: list items one per line, empty for none."""
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return "\n".join(str(v) for v in (value or []))
    return str(value)


def _code(name: str, text: str) -> str:
    code = text.strip().lower().replace(" ", "_").replace("-", "_")
    if code not in _CHOICES[name]:
        raise EditError(f"'{text.strip()}' is not a {FIELD_LABELS[name].lower()} code; use one of: "
                        f"{', '.join(_CHOICES[name])}.")
    return code


def parse_edit(name: str, text: str):
    """Turn the typed ``text`` into a value for field ``name`` or raise ``EditError``."""
    if name not in FIELD_NAMES:
        raise EditError(f"Unknown field '{name}'.")
    text = (text or "").replace("\r", "")
    if name in LIST_FIELDS:
        items = [line.strip(" \t-•") for line in text.split("\n")]
        items = [i for i in items if i]
        if any(len(i) > _MAX_ITEM for i in items):
            raise EditError(f"Each line must be under {_MAX_ITEM} characters.")
        if name in _CHOICES:
            items = list(dict.fromkeys(_code(name, i) for i in items))
        return items
    text = text.strip()
    if name == "contact_date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise EditError("Type the contact date as YYYY-MM-DD, for example 2026-03-09.") from None
    if name == "next_appointment":
        if not text:
            return None
        try:
            return dt.datetime.strptime(text.replace(" ", "T"), "%Y-%m-%dT%H:%M").strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            raise EditError("Type the next appointment as YYYY-MM-DDTHH:MM (for example 2026-03-23T14:00), "
                            "or leave it empty for none.") from None
    if not text:
        raise EditError(f"Choose one of: {', '.join(_CHOICES[name])}.")
    return _code(name, text)


def is_reviewed(field: dict, officer: str | None = None) -> bool:
    """A field counts as reviewed once it was accepted or edited (the store's review record); with
    ``officer``, only once that officer did (a reviewer's change waits for the officer, as the
    store's save gate does)."""
    review = field.get("review") if isinstance(field, dict) else None
    return (bool(review) and review.get("action") in ("accept", "edit")
            and (officer is None or review.get("by") == officer))


def edit_hint(name: str) -> str:
    """What to type in the edit box of field ``name``."""
    return {"contact_date": "YYYY-MM-DD", "next_appointment": "YYYY-MM-DDTHH:MM or empty",
            "contact_type": "office, home_visit, telephone or video",
            "attendance": "attended, late or failed_to_attend"}.get(name, "one per line")


def edit_lines(name: str) -> int:
    """Height of the edit box: lists take one item a line."""
    return 4 if name in ("needs_discussed", "risk_flags", "referrals", "actions") else 1
