"""The review screen's one authenticated boundary, in front of every route of the server.

- ``POST /login`` (form fields ``username`` and ``password``, Gradio's convention) checks the scrypt
  hash and sets an opaque session cookie (``HttpOnly``, ``SameSite=Strict``, ``Path=/``), a new one
  at every sign-in; ``POST /logout`` ends the session on the server. ``GET /login`` is the form.
- ``Boundary`` (ASGI middleware on the outer app) lets nothing else through without a live
  session: page, config, assets, every Gradio API, queue and event stream, upload, file, audio.
  A page request is redirected to ``/login``; anything else gets 401 and no data.
- Signed in, it still refuses Gradio routes the screen never uses (proxy, streams, run history,
  vibe editing, monitoring...), serves ``/gradio_api/file=`` only from the caller's own upload
  area, and binds each Gradio ``session_hash`` to the sign-in that first used it.
- ``POST /gradio_api/upload`` replaces Gradio's: only a signed-in officer who ticked both consent
  statements, one file, at most ``MAX_UPLOAD_BYTES``, into that officer's own upload area.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from review_ui.auth import AuthError

__all__ = ["COOKIE", "MAX_UPLOAD_BYTES", "Boundary", "add_boundary_routes", "upload_area", "clear_upload_area",
           "login_page", "request_token", "PUBLIC_ROUTES", "REFUSED_PREFIXES"]

COOKIE = "casenote_session"
# 15 minutes of 16-bit stereo WAV at 48 kHz (what a browser records), plus room for the headers.
MAX_UPLOAD_BYTES = 15 * 60 * 48_000 * 2 * 2 + 1024 * 1024
PUBLIC_ROUTES = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}
# Gradio routes the screen never needs: refused even to a signed-in user.
REFUSED_PREFIXES = ("/login/", "/logout", "/gradio_api/proxy=", "/gradio_api/file/",
                    "/gradio_api/run-history", "/gradio_api/runs", "/gradio_api/vibe", "/gradio_api/undo-vibe",
                    "/gradio_api/process_recording", "/gradio_api/dev", "/gradio_api/custom_component",
                    "/monitoring", "/gradio_api/mcp", "/gradio_api/reset")
_FILE_ROUTE = "/gradio_api/file="
_BACKGROUND_ROUTES = ("/gradio_api/heartbeat/", "/gradio_api/queue/data", "/gradio_api/queue/status")
_BODY_HASH_ROUTES = ("/gradio_api/queue/join", "/gradio_api/cancel")
# Routes whose JSON body carries event inputs: every file input in it is checked here.
_EVENT_ROUTES = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/",
                 "/gradio_api/stream/")
# Live dictation posts each microphone chunk to its running event (POST /gradio_api/stream/<event>,
# checked like any event: the caller's own session hash, files only from the caller's upload area);
# Gradio's media playlists under /gradio_api/stream/ (GET) are never used and stay refused.
_STREAM_ROUTE = "/gradio_api/stream/"
_MAX_JSON_BODY = 4 * 1024 * 1024
_MAX_LOGIN_BODY = 8 * 1024


def upload_area(home: Path, officer: str) -> Path:
    """The officer's own folder for browser uploads, inside Gradio's upload folder (owner-only, in
    memory where the system has one: ``assistant.paths.upload_dir`` for the store at ``home``)."""
    from assistant.paths import upload_dir

    return upload_dir(home) / ("u-" + hashlib.sha256(officer.encode("utf-8")).hexdigest()[:20])


def request_token(request) -> str | None:
    """The session cookie of a Starlette request or a ``gr.Request`` (live or restored)."""
    raw = getattr(request, "request", request)
    if raw is None:  # a gr.Request rebuilt from its pickled form keeps its cookies as kwargs
        cookies = (getattr(request, "kwargs", None) or {}).get("cookies") or {}
    else:
        cookies = getattr(raw, "cookies", None) or {}
    value = cookies.get(COOKIE) if hasattr(cookies, "get") else None
    return value if isinstance(value, str) else None


def _cookie_from_scope(scope) -> str | None:
    return request_token(Request(scope))


def login_page(message: str = "", status: int = 200) -> HTMLResponse:
    """The sign-in form: plain HTML, no script, nothing loaded from elsewhere."""
    note = f'<p id="login-message" role="alert">{escape(message)}</p>' if message else \
        '<p id="login-message" role="status"></p>'
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Casenote · sign in</title>
<link rel="icon" href="data:,"><style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; background: #f8fafc;
  color: #0f172a; margin: 0; }}
main {{ max-width: 380px; margin: 4rem auto; background: #fff; border: 1px solid #cbd5e1; border-radius: 8px;
  padding: 1.5rem 1.8rem; }}
h1 {{ color: #115e59; font-size: 1.6rem; margin: 0 0 .2rem; }}
.sub {{ color: #475569; margin: 0 0 1.2rem; }}
label {{ display: block; font-weight: 600; margin: .8rem 0 .3rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #64748b;
  border-radius: 4px; }}
input:focus, button:focus {{ outline: 3px solid #0f766e; outline-offset: 2px; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; font-weight: 600; color: #fff;
  background: #115e59; border: 0; border-radius: 4px; cursor: pointer; }}
#login-message {{ color: #991b1b; min-height: 1.2em; margin: .8rem 0 0; }}
</style></head><body><main>
<h1>Casenote</h1><p class="sub">Dictated case notes, reviewed on this device.</p>
<form method="post" action="/login">
<label for="login-name">Name</label>
<input id="login-name" name="username" autocomplete="username" required autofocus maxlength="64">
<label for="login-password">Password</label>
<input id="login-password" name="password" type="password" autocomplete="current-password" required
  maxlength="1024">
<button id="login-submit" type="submit">Sign in</button>
</form>{note}</main></body></html>"""
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _refuse(scope, status: int, detail: str) -> Response:
    request = Request(scope)
    if status == 401 and scope.get("method") == "GET" and _wants_html(request):
        return RedirectResponse("/login", status_code=303)
    return JSONResponse({"detail": detail}, status_code=status, headers={"Cache-Control": "no-store"})


