"""Every route the server exposes, called without a cookie, is refused (401/403, or a redirect to
the sign-in form for a page) and returns no data. The routes are not listed by hand: they are
walked from the FastAPI app itself (our routes, every route of the mounted Gradio app, and every
named Gradio API endpoint through each of Gradio's calling conventions), then called over HTTP on
the running `casenote serve`."""
from __future__ import annotations

import re

import httpx

from review_ui.boundary import PUBLIC_ROUTES


def _walk(routes, prefix=""):
    for r in routes:
        inner = getattr(r, "original_router", None)  # Gradio's included API router
        if inner is not None:
            yield from _walk(inner.routes, prefix)
        elif type(r).__name__ == "Mount":
            yield from _walk(r.app.routes, prefix + r.path.rstrip("/"))
        elif hasattr(r, "path"):
            for method in sorted(getattr(r, "methods", None) or {"GET"}):
                yield method, prefix + r.path


def exposed_routes(home) -> tuple[list[tuple[str, str]], list[str]]:
    """(method, path template) of every route, and every named Gradio API endpoint."""
    import os

    os.environ["CASENOTE_HOME"] = str(home)
    from review_ui.server import create_server_app

    app = create_server_app()
    (mount,) = [r for r in app.routes if type(r).__name__ == "Mount"]
    names = [f.api_name for f in mount.app.get_blocks().fns.values() if f.api_name]
    return sorted(set(_walk(app.routes))), names


def concrete(path: str, home) -> str:
    """A path template with its parameters filled in, aiming at real data where a name could be."""
    path = path.replace("{path_or_url:path}", str(home / "casenote.db")).replace("{path:path}", "index.html")
    return re.sub(r"\{[^}]+\}", "x", path)


def assert_refused(r: httpx.Response, what: str) -> None:
    assert r.status_code in (401, 403) or (r.status_code == 303 and r.headers["location"] == "/login"), \
        (what, r.status_code, r.text[:200])
    assert len(r.content) < 200 and b"Daniel" not in r.content and b"PERSON" not in r.content, (what, r.content)


def test_every_route_refuses_a_caller_without_a_cookie(server, tmp_path):
    routes, names = exposed_routes(tmp_path / "walk-home")
    assert len(routes) > 80 and len(names) >= 40  # the walk found Gradio's routes and endpoints
    client = httpx.Client(base_url=server.url, timeout=30)
    checked = 0
    for method, template in routes:
        if (method, template) in PUBLIC_ROUTES:
            continue
        path = concrete(template, server.home)
        for accept in ("text/html", "application/json"):
            r = client.request(method, path.lstrip("/") or "/", headers={"Accept": accept},
                               json={"data": [], "fn_index": 0, "session_hash": "x"} if method == "POST" else None)
            assert_refused(r, f"{method} {path}")
            checked += 1
    for name in names:
        for path in (f"gradio_api/call/{name}", f"gradio_api/call/v2/{name}", f"gradio_api/run/{name}",
                     f"gradio_api/api/{name}"):
            assert_refused(client.post(path, json={"data": []}), path)
            checked += 1
        assert_refused(client.get(f"gradio_api/call/{name}/x"), name)
    assert checked > 300


def test_the_public_routes_give_nothing_away(server):
    form = httpx.get(server.url + "login")
    assert form.status_code == 200 and "<h1>" in form.text and "Daniel" not in form.text
    anonymous = httpx.post(server.url + "login", data={})
    assert anonymous.status_code == 401 and "casenote_session" not in anonymous.headers.get("set-cookie", "")
    huge = httpx.post(server.url + "login", data={"username": "jsmith", "password": "x" * 20000})
    assert huge.status_code == 413
    chunked = httpx.post(server.url + "login", content=iter([b"username=jsmith&password=officer-pass-1"]),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 411 and "casenote_session" not in chunked.headers.get("set-cookie", "")
    out = httpx.post(server.url + "logout")
    assert out.status_code == 200 and out.json() == {"success": True}
