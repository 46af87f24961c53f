"""Live dictation on the Dictate tab: the browser microphone streams to ``assistant.streaming``,
committed words appear in ``#live-transcript`` while the officer speaks, and Stop opens the note.

- ``#start-dictation`` checks the signed-in officer (from the session cookie, like every handler)
  and the two consent attestations recorded on the server,
  records the consent, opens a ``DictationStream``, and only then starts the microphone; without
  the attestations the microphone is never started.
- Each chunk from the microphone (Gradio streaming audio, every 0.5 s) is resampled to 16 kHz and
  fed to the stream, which writes it to the recording first: a closed tab or a killed server
  leaves a recording that ``casenote resume`` turns into one note.
- ``#stop-dictation`` stops the microphone; its last chunk arrives, then the stream stops and the
  new note opens for review. Capture also stops by itself at the 15-minute cap.

The streams live in this server process, keyed by a random id held in the officer's session state
and bound to the officer who started it.
"""
from __future__ import annotations

import secrets
import threading

import gradio as gr
import numpy as np

__all__ = ["add_live_controls", "wire_live", "LiveHandlers"]

_streams: dict[str, tuple[str, object]] = {}     # key -> (officer, DictationStream)
_lock = threading.Lock()

# The microphone of the (hidden) streaming Audio component is driven by the two visible buttons.
_FIND_JS = """(re) => [...document.querySelectorAll('#live-mic button')].find(
  b => re.test((b.getAttribute('aria-label') || '') + ' ' + b.textContent))"""
# Run only after the server accepted the start (``.success``): no consent, no microphone.
_START_MIC_JS = """() => { const find = %s; setTimeout(() => {
  const b = find(/record/i); if (b) b.click(); }, 50); return []; }""" % _FIND_JS
_STOP_MIC_JS = """() => { const find = %s; const b = find(/stop/i); if (b) b.click(); return []; }""" % _FIND_JS


def _to_16k(rate: int, data: np.ndarray) -> np.ndarray:
    """A microphone chunk (int16 or float, mono or stereo, any rate) as 16 kHz mono float32."""
    from math import gcd

    from scipy.signal import resample_poly

    a = np.asarray(data)
    if a.ndim == 2:
        a = a.mean(axis=1)
    a = a.astype(np.float32) / (32768.0 if np.issubdtype(np.asarray(data).dtype, np.integer) else 1.0)
    if rate != 16000:
        g = gcd(16000, int(rate))
        a = resample_poly(a, 16000 // g, int(rate) // g).astype(np.float32)
    return a


def _owned(key, officer: str):
    with _lock:
        entry = _streams.get(key or "")
    if entry is None or entry[0] != officer:
        raise gr.Error("No dictation is running; press Start dictation.")
    return entry[1]


def add_live_controls(ui) -> None:
    """Lay out the live controls where it is called (inside the Dictate tab) on ``ui``."""
    with gr.Group(elem_id="live-dictation"):
        with gr.Row():
            ui.live_start = gr.Button("Start dictation", variant="primary", elem_id="start-dictation")
            ui.live_stop = gr.Button("Stop", elem_id="stop-dictation", interactive=False)
        ui.live_mic = gr.Audio(sources=["microphone"], streaming=True, type="numpy", elem_id="live-mic",
                               label="Live dictation", show_label=False)
        ui.live_text = gr.Textbox(label="Live transcript (committed words)", lines=4, interactive=False,
                                  elem_id="live-transcript")
        ui.live_message = gr.Markdown("", elem_id="live-message")
    ui.live_key = gr.State(None)


class LiveHandlers:
    """The live controls' handlers. The user always comes from the verified session cookie
    (``handlers.signed_in(request)``), and Start needs the consent attested on the server."""

    def __init__(self, handlers):
        self.h, self.ctx = handlers, handlers.ctx

    def start(self, keep, date, request: gr.Request):
        from assistant.streaming import DictationStream

        token, user = self.h.signed_in(request)
        if user.role != "officer":
            raise gr.Error("Only officers dictate notes.")
        session = self.ctx.sessions.session(token)
        if not (session and session.consent_attested):
            raise gr.Error("Confirm that the session has ended and the person is not present.")
        store = self.ctx.store()
        consent_id = store.grant_consent(user.name, retention=keep, attested=True)
        stream = DictationStream(user.name, consent_id, (date or "").strip() or None, store=store)
        k = secrets.token_urlsafe(18)
        with _lock:
            _streams[k] = (user.name, stream)
        return k, gr.update(interactive=True), gr.update(interactive=False), "", "Listening…"

    def chunk(self, k, chunk, request: gr.Request):
        _, user = self.h.signed_in(request)
        stream = _owned(k, user.name)
        if chunk is None:
            return stream.committed_text(), gr.update()
        rate, data = chunk
        try:
            more = stream.feed(_to_16k(rate, data))
        except Exception as e:   # noqa: BLE001 - consent revoked or stopped: say so, keep nothing more
            return stream.committed_text(), f"Capture stopped: {e}"
        note = "" if more else "The 15-minute limit was reached: capture stopped. Press Stop to finish."
        return stream.committed_text(), note or gr.update()

    def stop(self, k, request: gr.Request):
        from review_ui import render
        from review_ui.access import visible_notes

        token, user = self.h.signed_in(request)
        stream = _owned(k, user.name)
        with _lock:
            _streams.pop(k, None)
        result = stream.stop()
        # The microphone's chunks passed through the officer's upload area; the store now has the audio.
        from review_ui.boundary import clear_upload_area, upload_area
        clear_upload_area(upload_area(self.ctx.home(), user.name))
        choices = [(render.note_label(n), n["id"]) for n in visible_notes(self.ctx.store(), user)]
        return ([None, gr.update(interactive=False), gr.update(interactive=True),
                 f"Stopped: note {result.note_id} is ready for review ({result.timing['stop_to_review_s']:.1f} s "
                 "after Stop).", result.note_id, gr.update(selected="review"), gr.update(choices=choices,
                                                                                   value=result.note_id)]
                + self.h.note_updates(user, result.note_id, token, view=True))


def wire_live(ui, handlers, note_id, note_outputs) -> None:
    """Wire the live controls laid out by ``add_live_controls``."""
    from assistant.pipeline import MAX_DICTATION_S

    live = LiveHandlers(handlers)
    ui.live_start.click(live.start, [ui.retention, ui.contact_date],
                        [ui.live_key, ui.live_stop, ui.live_start, ui.live_text, ui.live_message],
                        api_name="live_start").success(None, None, None, js=_START_MIC_JS)
    ui.live_mic.stream(live.chunk, [ui.live_key, ui.live_mic], [ui.live_text, ui.live_message], stream_every=0.5,
                       time_limit=MAX_DICTATION_S, concurrency_limit=None, api_name="live_chunk")
    ui.live_stop.click(None, None, None, js=_STOP_MIC_JS)
    ui.live_mic.stop_recording(live.stop, [ui.live_key],
                               [ui.live_key, ui.live_stop, ui.live_start, ui.live_message, note_id, ui.tabs,
                                ui.note_picker] + list(note_outputs), api_name="live_stop")
