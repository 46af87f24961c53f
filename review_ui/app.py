"""The Gradio review screen: sign in, dictate, review every field, save, export.

Layout and wiring live here; the rules live elsewhere (``access`` for who may see what,
``fields`` for edits, ``render`` for escaped HTML, the store for the save gate and the audit log).
Every handler starts from the session token kept in a server-side ``gr.State`` and re-checks the
user against the store, so calling the HTTP API directly gains nothing over the screen.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field

import gradio as gr

from assistant.audio import AudioError

from review_ui import render
from review_ui.access import AccessDenied, AudioLinks, may_review, open_note, visible_notes
from review_ui.auth import AuthError, SessionRegistry, User
from review_ui.fields import (ENTITY_TYPES, FIELD_LABELS, FIELD_NAMES, EditError, edit_hint, edit_lines, is_reviewed,
                              parse_edit, value_to_text)

__all__ = ["ServerContext", "build_app", "AUDIO_ROUTE"]

AUDIO_ROUTE = "/casenote/audio"


@dataclass
class ServerContext:
    """What the screen shares with the HTTP routes of the same server process."""
    sessions: SessionRegistry = field(default_factory=SessionRegistry)
    audio_links: AudioLinks = field(default_factory=AudioLinks)
    store_path: str | None = None

    def store(self):
        # Opened per request: Gradio runs handlers in worker threads; SQLite connections stay in one.
        from assistant.store import Store
        return Store(self.store_path)


def _store_errors():
    from assistant.store import StoreError
    return StoreError


def build_app(ctx: ServerContext | None = None) -> gr.Blocks:
    """The review screen as a ``gr.Blocks``; ``review_ui.server.serve`` mounts it on 127.0.0.1."""
    ctx = ctx or ServerContext()

    def current_user(token) -> User:
        user = ctx.sessions.user(token)
        if user is None:
            raise AccessDenied("Your session has ended; please sign in again.")
        return user

    def reviewable(token, nid):
        """(user, store, note) for a change to a note; every change handler checks this on the server."""
        user = current_user(token)
        store = ctx.store()
        note = open_note(store, user, nid)
        if not may_review(user, note):
            raise AccessDenied("This note is saved and read-only.")
        return user, store, note

    # delete_cache: uploads Gradio keeps in its temporary folder go within the hour.
    with gr.Blocks(title="Casenote · review", delete_cache=(600, 3600)) as app:
        token = gr.State(None)
        note_id = gr.State(None)
        header = gr.HTML('<div class="cn-header"><span class="cn-brand">Casenote</span>'
                         '<span class="cn-sub">dictated case notes, reviewed on this device</span></div>',
                         js_on_load=None)

        # ---- sign-in ---------------------------------------------------------------------------
        with gr.Column(elem_id="login-panel", elem_classes=["cn-login"]) as login_panel:
            gr.Markdown("### Sign in")
            login_name = gr.Textbox(label="Name", elem_id="login-name", max_lines=1, autofocus=True)
            login_password = gr.Textbox(label="Password", type="password", elem_id="login-password", max_lines=1)
            login_submit = gr.Button("Sign in", variant="primary", elem_id="login-submit")
            login_message = gr.Markdown("", elem_id="login-message")

        with gr.Column(visible=False, elem_id="main-panel") as main_panel:
            with gr.Row(elem_classes=["cn-userbar"]):
                whoami = gr.HTML("", elem_id="whoami", js_on_load=None)
                logout = gr.Button("Sign out", size="sm", elem_id="logout", scale=0, min_width=100)
            notice = gr.HTML("", elem_id="notice", js_on_load=None)

            with gr.Tabs(elem_id="tabs") as tabs:
                # ---- review ----------------------------------------------------------------------
                with gr.Tab("Review", id="review", elem_id="tab-review") as review_tab:
                    with gr.Row(equal_height=False, elem_classes=["cn-pick"]):
                        note_picker = gr.Dropdown(label="Note", choices=[], elem_id="note-picker", scale=4)
                        open_btn = gr.Button("Open", elem_id="open-note", scale=0, min_width=100, size="md")
                    progress = gr.HTML("", elem_id="review-progress", js_on_load=None)
                    with gr.Row(visible=False, elem_id="review-panel") as review_panel:
                        with gr.Column(scale=3, elem_classes=["cn-left"]):
                            audio = gr.HTML("", elem_id="note-audio", js_on_load=None)
                            transcript = gr.HTML("", elem_id="transcript", js_on_load=None)
                            with gr.Accordion("Redactions", open=False, elem_id="redactions"):
                                redaction_list = gr.HTML("", elem_id="redaction-list", js_on_load=None)
                                with gr.Row():
                                    undo_choice = gr.Dropdown(label="Undo a false redaction", choices=[],
                                                              elem_id="undo-redaction-choice")
                                    undo_btn = gr.Button("Undo", elem_id="undo-redaction", scale=0, min_width=90)
                                with gr.Row():
                                    add_text = gr.Textbox(label="Redact missed text (exact words)", max_lines=1,
                                                          elem_id="add-redaction-text")
                                    add_type = gr.Dropdown(label="Type", choices=list(ENTITY_TYPES), value="PERSON",
                                                           elem_id="add-redaction-type")
                                    add_btn = gr.Button("Redact", elem_id="add-redaction", scale=0, min_width=90)
                            with gr.Accordion("Correct Whisper's words", open=False, elem_id="correction"):
                                gr.Markdown("Fix misheard words. Keep every [PLACEHOLDER] as it is and do not "
                                            "type names or numbers: this text is stored as it stands.")
                                correction_box = gr.Textbox(lines=6, show_label=False, elem_id="correction-text")
                                correct_btn = gr.Button("Save correction", size="sm", elem_id="save-correction")
                            with gr.Accordion("CRISSA layout", open=True, elem_id="crissa"):
                                crissa = gr.HTML("", js_on_load=None)
                        with gr.Column(scale=2, elem_classes=["cn-fields"]):
                            cards, accepts, edits, edit_groups, edit_boxes, edit_saves, edit_cancels = \
                                {}, {}, {}, {}, {}, {}, {}
                            for name in FIELD_NAMES:
                                with gr.Group(elem_id=f"field-{name}", elem_classes=["cn-field"]):
                                    cards[name] = gr.HTML("", elem_id=f"card-{name}", js_on_load=None)
                                    with gr.Row(elem_classes=["cn-actions"]):
                                        accepts[name] = gr.Button("Accept", size="sm", elem_id=f"accept-{name}",
                                                                  elem_classes=["cn-accept"])
                                        edits[name] = gr.Button("Edit", size="sm", elem_id=f"edit-{name}",
                                                                elem_classes=["cn-edit"])
                                    with gr.Column(visible=False, elem_classes=["cn-editor"]) as edit_groups[name]:
                                        edit_boxes[name] = gr.Textbox(
                                            label=f"{FIELD_LABELS[name]} ({edit_hint(name)})", lines=edit_lines(name),
                                            max_lines=None if edit_lines(name) > 1 else 1,
                                            elem_id=f"edit-box-{name}")
                                        with gr.Row():
                                            edit_saves[name] = gr.Button("Save edit", size="sm", variant="primary",
                                                                         elem_id=f"save-edit-{name}")
                                            edit_cancels[name] = gr.Button("Cancel", size="sm",
                                                                           elem_id=f"cancel-edit-{name}")
                            save_btn = gr.Button("Save note", variant="primary", interactive=False,
                                                 elem_id="save-note")
                            save_hint = gr.Markdown("", elem_id="save-hint")
                    with gr.Column(visible=False, elem_id="export-panel") as export_panel:
                        gr.Markdown("### Export")
                        with gr.Row():
                            export_fmt = gr.Radio(["crissa", "json", "csv"], value="crissa", label="Format",
                                                  elem_id="export-format")
                            export_full = gr.Checkbox(label="Full text, not redacted (officer only; logged)",
                                                      value=False, elem_id="export-full")
                            export_btn = gr.Button("Show export", elem_id="export-show", scale=0, min_width=130)
                        export_text = gr.Textbox(label="Export (copy and paste into the case system)", lines=12,
                                                 buttons=["copy"], interactive=False, elem_id="export-text")

                # ---- dictate (officers) -------------------------------------------------------
                with gr.Tab("Dictate", id="dictate", elem_id="tab-dictate", visible=False) as dictate_tab:
                    gr.Markdown("Dictate **after** the session, with the person you supervised gone. "
                                "Nothing is processed without this consent record.")
                    consent_ended = gr.Checkbox(label="The session has ended", elem_id="consent-ended")
                    consent_absent = gr.Checkbox(label="The person supervised is not present",
                                                 elem_id="consent-absent")
                    retention = gr.Dropdown(["delete_on_approval", "keep_days:30"], value="delete_on_approval",
                                            label="Keep the audio", elem_id="consent-retention")
                    dictation = gr.Audio(sources=["upload", "microphone"], type="filepath",
                                         label="Record or import a dictation", elem_id="dictation-audio")
                    contact_date = gr.Textbox(label="Session date (YYYY-MM-DD; empty for today)", max_lines=1,
                                              elem_id="dictation-date")
                    process_btn = gr.Button("Process dictation", variant="primary", elem_id="process-dictation")
                    process_message = gr.Markdown("", elem_id="process-message")

                # ---- figures (evaluators) -----------------------------------------------------
                with gr.Tab("Figures", id="figures", elem_id="tab-figures", visible=False) as figures_tab:
                    figures = gr.HTML("", elem_id="figures", js_on_load=None)
                    refresh_figures = gr.Button("Refresh", elem_id="refresh-figures", size="sm")

        # ---- rendering a note ----------------------------------------------------------------------
        note_outputs = ([progress, review_panel, audio, transcript, redaction_list, undo_choice, crissa]
                        + [cards[n] for n in FIELD_NAMES] + [accepts[n] for n in FIELD_NAMES]
                        + [edits[n] for n in FIELD_NAMES] + [edit_groups[n] for n in FIELD_NAMES]
                        + [save_btn, save_hint, export_panel, correction_box, correct_btn])

        def note_updates(user: User, nid: str | None, tok: str | None = None) -> list:
            if not nid:
                return ([gr.update(value=""), gr.update(visible=False)] + [gr.update()] * 5
                        + [gr.update()] * (4 * len(FIELD_NAMES)) + [gr.update(interactive=False), "",
                                                                   gr.update(visible=False), "", gr.update()])
            store = ctx.store()
            note = open_note(store, user, nid)
            editable = may_review(user, note)
            fields = note.get("fields") or {}
            if user.role == "officer" and note.get("audio_available"):
                url = f"{AUDIO_ROUTE}/{ctx.audio_links.issue(nid, user, tok)}"
                audio_html = render.audio_html(url)
            elif user.role == "officer":
                audio_html = render.audio_html(None, "The audio was deleted under this note's retention choice.")
            else:
                audio_html = render.audio_html(None, "Reviewers see the redacted transcript only; no audio.")
            chips = _entities(note)
            undo_choices = [(f"{e['placeholder']} ({e['type']})", e["placeholder"]) for e in chips]
            all_done = all(is_reviewed(fields.get(n) or {}) for n in FIELD_NAMES)
            missing = [FIELD_LABELS[n] for n in FIELD_NAMES if not is_reviewed(fields.get(n) or {})]
            if note.get("status") == "approved":
                hint = "Saved. This note is read-only; export it below."
            elif all_done:
                hint = "Every field is reviewed: the note can be saved."
            else:
                hint = "Still to review: " + ", ".join(missing) + "."
            return ([render.progress_html(note), gr.update(visible=True), audio_html, render.transcript_html(note),
                     render.redactions_html(chips), gr.update(choices=undo_choices, value=None,
                                                        interactive=editable and user.role == "officer"),
                     render.crissa_html(note.get("crissa"))]
                    + [render.field_card_html(note, n) for n in FIELD_NAMES]
                    + [gr.update(interactive=editable) for _ in FIELD_NAMES]
                    + [gr.update(interactive=editable) for _ in FIELD_NAMES]
                    + [gr.update(visible=False) for _ in FIELD_NAMES]
                    + [gr.update(interactive=editable and all_done), hint,
                       gr.update(visible=note.get("status") == "approved"),
                       gr.update(value=note.get("transcript") or "", interactive=editable),
                       gr.update(interactive=editable)])

        def on(trigger, fn, inputs, outputs, progress="minimal"):
            """Register ``fn``; a refusal leaves every output as it was and explains itself in the
            notice line (and a toast), so what the person typed is never lost."""
            @functools.wraps(fn)
            def run(*args, **kwargs):
                try:
                    result = fn(*args, **kwargs)
                except (AccessDenied, AuthError, EditError, AudioError, _store_errors()) as e:
                    gr.Warning(str(e))
                    return [gr.skip()] * len(outputs) + [render.notice_html(str(e))]
                result = list(result) if isinstance(result, (list, tuple)) else [result]
                return result + [render.notice_html("")]
            return trigger(run, inputs, outputs + [notice], show_progress=progress)

        # ---- handlers -----------------------------------------------------------------------------
        def do_login(name, password):
            try:
                tok, user = ctx.sessions.sign_in(ctx.store(), name, password)
            except AuthError as e:
                return (None, gr.update(), gr.update(), f"**{html.escape(str(e))}**", gr.update()) + _role_tabs(None)
            return ((tok, gr.update(visible=False), gr.update(visible=True), "", "")
                    + _role_tabs(user))

        role_outputs = [review_tab, dictate_tab, figures_tab, whoami, note_picker, figures, tabs]

        def _role_tabs(user: User | None):
            if user is None:
                return tuple(gr.update() for _ in role_outputs)
            store = ctx.store()
            who = (f'<div class="cn-who">Signed in as <b>{html.escape(user.name)}</b> '
                   f'<span class="cn-role">{html.escape(user.role)}</span></div>')
            choices = [(render.note_label(n), n["id"]) for n in visible_notes(store, user)]
            figs = render.figures_html(store) if user.role == "evaluator" else ""
            return (gr.update(visible=user.role != "evaluator"), gr.update(visible=user.role == "officer"),
                    gr.update(visible=user.role == "evaluator"), who,
                    gr.update(choices=choices, value=choices[0][1] if choices else None), figs,
                    gr.update(selected="figures" if user.role == "evaluator" else "review"))

        login_io = dict(inputs=[login_name, login_password],
                        outputs=[token, login_panel, main_panel, login_message, login_password] + role_outputs)

        def auto_open(tok, nid):
            """Right after sign-in, open the newest note so review can start from the keyboard."""
            user = ctx.sessions.user(tok)
            if user is None or user.role == "evaluator" or not nid:
                return [None] + note_updates(user, None)
            return [nid] + note_updates(user, nid, tok)

        for trigger in (login_submit.click, login_password.submit):
            on(trigger(do_login, **login_io).then, auto_open, [token, note_picker], [note_id] + note_outputs)

        def do_logout(tok):
            ctx.sessions.sign_out(tok)
            return None, None, gr.update(visible=True), gr.update(visible=False), ""
        logout.click(do_logout, [token], [token, note_id, login_panel, main_panel, login_password]) \
              .then(None, js="() => window.location.reload()")

        def do_open(tok, nid):
            user = current_user(tok)
            return [nid] + note_updates(user, nid, tok)
        on(open_btn.click, do_open, [token, note_picker], [note_id] + note_outputs)

        def make_accept(name):
            def accept(tok, nid):
                user, store, note = reviewable(tok, nid)
                store.review_field(nid, name, "accept", (note["fields"].get(name) or {}).get("value"), user.name)
                return note_updates(user, nid, tok)
            return accept

        def make_edit_open(name):
            def edit_open(tok, nid):
                user, _, note = reviewable(tok, nid)
                f = note["fields"].get(name) or {}
                review = f.get("review") or {}
                value = review.get("value") if review.get("action") == "edit" else f.get("value")
                return gr.update(visible=True), gr.update(value=value_to_text(name, value))
            return edit_open

        def make_edit_save(name):
            def edit_save(tok, nid, text):
                user, store, note = reviewable(tok, nid)
                store.review_field(nid, name, "edit", parse_edit(name, text), user.name)
                return note_updates(user, nid, tok)
            return edit_save

        for name in FIELD_NAMES:
            on(accepts[name].click, make_accept(name), [token, note_id], note_outputs, progress="hidden")
            on(edits[name].click, make_edit_open(name), [token, note_id], [edit_groups[name], edit_boxes[name]],
               progress="hidden")
            on(edit_saves[name].click, make_edit_save(name), [token, note_id, edit_boxes[name]], note_outputs,
               progress="hidden")
            edit_cancels[name].click(lambda: gr.update(visible=False), None, [edit_groups[name]])

        def do_save(tok, nid):
            user = current_user(tok)
            store = ctx.store()
            open_note(store, user, nid)
            store.save_note(nid, user.name)
            gr.Info("Note saved.")
            return note_updates(user, nid, tok)
        on(save_btn.click, do_save, [token, note_id], note_outputs)

        def do_export(tok, nid, fmt, full):
            user = current_user(tok)
            store = ctx.store()
            note = open_note(store, user, nid)
            if full and not (user.role == "officer" and note.get("officer") == user.name):
                raise AccessDenied("Only the note's own officer can export the full text.")
            if fmt not in ("crissa", "json", "csv"):
                raise AccessDenied("Choose crissa, json or csv.")
            return store.export_note(nid, fmt, user.name, full=bool(full))
        on(export_btn.click, do_export, [token, note_id, export_fmt, export_full], [export_text])

        def do_correct(tok, nid, text):
            user, store, note = reviewable(tok, nid)
            kept = {m.group(0) for m in render.PLACEHOLDER_RE.finditer(text or "")}
            lost = sorted({e["placeholder"] for e in _entities(note)} - kept)
            if lost:
                raise EditError("Keep every redaction placeholder in the corrected text; missing: " + ", ".join(lost))
            store.correct_transcript(nid, text, user.name)
            return note_updates(user, nid, tok)
        on(correct_btn.click, do_correct, [token, note_id, correction_box], note_outputs)

        def do_undo(tok, nid, placeholder):
            user = current_user(tok)
            store = ctx.store()
            note = open_note(store, user, nid)
            if user.role != "officer" or not may_review(user, note):
                raise AccessDenied("Only the note's officer can undo a redaction, before the note is saved.")
            kept = [e for e in _entities(note) if e["placeholder"] != placeholder]
            if len(kept) == len(_entities(note)):
                raise EditError("Choose a redaction to undo.")
            store.set_redactions(nid, kept, user.name)
            return note_updates(user, nid, tok)
        on(undo_btn.click, do_undo, [token, note_id, undo_choice], note_outputs)

        def do_add(tok, nid, text, kind):
            user, store, note = reviewable(tok, nid)
            text = (text or "").strip()
            if kind not in ENTITY_TYPES:
                raise EditError("Choose a type for the redaction.")
            body = note.get("transcript") or ""
            if len(text) < 2 or text not in body:
                raise EditError("Type words exactly as they appear in the transcript (at least 2 characters).")
            # r_start/r_end: a span of the redacted text (the store maps it back to the original).
            added = [{"type": kind, "r_start": i, "r_end": i + len(text)} for i in _find_all(body, text)]
            store.set_redactions(nid, _entities(note) + added, user.name)
            return note_updates(user, nid, tok)
        on(add_btn.click, do_add, [token, note_id, add_text, add_type], note_outputs)

        def do_process(tok, path, ended, absent, keep, date, progress=gr.Progress()):
            user = current_user(tok)
            if user.role != "officer":
                raise AccessDenied("Only officers dictate notes.")
            if not (ended and absent):
                raise EditError("Confirm that the session has ended and the person is not present.")
            if not path:
                raise EditError("Record or import a dictation first.")
            from review_ui.dictate import process_upload
            nid = process_upload(ctx.store(), user.name, path, keep, (date or "").strip() or None, progress)
            choices = [(render.note_label(n), n["id"]) for n in visible_notes(ctx.store(), user)]
            return ([nid, gr.update(selected="review"), gr.update(choices=choices, value=nid),
                     f"Processed: note {nid} is ready for review."] + note_updates(user, nid, tok))
        on(process_btn.click, do_process, [token, dictation, consent_ended, consent_absent, retention, contact_date],
           [note_id, tabs, note_picker, process_message] + note_outputs, progress="full")

        with dictate_tab:   # live dictation (issue 13): its controls and handlers live in review_ui/live.py
            from review_ui.live import add_live_dictation
            add_live_dictation(ctx, current_user, token, consent_ended, consent_absent, retention, contact_date,
                               open_note=lambda user, nid, tok: [nid, gr.update(selected="review"), gr.update(
                                   choices=[(render.note_label(n), n["id"]) for n in visible_notes(ctx.store(), user)],
                                   value=nid)] + note_updates(user, nid, tok),
                               open_outputs=[note_id, tabs, note_picker] + note_outputs)

        def do_figures(tok):
            user = current_user(tok)
            if user.role != "evaluator":
                raise AccessDenied("Figures are for evaluators.")
            return render.figures_html(ctx.store())
        on(refresh_figures.click, do_figures, [token], [figures])

    app.casenote_context = ctx
    return app


def _find_all(body: str, text: str) -> list[int]:
    out, i = [], body.find(text)
    while i >= 0:
        out.append(i)
        i = body.find(text, i + len(text))
    return out


def _entities(note: dict) -> list[dict]:
    return [e for e in note.get("entities") or [] if isinstance(e, dict) and e.get("placeholder")]
