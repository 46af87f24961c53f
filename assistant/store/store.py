"""The Casenote store: one SQLCipher-encrypted SQLite file under ``$CASENOTE_HOME`` (WAL, foreign
keys, secure_delete), unlocked by the passphrase (``assistant.store.keys``); audio encrypted beside it.

This module holds the connection, users, voiceprints, consent (grant, check, revoke-and-erase), the
audit log and the bookkeeping the pipeline uses to resume. Note review and export live in
``assistant.store.notes`` and retention in ``assistant.store.retention``; ``Store`` combines them.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
import uuid
import weakref
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from models.imports import refused_imports

with refused_imports("pandas"):   # sqlite-utils imports pandas only to map its Timestamp type (see there)
    import sqlite_utils

from assistant import paths
from assistant.store import connections, dbfile, keys, validate
from assistant.store.audiofile import (audio_key, decrypt_chunks, decrypt_file, decrypt_range, encrypt_stream,
                                      plaintext_size)
from assistant.store.errors import ConsentRequired, InvalidValue, NotFound, PermissionDenied, StoreError
from assistant.store.faults import fault_point
from assistant.store.migrations import migrate
from assistant.store.sealing import new_key, seal, unseal

__all__ = ["StoreBase", "now_iso", "PURPOSE", "STAGES", "ACCESS_ACTIONS"]

PURPOSE = "post-session dictation"
# Processing stages of a recording, in order; ``done`` means its note is stored.
# Audit actions of the review screen's boundary (``record_access``).
ACCESS_ACTIONS = ("auth.sign_in", "auth.failure", "auth.lockout", "auth.sign_out", "note.view")
STAGES = ("importing", "imported", "speaker_checked", "transcribed", "redacted", "extracted", "done")


_BUSY_TIMEOUT_MS = 30_000   # writers queue behind each other (Gradio threads, CLI) rather than fail


class _Closed:
    """Stands in for the connection of a closed ``Store``: the connection now serves another one."""

    def __getattr__(self, name):
        raise dbfile.ProgrammingError("Cannot operate on a closed Store.")


_CLOSED = _Closed()


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_id() -> str:
    return uuid.uuid4().hex


class StoreBase:
    """Connection handling, users, voiceprints, consent, audit, recordings."""

    def __init__(self, path: str | Path | None = None, passphrase: str | None = None):
        """Open (or create) the store. ``passphrase``: default ``$CASENOTE_PASSPHRASE`` or the prompt;
        a wrong one raises ``PassphraseError`` before anything is read or written."""
        self.path = Path(path) if path else paths.database_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        dbfile.recover_interrupted(self.path)
        if not keys.keyring_path(self.path).exists() and self.path.exists() and not dbfile.is_plaintext(self.path):
            raise keys.PassphraseError(f"the store's keyring ({keys.keyring_path(self.path).name}) is missing; restore "
                                       "it from a backup: without it the encrypted store cannot be opened")
        master, _ = keys.unlock(self.path, passphrase)
        self._wrap_key = keys.subkey(master, "note keys")
        self._note_keys: dict[tuple[str, bytes], bytes] = {}   # (recording, wrapped key) -> note key
        # Autocommit mode: transactions are explicit (``_tx``), so a multi-row change is all or nothing.
        # The connection is borrowed from this process's kept ones (``connections``): a warm page cache.
        lease = connections.borrow(self.path, keys.subkey(master, "sqlcipher"), opener=_open_database)
        self.conn = lease.conn
        self._give_back = weakref.finalize(self, connections.give_back, lease)   # also if never closed
        self._give_back.atexit = False
        self._lock = threading.RLock()
        self.db = sqlite_utils.Database(self.conn)
        if not lease.reused:   # this process's first opening of the file: bring it up to date
            try:
                migrate(self.conn)
                self._wrap_plain_note_keys()
                self._encrypt_plain_audio()
            except BaseException:
                self._give_back.detach()   # a connection not brought up to date is never kept
                self.conn.close()
                raise

    def close(self) -> None:
        """Hand the connection back (it is kept for the next ``Store``); this object is done."""
        self._give_back()
        self.conn = self.db = _CLOSED
        self._note_keys.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _tx(self):
        """One write transaction; rolled back on any error (or a kill, by SQLite's journal)."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _one(self, sql: str, params=()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    def _all(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def _audit(self, actor: str, action: str, note_id: str | None = None, consent_id: str | None = None,
               detail: dict | None = None, sealed: bytes | None = None) -> None:
        """Append one audit row (inside the caller's transaction). ``detail`` must hold no personal data."""
        self.conn.execute(
            "INSERT INTO audit_log (at, actor, action, note_id, consent_id, detail, sealed) VALUES (?,?,?,?,?,?,?)",
            (now_iso(), actor, action, note_id, consent_id, json.dumps(detail or {}), sealed))

    def record_access(self, actor: str, action: str, note_id: str | None = None, detail: dict | None = None) -> None:
        """Audit a sign-in event or a note view (the review screen calls this); ``detail`` holds no
        personal data and ``actor`` is an account name or ``unknown``, never what someone typed."""
        if action not in ACCESS_ACTIONS:
            raise InvalidValue(f"invalid access action {action!r}: use one of {', '.join(ACCESS_ACTIONS)}")
        with self._tx():
            self._audit(actor, action, note_id=note_id, detail=detail)

    def audit(self, note_id: str | None = None) -> list[dict]:
        sql = "SELECT id, at, actor, action, note_id, consent_id, detail, sealed IS NOT NULL AS sealed FROM audit_log"
        rows = self._all(sql + (" WHERE note_id=? ORDER BY id" if note_id else " ORDER BY id"),
                         (note_id,) if note_id else ())
        for r in rows:
            r["detail"] = json.loads(r["detail"])
            r["sealed"] = bool(r["sealed"])
        return rows

    def counts(self) -> dict[str, int]:
        """Rows per table (used to show that a refused request changed nothing)."""
        return {t: self.db[t].count for t in self.db.table_names() if not t.startswith("sqlite_")}

    def checkpoint(self, attempts: int = 4) -> bool:
        """Fold the WAL into the database and truncate it to zero bytes, so no old page image (which
        may hold erased text) survives in it; False if another connection's read kept it busy."""
        # The checkpoint waits for readers through the busy handler; keep that wait short here.
        self.conn.execute("PRAGMA busy_timeout=500")
        try:
            for i in range(attempts):
                busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if busy == 0:
                    return True
                time.sleep(0.1 * (i + 1))
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")

    # -- users (issue 6 hashes passwords; the store keeps the rows) -------------------------------
    def add_user(self, name: str, role: str, password_hash: str) -> None:
        validate.officer_id(name)
        if role not in validate.ROLES:
            raise InvalidValue(f"invalid role {role!r}: use one of {', '.join(validate.ROLES)}")
        with self._tx():
            if self._one("SELECT 1 FROM users WHERE name=?", (name,)):
                raise StoreError(f"user {name!r} already exists")
            self.conn.execute("INSERT INTO users VALUES (?,?,?,?)", (name, role, password_hash, now_iso()))
            self._audit(name, "user.add", detail={"role": role})

    def get_user(self, name: str) -> dict | None:
        return self._one("SELECT name, role, password_hash, created_at FROM users WHERE name=?", (name,))

    def assign_reviewer(self, reviewer: str, officer: str) -> None:
        """Let ``reviewer`` review ``officer``'s notes; both accounts must exist with those roles."""
        validate.officer_id(reviewer), validate.officer_id(officer)
        if (self.get_user(reviewer) or {}).get("role") != "reviewer":
            raise InvalidValue(f"{reviewer!r} is not a reviewer account; add it with: "
                               f"casenote users add {reviewer} --role reviewer")
        if (self.get_user(officer) or {}).get("role") != "officer":
            raise InvalidValue(f"{officer!r} is not an officer account; add it with: "
                               f"casenote users add {officer} --role officer")
        with self._tx():
            self.conn.execute("INSERT OR IGNORE INTO reviewer_assignments VALUES (?,?,?)",
                              (reviewer, officer, now_iso()))
            self._audit(reviewer, "reviewer.assign", detail={"officer": officer})

    def officers_of(self, reviewer: str) -> list[str]:
        return [r["officer"] for r in
                self._all("SELECT officer FROM reviewer_assignments WHERE reviewer=? ORDER BY officer", (reviewer,))]

    # -- voiceprints ------------------------------------------------------------------------------
    def set_voiceprint(self, officer: str, embedding: np.ndarray) -> None:
        validate.officer_id(officer)
        vec = np.asarray(embedding, dtype="<f4").ravel()
        if vec.size == 0 or not np.all(np.isfinite(vec)):
            raise InvalidValue("voiceprint must be a non-empty finite vector")
        with self._tx():
            self.conn.execute("INSERT OR REPLACE INTO voiceprints VALUES (?,?,?,?)",
                              (officer, vec.tobytes(), vec.size, now_iso()))
            self._audit(officer, "voiceprint.set", detail={"dim": int(vec.size)})

    def get_voiceprint(self, officer: str) -> np.ndarray | None:
        row = self._one("SELECT embedding FROM voiceprints WHERE officer=?", (officer,))
        return np.frombuffer(row["embedding"], dtype="<f4").astype(np.float32) if row else None

    # -- consent ----------------------------------------------------------------------------------
    def grant_consent(self, officer: str, retention: str = "delete_on_approval", attested: bool = True) -> str:
        """Record the officer's consent to capture a post-session dictation; returns its id.

        ``attested`` is the officer's statement that the session has ended and the person on
        probation is not present; without it nothing may be recorded.
        """
        validate.officer_id(officer)
        validate.retention(retention)
        # Once accounts exist, only an officer account dictates (a reviewer or evaluator never does).
        if self.db["users"].count and (self.get_user(officer) or {}).get("role") != "officer":
            raise PermissionDenied(f"{officer!r} is not an officer account; only officers record a consent")
        if not attested:
            raise ConsentRequired("consent needs the officer's attestation that the session has ended and the "
                                  "person on probation is not present")
        cid = _new_id()
        with self._tx():
            self.conn.execute("INSERT INTO consents VALUES (?,?,?,?,?,?,?,NULL,NULL)",
                              (cid, officer, PURPOSE, retention, 1, 1, now_iso()))
            self._audit(officer, "consent.grant", consent_id=cid, detail={"retention": retention, "purpose": PURPOSE})
        return cid

    def get_consent(self, consent_id: str) -> dict:
        row = self._one("SELECT * FROM consents WHERE id=?", (consent_id,))
        if not row:
            raise NotFound(f"no consent {consent_id!r}; list them with: casenote consent list")
        return row

    def active_consent(self, consent_id: str, officer: str) -> dict:
        row = self._one("SELECT * FROM consents WHERE id=?", (consent_id,))
        if not row:
            raise ConsentRequired(f"no consent {consent_id!r}: record one first with "
                                  f"casenote consent grant --officer {officer}")
        if row["revoked_at"]:
            raise ConsentRequired(f"consent {consent_id} was revoked at {row['revoked_at']}; "
                                  "grant a new one to record another dictation")
        if row["officer"] != officer:
            raise ConsentRequired(f"consent {consent_id} belongs to another officer, not {officer!r}")
        return row

    def list_consents(self, officer: str | None = None) -> list[dict]:
        sql = ("SELECT c.*, (SELECT COUNT(*) FROM recordings r WHERE r.consent_id=c.id) AS recordings "
               "FROM consents c")
        rows = self._all(sql + (" WHERE officer=? ORDER BY granted_at" if officer else " ORDER BY granted_at"),
                         (officer,) if officer else ())
        for r in rows:
            r["active"] = r["revoked_at"] is None
        return rows

    def revoke_consent(self, consent_id: str, by: str) -> dict:
        """Revoke a consent and erase its audio and everything derived from it; return what was erased.

        Order matters for a crash: the consent is marked revoked first (nothing new can use it),
        then files go, then rows, in one transaction with the audit entry. Re-running finishes a
        revocation that was interrupted.
        """
        consent = self.get_consent(consent_id)
        with self._tx():
            if not consent["revoked_at"]:
                self.conn.execute("UPDATE consents SET revoked_at=?, revoked_by=? WHERE id=?",
                                  (now_iso(), by, consent_id))
        recs = self._all("SELECT id, audio_file FROM recordings WHERE consent_id=?", (consent_id,))
        files = sum(_erase_recording_files(r["id"]) for r in recs)
        counts = {"recordings": len(recs), "audio_files": files}
        with self._tx():
            for table, where in (("notes", "consent_id=?"),
                                 ("transcripts", "recording_id IN (SELECT id FROM recordings WHERE consent_id=?)"),
                                 ("stage_results", "recording_id IN (SELECT id FROM recordings WHERE consent_id=?)"),
                                 ("note_keys", "recording_id IN (SELECT id FROM recordings WHERE consent_id=?)"),
                                 ("recordings", "consent_id=?")):
                n = self.conn.execute(f"DELETE FROM {table} WHERE {where}", (consent_id,)).rowcount
                if table != "recordings":
                    counts[table] = n
            fault_point("revoke_before_commit")
            self._audit(by, "consent.revoke", consent_id=consent_id, detail={"erased": counts})
        counts["wal_checkpointed"] = self.checkpoint()
        self._note_keys.clear()         # nor does this Store keep an erased note's key
        connections.forget(self.path)   # no kept connection's page cache holds the erased rows
        return counts

    # -- recordings: the pipeline's persisted state -------------------------------------------------
    def find_recording(self, consent_id: str, sha256: str) -> dict | None:
        return self._one("SELECT * FROM recordings WHERE consent_id=? AND sha256=?", (consent_id, sha256))

    def get_recording(self, recording_id: str) -> dict:
        row = self._one("SELECT * FROM recordings WHERE id=?", (recording_id,))
        if not row:
            raise NotFound(f"no recording {recording_id!r}")
        return row

    def add_recording(self, consent_id: str, officer: str, sha256: str, suffix: str, duration_s: float,
                      contact_date: str) -> dict:
        """Register an import (stage ``importing``) with its own note key, before the audio is copied."""
        self.active_consent(consent_id, officer)
        rid = _new_id()
        suffix = suffix.lower() if suffix.lower() in _AUDIO_SUFFIXES else ".audio"
        existing = self.find_recording(consent_id, sha256)
        if existing:  # the same file under the same consent is one recording, however often it is sent
            return existing
        with self._tx():
            t = now_iso()
            if self.find_recording(consent_id, sha256):   # another process registered it meanwhile
                rid = self.find_recording(consent_id, sha256)["id"]
                return self.get_recording(rid)
            self.conn.execute("INSERT INTO recordings (id, consent_id, officer, sha256, audio_file, duration_s, "
                              "contact_date, stage, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                              (rid, consent_id, officer, sha256, rid + suffix, duration_s, contact_date,
                               "importing", t, t))
            self.conn.execute("INSERT INTO note_keys (recording_id, key, wrapped) VALUES (?,?,1)",
                              (rid, keys.wrap(self._wrap_key, new_key(), rid.encode())))
            self._audit(officer, "recording.import", consent_id=consent_id,
                        detail={"recording_id": rid, "duration_s": round(duration_s, 1)})
        return self.get_recording(rid)

    def recording_audio_path(self, recording_id: str) -> Path:
        """Where the recording's audio is kept, encrypted (read it with ``recording_audio_chunks``)."""
        return _audio_file(self.get_recording(recording_id)["audio_file"])

    def import_audio(self, recording_id: str, src: Path, sha256: str) -> None:
        """Encrypt ``src`` into the audio folder as it is read, check it is the file registered
        (SHA-256), then rename it into place: the stored audio either is whole or is not there."""
        self._store_audio(recording_id, Path(src), sha256)
        self.set_stage(recording_id, "imported")

    def _store_audio(self, recording_id: str, src, sha256: str) -> None:
        """Encrypt ``src`` (a path, or an open binary file such as a closed live recording)."""
        final = self.recording_audio_path(recording_id)
        part = final.with_name(final.name + ".part")
        key = audio_key(self._key(recording_id))
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (open(src, "rb") if isinstance(src, (str, Path)) else src) as fin, os.fdopen(fd, "wb") as fout:
            digest = encrypt_stream(fin, fout, key)
            fout.flush()
            os.fsync(fout.fileno())
        if digest != sha256:
            part.unlink()
            name = Path(src).name if isinstance(src, (str, Path)) else "the recording"
            raise InvalidValue(f"{name} changed while it was being imported; try again once it is fully saved.")
        fault_point("import_before_rename")
        os.replace(part, final)

    def _sealed_audio(self, recording_id: str) -> tuple[Path, bytes]:
        """The encrypted audio file of a recording and the key that opens it."""
        path = self.recording_audio_path(recording_id)
        if not path.is_file():
            raise NotFound(f"the audio of recording {recording_id} is not stored")
        return path, audio_key(self._key(recording_id))

    def recording_audio_chunks(self, recording_id: str):
        """The decrypted audio, chunk by chunk (never written to disk in clear)."""
        return decrypt_chunks(*self._sealed_audio(recording_id))

    def recording_audio_bytes(self, recording_id: str) -> memoryview:
        """The whole decrypted audio, in memory only (a bytes-like view)."""
        return decrypt_file(*self._sealed_audio(recording_id))

    def recording_audio_size(self, recording_id: str) -> int:
        """How many bytes the decrypted audio has, read from the encrypted file's layout alone."""
        return plaintext_size(self._sealed_audio(recording_id)[0])

    def recording_audio_range(self, recording_id: str, first: int, last: int) -> memoryview:
        """Decrypted bytes ``first..last`` (inclusive) of the audio, only their chunks decrypted."""
        return decrypt_range(*self._sealed_audio(recording_id), first, last)

    def audio_intact(self, recording_id: str, sha256: str) -> bool:
        """Is the stored audio whole, authentic and the file registered?"""
        from assistant.store.audiofile import AudioIntegrityError

        h = hashlib.sha256()
        try:
            for block in self.recording_audio_chunks(recording_id):
                h.update(block)
        except (NotFound, AudioIntegrityError):
            return False
        return h.hexdigest() == sha256

    def set_stage(self, recording_id: str, stage: str) -> None:
        assert stage in STAGES, stage
        with self._tx():
            self.conn.execute("UPDATE recordings SET stage=?, updated_at=? WHERE id=?", (stage, now_iso(), recording_id))

    def save_stage_result(self, recording_id: str, stage: str, value) -> None:
        """Seal a stage's output with the note key and advance the stage, in one transaction."""
        assert stage in STAGES, stage
        key = self._key(recording_id)
        with self._tx():
            self.conn.execute("INSERT OR REPLACE INTO stage_results VALUES (?,?,?,?)",
                              (recording_id, stage, seal(key, value), now_iso()))
            self.conn.execute("UPDATE recordings SET stage=?, updated_at=? WHERE id=?", (stage, now_iso(), recording_id))

    def stage_result(self, recording_id: str, stage: str):
        row = self._one("SELECT sealed FROM stage_results WHERE recording_id=? AND stage=?", (recording_id, stage))
        return unseal(self._key(recording_id), row["sealed"]) if row else None

    def save_known(self, recording_id: str, known) -> None:
        """Seal the case's known identifiers (``CaseIdentifiers``) given for a recording: redaction
        uses them now and for every text typed into its note later."""
        from dataclasses import asdict

        with self._tx():
            self.conn.execute("INSERT OR REPLACE INTO stage_results VALUES (?,?,?,?)",
                              (recording_id, "known", seal(self._key(recording_id), asdict(known)), now_iso()))

    def known_identifiers(self, recording_id: str):
        """The sealed ``CaseIdentifiers`` of a recording, or None."""
        from redaction import CaseIdentifiers

        value = self.stage_result(recording_id, "known")
        return CaseIdentifiers(**value) if value else None

    def unfinished_recordings(self) -> list[dict]:
        """Recordings under an active consent whose note is not stored yet (oldest first)."""
        return self._all("SELECT r.* FROM recordings r JOIN consents c ON c.id=r.consent_id "
                         "WHERE r.stage != 'done' AND c.revoked_at IS NULL ORDER BY r.imported_at, r.id")

    def discard_recording(self, recording_id: str, reason: str, actor: str = "system") -> None:
        """Erase an unfinished recording that turned out to hold no dictation (audio, stage results, key)."""
        rec = self.get_recording(recording_id)
        if rec["stage"] == "done":
            raise StoreError(f"recording {recording_id} has a note; revoke its consent to erase it")
        files = _erase_recording_files(recording_id)
        with self._tx():
            for table in ("stage_results", "note_keys", "transcripts"):
                self.conn.execute(f"DELETE FROM {table} WHERE recording_id=?", (recording_id,))
            self.conn.execute("DELETE FROM recordings WHERE id=?", (recording_id,))
            self._audit(actor, "recording.discard", consent_id=rec["consent_id"],
                        detail={"recording_id": recording_id, "reason": reason, "files": files})
        self._note_keys.clear()
        self.checkpoint()

    def _key(self, recording_id: str) -> bytes:
        """The note's own key, unwrapped with the master key (it is stored wrapped only)."""
        row = self._one("SELECT key, wrapped FROM note_keys WHERE recording_id=?", (recording_id,))
        if not row:
            raise NotFound(f"no key for recording {recording_id!r}: it was erased")
        if not row["wrapped"]:
            return row["key"]
        # Unwrapped once per Store (a request), in memory only; the row is still read every time, so a
        # key erased by a revocation is gone for this Store too.
        cached = (recording_id, bytes(row["key"]))
        if cached not in self._note_keys:
            self._note_keys[cached] = keys.unwrap(self._wrap_key, row["key"], recording_id.encode())
        return self._note_keys[cached]

    def _wrap_plain_note_keys(self) -> None:
        """Wrap per-note keys written before keys were wrapped (a store being migrated)."""
        rows = self._all("SELECT recording_id, key FROM note_keys WHERE wrapped=0")
        if rows:
            with self._tx():
                for r in rows:
                    self.conn.execute("UPDATE note_keys SET key=?, wrapped=1 WHERE recording_id=?",
                                      (keys.wrap(self._wrap_key, r["key"], r["recording_id"].encode()),
                                       r["recording_id"]))
            self.checkpoint()

    def _encrypt_plain_audio(self) -> None:
        """Encrypt audio files kept in clear by an older version, then erase the clear copies."""
        for rec in self._all("SELECT id, sha256, audio_file, stage FROM recordings WHERE audio_deleted_at IS NULL "
                             "AND stage != 'importing'"):
            plain = paths.audio_dir() / rec["audio_file"]
            if plain.is_file():
                if not _audio_file(rec["audio_file"]).exists():
                    self._store_audio(rec["id"], plain, rec["sha256"])
                dbfile.erase_file(plain)


def _open_database(path: Path, key: bytes):
    """A new connection to the database; a plaintext store from before encryption is encrypted
    where it is first."""
    if dbfile.is_plaintext(path):
        dbfile.encrypt_in_place(path, key)
    fresh = not path.exists()
    conn = dbfile.connect(path, key)
    if fresh:
        os.chmod(path, 0o600)
    return conn


_AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".webm", ".aac", ".mp4"}
_ENCRYPTED_SUFFIX = ".enc"


def _audio_file(name: str) -> Path:
    return paths.audio_dir() / (name + _ENCRYPTED_SUFFIX)


def _erase_recording_files(recording_id: str) -> int:
    """Overwrite then unlink every file of a recording in the audio folder (final and partial copies)."""
    n = 0
    for f in paths.audio_dir().glob(recording_id + "*"):
        if f.is_file():
            dbfile.erase_file(f)
            n += 1
    return n
