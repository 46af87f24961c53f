"""Checks on values that reach file paths, logs and SQL: officer ids, retention choices, dates."""
from __future__ import annotations

import datetime as dt
import re

from assistant.store.errors import InvalidValue

__all__ = ["officer_id", "retention", "retention_days", "contact_date", "ROLES", "MAX_KEEP_DAYS"]

ROLES = ("officer", "reviewer", "evaluator")
MAX_KEEP_DAYS = 3650
# Sign-in names: letters, digits, dot, dash, underscore; starts with a letter or digit. No '/', no '..',
# no spaces or control characters, so an id is safe in a path, a log line and a terminal.
_OFFICER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_RETENTION_RE = re.compile(r"delete_on_approval|keep_days:(\d{1,5})")


def officer_id(value: str) -> str:
    if not isinstance(value, str) or not _OFFICER_RE.fullmatch(value) or ".." in value:
        raise InvalidValue(
            f"invalid officer id {value!r}: use 1-64 letters, digits, '.', '-' or '_', starting with a letter "
            "or digit (the sign-in name, e.g. jsmith)")
    return value


def retention(value: str) -> str:
    m = _RETENTION_RE.fullmatch(value or "")
    if not m or (m.group(1) is not None and not 1 <= int(m.group(1)) <= MAX_KEEP_DAYS):
        raise InvalidValue(
            f"invalid retention {value!r}: use delete_on_approval (the default) or keep_days:N with N from 1 to "
            f"{MAX_KEEP_DAYS}")
    return value


def retention_days(value: str) -> int | None:
    """N for keep_days:N, None for delete_on_approval."""
    return int(value.split(":", 1)[1]) if value.startswith("keep_days:") else None


def contact_date(value: str | dt.date | None, today: dt.date | None = None) -> str:
    """A session date as YYYY-MM-DD: a real calendar date, not in the future, not before 2000."""
    today = today or dt.date.today()
    if value is None:
        return today.isoformat()
    if isinstance(value, dt.date):
        d = value
    else:
        try:
            d = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidValue(f"invalid date {value!r}: give the session date as YYYY-MM-DD, e.g. {today}") from None
    if d > today:
        raise InvalidValue(f"date {d} is in the future: give the date the session took place")
    if d.year < 2000:
        raise InvalidValue(f"date {d} is too far in the past for a dictation: check the year")
    return d.isoformat()
