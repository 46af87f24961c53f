"""Per-note encryption ("crypto-shredding"): personal values are sealed with a key kept only in the
``note_keys`` table, so destroying that one row makes every copy of them unreadable, including
copies in the append-only audit log, which can therefore never be rewritten.
"""
from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["new_key", "seal", "unseal", "InvalidToken"]


def new_key() -> bytes:
    return Fernet.generate_key()


def seal(key: bytes, value) -> bytes:
    """JSON-encode ``value`` and encrypt it (AES-128-CBC + HMAC-SHA256, via Fernet)."""
    return Fernet(key).encrypt(json.dumps(value, ensure_ascii=False).encode())


def unseal(key: bytes, token: bytes):
    return json.loads(Fernet(key).decrypt(token))