class Boundary:
    """ASGI middleware: a live session cookie for every route but the sign-in form itself."""

    def __init__(self, app, ctx):
        self.app, self.ctx = app, ctx

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if scope["type"] == "http" and (method, path) in PUBLIC_ROUTES:
            return await self.app(scope, receive, send)
        token = _cookie_from_scope(scope)
        # Heartbeats and the event stream run by themselves while a tab is open: they keep nobody
        # signed in past the idle limit.
        session = self.ctx.sessions.session(token, touch=not path.startswith(_BACKGROUND_ROUTES))
        if scope["type"] == "websocket":  # the screen uses none
            return await send({"type": "websocket.close", "code": 4401 if session is None else 4403})
        if session is None:
            return await _refuse(scope, 401, "Sign in first: POST /login with username and password.")(
                scope, receive, send)
        if path.startswith(REFUSED_PREFIXES) or (path.startswith(_STREAM_ROUTE) and method != "POST"):
            return await _refuse(scope, 404, "Not found.")(scope, receive, send)
        if path.startswith(_FILE_ROUTE) and not self._own_upload(session.user, path[len(_FILE_ROUTE):]):
            return await _refuse(scope, 403, "You cannot open this file.")(scope, receive, send)
        hashes = self._query_hashes(scope, path)
        if method == "POST" and (path in _BODY_HASH_ROUTES or path.startswith(_EVENT_ROUTES)):
            body, receive = await _read_body(receive, _MAX_JSON_BODY)
            if body is None:
                return await _refuse(scope, 413, "The request is too large.")(scope, receive, send)
            hashes.append(_body_hash(body))
            # No client path is trusted: a file input must name a file in the caller's own upload area.
            if not all(self._own_upload(session.user, p) for p in _file_paths(body)):
                return await _refuse(scope, 403, "That is not a dictation you uploaded; record or import it "
                                                 "again.")(scope, receive, send)
        if not all(self.ctx.sessions.bind(token, h) for h in hashes if h):
            return await _refuse(scope, 403, "This session belongs to another sign-in.")(scope, receive, send)
        return await self.app(scope, receive, send)

    def _own_upload(self, user, raw: str) -> bool:
        if user.role != "officer":
            return False
        area = os.path.realpath(upload_area(self.ctx.home(), user.name))
        target = os.path.realpath(raw)
        return target.startswith(area + os.sep) and os.path.isfile(target)

    @staticmethod
    def _query_hashes(scope, path: str) -> list[str]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        found = list(query.get("session_hash", []))
        if path.startswith("/gradio_api/heartbeat/"):
            found.append(path.rsplit("/", 1)[-1])
        return found


