"""The Gradio review screen: dictate, review every field, comment, save, export.

Layout lives here (one small function per area) and the wiring of each control to a method of
``review_ui.handlers.Handlers``. Sign-in is not part of the page: ``review_ui.boundary`` serves
``/login`` and refuses every request without a live session cookie, and each handler takes the
user from that cookie again, so calling the HTTP API directly gains nothing over the screen.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from assistant.audio import AudioError

from review_ui import render
from review_ui.access import AccessDenied, AudioLinks
from review_ui.auth import AuthError, SessionRegistry
from review_ui.boundary import clear_upload_area, upload_area
from review_ui.live import add_live_controls, wire_live
from review_ui.fields import ENTITY_TYPES, FIELD_LABELS, FIELD_NAMES, EditError, edit_hint, edit_lines
from review_ui.handlers import AUDIO_ROUTE, Handlers

__all__ = ["ServerContext", "build_app", "AUDIO_ROUTE"]


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

    def home(self) -> Path:
        from assistant.paths import casenote_home
        return Path(self.store_path).parent if self.store_path else casenote_home()

    def end_session(self, token: str | None) -> None:
        """Sign-out: the session, its audio links and its unprocessed upload all end on the server."""
        user = self.sessions.sign_out(token)
        self.audio_links.revoke(token)
        if user is not None:
            if user.role == "officer":
                clear_upload_area(upload_area(self.home(), user.name))
            with self.store() as store:
                store.record_access(user.name, "auth.sign_out")


def _store_errors():
    from assistant.store import StoreError
    return StoreError


# ---- layout ------------------------------------------------------------------------------------
def _header(ui):
    gr.HTML('<header class="cn-header"><h1 class="cn-brand">Casenote</h1>'
            '<span class="cn-sub">dictated case notes, reviewed on this device</span></header>', js_on_load=None)
    with gr.Row(elem_classes=["cn-userbar"]):
        ui.whoami = gr.HTML("", elem_id="whoami", js_on_load=None)
        # A plain form: signing out is a POST the server acts on, not a client-side forgetting.
        gr.HTML('<form method="post" action="/logout" class="cn-logout"><button id="logout" type="submit">'
                'Sign out</button></form>', js_on_load=None)
    ui.notice = gr.HTML("", elem_id="notice", js_on_load=None)


def _redactions_and_transcript(ui):
    ui.audio = gr.HTML("", elem_id="note-audio", js_on_load=None)
    ui.transcript = gr.HTML("", elem_id="transcript", js_on_load=None)
    with gr.Accordion("Redactions", open=False, elem_id="redactions"):
        ui.redaction_list = gr.HTML("", elem_id="redaction-list", js_on_load=None)
        with gr.Row():
            ui.undo_choice = gr.Dropdown(label="Undo a false redaction", choices=[], elem_id="undo-redaction-choice")
            ui.undo_btn = gr.Button("Undo", elem_id="undo-redaction", scale=0, min_width=90)
        with gr.Row():
            ui.add_text = gr.Textbox(label="Redact missed text (exact words)", max_lines=1,
                                     elem_id="add-redaction-text")
            ui.add_type = gr.Dropdown(label="Type", choices=list(ENTITY_TYPES), value="PERSON",
                                      elem_id="add-redaction-type")
            ui.add_btn = gr.Button("Redact", elem_id="add-redaction", scale=0, min_width=90)
    with gr.Accordion("Correct Whisper's words", open=False, elem_id="correction"):
        gr.Markdown("Fix misheard words. Keep every [PLACEHOLDER] as it is and do not "
                    "type names or numbers: this text is stored as it stands.")
        ui.correction_box = gr.Textbox(lines=6, label="Corrected transcript", elem_id="correction-text")
        ui.correct_btn = gr.Button("Save correction", size="sm", elem_id="save-correction")
    with gr.Accordion("CRISSA layout", open=True, elem_id="crissa"):
        ui.crissa = gr.HTML("", js_on_load=None)


def _field_card(ui, name: str):
    label = FIELD_LABELS[name]
    with gr.Group(elem_id=f"field-{name}", elem_classes=["cn-field"]):
        ui.cards[name] = gr.HTML("", elem_id=f"card-{name}", js_on_load=None)
        with gr.Row(elem_classes=["cn-actions"]):
            # Visible text "Accept" plus the field's name, so each button has its own accessible name.
            ui.accepts[name] = gr.Button(f"Accept {label.lower()}", size="sm", elem_id=f"accept-{name}",
                                         elem_classes=["cn-accept"])
            ui.edits[name] = gr.Button(f"Edit {label.lower()}", size="sm", elem_id=f"edit-{name}",
                                       elem_classes=["cn-edit"])
        with gr.Column(visible=False, elem_classes=["cn-editor"]) as ui.edit_groups[name]:
            lines = edit_lines(name)
            ui.edit_boxes[name] = gr.Textbox(label=f"{label} ({edit_hint(name)})", lines=lines,
                                             max_lines=None if lines > 1 else 1, elem_id=f"edit-box-{name}")
            with gr.Row():
                ui.edit_saves[name] = gr.Button(f"Save edit of {label.lower()}", size="sm", variant="primary",
                                                elem_id=f"save-edit-{name}")
                ui.edit_cancels[name] = gr.Button(f"Cancel edit of {label.lower()}", size="sm",
                                                  elem_id=f"cancel-edit-{name}")


def _fields_column(ui):
    ui.cards, ui.accepts, ui.edits, ui.edit_groups, ui.edit_boxes, ui.edit_saves, ui.edit_cancels = \
        {}, {}, {}, {}, {}, {}, {}
    with gr.Column(scale=2, elem_classes=["cn-fields"], elem_id="review-fields"):
        for name in FIELD_NAMES:
            _field_card(ui, name)
        ui.save_btn = gr.Button("Save note", variant="primary", interactive=False, elem_id="save-note")
        ui.save_hint = gr.Markdown("", elem_id="save-hint")
        with gr.Accordion("Comments", open=True, elem_id="comments-panel"):
            ui.comments = gr.HTML("", elem_id="comments", js_on_load=None)
            ui.comment_box = gr.Textbox(label="Add a comment for the officer (no names or numbers)", lines=2,
                                        elem_id="comment-text")
            ui.comment_btn = gr.Button("Add comment", size="sm", elem_id="add-comment")


def _review_tab(ui):
    with gr.Tab("Review", id="review", elem_id="tab-review") as ui.review_tab:
        with gr.Row(equal_height=False, elem_classes=["cn-pick"]):
            ui.note_picker = gr.Dropdown(label="Note", choices=[], elem_id="note-picker", scale=4)
            ui.open_btn = gr.Button("Open note", elem_id="open-note", scale=0, min_width=110, size="md")
        ui.progress = gr.HTML("", elem_id="review-progress", js_on_load=None)
        with gr.Row(visible=False, elem_id="review-panel") as ui.review_panel:
            with gr.Column(scale=3, elem_classes=["cn-left"]):
                _redactions_and_transcript(ui)
            _fields_column(ui)
        with gr.Column(visible=False, elem_id="export-panel") as ui.export_panel:
            gr.Markdown("### Export")
            with gr.Row():
                ui.export_fmt = gr.Radio(["crissa", "json", "csv"], value="crissa", label="Format",
                                         elem_id="export-format")
                ui.export_full = gr.Checkbox(label="Full text, not redacted (officer only; logged)", value=False,
                                             elem_id="export-full")
                ui.export_btn = gr.Button("Show export", elem_id="export-show", scale=0, min_width=130)
            ui.export_text = gr.Textbox(label="Export (copy and paste into the case system)", lines=12,
                                        buttons=["copy"], interactive=False, elem_id="export-text")


def _dictate_tab(ui):
    with gr.Tab("Dictate", id="dictate", elem_id="tab-dictate", visible=False) as ui.dictate_tab:
        gr.Markdown("Dictate **after** the session, with the person you supervised gone. Tick both "
                    "statements first: the recorder opens only then, and nothing is processed without them.")
        ui.consent_ended = gr.Checkbox(label="The session has ended", elem_id="consent-ended")
        ui.consent_absent = gr.Checkbox(label="The person supervised is not present", elem_id="consent-absent")
        ui.retention = gr.Dropdown(["delete_on_approval", "keep_days:30"], value="delete_on_approval",
                                   label="Keep the audio", elem_id="consent-retention")
        ui.dictation = gr.Audio(sources=["upload", "microphone"], type="filepath", interactive=False,
                                label="Record or import a dictation (up to 15 minutes)", elem_id="dictation-audio")
        ui.contact_date = gr.Textbox(label="Session date (YYYY-MM-DD; empty for today)", max_lines=1,
                                     elem_id="dictation-date")
        with gr.Row():   # the case's known people: always redacted, also when misheard
            ui.known_names = gr.Textbox(label="Known names (one per line)", lines=2, elem_id="dictation-names")
            ui.known_dob = gr.Textbox(label="Date of birth (YYYY-MM-DD)", max_lines=1, elem_id="dictation-dob")
        ui.process_btn = gr.Button("Process dictation", variant="primary", elem_id="process-dictation")
        ui.process_message = gr.Markdown("", elem_id="process-message")
        add_live_controls(ui)   # live dictation (issue 13): review_ui/live.py


def _layout(ui):
    _header(ui)
    with gr.Tabs(elem_id="tabs") as ui.tabs:
        _review_tab(ui)
        _dictate_tab(ui)
        with gr.Tab("Figures", id="figures", elem_id="tab-figures", visible=False) as ui.figures_tab:
            ui.figures = gr.HTML("", elem_id="figures", js_on_load=None)
            ui.refresh_figures = gr.Button("Refresh figures", elem_id="refresh-figures", size="sm")


# ---- wiring ------------------------------------------------------------------------------------
def _on(ui, trigger, fn, inputs, outputs, progress="minimal", api_name=None):
    """Register ``fn``; a refusal leaves every output as it was and explains itself in the notice
    line and a toast (escaped: a toast renders HTML; no server path), so typing is never lost."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except (AccessDenied, AuthError, EditError, AudioError, _store_errors()) as e:
            message = render.safe_message(e)
            gr.Warning(render.escape_text(message))
            return [gr.skip()] * len(outputs) + [render.notice_html(message)]
        if result is None and not outputs:
            result = []
        result = list(result) if isinstance(result, (list, tuple)) else [result]
        return result + [render.notice_html("")]
    return trigger(run, inputs, outputs + [ui.notice], show_progress=progress, api_name=api_name or fn.__name__)


