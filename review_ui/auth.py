"""Accounts and sign-in for the review screen: scrypt password hashes, roles, server-side sessions.

Passwords are never stored or logged in clear: ``hash_password`` makes an scrypt hash with a fresh
random salt per user, and ``verify_password`` recomputes it and compares in constant time. The
store keeps the hash string (``Store.add_user``); this module owns its format::

    scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>

Sessions live only in this server process (``SessionRegistry``): a random token (the value of the
HttpOnly session cookie, see ``review_ui.boundary``) maps to the signed-in user and expires after an
idle period and at an absolute limit. Every request and every Gradio handler resolves the cookie
here, so a role or ownership check never depends on what the browser shows, hides or sends.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

__all__ = [
    "ROLES", "User", "AuthError", "hash_password", "verify_password", "check_new_account",
    "Session", "SessionRegistry", "MIN_PASSWORD_LENGTH",
]

ROLES = ("officer", "reviewer", "evaluator")
MIN_PASSWORD_LENGTH = 10
# scrypt cost: 2**15 * 8 * 128 bytes = 32 MiB per hash, ~0.1 s here; memory-hard by design.
_N, _R, _P = 2 ** 15, 8, 1
_MAXMEM = 64 * 1024 * 1024
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class AuthError(ValueError):
    """A sign-in or account request that the user must fix (bad name, weak password, wrong role)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def hash_password(password: str) -> str:
    """scrypt hash of ``password`` with a new 16-byte salt, as one self-describing string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``. Unknown users still pay for one hash (``stored`` None),
    so timing does not tell an attacker which names exist."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = (stored or "").split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        salt, want = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        n, r, p = int(n), int(r), int(p)
        # Only costs we could have written: a tampered row must not make scrypt fail or eat the memory.
        if not (2 ** 14 <= n <= 2 ** 17 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4
                and 16 <= len(want) <= 64 and len(salt) >= 16):
            raise ValueError("unsupported scrypt parameters")
    except ValueError:
        salt, want, n, r, p = b"\0" * 16, b"\1" * 32, _N, _R, _P
        stored = None
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=len(want))
    return hmac.compare_digest(got, want) and stored is not None


def check_new_account(name: str, role: str, password: str) -> None:
    """Raise ``AuthError`` with an actionable message for a name, role or password we would refuse."""
    if not _NAME_RE.match(name or ""):
        raise AuthError("A user name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    if role not in ROLES:
        raise AuthError(f"Unknown role '{role}'; use one of: {', '.join(ROLES)}.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")


@dataclass
class Session:
    """One signed-in browser: who, since when, what it attested and which notes it was shown."""
    user: User
    created: float
    last: float
    consent_attested: bool = False
    viewed: set = field(default_factory=set)


class SessionRegistry:
    """Signed-in sessions of this server process, plus a brake on password guessing.

    ``idle_s``: a session unused for this long is signed out; ``absolute_s``: none lives longer than
    this, however busy. ``max_failures`` failed sign-ins for a name within ``lockout_s`` lock that name
    until the window passes. Gradio's ``session_hash`` values are bound to the session that first
    used them (``bind``), so replaying one from another sign-in gets nothing.
    """

    def __init__(self, idle_s: float = 30 * 60, max_failures: int = 5, lockout_s: float = 5 * 60,
                 absolute_s: float = 8 * 60 * 60):
        self.idle_s, self.max_failures, self.lockout_s, self.absolute_s = idle_s, max_failures, lockout_s, absolute_s
        self._sessions: dict[str, Session] = {}
        self._hashes: dict[str, str] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def sign_in(self, store, name: str, password: str, previous: str | None = None) -> tuple[str, User]:
        """Check the password against the store's hash; return (a new token, user) or raise ``AuthError``.

        Any ``previous`` token of this browser ends here: the session id is rotated at sign-in. Every
        outcome is audited (``auth.sign_in``, ``auth.failure``, ``auth.lockout``) under the account
        name, or ``unknown`` for a name with no account (what was typed is never stored).
        """
        name = (name or "").strip()
        now = time.monotonic()
        self.sign_out(previous)
        row = store.get_user(name) if name and _NAME_RE.match(name) else None
        actor = row["name"] if row else "unknown"
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < self.lockout_s]
            self._failures[name] = recent
            locked = len(recent) >= self.max_failures
        if locked:
            store.record_access(actor, "auth.lockout", detail={"failures": len(recent)})
            raise AuthError("Too many failed sign-ins for this name; wait five minutes and try again.")
        if not verify_password(password or "", row["password_hash"] if row else None) or row["role"] not in ROLES:
            with self._lock:
                self._failures.setdefault(name, []).append(now)
                count = len(self._failures[name])
            store.record_access(actor, "auth.failure", detail={"failures": count})
            if count >= self.max_failures:
                store.record_access(actor, "auth.lockout", detail={"failures": count})
            raise AuthError("Wrong name or password.")
        user = User(row["name"], row["role"])
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._failures.pop(name, None)
            self._sessions[token] = Session(user, now, now)
        store.record_access(user.name, "auth.sign_in", detail={"role": user.role})
        return token, user

    def session(self, token: str | None, touch: bool = True) -> Session | None:
        """The live session of ``token``, refreshing its idle timer (unless ``touch`` is False: an
        open tab's heartbeat is not a person's activity); None when absent or expired."""
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            entry = self._sessions.get(token)
            if entry is None:
                return None
            if now - entry.last > self.idle_s or now - entry.created > self.absolute_s:
                self._drop(token)
                return None
            if touch:
                entry.last = now
            return entry

    def user(self, token: str | None) -> User | None:
        """The user signed in with ``token`` (see ``session``)."""
        entry = self.session(token)
        return entry.user if entry else None

    def bind(self, token: str, session_hash: str) -> bool:
        """Tie a Gradio ``session_hash`` to this sign-in; False when another sign-in already holds it."""
        with self._lock:
            return self._hashes.setdefault(session_hash, token) == token

    def attest_consent(self, token: str | None, attested: bool) -> None:
        """Remember that this officer ticked both consent statements (uploads need it)."""
        entry = self.session(token)
        if entry is not None:
            entry.consent_attested = bool(attested)

    def mark_viewed(self, token: str | None, note_id: str) -> None:
        entry = self.session(token)
        if entry is not None:
            entry.viewed.add(note_id)

    def sign_out(self, token: str | None) -> User | None:
        """End the session on the server; returns who it was (None if it was not live)."""
        with self._lock:
            entry = self._drop(token or "")
        return entry.user if entry else None

    def _drop(self, token: str) -> Session | None:
        entry = self._sessions.pop(token, None)
        for h in [h for h, t in self._hashes.items() if t == token]:
            del self._hashes[h]
        return entry
