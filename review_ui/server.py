"""Serve the review screen on 127.0.0.1 only, behind one sign-in boundary (``review_ui.boundary``).

The page loads nothing from elsewhere: a theme of system fonts (no Google Fonts), our own CSS and
script inlined, Gradio's analytics off (importing ``assistant`` sets that before gradio loads),
no share link, no API page link in the footer.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import assistant  # noqa: F401  (switches telemetry off before gradio is imported)
import gradio as gr
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

from review_ui.app import AUDIO_ROUTE, ServerContext, build_app
from review_ui.boundary import MAX_UPLOAD_BYTES, Boundary, add_boundary_routes, request_token

__all__ = ["HOST", "create_server_app", "serve", "free_port", "theme"]

HOST = "127.0.0.1"
_STATIC = Path(__file__).parent / "static"
_SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
_MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def theme() -> gr.themes.Theme:
    # Primary buttons in teal-800 with white text (7.6:1): the default teal-500 gave 2.5:1.
    return gr.themes.Default(primary_hue="teal", secondary_hue="slate", neutral_hue="slate",
                             font=_SYSTEM_FONTS, font_mono=_MONO_FONTS, radius_size="sm").set(
        button_primary_background_fill="#115e59", button_primary_background_fill_hover="#134e4a",
        button_primary_text_color="#ffffff", button_primary_border_color="#115e59")


def _head() -> str:
    js = (_STATIC / "review.js").read_text(encoding="utf-8")
    return f"<script>{js}</script>"


def create_server_app(ctx: ServerContext | None = None, port: int = 7860) -> FastAPI:
    """A FastAPI app: the boundary (sign-in, cookie check on every route), the audio route, the
    officer-only upload route and the review screen mounted at ``/``."""
    ctx = ctx or ServerContext()
    # Browser uploads land in Gradio's upload folder: owner-only, in memory where the system has
    # one (assistant.paths.upload_dir, so a clear upload never reaches the disk), one area per officer.
    from assistant.paths import upload_dir
    os.environ["GRADIO_TEMP_DIR"] = str(upload_dir(ctx.home()))
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    blocks = build_app(ctx)
    add_boundary_routes(api, ctx, lambda: blocks)
    _add_audio_route(api, ctx)
    gr.mount_gradio_app(api, blocks, path="/", server_name=HOST, server_port=port, footer_links=[],
                        theme=theme(), css=(_STATIC / "review.css").read_text(encoding="utf-8"),
                        head=_head(), ssr_mode=False, pwa=False, mcp_server=False, run_history=False,
                        max_file_size=MAX_UPLOAD_BYTES, blocked_paths=[str(ctx.home() / "audio")])
    # mount_gradio_app never marks the Blocks launched, and Gradio skips its own check that a file
    # input names a file its upload route wrote while they are not: mark them, so that check runs
    # (the Dictate handler then checks the file is in the caller's own upload area).
    blocks.has_launched = True
    api.add_middleware(Boundary, ctx=ctx)
    return api


def _add_audio_route(api: FastAPI, ctx: ServerContext) -> None:
    @api.get(AUDIO_ROUTE + "/{link}")
    def note_audio(link: str, request: Request):
        resolved = ctx.audio_links.resolve(link, ctx.sessions, request_token(request))
        if resolved is None:
            raise HTTPException(status_code=404, detail="No such audio link (it may have expired).")
        note_id, user = resolved
        from assistant.store import StoreError
        try:
            # The store re-checks: only the note's own officer, and only while the audio exists. It
            # decrypts in memory only the chunks asked for; no clear copy of the audio is written.
            with ctx.store() as store:
                media = store.audio_media_type(note_id)
                span = byte_range(request.headers.get("range"), store.audio_size(note_id, user.name))
                if span is None:
                    return Response(store.audio_bytes(note_id, user.name), media_type=media, headers=_NO_STORE)
                first, last, total = span
                part = store.audio_range(note_id, user.name, first, last)
        except StoreError:
            raise HTTPException(status_code=403, detail="You cannot hear this note's audio.") from None
        return Response(part, status_code=206, media_type=media,
                        headers={**_NO_STORE, "Content-Range": f"bytes {first}-{last}/{total}"})


_NO_STORE = {"Cache-Control": "no-store", "Accept-Ranges": "bytes"}
# An open-ended range ("bytes=0-", what a media player asks first) is answered with at most this
# much, as HTTP allows (the player asks on for more as it plays): each request then decrypts a
# bounded amount, however long the dictation (15 minutes of 16 kHz audio is 29 MB).
RANGE_CAP = 1 << 20


def byte_range(header: str | None, total: int) -> tuple[int, int, int] | None:
    """(first, last, total) for one byte range of ``total`` bytes; None: answer with the whole file
    (no range, several ranges, or one that cannot be met)."""
    if not header or not header.startswith("bytes=") or "," in header or total <= 0:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if not first:
            start, end = max(0, total - int(last)), total - 1          # the last N bytes
        else:
            start = int(first)
            end = min(int(last), total - 1) if last else min(total - 1, start + RANGE_CAP - 1)
    except ValueError:
        return None
    return (start, end, total) if 0 <= start <= end else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(port: int = 7860, ctx: ServerContext | None = None) -> None:
    """Run the review screen on http://127.0.0.1:PORT until interrupted."""
    import uvicorn

    app = create_server_app(ctx, port)
    uvicorn.run(app, host=HOST, port=port, log_level="warning")
