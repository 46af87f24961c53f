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
            # decrypts chunk by chunk into memory; no clear copy of the audio is written for playing it.
            with ctx.store() as store:
                data = store.audio_bytes(note_id, user.name)
                media = store.audio_media_type(note_id)
        except StoreError:
            raise HTTPException(status_code=403, detail="You cannot hear this note's audio.") from None
        return _ranged(data, media, request.headers.get("range"))


def _ranged(data: bytes | memoryview, media: str, header: str | None) -> Response:
    """The decrypted audio from memory, honouring one byte range (the player seeks with them)."""
    headers = {"Cache-Control": "no-store", "Accept-Ranges": "bytes"}
    if header and header.startswith("bytes=") and "," not in header:
        first, _, last = header[6:].partition("-")
        try:
            start = int(first) if first else max(0, len(data) - int(last))
            end = min(int(last), len(data) - 1) if first and last else len(data) - 1
        except ValueError:
            start, end = 0, len(data) - 1
        if 0 <= start <= end < len(data):
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return Response(data[start:end + 1], status_code=206, media_type=media, headers=headers)
    return Response(data, media_type=media, headers=headers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(port: int = 7860, ctx: ServerContext | None = None) -> None:
    """Run the review screen on http://127.0.0.1:PORT until interrupted."""
    import uvicorn

    app = create_server_app(ctx, port)
    uvicorn.run(app, host=HOST, port=port, log_level="warning")
