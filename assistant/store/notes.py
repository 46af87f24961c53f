"""Notes in the store: the pipeline's atomic write, reading, review, redaction changes and export.

Human review is a gate here, not in the screen: a note is saved (approved) only when every field
has been accepted or edited, and only an approved note can be exported.

One choke point for readable text: everything typed into a note (corrections, field edits,
comments) goes through ``_redact_for_note`` / ``_redact_with``, so a new identifier becomes a
placeholder consistent with the note and its original is sealed with the others. Exports are built
from the reviewed state: the corrected text, its CRISSA layout, the edited values.
"""
from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from redaction import CaseIdentifiers
from redaction.placeholders import redacted_words, remap_span, to_original

from assistant.store import note_text
from assistant.store.errors import InvalidValue, NotFound, PermissionDenied, StoreError, UnreviewedFields
from assistant.store.faults import fault_point
from assistant.store.note_text import Doc
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
        known = self._one("SELECT sealed FROM stage_results WHERE recording_id=? AND stage='known'", (recording_id,))
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
                "entities, originals_sealed, crissa, speaker_check, timing, created_at, updated_at, known_sealed) "
                "VALUES (?,?,?,?,'pending_review',?,?,?,?,?,?,?,?,?,?,?)",
                (note_id, recording_id, rec["officer"], rec["consent_id"], note["contact_date"],
                 note["redacted_text"], _J(note["words"]), _J(entities), seal(key, note["originals"]),
                 _J(note["crissa"]), _J(note["speaker_check"]), _J(note["timing"]), t, t,
                 known["sealed"] if known else None))
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
        audio = self.recording_audio_path(n["recording_id"])
        return {
            "id": n["id"], "officer": n["officer"], "consent_id": n["consent_id"], "status": n["status"],
            "contact_date": n["contact_date"], "created_at": n["created_at"],
            "transcript": n["corrected_text"] if n["corrected_text"] is not None else n["redacted_text"],
            "whisper_transcript": n["redacted_text"], "corrected": n["corrected_text"] is not None,
            "words": json.loads(n["words"]), "entities": self._shown_entities(n), "fields": fields,
            "placeholders": sorted(unseal(self._key(n["recording_id"]), n["originals_sealed"])),
            "crissa": json.loads(n["crissa"]), "speaker_check": json.loads(n["speaker_check"]),
            "timing": json.loads(n["timing"]),
            "audio_available": n["audio_deleted_at"] is None and audio.is_file(),
        }

    def _shown_entities(self, n: dict) -> list[dict]:
        """The redactions of the text shown (offsets into its source, r_* into the text)."""
        if n["corrected_text"] is not None and n["corrected_sealed"] is None:   # corrected by an older version
            return self._current_doc(n, self._key(n["recording_id"])).entities
        return json.loads(n["entities"])

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
        """The note's stored audio file: encrypted, so play it through ``audio_chunks``."""
        n = self._note_row(note_id)
        self._require_officer(n, user, "play the dictation")
        audio = self.recording_audio_path(n["recording_id"])
        if n["audio_deleted_at"] or not audio.is_file():
            raise NotFound(f"the audio of note {note_id} was deleted under the retention policy")
        return audio

    def audio_chunks(self, note_id: str, user: str):
        """The note's audio decrypted chunk by chunk for playback (only the note's officer); no clear
        copy is written anywhere. ``audio_media_type`` gives its content type."""
        self.audio_path(note_id, user)
        return self.recording_audio_chunks(self._note_row(note_id)["recording_id"])

    def audio_bytes(self, note_id: str, user: str) -> memoryview:
        """The note's whole audio decrypted in memory (only the note's officer), for a player that
        seeks; decrypted straight into one buffer, no clear copy written anywhere."""
        self.audio_path(note_id, user)
        return self.recording_audio_bytes(self._note_row(note_id)["recording_id"])

    def audio_size(self, note_id: str, user: str) -> int:
        """How many bytes the note's decrypted audio has (only the note's officer)."""
        self.audio_path(note_id, user)
        return self.recording_audio_size(self._note_row(note_id)["recording_id"])

    def audio_range(self, note_id: str, user: str, first: int, last: int) -> memoryview:
        """Bytes ``first..last`` of the note's decrypted audio (only the note's officer), for a player's
        byte-range request: only the chunks holding them are decrypted, in memory."""
        self.audio_path(note_id, user)
        return self.recording_audio_range(self._note_row(note_id)["recording_id"], first, last)

    def audio_media_type(self, note_id: str) -> str:
        import mimetypes

        return mimetypes.guess_type(self._note_row(note_id)["audio_file"])[0] or "application/octet-stream"

    # -- the note's documents and the choke point ---------------------------------------------------
    def _whisper_doc(self, n: dict, key: bytes) -> tuple[Doc, list[dict]]:
        """Whisper's text as a document, and its timed words (offsets into Whisper's text)."""
        transcript = unseal(key, self._one("SELECT sealed FROM transcripts WHERE recording_id=?",
                                           (n["recording_id"],))["sealed"])
        ents = json.loads(n["whisper_entities"] if n["whisper_entities"] is not None else n["entities"])
        words = [w for s in transcript["segments"] for w in s["words"]]
        return Doc(transcript["text"], ents, n["redacted_text"]), words

    def _current_doc(self, n: dict, key: bytes) -> Doc:
        """The document the note shows now: the officer's correction if there is one, else Whisper's."""
        if n["corrected_text"] is None:
            return self._whisper_doc(n, key)[0]
        if n["corrected_sealed"] is not None:
            return Doc(unseal(key, n["corrected_sealed"]), json.loads(n["entities"]), n["corrected_text"])
        # corrected before the source was kept (an older store): rebuild it from the placeholders
        originals = unseal(key, n["originals_sealed"])
        values = {ph: [v] for ph, v in originals.items()}
        source, fixed = note_text.parse_typed(n["corrected_text"], Doc("", [], ""), values)
        return note_text.render_doc(source, [{"type": e.type, "start": e.start, "end": e.end,
                                              "placeholder": e.placeholder} for e in fixed])

    def _known(self, n: dict, key: bytes) -> CaseIdentifiers | None:
        return CaseIdentifiers(**unseal(key, n["known_sealed"])) if n.get("known_sealed") else None

    def _released(self, n: dict, key: bytes) -> list[str]:
        return unseal(key, n["released_sealed"]) if n.get("released_sealed") else []

    def _redact_with(self, n: dict, key: bytes, text: str, originals: dict) -> tuple[str, dict]:
        """The choke point: ``text`` with the note's values as its placeholders and any new identifier
        as a new one; returns it and the originals extended with the new values (to seal)."""
        doc = self._current_doc(n, key)
        values = note_text.note_values(doc, originals)
        source, fixed = note_text.parse_typed(text, doc, values)
        out = note_text.redact_text(source, values, self._known(n, key), self._released(n, key), fixed)
        return out.text, _extend_originals(originals, out)

    def _redact_for_note(self, note_id: str, text: str) -> str:
        """Redact any text about to be kept or shown for a note (a comment, a value): the one choke
        point. New originals are sealed with the note's others, so its officer can still see them."""
        n = self._note_row(note_id)
        key = self._key(n["recording_id"])
        originals = unseal(key, n["originals_sealed"])
        try:
            red, new = self._redact_with(n, key, text, originals)
        except ValueError as err:
            raise InvalidValue(str(err)) from None
        if new != originals:
            with self._tx():
                self.conn.execute("UPDATE notes SET originals_sealed=? WHERE id=?", (seal(key, new), note_id))
        return red

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
        if action == "edit" and len(_J(value)) > MAX_TEXT_CHARS:
            raise InvalidValue("the value is too long")
        key = self._key(n["recording_id"])
        originals = sealed_originals = unseal(key, n["originals_sealed"])
        after = before
        if action == "edit":   # typed by a person: through the choke point like every other text
            def one(text):
                nonlocal originals
                red, originals = self._redact_with(n, key, text, originals)
                return red
            try:
                after = note_text.redact_value(value, one)
            except ValueError as err:
                raise InvalidValue(str(err)) from None
        with self._tx():
            self.conn.execute("INSERT INTO field_reviews (note_id, field, action, before, value, by, at) "
                              "VALUES (?,?,?,?,?,?,?)", (note_id, field, action, _J(before), _J(after), user, now_iso()))
            if originals != sealed_originals:   # a new identifier typed in: sealed with the others
                self.conn.execute("UPDATE notes SET originals_sealed=? WHERE id=?", (seal(key, originals), note_id))
            self.conn.execute("UPDATE notes SET updated_at=? WHERE id=?", (now_iso(), note_id))
            self._audit(user, "field.review", note_id=note_id, consent_id=n["consent_id"],
                        detail={"field": field, "action": action, "changed": before != after},
                        sealed=seal(key, {"before": before, "after": after}))

    def set_redactions(self, note_id: str, entities: list[dict], user: str) -> None:
        """Replace the note's redactions with ``entities`` (the complete new list).

        Each entity has ``type`` and either ``start``/``end`` (offsets into the note's current source
        text, as ``get_note`` gives for existing ones) or ``r_start``/``r_end`` (a span of the text
        shown, ``get_note()["transcript"]``, for one the reviewer adds); ``placeholder`` is optional.
        Drop one to undo it. An added span overlapping existing redactions absorbs them.
        """
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        key = self._key(n["recording_id"])
        doc = self._current_doc(n, key)
        wanted = []
        for e in entities:
            e = dict(e)
            if "start" not in e and "r_start" in e:
                if not all(isinstance(e.get(k), int) and 0 <= e[k] <= len(doc.text) for k in ("r_start", "r_end")):
                    raise InvalidValue("invalid redactions: the span is outside the text")
                e["start"], e["end"] = to_original(e["r_start"], doc.entities), \
                    to_original(e["r_end"], doc.entities, at_end=True)
            wanted.append({k: e[k] for k in ("type", "start", "end", "placeholder", "recogniser", "score") if k in e})
        if user != n["officer"]:
            # A reviewer may add a missed redaction but never undo one: undoing would put the
            # original value into the text that reviewer reads.
            kept = [(e["start"], e["end"]) for e in wanted]
            if any(not any(s <= e["start"] and e["end"] <= t for s, t in kept) for e in doc.entities):
                raise PermissionDenied("only the note's own officer can undo a redaction; a reviewer can add one")
        originals = unseal(key, n["originals_sealed"])
        try:
            new = note_text.render_doc(doc.source, note_text.merge_overlaps(wanted), reserved=originals)
        except (ValueError, KeyError, TypeError) as err:
            raise InvalidValue(f"invalid redactions: {err}") from None
        self._write_redactions(n, key, doc, new, originals, user)

    def _write_redactions(self, n: dict, key: bytes, doc: Doc, new: Doc, originals: dict, user: str,
                          undone: frozenset = frozenset()) -> None:
        """Carry words, evidence, CRISSA and field values over to ``new`` and write it all at once.
        An undone placeholder's values are released: not redacted again in this note."""
        note_id = n["id"]
        old_values = note_text.note_values(doc, originals)
        new_values = note_text.note_values(new, {})
        added = {ph: max(v, key=len) for ph, v in new_values.items() if ph not in old_values}
        removed = {ph for ph in {e["placeholder"] for e in doc.entities} if ph not in new_values} | set(undone)
        swap = _value_swapper(added, removed, {ph: max(v, key=len) for ph, v in old_values.items()})
        released = sorted(set(self._released(n, key)).union(*(old_values.get(ph, []) for ph in removed)))
        originals = {ph: v for ph, v in _extend_originals(originals, new).items() if ph not in removed}
        wdoc, words_src = self._whisper_doc(n, key)
        corrected = n["corrected_text"] is not None
        if corrected:   # the same change to Whisper's text, kept beside the correction
            wents = [e for e in wdoc.entities if e["placeholder"] not in removed]
            wents += note_text.find_values(wdoc.source, added, wents)
            wdoc = note_text.render_doc(wdoc.source, wents, reserved=originals)
        else:
            wdoc = new
        words = redacted_words(words_src, wdoc.entities, wdoc.text)

        def remap(items):
            out = []
            for it in items:
                s, t = remap_span(it["start"], it["end"], doc.entities, new.entities)
                if s < t:
                    out.append({**it, "start": s, "end": t, "text": new.text[s:t]})
            return out

        crissa = {k: remap(v) for k, v in json.loads(n["crissa"]).items()}
        fields = self._all("SELECT name, value, evidence FROM fields WHERE note_id=?", (note_id,))
        with self._tx():
            for f in fields:
                self.conn.execute("UPDATE fields SET value=?, evidence=? WHERE note_id=? AND name=?",
                                  (_J(swap(json.loads(f["value"]))), _J(remap(json.loads(f["evidence"]))),
                                   note_id, f["name"]))
            for r in self._all("SELECT id, value FROM field_reviews WHERE note_id=?", (note_id,)):
                self.conn.execute("UPDATE field_reviews SET value=? WHERE id=?", (_J(swap(json.loads(r["value"]))), r["id"]))
            self.conn.execute(
                "UPDATE notes SET redacted_text=?, whisper_entities=?, words=?, entities=?, corrected_text=?, "
                "originals_sealed=?, released_sealed=?, crissa=?, updated_at=? WHERE id=?",
                (wdoc.text, _J(wdoc.entities) if corrected else None, _J(words), _J(new.entities),
                 new.text if corrected else None, seal(key, originals), seal(key, released), _J(crissa), now_iso(),
                 note_id))
            self._audit(user, "redactions.set", note_id=note_id, consent_id=n["consent_id"],
                        detail={"before": len(doc.entities), "after": len(new.entities)},
                        sealed=seal(key, {"before": doc.text, "after": new.text}))

    def undo_redaction(self, note_id: str, placeholder: str, user: str) -> None:
        """The note's officer un-redacts ``placeholder`` everywhere in the note (transcript, values it
        was typed into); the value is remembered so it is not redacted again in this note."""
        n = self._note_row(note_id)
        self._require_officer(n, user, "undo a redaction")
        self._require_pending(n)
        key = self._key(n["recording_id"])
        originals = unseal(key, n["originals_sealed"])
        doc = self._current_doc(n, key)
        values = note_text.note_values(doc, originals)
        if placeholder not in values:
            raise InvalidValue(f"{placeholder!r} is not a redaction of this note")
        kept = [e for e in doc.entities if e["placeholder"] != placeholder]
        new = note_text.render_doc(doc.source, kept, reserved=originals)
        self._write_redactions(n, key, doc, new, originals, user, undone=frozenset({placeholder}))

    def correct_transcript(self, note_id: str, text: str, user: str) -> None:
        """The officer's (or reviewer's) corrected text becomes the note's text: placeholders kept as
        shown keep their originals, new identifiers are redacted, evidence follows the words and the
        CRISSA layout is made again from the corrected sentences."""
        n = self._note_row(note_id)
        self._require_reviewer(n, user)
        self._require_pending(n)
        typed_text(text, "the corrected transcript", MAX_TEXT_CHARS)
        key = self._key(n["recording_id"])
        originals = unseal(key, n["originals_sealed"])
        doc = self._current_doc(n, key)
        values = note_text.note_values(doc, originals)
        try:
            source, fixed = note_text.parse_typed(text, doc, values)
        except ValueError as err:
            raise InvalidValue(str(err)) from None
        new = note_text.redact_text(source, values, self._known(n, key), self._released(n, key), fixed)
        originals = _extend_originals(originals, new)
        move = note_text.aligner(doc.text, new.text)

        def carry(items):
            out = []
            for it in items:
                s, t = move(it["start"]), move(it["end"], at_end=True)
                if s < t:
                    out.append({**it, "start": s, "end": t, "text": new.text[s:t]})
            return out

        crissa = _crissa_of(new.text, n["contact_date"])
        fields = self._all("SELECT name, evidence FROM fields WHERE note_id=?", (note_id,))
        whisper_ents = n["whisper_entities"] if n["whisper_entities"] is not None else n["entities"]
        with self._tx():
            for f in fields:
                self.conn.execute("UPDATE fields SET evidence=? WHERE note_id=? AND name=?",
                                  (_J(carry(json.loads(f["evidence"]))), note_id, f["name"]))
            self.conn.execute("UPDATE notes SET corrected_text=?, corrected_sealed=?, entities=?, whisper_entities=?, "
                              "originals_sealed=?, crissa=?, updated_at=? WHERE id=?",
                              (new.text, seal(key, new.source), _J(new.entities), whisper_ents,
                               seal(key, originals), _J(crissa), now_iso(), note_id))
            self.conn.execute("INSERT INTO transcript_edits (note_id, before, after, by, at) VALUES (?,?,?,?,?)",
                              (note_id, n["redacted_text"], new.text, user, now_iso()))
            self._audit(user, "transcript.correct", note_id=note_id, consent_id=n["consent_id"],
                        detail={"chars_before": len(doc.text), "chars_after": len(new.text)},
                        sealed=seal(key, {"before": doc.text, "after": new.text}))

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
        """The approved note, as reviewed (corrected text, its CRISSA layout, edited values), as CRISSA
        text, JSON or CSV; placeholders stay unless ``full`` (the note's officer only; logged)."""
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
        if full:   # the officer's own words: exact source spans where there are any, else each value
            key = self._key(n["recording_id"])
            doc = self._current_doc(n, key)
            crissa = {k: [doc.source[to_original(s["start"], doc.entities):
                                     to_original(s["end"], doc.entities, at_end=True)] for s in v]
                      for k, v in note["crissa"].items()}
            values = note_text.fill_placeholders(values, note_text.note_values(doc, unseal(key, n["originals_sealed"])))
            transcript = doc.source
        out = _render_export(fmt, note_id, n, values, crissa, transcript)
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


