"""Who may see what, decided on the server for every request (never by hiding buttons).

- officer: their own notes, with audio and (on request, logged) the original values;
- reviewer: notes of the officers assigned to them, redacted text only, no audio, no originals;
- evaluator: aggregate figures only, never a note.

The store enforces audio and originals itself (``audio_path`` / ``get_originals`` take the user);
``open_note`` adds the rule the store leaves to its caller: which notes a user may read at all.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from review_ui.auth import User

__all__ = ["AccessDenied", "visible_notes", "open_note", "may_review", "AudioLinks"]


class AccessDenied(PermissionError):
    """The signed-in user may not do this; the message is safe to show."""


def visible_notes(store, user: User) -> list[dict]:
    """The notes ``user`` may open, newest first."""
    if user.role == "officer":
        notes = store.list_notes(officer=user.name)
    elif user.role == "reviewer":
        officers = store.officers_of(user.name)
        notes = store.list_notes(officers=officers) if officers else []
    else:
        notes = []
    return sorted(notes, key=lambda n: n.get("created_at") or "", reverse=True)


def open_note(store, user: User, note_id: str) -> dict:
    """The stored note if ``user`` may read it; ``AccessDenied`` otherwise (also for unknown ids,
    so probing ids tells nothing)."""
    denied = AccessDenied("You cannot open this note.")
    if user.role not in ("officer", "reviewer") or not isinstance(note_id, str) or not note_id:
        raise denied
    try:
        note = store.get_note(note_id)
    except Exception as e:  # NotFound or a malformed id: same answer as a forbidden note
        if type(e).__name__ in ("NotFound", "InvalidValue"):
            raise denied from None
        raise
    if user.role == "officer" and note.get("officer") == user.name:
        return note
    if user.role == "reviewer" and note.get("officer") in store.officers_of(user.name):
        return note
    raise denied


def may_review(user: User, note: dict) -> bool:
    """Fields may be accepted or edited while the note awaits review, by its officer or reviewer."""
    return note.get("status") != "approved" and user.role in ("officer", "reviewer")


@dataclass
class _Link:
    note_id: str
    user: User
    session: str | None
    expires: float


class AudioLinks:
    """Short-lived, unguessable URLs for a note's audio, issued only after the store agreed that
    this user may hear it. The audio route checks the store again on every request, and audio is
    streamed from the store's file, never copied into a web cache where erasure would miss it."""

    def __init__(self, ttl_s: float = 2 * 60 * 60):
        self.ttl_s = ttl_s
        self._links: dict[str, _Link] = {}
        self._lock = threading.Lock()

    def issue(self, note_id: str, user: User, session: str | None) -> str:
        """A link for ``user`` to hear ``note_id``, valid while their sign-in ``session`` lasts."""
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._links = {k: v for k, v in self._links.items() if v.expires > now}
            self._links[token] = _Link(note_id, user, session, now + self.ttl_s)
        return token

    def resolve(self, token: str, sessions, session: str | None) -> tuple[str, User] | None:
        """(note id, user) for a live link fetched with the very sign-in ``session`` it was issued to,
        while that session is open; None otherwise (another user's cookie, or none, gets nothing)."""
        with self._lock:
            link = self._links.get(token)
        if (link is None or link.expires < time.monotonic() or not session or session != link.session
                or sessions.user(link.session) != link.user):
            return None
        return link.note_id, link.user

    def revoke(self, session: str | None) -> None:
        """Sign-out: every link issued to ``session`` dies now."""
        with self._lock:
            self._links = {k: v for k, v in self._links.items() if v.session != session}
