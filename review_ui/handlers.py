"""What each control of the review screen does, as plain methods (``review_ui.app`` wires them up).

Every handler takes the user from the verified request: the session cookie (``gr.Request``),
resolved in the server-side ``SessionRegistry``. Nothing the browser keeps (``gr.State``, a
``session_hash``, a hidden button) grants anything. Each change re-reads the note from the store,
which enforces the role rules itself (only the note's officer approves, hears audio, sees originals).
"""
import gradio as gr

from review_ui import render
from review_ui.access import AccessDenied, may_review, open_note, visible_notes
from review_ui.auth import User
from review_ui.boundary import clear_upload_area, request_token, upload_area
from review_ui.fields import ENTITY_TYPES, FIELD_LABELS, FIELD_NAMES, EditError, is_reviewed, parse_edit, value_to_text

__all__ = ["Handlers", "AUDIO_ROUTE"]

AUDIO_ROUTE = "/casenote/audio"
_N = len(FIELD_NAMES)
# note_updates: 7 leading outputs, 4 per field, then save, hint, export panel, correction box and
# button, comment list, box and button.
NOTE_OUTPUT_COUNT = 7 + 4 * _N + 8


class Handlers:
    def __init__(self, ctx):
        self.ctx = ctx

    # -- who is asking ----------------------------------------------------------------------------
    def signed_in(self, request) -> tuple[str, User]:
        token = request_token(request)
        user = self.ctx.sessions.user(token)
        if user is None:
            raise AccessDenied("Your session has ended; please sign in again.")
        return token, user

    def reviewable(self, request, nid):
        """(token, user, store, note) for a change to a note; every change handler checks this."""
        token, user = self.signed_in(request)
        store = self.ctx.store()
        note = open_note(store, user, nid)
        if not may_review(user, note):
            raise AccessDenied("This note is saved and read-only.")
        return token, user, store, note

    # -- rendering a note -------------------------------------------------------------------------
    def empty_note(self) -> list:
        return ([gr.update(value=""), gr.update(visible=False)] + [gr.update()] * 5 + [gr.update()] * (4 * _N)
                + [gr.update(interactive=False), "", gr.update(visible=False), "", gr.update(), "", gr.update(),
                   gr.update()])

    def note_updates(self, user: User, nid, token, view: bool = False, store=None) -> list:
        """The page parts of note ``nid``; ``store``: the request's own, when it has one already."""
        if not nid:
            return self.empty_note()
        store = store if store is not None else self.ctx.store()
        note = open_note(store, user, nid)
        self.ctx.sessions.mark_viewed(token, nid)
        if view:
            store.record_access(user.name, "note.view", note_id=nid)
        editable = may_review(user, note)
        own = user.role == "officer" and note.get("officer") == user.name
        fields = note.get("fields") or {}
        done = all(is_reviewed(fields.get(n) or {}, note["officer"]) for n in FIELD_NAMES)
        chips = _entities(note)
        undo_choices = [(f"{e['placeholder']} ({e['type']})", e["placeholder"]) for e in chips]
        undo_choices += [(f"{ph} (typed in a field)", ph) for ph in note.get("placeholders") or []
                         if ph not in {e["placeholder"] for e in chips}]
        return ([render.progress_html(note, user.name), gr.update(visible=True), self._audio(user, note, token),
                 render.transcript_html(note), render.redactions_html(chips),
                 gr.update(choices=undo_choices, value=None, interactive=editable and own),
                 render.crissa_html(note.get("crissa"))]
                + [render.field_card_html(note, n) for n in FIELD_NAMES]
                + [gr.update(interactive=editable) for _ in FIELD_NAMES] * 2
                + [gr.update(visible=False) for _ in FIELD_NAMES]
                + [gr.update(interactive=editable and own and done), _save_hint(note, own, done),
                   gr.update(visible=note.get("status") == "approved"),
                   gr.update(value=note.get("transcript") or "", interactive=editable), gr.update(interactive=editable),
                   render.comments_html(store.comments(nid)), gr.update(value="", interactive=editable),
                   gr.update(interactive=editable)])

    def _audio(self, user: User, note: dict, token) -> str:
        if user.role == "officer" and note.get("officer") == user.name and note.get("audio_available"):
            return render.audio_html(f"{AUDIO_ROUTE}/{self.ctx.audio_links.issue(note['id'], user, token)}")
        if user.role == "officer":
            return render.audio_html(None, "The audio was deleted under this note's retention choice.")
        return render.audio_html(None, "Reviewers see the redacted transcript only; no audio.")

    # -- page load: role, notes, the newest note opened --------------------------------------------
    def load(self, request: gr.Request):
        token, user = self.signed_in(request)
        store = self.ctx.store()
        who = (f'<div class="cn-who">Signed in as <b>{render.escape_text(user.name)}</b> '
               f'<span class="cn-role">{render.escape_text(user.role)}</span></div>')
        choices = [(render.note_label(n), n["id"]) for n in visible_notes(store, user)]
        figs = render.figures_html(store) if user.role == "evaluator" else ""
        first = choices[0][1] if choices and user.role != "evaluator" else None
        roles = [gr.update(visible=user.role != "evaluator"), gr.update(visible=user.role == "officer"),
                 gr.update(visible=user.role == "evaluator"), who,
                 gr.update(choices=choices, value=first), figs,
                 gr.update(selected="figures" if user.role == "evaluator" else "review")]
        return roles + [first] + self.note_updates(user, first, token, view=True, store=store)

    def open(self, nid, request: gr.Request):
        token, user = self.signed_in(request)
        return [nid] + self.note_updates(user, nid, token, view=True)

    # -- field review -------------------------------------------------------------------------------
    def accept(self, name: str):
        def accept(nid, request: gr.Request):
            token, user, store, note = self.reviewable(request, nid)
            session = self.ctx.sessions.session(token)
            if session is None or nid not in session.viewed:
                raise AccessDenied("Open the note and look at the field before accepting it.")
            store.review_field(nid, name, "accept", (note["fields"].get(name) or {}).get("value"), user.name)
            return self.note_updates(user, nid, token, store=store)
        return accept

    def edit_open(self, name: str):
        def edit_open(nid, request: gr.Request):
            _, _, _, note = self.reviewable(request, nid)
            f = note["fields"].get(name) or {}
            review = f.get("review") or {}
            value = review.get("value") if review.get("action") == "edit" else f.get("value")
            return gr.update(visible=True), gr.update(value=value_to_text(name, value))
        return edit_open

    def edit_save(self, name: str):
        def edit_save(nid, text, request: gr.Request):
            token, user, store, _ = self.reviewable(request, nid)
            store.review_field(nid, name, "edit", parse_edit(name, text), user.name)
            return self.note_updates(user, nid, token, store=store)
        return edit_save

    def save(self, nid, request: gr.Request):
        token, user, store, _ = self.reviewable(request, nid)
        store.save_note(nid, user.name)  # the store refuses anyone but the note's own officer
        gr.Info("Note saved.")
        return self.note_updates(user, nid, token, store=store)

    def comment(self, nid, text, request: gr.Request):
        token, user, store, _ = self.reviewable(request, nid)
        store.add_comment(nid, text or "", user.name)
        return self.note_updates(user, nid, token, store=store)

    def export(self, nid, fmt, full, request: gr.Request):
        _, user = self.signed_in(request)
        store = self.ctx.store()
        note = open_note(store, user, nid)
        if full and not (user.role == "officer" and note.get("officer") == user.name):
            raise AccessDenied("Only the note's own officer can export the full text.")
        if fmt not in ("crissa", "json", "csv"):
            raise AccessDenied("Choose crissa, json or csv.")
        return store.export_note(nid, fmt, user.name, full=bool(full))

    # -- transcript and redactions ------------------------------------------------------------------
    def correct(self, nid, text, request: gr.Request):
        token, user, store, note = self.reviewable(request, nid)
        kept = {m.group(0) for m in render.PLACEHOLDER_RE.finditer(text or "")}
        lost = sorted({e["placeholder"] for e in _entities(note)} - kept)
        if lost:
            raise EditError("Keep every redaction placeholder in the corrected text; missing: " + ", ".join(lost))
        store.correct_transcript(nid, text, user.name)
        return self.note_updates(user, nid, token, store=store)

    def undo(self, nid, placeholder, request: gr.Request):
        token, user, store, note = self.reviewable(request, nid)
        if user.role != "officer":
            raise AccessDenied("Only the note's officer can undo a redaction, before the note is saved.")
        if placeholder not in (note.get("placeholders") or []):
            raise EditError("Choose a redaction to undo.")
        # everywhere in the note: the transcript and any value it was typed into
        store.undo_redaction(nid, placeholder, user.name)
        return self.note_updates(user, nid, token, store=store)

    def add_redaction(self, nid, text, kind, request: gr.Request):
        token, user, store, note = self.reviewable(request, nid)
        text = (text or "").strip()
        if kind not in ENTITY_TYPES:
            raise EditError("Choose a type for the redaction.")
        body = note.get("transcript") or ""
        if len(text) < 2 or text not in body:
            raise EditError("Type words exactly as they appear in the transcript (at least 2 characters).")
        # r_start/r_end: a span of the redacted text (the store maps it back to the original).
        added = [{"type": kind, "r_start": i, "r_end": i + len(text)} for i in _find_all(body, text)]
        store.set_redactions(nid, _entities(note) + added, user.name)
        return self.note_updates(user, nid, token, store=store)

    # -- dictation ----------------------------------------------------------------------------------
    def attest(self, ended, absent, request: gr.Request):
        """Both consent statements ticked: the recorder opens (and the upload route accepts a file)."""
        token, user = self.signed_in(request)
        ok = bool(ended and absent) and user.role == "officer"
        self.ctx.sessions.attest_consent(token, ok)
        if not ok:
            clear_upload_area(upload_area(self.ctx.home(), user.name))
        return gr.update(interactive=True) if ok else gr.update(interactive=False, value=None)

    def cancel_upload(self, request: gr.Request):
        _, user = self.signed_in(request)
        if user.role == "officer":
            clear_upload_area(upload_area(self.ctx.home(), user.name))

    def process(self, path, ended, absent, keep, date, names, dob, request: gr.Request, progress=gr.Progress()):
        token, user = self.signed_in(request)
        if user.role != "officer":
            raise AccessDenied("Only officers dictate notes.")
        session = self.ctx.sessions.session(token)
        if not (ended and absent and session and session.consent_attested):
            raise EditError("Confirm that the session has ended and the person is not present.")
        if not path:
            raise EditError("Record or import a dictation first.")
        from review_ui.dictate import process_upload
        nid = process_upload(self.ctx.store(), user.name, path, upload_area(self.ctx.home(), user.name), keep,
                             (date or "").strip() or None, progress, names=(names or "").splitlines(),
                             date_of_birth=(dob or "").strip() or None)
        choices = [(render.note_label(n), n["id"]) for n in visible_notes(self.ctx.store(), user)]
        return ([nid, gr.update(selected="review"), gr.update(choices=choices, value=nid),
                 f"Processed: note {nid} is ready for review.", gr.update(value=None)]
                + self.note_updates(user, nid, token, view=True))

    def figures(self, request: gr.Request):
        _, user = self.signed_in(request)
        if user.role != "evaluator":
            raise AccessDenied("Figures are for evaluators.")
        return render.figures_html(self.ctx.store())


def _save_hint(note: dict, own: bool, done: bool) -> str:
    if note.get("status") == "approved":
        return "Saved. This note is read-only; export it below."
    if not own:
        return "Only the note's own officer saves it. You can edit fields and add a comment; the officer sees both."
    if done:
        return "Every field is reviewed: the note can be saved."
    missing = [FIELD_LABELS[n] for n in FIELD_NAMES if not is_reviewed((note.get("fields") or {}).get(n) or {},
                                                                        note["officer"])]
    return "Still to review: " + ", ".join(missing) + "."


def _find_all(body: str, text: str) -> list[int]:
    out, i = [], body.find(text)
    while i >= 0:
        out.append(i)
        i = body.find(text, i + len(text))
    return out


def _entities(note: dict) -> list[dict]:
    return [e for e in note.get("entities") or [] if isinstance(e, dict) and e.get("placeholder")]