async def _read_body(receive, limit: int):
    """The whole request body (None past ``limit``) and a ``receive`` that replays it."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body, sent = b"".join(chunks), False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return body, replay


def _file_paths(body: bytes) -> list[str]:
    """Every ``path`` of a file input (a dict with ``path`` or ``url``) in an event's JSON body."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return []
    found, stack = [], [data.get("data") if isinstance(data, dict) else data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "path" in item or "url" in item:
                found.append(str(item.get("path") or item.get("url") or ""))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _body_hash(body: bytes) -> str | None:
    try:
        value = json.loads(body or b"{}").get("session_hash")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def add_boundary_routes(api, ctx, blocks_ref) -> None:
    """``/login``, ``/logout`` and the officer-only upload route, on the outer FastAPI app (before the
    Gradio mount, so they take precedence over Gradio's own routes of the same paths)."""

    @api.get("/login", include_in_schema=False)
    def login_form(request: Request):
        if ctx.sessions.user(request_token(request)) is not None:
            return RedirectResponse("/", status_code=303)
        return login_page()

    @api.post("/login", include_in_schema=False)
    async def login(request: Request):
        # A sign-in is a few bytes: one without a declared length (chunked) or over 8 KiB is refused
        # before its body is read.
        if not (request.headers.get("content-length") or "").isdigit():
            return _login_refused(request, "Send the sign-in form with its length.", 411)
        if int(request.headers["content-length"]) > _MAX_LOGIN_BODY:
            return _login_refused(request, "The sign-in form is too large.", 413)
        form = await request.form()
        name, password = str(form.get("username") or ""), str(form.get("password") or "")
        try:
            token, user = await run_in_threadpool(_sign_in, ctx, name, password, request_token(request))
        except AuthError as e:
            status = 429 if "Too many" in str(e) else 401
            return _login_refused(request, str(e), status)
        response = RedirectResponse("/", status_code=303) if _wants_html(request) else \
            JSONResponse({"success": True, "user": user.name, "role": user.role})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                            max_age=int(ctx.sessions.absolute_s))
        response.headers["Cache-Control"] = "no-store"
        return response

    @api.post("/logout", include_in_schema=False)
    def logout(request: Request):
        ctx.end_session(request_token(request))
        response = RedirectResponse("/login", status_code=303) if _wants_html(request) else \
            JSONResponse({"success": True})
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    @api.post("/gradio_api/upload", include_in_schema=False)
    async def officer_upload(request: Request):
        return await _officer_upload(request, ctx, blocks_ref())


def _sign_in(ctx, name, password, previous):
    with ctx.store() as store:
        return ctx.sessions.sign_in(store, name, password, previous)


def _login_refused(request: Request, message: str, status: int) -> Response:
    if _wants_html(request):
        return login_page(message, status)
    return JSONResponse({"success": False, "detail": message}, status_code=status)


async def _officer_upload(request: Request, ctx, blocks) -> Response:
    from gradio.route_utils import MultiPartException, upload_fn

    session = ctx.sessions.session(request_token(request))
    if session is None or session.user.role != "officer":
        return JSONResponse({"detail": "Only a signed-in officer can send a dictation."}, status_code=403)
    if not session.consent_attested:
        return JSONResponse({"detail": "Tick both consent statements before recording or importing."},
                            status_code=403)
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES:
        return JSONResponse({"detail": "The dictation is too large (15 minutes at most)."}, status_code=413)
    area = upload_area(ctx.home(), session.user.name)
    # An earlier, abandoned upload goes; the last minute's stay: live dictation uploads its microphone
    # chunks one after another, and each must still be there when its event reads it.
    clear_upload_area(area, older_than_s=60)
    area.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        files, _, _ = await upload_fn(request, str(area), MAX_UPLOAD_BYTES, None, force_move=True)
    except MultiPartException as exc:
        clear_upload_area(area)
        code = 413 if "maximum allowed size" in exc.message else 400
        return JSONResponse({"detail": "The dictation is too large (15 minutes at most)." if code == 413
                             else "The upload could not be read."}, status_code=code)
    if len(files) != 1:
        clear_upload_area(area)
        return JSONResponse({"detail": "Send exactly one dictation."}, status_code=400)
    blocks.upload_file_set.update(files)
    return JSONResponse(files)


def clear_upload_area(area: Path, older_than_s: float | None = None) -> None:
    """Delete everything in one officer's upload area (after processing, on cancel, at sign-out), or
    only what is older than ``older_than_s`` seconds."""
    if not area.is_dir():
        return
    if older_than_s is None:
        shutil.rmtree(area, ignore_errors=True)
        return
    import time

    for f in area.rglob("*"):
        if f.is_file() and time.time() - f.stat().st_mtime > older_than_s:
            f.unlink(missing_ok=True)
