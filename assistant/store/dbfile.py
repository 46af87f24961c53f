"""The database file, encrypted with SQLCipher (``sqlcipher3``): opening it with the master key,
and encrypting an existing plaintext store in place.

SQLCipher encrypts every page of the database and of its write-ahead log, so the WAL, a backup copy
or a lost laptop's disk hold no readable text. ``secure_delete`` still zeroes freed pages, and
``temp_store=MEMORY`` keeps SQLite's temporary tables and sort files off the disk.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from assistant.store.errors import StoreError

__all__ = ["connect", "is_plaintext", "encrypt_in_place", "recover_interrupted", "DatabaseError", "Row",
           "erase_file", "ProgrammingError"]

DatabaseError = sqlcipher3.DatabaseError
ProgrammingError = sqlcipher3.ProgrammingError
Row = sqlcipher3.Row
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 30_000


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""   # a raw 256-bit key: no second, slow key derivation


def is_plaintext(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == _SQLITE_MAGIC
    except FileNotFoundError:
        return False


def connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    """An autocommit connection to the encrypted database at ``path`` (created if missing)."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute(_key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        conn.close()
        raise StoreError("the database cannot be read with this store's keyring: it belongs to another keyring "
                         "or is damaged (nothing was changed)") from None
    conn.row_factory = Row
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON", "temp_store=MEMORY",
                   "synchronous=FULL", f"busy_timeout={_BUSY_TIMEOUT_MS}"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def erase_file(path: Path) -> None:
    """Overwrite a file with zeros, then unlink it (an unlinked file's blocks may otherwise linger)."""
    if not path.is_file():
        return
    remaining = path.stat().st_size
    with open(path, "r+b") as fh:
        while remaining > 0:
            n = min(remaining, 1 << 20)
            fh.write(bytes(n))
            remaining -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()


def _old(path: Path) -> Path:
    return path.with_name(path.name + ".plaintext-old")


def recover_interrupted(path: Path) -> None:
    """Finish an in-place encryption a crash interrupted: put the plaintext back if the encrypted
    copy never took its place, otherwise erase the plaintext left behind."""
    old, tmp = _old(path), path.with_name(path.name + ".encrypting")
    if old.exists():
        if path.exists() and not is_plaintext(path):
            erase_file(old)
        else:
            os.replace(old, path)
    if tmp.exists():
        erase_file(tmp)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Turn a plaintext SQLite store into an encrypted one under ``key`` (sqlcipher_export), then
    overwrite and delete every plaintext copy (the database, its WAL and shared-memory files)."""
    tmp = path.with_name(path.name + ".encrypting")
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(tmp), f"x'{key.hex()}'"))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(path, _old(path))
    os.replace(tmp, path)
    for leftover in (_old(path), path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        erase_file(leftover)