def _render_export(fmt: str, note_id: str, n: dict, values: dict, crissa: dict, transcript: str) -> str:
    if fmt == "json":
        return json.dumps({"note_id": note_id, "officer": n["officer"], "contact_date": n["contact_date"],
                           "fields": values, "crissa": crissa, "transcript": transcript}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["note_id", "field", "value"])
        for k, v in values.items():
            w.writerow([note_id, k, _csv_safe("; ".join(map(str, v)) if isinstance(v, list) else
                                              "" if v is None else str(v))])
        return buf.getvalue()
    parts = [f"Contact {n['contact_date']} (officer {n['officer']})"]
    for key, heading in CRISSA_HEADINGS.items():
        if crissa.get(key):
            parts.append(f"{heading}:\n" + "\n".join(crissa[key]))
    return "\n\n".join(parts) + "\n"


def _crissa_of(text: str, contact_date: str) -> dict:
    """The CRISSA layout of a corrected text: the extraction's own layout, its sentences unchanged."""
    import datetime as dt

    from assistant.extraction import extract

    return extract(text, dt.date.fromisoformat(contact_date)).to_dict()["crissa"]


def _extend_originals(originals: dict, doc: Doc) -> dict:
    """The sealed originals plus each new placeholder's value (the fullest when it has several)."""
    out = dict(originals)
    for e in doc.entities:
        value = doc.source[e["start"]:e["end"]]
        if e["placeholder"] not in originals and len(value) > len(out.get(e["placeholder"], "")):
            out[e["placeholder"]] = value
    return out


def _value_swapper(added: dict[str, str], removed: set[str], originals: dict):
    """Field values follow a redaction change: an added value becomes its placeholder, an undone
    placeholder its value again."""
    import re

    def one(text: str) -> str:
        for ph, v in added.items():
            text = re.sub(r"(?<!\w)%s(?!\w)" % re.escape(v), ph, text, flags=re.I)
        for ph in removed:
            if originals.get(ph):
                text = text.replace(ph, originals[ph])
        return text
    return lambda value: note_text.redact_value(value, one)


def typed_text(text, what: str, limit: int) -> str:
    """``text`` a person typed, refused (InvalidValue) when it is not text, empty or over ``limit``."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue(f"{what} is empty")
    if len(text) > limit:
        raise InvalidValue(f"{what} is over {limit} characters")
    return text


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a value as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


