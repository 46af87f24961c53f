"""Numbered schema migrations for the Casenote store, recorded in ``schema_migrations``.

Append new migrations to ``MIGRATIONS``; never edit one that has shipped, since databases in use
have already applied it. Each migration runs in its own transaction together with its
bookkeeping row, so a crash mid-migration leaves the previous schema intact.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

__all__ = ["MIGRATIONS", "migrate", "schema_version"]

_V1_CORE = """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('officer', 'reviewer', 'evaluator')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE reviewer_assignments (
    reviewer TEXT NOT NULL,
    officer TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (reviewer, officer)
);
CREATE TABLE voiceprints (
    officer TEXT PRIMARY KEY,
    embedding BLOB NOT NULL,       -- float32 little-endian unit vector
    dim INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    officer TEXT NOT NULL,
    purpose TEXT NOT NULL,
    retention TEXT NOT NULL,       -- delete_on_approval | keep_days:N
    attested_session_ended INTEGER NOT NULL,
    attested_subject_absent INTEGER NOT NULL,
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
-- One row per imported dictation; ``stage`` persists processing state so it can resume.
CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    consent_id TEXT NOT NULL REFERENCES consents(id),
    officer TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    audio_file TEXT NOT NULL,      -- file name inside $CASENOTE_HOME/audio
    duration_s REAL,
    contact_date TEXT NOT NULL,
    stage TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    audio_deleted_at TEXT,
    UNIQUE (consent_id, sha256)
);
-- The per-note key: destroying it makes every sealed value of that note unreadable.
CREATE TABLE note_keys (
    recording_id TEXT PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
    key BLOB NOT NULL
);
-- Intermediate results of each stage, sealed with the note key.
CREATE TABLE stage_results (
    recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (recording_id, stage)
);
-- The unredacted Whisper transcript, kept apart from the redacted note and sealed.
CREATE TABLE transcripts (
    recording_id TEXT PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
    sealed BLOB NOT NULL,
    model TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    recording_id TEXT NOT NULL UNIQUE REFERENCES recordings(id) ON DELETE CASCADE,
    officer TEXT NOT NULL,
    consent_id TEXT NOT NULL REFERENCES consents(id),
    status TEXT NOT NULL CHECK (status IN ('pending_review', 'approved')),
    contact_date TEXT NOT NULL,
    redacted_text TEXT NOT NULL,
    corrected_text TEXT,
    words TEXT NOT NULL,           -- JSON, offsets into redacted_text
    entities TEXT NOT NULL,        -- JSON, no original values
    originals_sealed BLOB NOT NULL,
    crissa TEXT NOT NULL,
    speaker_check TEXT NOT NULL,
    timing TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_at TEXT,
    approved_by TEXT
);
CREATE TABLE fields (
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT,                    -- JSON
    evidence TEXT NOT NULL,        -- JSON, offsets into redacted_text (+ audio times)
    reason TEXT,
    PRIMARY KEY (note_id, name)
);
CREATE TABLE field_reviews (
    id INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'edit')),
    before TEXT,                   -- JSON
    value TEXT,                    -- JSON
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX field_reviews_note ON field_reviews(note_id, field, id);
CREATE TABLE transcript_edits (
    id INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    fmt TEXT NOT NULL,
    full INTEGER NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
-- Append-only: ``detail`` is JSON without personal data; ``sealed`` (optional) holds before/after
-- values encrypted with the note key, unreadable once the consent is revoked.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note_id TEXT,
    consent_id TEXT,
    detail TEXT NOT NULL,
    sealed BLOB
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX audit_log_note ON audit_log(note_id);
"""

# Per-note keys wrapped by the master key; the reviewed state of a corrected note (issue 12).
_V2_PRIVACY = """
ALTER TABLE note_keys ADD COLUMN wrapped INTEGER NOT NULL DEFAULT 0;
-- entities of the Whisper text (offsets into it) once a correction gave the note a text of its own
ALTER TABLE notes ADD COLUMN whisper_entities TEXT;
-- the officer's corrected text in full, sealed; notes.entities then index it
ALTER TABLE notes ADD COLUMN corrected_sealed BLOB;
-- the case's known identifiers given to process (--name/--dob), sealed, for text typed later
ALTER TABLE notes ADD COLUMN known_sealed BLOB;
-- values the officer un-redacted in typed text (so they are not redacted again), sealed
ALTER TABLE notes ADD COLUMN released_sealed BLOB;
"""

_V3_COMMENTS = """
CREATE TABLE note_comments (
    id INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    field TEXT,                    -- NULL: about the whole note
    text TEXT NOT NULL,            -- redacted like a typed transcript correction
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX note_comments_note ON note_comments(note_id, id);
"""

# (number, name, SQL). Numbers are consecutive from 1.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core tables, append-only audit log", _V1_CORE),
    (2, "wrapped note keys, reviewed state of corrected notes, known identifiers", _V2_PRIVACY),
    (3, "reviewers' comments on notes", _V3_COMMENTS),
]


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if not row:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration newer than the database; return the numbers applied.

    ``conn`` must be in autocommit mode (isolation_level=None) so the explicit transactions here
    are the only ones.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    applied = []
    for number, name, sql in MIGRATIONS:
        # BEGIN IMMEDIATE serialises concurrent first openings; re-check inside the lock.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM schema_migrations WHERE version=?", (number,)).fetchone():
                conn.execute("COMMIT")
                continue
            for statement in _split(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                         (number, name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            conn.execute("COMMIT")
            applied.append(number)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied


def _split(sql: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (which contain ';') whole."""
    statements, buf = [], ""
    for line in sql.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