def _note_outputs(ui) -> list:
    return ([ui.progress, ui.review_panel, ui.audio, ui.transcript, ui.redaction_list, ui.undo_choice, ui.crissa]
            + [ui.cards[n] for n in FIELD_NAMES] + [ui.accepts[n] for n in FIELD_NAMES]
            + [ui.edits[n] for n in FIELD_NAMES] + [ui.edit_groups[n] for n in FIELD_NAMES]
            + [ui.save_btn, ui.save_hint, ui.export_panel, ui.correction_box, ui.correct_btn,
               ui.comments, ui.comment_box, ui.comment_btn])


def _wire_fields(ui, h: Handlers, note_id, outs):
    for name in FIELD_NAMES:
        _on(ui, ui.accepts[name].click, h.accept(name), [note_id], outs, progress="hidden",
            api_name=f"accept_{name}")
        _on(ui, ui.edits[name].click, h.edit_open(name), [note_id], [ui.edit_groups[name], ui.edit_boxes[name]],
            progress="hidden", api_name=f"edit_open_{name}")
        _on(ui, ui.edit_saves[name].click, h.edit_save(name), [note_id, ui.edit_boxes[name]], outs,
            progress="hidden", api_name=f"edit_save_{name}")
        ui.edit_cancels[name].click(lambda: gr.update(visible=False), None, [ui.edit_groups[name]],
                                    api_visibility="private")


