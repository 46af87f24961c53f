"""A real `casenote serve` subprocess on a free loopback port, for the browser and security tests,
plus HTTP helpers that sign in exactly as a browser's form does (POST /login, session cookie)."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
COOKIE = "casenote_session"

__all__ = ["running_server", "serve_process", "seed_home", "sign_in_http", "gradio_client", "GradioRaw", "COOKIE"]


def seed_home(home: Path, passwords: dict, roles: dict, make_notes) -> dict:
    """Accounts (scrypt hashes) in a fresh store under ``home``, akhan reviewing jsmith, and the
    notes ``make_notes(store)`` writes (its dict of officer -> note id is returned)."""
    import pytest

    from assistant.store import Store
    from review_ui.auth import hash_password

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASENOTE_HOME", str(home))
        store = Store()
        for name, pw in passwords.items():
            store.add_user(name, roles[name], hash_password(pw))
        store.assign_reviewer("akhan", "jsmith")
        notes = make_notes(store)
        store.close()
    return notes


@contextlib.contextmanager
def running_server(home: Path, timeout_s: float = 120):
    """Start `python -m assistant serve` on a free port with ``CASENOTE_HOME=home``; yield its base URL
    (ending in '/') and the seconds it took to answer its sign-in page."""
    with serve_process(home, timeout_s) as (_, url, ready_s):
        yield url, ready_s


@contextlib.contextmanager
def serve_process(home: Path, timeout_s: float = 120):
    """``running_server``, also yielding the server's ``Popen`` first (a test may kill it)."""
    from review_ui.server import free_port

    port = free_port()
    env = {**os.environ, "CASENOTE_HOME": str(home)}
    started = time.monotonic()
    # The server's output goes to a file, not an unread pipe: a chatty server must never block on a
    # full pipe mid-test. It is shown if the server fails to start.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    while True:
        try:
            httpx.get(url + "login", timeout=2)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() - started > timeout_s:
                proc.kill()
                proc.wait()
                log.seek(0)
                raise RuntimeError("casenote serve did not start:\n" + log.read().decode(errors="replace"))
            time.sleep(0.1)
    ready_s = time.monotonic() - started
    try:
        yield proc, url, ready_s
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # uvicorn waits for open event streams; no need here
                proc.kill()
                proc.wait()
        log.close()


def sign_in_http(url: str, name: str, password: str) -> httpx.Client:
    """An httpx client holding the session cookie of ``name`` (POST /login as the form does)."""
    client = httpx.Client(base_url=url, timeout=60)
    r = client.post("login", data={"username": name, "password": password})
    assert r.status_code == 200 and r.json()["success"], r.text
    assert client.cookies.get(COOKIE)
    return client


def gradio_client(url: str, cookie: str | None):
    """A gradio_client.Client that sends ``cookie`` as the session cookie on every request (it keeps
    one session_hash, so gr.State carries across its calls, as in a browser tab)."""
    from gradio_client import Client

    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    return Client(url, headers=headers, verbose=False, download_files=False)


class GradioRaw:
    """Gradio's own queue protocol over plain HTTP (POST queue/join, GET queue/data as an event
    stream), with whatever cookie and ``session_hash`` a test chooses: what an attacker would send."""

    def __init__(self, url: str, cookie: str | None, session_hash: str | None = None, fn_index: dict | None = None):
        import secrets

        self.url, self.session_hash = url, session_hash or secrets.token_hex(6)
        self.http = httpx.Client(base_url=url, timeout=120)
        if cookie:
            self.http.cookies.set(COOKIE, cookie)
        self.fn_index = fn_index if fn_index is not None else self._fn_index()

    def _fn_index(self) -> dict:
        """api_name -> (fn index, [is the input a gr.State?]) from the page's config."""
        config = self.http.get("config")
        assert config.status_code == 200, config.status_code
        config = config.json()
        states = {c["id"] for c in config["components"] if c.get("type") == "state"}
        return {d["api_name"]: (d["id"], [i in states for i in d["inputs"]])
                for d in config["dependencies"] if d.get("api_name")}

    def join(self, api_name: str, data: list) -> httpx.Response:
        """Queue one event; ``data`` holds the visible inputs (a gr.State input is sent as null, as the
        page sends it: its value lives on the server, under the session_hash)."""
        index, is_state = self.fn_index[api_name]
        values = iter(data)
        full = [None if state else next(values) for state in is_state]
        body = {"data": full, "fn_index": index, "session_hash": self.session_hash,
                "event_data": None, "trigger_id": None}
        return self.http.post("gradio_api/queue/join", json=body)

    def call(self, api_name: str, data: list | None = None) -> dict:
        """Run one event; returns the final message ({"success", "output": {"data" | "error"}})."""
        import json

        joined = self.join(api_name, data or [])
        assert joined.status_code == 200, (joined.status_code, joined.text)
        event_id = joined.json()["event_id"]
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": self.session_hash}) as r:
            assert r.status_code == 200, r.status_code
            for line in r.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") == event_id and msg.get("msg") == "process_completed":
                    return msg
        raise AssertionError(f"no result for {api_name}")

    def outputs(self, api_name: str, data: list | None = None) -> list:
        msg = self.call(api_name, data)
        assert msg.get("success"), msg
        return msg["output"]["data"]
