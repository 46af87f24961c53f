"""Reviewers' comments on a note: a reviewer edits fields and comments; the officer reads both
before approving. Comment text goes through the store's one redaction choke point
(``_redact_for_note``) before it is stored: the note's own original values keep their placeholders,
new personal data gets new ones, sealed with the others."""
from __future__ import annotations

from assistant.store.errors import InvalidValue
from assistant.store.notes import typed_text
from assistant.store.store import now_iso

__all__ = ["CommentsMixin", "MAX_COMMENT_CHARS"]

MAX_COMMENT_CHARS = 2000


class CommentsMixin:
    def add_comment(self, note_id: str, text: str, user: str, field: str | None = None) -> int:
        """A comment by the note's officer or an assigned reviewer on a note awaiting review; returns its id."""
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        typed_text(text, "the comment", MAX_COMMENT_CHARS)
        if field is not None and not self._one("SELECT 1 FROM fields WHERE note_id=? AND name=?", (note_id, field)):
            raise InvalidValue(f"note {note_id} has no field {field!r}")
        text = self._redact_for_note(note_id, text.strip())
        with self._tx():
            cur = self.conn.execute("INSERT INTO note_comments (note_id, field, text, by, at) VALUES (?,?,?,?,?)",
                                    (note_id, field, text, user, now_iso()))
            self._audit(user, "note.comment", note_id=note_id, consent_id=n["consent_id"],
                        detail={"field": field, "chars": len(text)})
        return cur.lastrowid

    def comments(self, note_id: str) -> list[dict]:
        """The note's comments, oldest first: id, field, text (redacted), by, at."""
        return self._all("SELECT id, field, text, by, at FROM note_comments WHERE note_id=? ORDER BY id", (note_id,))
