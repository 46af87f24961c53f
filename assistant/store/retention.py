"""Retention: a dictation's audio is kept only until its note is approved (the default) or for the
number of days its consent allows. Every deletion is logged (no personal data in the log)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from assistant.store import validate
from assistant.store.store import _erase_recording_files, now_iso

__all__ = ["RetentionMixin"]


class RetentionMixin:
    def delete_audio(self, recording_id: str, reason: str, actor: str = "system") -> bool:
        """Erase a recording's audio files and record why; False if it was already gone."""
        rec = self.get_recording(recording_id)
        if rec["audio_deleted_at"]:
            return False
        files = _erase_recording_files(recording_id)
        with self._tx():
            self.conn.execute("UPDATE recordings SET audio_deleted_at=?, updated_at=? WHERE id=?",
                              (now_iso(), now_iso(), recording_id))
            self._audit(actor, "audio.delete", note_id=self.note_for_recording(recording_id),
                        consent_id=rec["consent_id"],
                        detail={"recording_id": recording_id, "reason": reason, "files": files})
        return True

    def retention_due(self, now: datetime | None = None) -> list[dict]:
        """Recordings whose audio the policy says must go now, each with the reason."""
        now = now or datetime.now(timezone.utc)
        due = []
        for r in self._all("SELECT r.id, r.imported_at, r.stage, c.retention, n.status FROM recordings r "
                           "JOIN consents c ON c.id=r.consent_id LEFT JOIN notes n ON n.recording_id=r.id "
                           "WHERE r.audio_deleted_at IS NULL ORDER BY r.imported_at"):
            days = validate.retention_days(r["retention"])
            if days is None and r["status"] == "approved":
                due.append({"recording_id": r["id"], "reason": "approved"})
            elif days is not None and datetime.fromisoformat(r["imported_at"]) + timedelta(days=days) <= now:
                due.append({"recording_id": r["id"], "reason": f"kept {days} days"})
        return due

    def run_retention(self, now: datetime | None = None, actor: str = "retention") -> list[dict]:
        """Apply the policy: delete every audio file that is due; returns the deletions made."""
        done = []
        for d in self.retention_due(now):
            if self.delete_audio(d["recording_id"], d["reason"], actor):
                done.append(d)
        if done:
            self.checkpoint()
        return done
