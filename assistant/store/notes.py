"""Notes in the store: the pipeline's atomic write, reading, review, redaction changes and export.

Human review is a gate here, not in the screen: a note is saved (approved) only when every field
has been accepted or edited, and only an approved note can be exported.
"""
from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from assistant import paths
from assistant.store import offsets
from assistant.store.errors import InvalidValue, NotFound, PermissionDenied, StoreError, UnreviewedFields
from assistant.store.faults import fault_point
from assistant.store.sealing import seal, unseal
from assistant.store.store import now_iso

__all__ = ["NotesMixin", "CRISSA_HEADINGS", "EXPORT_FORMATS", "MAX_TEXT_CHARS"]

CRISSA_HEADINGS = {"check_in": "Check-in", "review": "Review", "intervention": "Intervention",
                   "summary": "Summary", "set_task": "Set task", "appointment": "Appointment"}
EXPORT_FORMATS = ("crissa", "json", "csv")
MAX_TEXT_CHARS = 200_000
_J = json.dumps


class NotesMixin:
    # -- written once by the pipeline ---------------------------------------------------------------
    def complete_note(self, recording_id: str, note: dict) -> str:
        """Store a finished note in one transaction and mark its recording done; idempotent.

        ``note``: contact_date, transcript (Transcript.to_dict(), original text: sealed), redacted_text,
        words (on redacted text), entities (type,start,end,placeholder,... without ``text``), originals
        ({placeholder: value}: sealed), fields {name: {value, evidence, reason}}, crissa, speaker_check, timing.
        """
        existing = self._one("SELECT id FROM notes WHERE recording_id=?", (recording_id,))
        if existing:
            return existing["id"]
        rec = self.get_recording(recording_id)
        key = self._key(recording_id)
        note_id = uuid.uuid4().hex
        entities = [{k: v for k, v in e.items() if k != "text"} for e in note["entities"]]
        t = now_iso()
        with self._tx():
            if self._one("SELECT id FROM notes WHERE recording_id=?", (recording_id,)):  # lost a race
                return self._one("SELECT id FROM notes WHERE recording_id=?", (recording_id,))["id"]
            self.conn.execute("INSERT OR REPLACE INTO transcripts VALUES (?,?,?,?)",
                              (recording_id, seal(key, note["transcript"]), note["transcript"].get("model"), t))
            self.conn.execute(
                "INSERT INTO notes (id, recording_id, officer, consent_id, status, contact_date, redacted_text, words, "
                "entities, originals_sealed, crissa, speaker_check, timing, created_at, updated_at) "
                "VALUES (?,?,?,?,'pending_review',?,?,?,?,?,?,?,?,?,?)",
                (note_id, recording_id, rec["officer"], rec["consent_id"], note["contact_date"],
                 note["redacted_text"], _J(note["words"]), _J(entities), seal(key, note["originals"]),
                 _J(note["crissa"]), _J(note["speaker_check"]), _J(note["timing"]), t, t))
            fault_point("db_write")
            for name, f in note["fields"].items():
                self.conn.execute("INSERT INTO fields VALUES (?,?,?,?,?)",
                                  (note_id, name, _J(f.get("value")), _J(f.get("evidence", [])), f.get("reason")))
            self.conn.execute("DELETE FROM stage_results WHERE recording_id=?", (recording_id,))
            self.conn.execute("UPDATE recordings SET stage='done', updated_at=? WHERE id=?", (t, recording_id))
            self._audit(rec["officer"], "note.create", note_id=note_id, consent_id=rec["consent_id"],
                        detail={"recording_id": recording_id, "fields": sorted(note["fields"]),
                                "entities": len(entities)})
        return note_id

    def note_for_recording(self, recording_id: str) -> str | None:
        row = self._one("SELECT id FROM notes WHERE recording_id=?", (recording_id,))
        return row["id"] if row else None

    # -- reading ------------------------------------------------------------------------------------
    def list_notes(self, officer: str | None = None, officers: list[str] | None = None) -> list[dict]:
        sql = "SELECT id, officer, status, created_at, contact_date FROM notes"
        if officer is not None:
            return self._all(sql + " WHERE officer=? ORDER BY created_at, id", (officer,))
        if officers is not None:
            marks = ",".join("?" * len(officers)) or "NULL"
            return self._all(sql + f" WHERE officer IN ({marks}) ORDER BY created_at, id", tuple(officers))
        return self._all(sql + " ORDER BY created_at, id")

    def _note_row(self, note_id: str) -> dict:
        row = self._one("SELECT n.*, r.audio_file, r.audio_deleted_at FROM notes n "
                        "JOIN recordings r ON r.id=n.recording_id WHERE n.id=?", (note_id,))
        if not row:
            raise NotFound(f"no note {note_id!r}; list them with: casenote notes list")
        return row

    def get_note(self, note_id: str) -> dict:
        n = self._note_row(note_id)
        fields = {}
        for f in self._all("SELECT * FROM fields WHERE note_id=? ORDER BY rowid", (note_id,)):
            r = self._one("SELECT action, value, by, at FROM field_reviews WHERE note_id=? AND field=? "
                          "ORDER BY id DESC LIMIT 1", (note_id, f["name"]))
            if r:
                r["value"] = json.loads(r["value"])
            fields[f["name"]] = {"value": json.loads(f["value"]), "evidence": json.loads(f["evidence"]),
                                 "reason": f["reason"], "review": r}
        audio = paths.audio_dir() / n["audio_file"]
        return {
            "id": n["id"], "officer": n["officer"], "consent_id": n["consent_id"], "status": n["status"],
            "contact_date": n["contact_date"], "created_at": n["created_at"],
            "transcript": n["corrected_text"] if n["corrected_text"] is not None else n["redacted_text"],
            "whisper_transcript": n["redacted_text"], "corrected": n["corrected_text"] is not None,
            "words": json.loads(n["words"]), "entities": json.loads(n["entities"]), "fields": fields,
            "crissa": json.loads(n["crissa"]), "speaker_check": json.loads(n["speaker_check"]),
            "timing": json.loads(n["timing"]),
            "audio_available": n["audio_deleted_at"] is None and audio.is_file(),
        }

    def _require_officer(self, n: dict, user: str, what: str) -> None:
        if user != n["officer"]:
            raise PermissionDenied(f"only the note's officer can {what}")

    def _require_reviewer(self, n: dict, user: str) -> None:
        if user != n["officer"] and n["officer"] not in self.officers_of(user):
            raise PermissionDenied(f"{user!r} is neither this note's officer nor a reviewer assigned to them")

    def _require_pending(self, n: dict) -> None:
        if n["status"] != "pending_review":
            raise StoreError(f"note {n['id']} is already {n['status']} and can no longer change")

    def get_originals(self, note_id: str, user: str) -> dict:
        n = self._note_row(note_id)
        self._require_officer(n, user, "see the original values")
        return unseal(self._key(n["recording_id"]), n["originals_sealed"])

    def audio_path(self, note_id: str, user: str) -> Path:
        n = self._note_row(note_id)
        self._require_officer(n, user, "play the dictation")
        audio = paths.audio_dir() / n["audio_file"]
        if n["audio_deleted_at"] or not audio.is_file():
            raise NotFound(f"the audio of note {note_id} was deleted under the retention policy")
        return audio

    # -- review ---------------------------------------------------------------------------------------
    def review_field(self, note_id: str, field: str, action: str, value, user: str) -> None:
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        f = self._one("SELECT value FROM fields WHERE note_id=? AND name=?", (note_id, field))
        if not f:
            raise InvalidValue(f"note {note_id} has no field {field!r}")
        if action not in ("accept", "edit"):
            raise InvalidValue(f"invalid review action {action!r}: use accept or edit")
        last = self._one("SELECT value FROM field_reviews WHERE note_id=? AND field=? ORDER BY id DESC LIMIT 1",
                         (note_id, field))
        before = json.loads(last["value"] if last else f["value"])
        after = before if action == "accept" else value
        if len(_J(after)) > MAX_TEXT_CHARS:
            raise InvalidValue("the value is too long")
        key = self._key(n["recording_id"])
        with self._tx():
            self.conn.execute("INSERT INTO field_reviews (note_id, field, action, before, value, by, at) "
                              "VALUES (?,?,?,?,?,?,?)", (note_id, field, action, _J(before), _J(after), user, now_iso()))
            self.conn.execute("UPDATE notes SET updated_at=? WHERE id=?", (now_iso(), note_id))
            self._audit(user, "field.review", note_id=note_id, consent_id=n["consent_id"],
                        detail={"field": field, "action": action, "changed": before != after},
                        sealed=seal(key, {"before": before, "after": after}))

    def set_redactions(self, note_id: str, entities: list[dict], user: str) -> None:
        """Replace the note's redactions with ``entities`` (the complete new list).

        Each entity has ``type`` and either ``start``/``end`` (offsets into the original transcript,
        as ``get_note`` gives for existing ones) or ``r_start``/``r_end`` (a span of the current
        redacted text, for one the reviewer adds); ``placeholder`` is optional. Drop one to undo it.
        """
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        key = self._key(n["recording_id"])
        transcript = unseal(key, self._one("SELECT sealed FROM transcripts WHERE recording_id=?",
                                           (n["recording_id"],))["sealed"])
        original, old = transcript["text"], json.loads(n["entities"])
        wanted = []
        for e in entities:
            e = dict(e)
            if "start" not in e and "r_start" in e:
                e["start"], e["end"] = offsets.to_original(e["r_start"], old), offsets.to_original(e["r_end"], old)
            wanted.append({k: e[k] for k in ("type", "start", "end", "placeholder", "recogniser", "score") if k in e})
        if user != n["officer"]:
            # A reviewer may add a missed redaction but never undo one: undoing would put the
            # original value into the text that reviewer reads.
            kept = {(e["start"], e["end"]) for e in wanted}
            if any((e["start"], e["end"]) not in kept for e in old):
                raise PermissionDenied("only the note's own officer can undo a redaction; a reviewer can add one")
        try:
            text, new = offsets.render(original, wanted)
        except (ValueError, KeyError) as err:
            raise InvalidValue(f"invalid redactions: {err}") from None
        originals = {e["placeholder"]: original[e["start"]:e["end"]] for e in new}
        words = offsets.redacted_words([w for s in transcript["segments"] for w in s["words"]], new, text)

        def remap(items):
            out = []
            for it in items:
                s, t = offsets.remap_span(it["start"], it["end"], old, new)
                out.append({**it, "start": s, "end": t, "text": text[s:t]})
            return out

        crissa = {k: remap(v) for k, v in json.loads(n["crissa"]).items()}
        fields = self._all("SELECT name, evidence FROM fields WHERE note_id=?", (note_id,))
        with self._tx():
            for f in fields:
                self.conn.execute("UPDATE fields SET evidence=? WHERE note_id=? AND name=?",
                                  (_J(remap(json.loads(f["evidence"]))), note_id, f["name"]))
            self.conn.execute("UPDATE notes SET redacted_text=?, words=?, entities=?, originals_sealed=?, crissa=?, "
                              "updated_at=? WHERE id=?", (text, _J(words), _J(new), seal(key, originals),
                                                          _J(crissa), now_iso(), note_id))
            self._audit(user, "redactions.set", note_id=note_id, consent_id=n["consent_id"],
                        detail={"before": len(old), "after": len(new)},
                        sealed=seal(key, {"before": n["redacted_text"], "after": text}))

    def correct_transcript(self, note_id: str, text: str, user: str) -> None:
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        if not isinstance(text, str) or not text.strip():
            raise InvalidValue("the corrected transcript is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidValue(f"the corrected transcript is over {MAX_TEXT_CHARS} characters")
        before = n["corrected_text"] if n["corrected_text"] is not None else n["redacted_text"]
        key = self._key(n["recording_id"])
        originals = unseal(key, n["originals_sealed"])
        text, originals = _redact_correction(text, originals)
        with self._tx():
            self.conn.execute("UPDATE notes SET corrected_text=?, originals_sealed=?, updated_at=? WHERE id=?",
                              (text, seal(key, originals), now_iso(), note_id))
            self.conn.execute("INSERT INTO transcript_edits (note_id, before, after, by, at) VALUES (?,?,?,?,?)",
                              (note_id, n["redacted_text"], text, user, now_iso()))
            self._audit(user, "transcript.correct", note_id=note_id, consent_id=n["consent_id"],
                        detail={"chars_before": len(before), "chars_after": len(text)},
                        sealed=seal(key, {"before": before, "after": text}))

    def save_note(self, note_id: str, user: str) -> None:
        """Approve a note once its own officer has accepted or edited every field (a reviewer's change
        counts only after the officer accepted or edited it again); its audio goes now if the
        consent says so. Only the note's officer approves: a reviewer edits and comments."""
        n = self._note_row(note_id)
        self._require_officer(n, user, "approve (save) it; a reviewer can edit fields and comment")
        self._require_pending(n)
        missing = [r["name"] for r in self._all(
            "SELECT name FROM fields f WHERE note_id=? AND COALESCE((SELECT v.by FROM field_reviews v "
            "WHERE v.note_id=f.note_id AND v.field=f.name ORDER BY v.id DESC LIMIT 1), '') != ? ORDER BY rowid",
            (note_id, n["officer"]))]
        if missing:
            raise UnreviewedFields(f"accept or edit every field yourself before saving; not yet reviewed by you: "
                                   f"{', '.join(missing)}", missing)
        with self._tx():
            self.conn.execute("UPDATE notes SET status='approved', approved_at=?, approved_by=?, updated_at=? "
                              "WHERE id=?", (now_iso(), user, now_iso(), note_id))
            self._audit(user, "note.approve", note_id=note_id, consent_id=n["consent_id"])
        consent = self.get_consent(n["consent_id"])
        if consent["retention"] == "delete_on_approval":
            self.delete_audio(n["recording_id"], reason="approved", actor=user)

    # -- export ---------------------------------------------------------------------------------------
    def export_note(self, note_id: str, fmt: str, user: str, full: bool = False) -> str:
        """The approved note as CRISSA text, JSON or CSV; placeholders stay unless ``full`` (officer only)."""
        if fmt not in EXPORT_FORMATS:
            raise InvalidValue(f"invalid export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
        n = self._note_row(note_id)
        if full:
            self._require_officer(n, user, "export with the original values")
        else:
            self._require_reviewer(n, user)
        if n["status"] != "approved":
            raise UnreviewedFields(f"note {note_id} has not been reviewed and saved; only approved notes export")
        note = self.get_note(note_id)
        values = {k: (f["review"]["value"] if f["review"] else f["value"]) for k, f in note["fields"].items()}
        crissa = {k: [s["text"] for s in v] for k, v in note["crissa"].items()}
        transcript = note["transcript"]
        if full:
            originals = self.get_originals(note_id, user)

            def fill(obj):  # placeholders back to the officer's own words, in text and in values
                if isinstance(obj, str):
                    for ph, val in sorted(originals.items(), key=lambda kv: -len(kv[0])):
                        obj = obj.replace(ph, val)
                    return obj
                if isinstance(obj, list):
                    return [fill(x) for x in obj]
                if isinstance(obj, dict):
                    return {k: fill(v) for k, v in obj.items()}
                return obj
            values, crissa, transcript = fill(values), fill(crissa), fill(transcript)
        if fmt == "json":
            out = json.dumps({"note_id": note_id, "officer": n["officer"], "contact_date": n["contact_date"],
                              "fields": values, "crissa": crissa, "transcript": transcript}, ensure_ascii=False, indent=2)
        elif fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["note_id", "field", "value"])
            for k, v in values.items():
                w.writerow([note_id, k, _csv_safe("; ".join(map(str, v)) if isinstance(v, list) else
                                                  "" if v is None else str(v))])
            out = buf.getvalue()
        else:
            parts = [f"Contact {n['contact_date']} (officer {n['officer']})"]
            for key, heading in CRISSA_HEADINGS.items():
                if crissa.get(key):
                    parts.append(f"{heading}:\n" + "\n".join(crissa[key]))
            out = "\n\n".join(parts) + "\n"
        with self._tx():
            self.conn.execute("INSERT INTO exports (note_id, fmt, full, by, at) VALUES (?,?,?,?,?)",
                              (note_id, fmt, int(full), user, now_iso()))
            self._audit(user, "note.export", note_id=note_id, consent_id=n["consent_id"],
                        detail={"fmt": fmt, "full": bool(full)})
        return out

    def edit_statistics(self) -> dict:
        """Reviewers' corrections, for measuring the tool: redacted text pairs and per-field counts."""
        pairs = [{"note_id": r["note_id"], "whisper": r["before"], "corrected": r["after"]} for r in self._all(
            "SELECT note_id, before, after FROM transcript_edits e WHERE id = "
            "(SELECT MAX(id) FROM transcript_edits x WHERE x.note_id=e.note_id) ORDER BY note_id")]
        per_field: dict[str, dict[str, int]] = {}
        for r in self._all("SELECT v.field, v.action, v.value, f.value AS extracted FROM field_reviews v "
                           "JOIN fields f ON f.note_id=v.note_id AND f.name=v.field WHERE v.id = "
                           "(SELECT MAX(id) FROM field_reviews x WHERE x.note_id=v.note_id AND x.field=v.field)"):
            c = per_field.setdefault(r["field"], {"reviewed": 0, "accepted": 0, "edited": 0})
            c["reviewed"] += 1
            changed = json.loads(r["value"]) != json.loads(r["extracted"])
            c["edited" if changed else "accepted"] += 1
        notes = self._one("SELECT COUNT(*) AS n, SUM(status='approved') AS approved FROM notes")
        return {"notes": notes["n"], "approved": notes["approved"] or 0, "transcript_pairs": pairs,
                "fields": per_field}


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a value as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _redact_correction(text: str, originals: dict) -> tuple[str, dict]:
    """Redact an officer's typed correction before it is stored.

    The note's own original values are always redacted (and keep their placeholders, so
    ``[PERSON_1]`` stays the same person); anything new the redactor finds gets the next free
    number for its type. Returns the redacted text and the originals extended with new values.
    """
    import re
    from dataclasses import replace

    from redaction import CaseIdentifiers, apply_entities, redact

    found = redact(text, known=CaseIdentifiers(other=[v for v in originals.values() if v]))
    by_value = {str(v).lower(): ph for ph, v in originals.items()}
    top: dict[str, int] = {}
    for ph in list(originals) + re.findall(r"\[[A-Z_]+_\d+\]", text):
        m = re.fullmatch(r"\[([A-Z_]+)_(\d+)\]", ph)
        if m:
            top[m.group(1)] = max(top.get(m.group(1), 0), int(m.group(2)))
    # The redactor already groups partial forms ("John's" with "John Smith") under one placeholder
    # of its own; map each of its groups to the note's placeholder for any member's value.
    group: dict[str, str] = {}
    for e in found.entities:
        ph = by_value.get(e.text.lower())
        if ph and ph.startswith(f"[{e.type}_"):
            group.setdefault(e.placeholder, ph)
    ents, originals = [], dict(originals)
    for e in found.entities:
        ph = group.get(e.placeholder)
        if not ph:
            top[e.type] = top.get(e.type, 0) + 1
            ph = group[e.placeholder] = f"[{e.type}_{top[e.type]}]"
            originals[ph] = e.text
        ents.append(replace(e, placeholder=ph))
    return apply_entities(text, ents).text, originals