def _wire(ui, app, h: Handlers, note_id):
    outs = _note_outputs(ui)
    roles = [ui.review_tab, ui.dictate_tab, ui.figures_tab, ui.whoami, ui.note_picker, ui.figures, ui.tabs]
    _on(ui, app.load, h.load, [], roles + [note_id] + outs)
    _on(ui, ui.open_btn.click, h.open, [ui.note_picker], [note_id] + outs)
    _wire_fields(ui, h, note_id, outs)
    _on(ui, ui.save_btn.click, h.save, [note_id], outs)
    _on(ui, ui.comment_btn.click, h.comment, [note_id, ui.comment_box], outs)
    _on(ui, ui.export_btn.click, h.export, [note_id, ui.export_fmt, ui.export_full], [ui.export_text])
    _on(ui, ui.correct_btn.click, h.correct, [note_id, ui.correction_box], outs)
    _on(ui, ui.undo_btn.click, h.undo, [note_id, ui.undo_choice], outs)
    _on(ui, ui.add_btn.click, h.add_redaction, [note_id, ui.add_text, ui.add_type], outs)
    consent = [ui.consent_ended, ui.consent_absent]
    for box, which in zip(consent, ("ended", "absent")):
        _on(ui, box.change, h.attest, consent, [ui.dictation], progress="hidden", api_name=f"attest_{which}")
    _on(ui, ui.dictation.clear, h.cancel_upload, [], [], progress="hidden")
    _on(ui, ui.process_btn.click, h.process, [ui.dictation] + consent + [ui.retention, ui.contact_date,
                                                   ui.known_names, ui.known_dob],
        [note_id, ui.tabs, ui.note_picker, ui.process_message, ui.dictation] + outs, progress="full")
    _on(ui, ui.refresh_figures.click, h.figures, [], [ui.figures])
    wire_live(ui, h, note_id, outs)


def build_app(ctx: ServerContext | None = None) -> gr.Blocks:
    """The review screen as a ``gr.Blocks``; ``review_ui.server`` mounts it behind the boundary."""
    ctx = ctx or ServerContext()
    ui = SimpleNamespace()
    # delete_cache: anything Gradio itself keeps in its temporary folder goes within the hour.
    with gr.Blocks(title="Casenote · review", delete_cache=(600, 3600)) as app:
        note_id = gr.State(None)  # which note is open; every handler re-checks access to it
        _layout(ui)
        _wire(ui, app, Handlers(ctx), note_id)
    app.casenote_context = ctx
    app.casenote_ui = ui
    return app
