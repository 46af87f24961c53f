"""Unlocked database connections, kept in this process for the next ``Store`` to reuse.

Why: the review screen opens a ``Store`` per request. A new SQLCipher connection pays its key setup
and starts with an empty page cache, so each request read, authenticated and decrypted again
every page it touched. A connection handed back is kept, still keyed, with its page cache warm;
SQLite itself notices writes made through other connections or other processes (the WAL index)
and rereads only then, so reuse never serves stale data.

The rules that keep this safe:
- A connection is lent to one ``Store`` at a time (a transaction belongs to a connection), and
  comes back on ``Store.close()`` or when the ``Store`` is garbage-collected. One left inside a
  transaction is rolled back first; one that cannot be is closed, not kept.
- It is kept under the database's resolved path, the file's identity (device and inode) and a
  digest of its key: a database replaced on disk, deleted or keyed differently never gets an old
  connection. A ``Store`` borrows only after its passphrase unlocked the keyring, so a kept
  connection never lets a wrong passphrase in.
- Kept connections hold no read transaction, so revoking a consent still truncates the WAL.
- A passphrase change or a revoked consent closes every kept connection of that store (``forget``):
  nothing opened before it, nor a page cache that held the erased rows, lives on in the process.
- Few are kept (``IDLE_PER_DATABASE``, ``IDLE_TOTAL``; the oldest are closed first), nothing of
  them is on disk, and all are closed at exit, when SQLite folds and deletes the WAL as before.
"""
from __future__ import annotations

import atexit
import collections
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.store import dbfile

__all__ = ["Lease", "borrow", "give_back", "forget", "idle_count", "IDLE_PER_DATABASE", "IDLE_TOTAL"]

IDLE_PER_DATABASE = 4    # the review screen's worker threads rarely hold more at once
IDLE_TOTAL = 8           # a process that opens many stores (the tests) keeps few files open

_lock = threading.Lock()
_idle: list[tuple[tuple, object]] = []    # (pool key, connection), oldest first
_generation: dict[str | None, int] = {}    # resolved path (None: all) -> how often ``forget`` closed it
# Leases handed back and not yet kept or closed. A Store dropped without close() is handed back by
# its finalizer, which the garbage collector may run anywhere, even while this thread holds
# ``_lock``: so handing back only appends here (no lock), and whoever next gets the lock settles it.
_returned: collections.deque = collections.deque()
_exiting = False


@dataclass(frozen=True)
class Lease:
    """One borrowed connection and what it was opened on."""
    conn: object
    pool_key: tuple
    reused: bool


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _generations(where: str) -> tuple[int, int]:
    """How often ``forget`` closed this database and all of them (a dict read: no lock needed)."""
    return _generation.get(where, 0), _generation.get(None, 0)


def _pool_key(path: Path, key: bytes) -> tuple:
    where = str(path.resolve())
    return where, _identity(path), hashlib.sha256(b"casenote pool\0" + key).digest(), _generations(where)


def borrow(path: Path, key: bytes, opener=None) -> Lease:
    """A connection to the database at ``path`` under ``key``: a kept one, else a new one from
    ``opener(path, key)`` (default ``dbfile.connect``)."""
    _settle()
    stale, found = [], None
    wanted = _pool_key(path, key)
    with _lock:
        for i in range(len(_idle) - 1, -1, -1):   # the newest first: its page cache is the warmest
            pk, conn = _idle[i]
            if pk == wanted and found is None:
                found = _idle.pop(i)[1]
            elif pk[0] == wanted[0] and pk[1] != wanted[1]:   # that file was replaced or deleted
                stale.append(_idle.pop(i)[1])
    for conn in stale:
        conn.close()
    if found is not None:
        return Lease(found, wanted, True)
    conn = (opener or dbfile.connect)(path, key)
    return Lease(conn, _pool_key(path, key), False)   # a new file exists now: its identity counts


def give_back(lease: Lease) -> None:
    """Keep the connection for the next borrower, or close it (at exit, when too many are kept,
    when ``forget`` closed its database meanwhile, or when it is unusable)."""
    _returned.append(lease)
    _settle()


def _rolled_back(conn) -> bool:
    """Is ``conn`` usable, outside any transaction (one left open is rolled back)?"""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return not conn.in_transaction
    except dbfile.DatabaseError:   # also a connection its holder closed (ProgrammingError)
        return False


def _settle() -> None:
    while True:
        try:
            lease = _returned.popleft()
        except IndexError:
            return
        usable = _rolled_back(lease.conn)
        if not _lock.acquire(blocking=False):
            _returned.appendleft(lease)   # the lock is held (maybe by this thread, under the collector)
            return
        try:
            where, _, _, generations = lease.pool_key
            if usable and not _exiting and generations == _generations(where):
                _idle.append((lease.pool_key, lease.conn))
                same = [i for i, (pk, _) in enumerate(_idle) if pk == lease.pool_key]
                drop = set(same[:-IDLE_PER_DATABASE]) | set(range(max(0, len(_idle) - IDLE_TOTAL)))
                surplus = [c for i, (_, c) in enumerate(_idle) if i in drop]
                _idle[:] = [e for i, e in enumerate(_idle) if i not in drop]
            else:
                surplus = [lease.conn]
        finally:
            _lock.release()
        for c in surplus:
            c.close()


def forget(path: Path | None = None) -> None:
    """Close the kept connections of the database at ``path`` (every database when None); those
    lent out now are closed when they come back instead of being kept."""
    where = str(path.resolve()) if path is not None else None
    with _lock:
        _generation[where] = _generation.get(where, 0) + 1
        gone = [c for pk, c in _idle if where is None or pk[0] == where]
        _idle[:] = [(pk, c) for pk, c in _idle if where is not None and pk[0] != where]
    for conn in gone:
        conn.close()
    _settle()


def idle_count(path: Path | None = None) -> int:
    _settle()
    where = str(path.resolve()) if path is not None else None
    with _lock:
        return sum(1 for pk, _ in _idle if where is None or pk[0] == where)


@atexit.register
def _close_all() -> None:
    global _exiting
    _exiting = True
    forget()
