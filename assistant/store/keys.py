"""Keys at rest: a passphrase unlocks the store, and nothing on disk is readable without it.

- A random 256-bit **master key** encrypts the database (SQLCipher) and wraps every per-note key.
- The master key is kept only **wrapped** (AES-256-GCM) by a key-encryption key derived from the
  officer's passphrase with **Argon2id** (argon2-cffi), in ``casenote.db.keyring`` beside the database.
  The passphrase and the derived key are never written anywhere.
- Changing the passphrase re-wraps the master key: no note, audio file or per-note key is rewritten.
- A wrong passphrase fails the authentication tag of the wrapped key: a clear error, nothing touched.

The passphrase comes from the caller, else ``$CASENOTE_PASSPHRASE`` (non-interactive use, as restic
and borg do), else the prompt a front end registered (``set_prompt``; the CLI asks on the terminal).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Callable

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from assistant.store.errors import StoreError

__all__ = ["PASSPHRASE_ENV", "PassphraseError", "keyring_path", "unlock", "change_passphrase", "set_prompt",
           "get_passphrase", "subkey", "wrap", "unwrap", "KDF_PARAMS", "MIN_PASSPHRASE_CHARS"]

PASSPHRASE_ENV = "CASENOTE_PASSPHRASE"
MIN_PASSPHRASE_CHARS = 8
# OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane). Stored in each keyring, so a later, costlier
# choice applies to new keyrings and on the next passphrase change without breaking old ones.
KDF_PARAMS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
_FORMAT = "casenote-keyring-1"
_MASTER_AAD = b"casenote master key v1"

_prompt: Callable[[bool], str] | None = None
_prompted: str | None = None            # a passphrase typed at the prompt, kept in memory for this process
_cache: dict[bytes, bytes] = {}          # sha256(keyring bytes + passphrase) -> master key, this process only
_cache_lock = threading.Lock()


class PassphraseError(StoreError):
    """No passphrase, a wrong one, or a damaged keyring: the store was not opened and nothing changed."""


def set_prompt(fn: Callable[[bool], str] | None) -> None:
    """Register how to ask for the passphrase when none is given (``fn(new)``; ``new``: confirm it)."""
    global _prompt
    _prompt = fn


def get_passphrase(given: str | None = None, new: bool = False) -> str:
    global _prompted
    value = given if given is not None else os.environ.get(PASSPHRASE_ENV, _prompted)
    if value is None and _prompt is not None:
        value = _prompted = _prompt(new)   # asked once per process, not per Store()
    if value is None:
        raise PassphraseError(f"the Casenote store is encrypted: set {PASSPHRASE_ENV} to its passphrase "
                              "(or run interactively to be asked for it)")
    if new and len(value) < MIN_PASSPHRASE_CHARS:
        raise PassphraseError(f"choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters")
    if not value:
        raise PassphraseError("the passphrase is empty")
    return value


def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keyring")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _kek(passphrase: str, salt: bytes, params: dict) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, params["time_cost"], params["memory_cost"],
                           params["parallelism"], 32, Type.ID)


def _keyring_blob(master: bytes, passphrase: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    wrapped = AESGCM(_kek(passphrase, salt, KDF_PARAMS)).encrypt(nonce, master, _MASTER_AAD)
    doc = {"format": _FORMAT, "kdf": {"name": "argon2id", "salt": _b64(salt), **KDF_PARAMS},
           "wrapped_master_key": _b64(nonce + wrapped)}
    return json.dumps(doc, indent=1).encode()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _unwrap_master(blob: bytes, passphrase: str) -> bytes:
    try:
        doc = json.loads(blob)
        kdf = doc["kdf"]
        params = {k: int(kdf[k]) for k in KDF_PARAMS}
        raw = base64.b64decode(doc["wrapped_master_key"])
        salt = base64.b64decode(kdf["salt"])
        if doc.get("format") != _FORMAT or kdf.get("name") != "argon2id":
            raise ValueError("unknown keyring format")
    except (ValueError, KeyError, TypeError) as e:
        raise PassphraseError(f"the store's keyring is damaged ({type(e).__name__}); restore it from a backup") from None
    try:
        return AESGCM(_kek(passphrase, salt, params)).decrypt(raw[:12], raw[12:], _MASTER_AAD)
    except InvalidTag:
        raise PassphraseError("wrong passphrase for this Casenote store (nothing was changed); check "
                              f"{PASSPHRASE_ENV} or type it again") from None


def unlock(db_path: Path, passphrase: str | None = None) -> tuple[bytes, bool]:
    """The master key of the store at ``db_path`` -> (key, created). A store with no keyring yet gets
    one (a new passphrase, confirmed when prompted)."""
    ring = keyring_path(db_path)
    if not ring.exists():
        master = os.urandom(32)
        ring.parent.mkdir(parents=True, exist_ok=True)
        blob = _keyring_blob(master, get_passphrase(passphrase, new=True))
        tmp = ring.with_name(f"{ring.name}.{os.getpid()}.{threading.get_ident()}.new")
        _write_atomic(tmp, blob)
        try:
            os.link(tmp, ring)   # atomic and exclusive: two first openings cannot make two keyrings
            return master, True
        except FileExistsError:
            pass                 # another process or thread made it first: use theirs
        finally:
            tmp.unlink()
    blob = ring.read_bytes()
    pw = get_passphrase(passphrase)
    token = hashlib.sha256(blob + b"\0" + pw.encode("utf-8")).digest()
    with _cache_lock:   # Argon2id is slow on purpose: derive once per process, not per Store()
        if token not in _cache:
            try:
                _cache[token] = _unwrap_master(blob, pw)
            except PassphraseError:
                global _prompted
                _prompted = None   # a mistyped passphrase is asked for again, not reused
                raise
        return _cache[token], False


def change_passphrase(db_path: Path, old: str, new: str) -> None:
    """Re-wrap the master key under ``new``; per-note keys, notes and audio stay as they are."""
    ring = keyring_path(db_path)
    if not ring.exists():
        raise PassphraseError("this Casenote store has no keyring yet; open it once to create one")
    if len(new) < MIN_PASSPHRASE_CHARS:
        raise PassphraseError(f"choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters")
    master = _unwrap_master(ring.read_bytes(), old)
    _write_atomic(ring, _keyring_blob(master, new))
    from assistant.store import connections   # (imported here: connections imports dbfile, not keys)

    connections.forget(db_path)   # what this process opened under the old passphrase is closed


def subkey(master: bytes, purpose: str) -> bytes:
    """An independent 256-bit key for one purpose ("sqlcipher", "note keys", "audio")."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casenote " + purpose.encode()).derive(master)


def wrap(key: bytes, secret: bytes, context: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, secret, context)


def unwrap(key: bytes, blob: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], context)
    except InvalidTag:
        raise PassphraseError("a wrapped key failed its integrity check: the store was altered or mixed "
                              "with another store's keyring") from None
