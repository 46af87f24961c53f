"""The Casenote store (see docs/ARCHITECTURE.md): SQLCipher-encrypted SQLite under ``$CASENOTE_HOME``
unlocked by a passphrase, numbered migrations, WAL, foreign keys, secure_delete, an append-only audit
log, per-note keys (wrapped) sealing personal values and the audio, consent that erases on
revocation, and retention of audio.
"""
from __future__ import annotations

from assistant.store.dbfile import DatabaseError
from assistant.store.errors import (ConsentRequired, InvalidValue, NotFound, PermissionDenied, StoreError,
                                    UnreviewedFields)
from assistant.store.comments import CommentsMixin
from assistant.store.keys import PASSPHRASE_ENV, PassphraseError, change_passphrase
from assistant.store.notes import NotesMixin
from assistant.store.retention import RetentionMixin
from assistant.store.store import PURPOSE, STAGES, StoreBase
from assistant.store.streams import StreamsMixin
from assistant.store.validate import officer_id as validate_officer_id

__all__ = ["Store", "StoreError", "ConsentRequired", "UnreviewedFields", "NotFound", "PermissionDenied",
           "InvalidValue", "PURPOSE", "STAGES", "validate_officer_id", "PassphraseError", "PASSPHRASE_ENV",
           "change_passphrase", "DatabaseError"]


class Store(CommentsMixin, NotesMixin, RetentionMixin, StreamsMixin, StoreBase):
    """One connection to the store; open one per request or handler and close it (the connection is
    kept for the next one, so opening is cheap)."""
