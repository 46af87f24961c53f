"""``make demo``: a demo officer, a consent, the bundled dictation spoken and processed, the screen served.

Idempotent: a second run reuses the account (its password is kept in an owner-only file in
``$CASENOTE_HOME``), the spoken dictation and a note still awaiting review, so it only starts the
server again. The dictation's text is ``review_ui/demo_dictation.txt``; it is spoken on this device
by Piper (or espeak-ng where Piper is missing), so no audio ships in the repository.

\b
    python -m assistant.demo                 # set up and serve on http://127.0.0.1:7860/
    python -m assistant.demo --port 8080
    python -m assistant.demo --no-serve      # set up only, print the sign-in
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import click

import assistant  # noqa: F401  (telemetry off before anything else loads)
from assistant.paths import casenote_home

__all__ = ["DEMO_OFFICER", "DEMO_TEXT_PATH", "DemoSetup", "prepare", "main"]

DEMO_OFFICER = "demo.officer"
DEMO_TEXT_PATH = Path(__file__).resolve().parents[1] / "review_ui" / "demo_dictation.txt"


@dataclass
class DemoSetup:
    officer: str
    password: str
    note_id: str
    audio: Path
    created_note: bool


def _password(store) -> str:
    """The demo officer's password: made once, kept readable by the owner only, never hashed twice."""
    from review_ui.auth import hash_password

    secret = casenote_home() / "demo-officer-password.txt"
    if store.get_user(DEMO_OFFICER) and secret.exists():
        return secret.read_text().strip()
    password = secrets.token_urlsafe(12)
    if store.get_user(DEMO_OFFICER):
        raise click.ClickException(f"The demo account exists but {secret} is gone; remove the account or use "
                                   f"another $CASENOTE_HOME.")
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    store.add_user(DEMO_OFFICER, "officer", hash_password(password))
    return password


def _speak(text: str) -> Path:
    from eval.synth import SynthesisError, cached_synthesis

    cache = casenote_home() / "demo"
    cache.mkdir(mode=0o700, exist_ok=True)
    try:
        return cached_synthesis(text, "piper", cache)
    except SynthesisError:
        return cached_synthesis(text, "espeak", cache)


def prepare(echo=print) -> DemoSetup:
    """Create (or reuse) the demo account and a demo note awaiting review."""
    from assistant.pipeline import process_dictation
    from assistant.store import Store

    store = Store()
    password = _password(store)
    pending = [n for n in store.list_notes(officer=DEMO_OFFICER) if n["status"] == "pending_review"]
    audio = _speak(DEMO_TEXT_PATH.read_text(encoding="utf-8").strip())
    if pending:
        return DemoSetup(DEMO_OFFICER, password, pending[-1]["id"], audio, False)
    echo("Processing the bundled dictation on this device (transcribe, redact, extract)...")
    consent = store.grant_consent(DEMO_OFFICER, retention="keep_days:7", attested=True)
    result = process_dictation(audio, officer=DEMO_OFFICER, consent_id=consent, contact_date=dt.date.today(),
                               store=store)
    return DemoSetup(DEMO_OFFICER, password, result.note_id, audio, True)


@click.command()
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1024, 65535),
              help="Port on 127.0.0.1; the next free one is used if it is taken.")
@click.option("--no-serve", is_flag=True, help="Set up the demo, print the sign-in, and exit.")
def main(port, no_serve):
    """Set up the Casenote demo and open the review screen on a bundled dictation.

    \b
    Examples:
      python -m assistant.demo
      python -m assistant.demo --port 8080
      python -m assistant.demo --no-serve
    """
    import socket

    from assistant.cli.base import ask_passphrase
    from assistant.store.keys import set_prompt

    set_prompt(ask_passphrase)   # CASENOTE_PASSPHRASE, or asked for once on the terminal
    setup = prepare(echo=click.echo)
    click.echo(f"Demo note {setup.note_id} is ready for review "
               f"({'new' if setup.created_note else 'reused'}; data in {casenote_home()}).")
    click.echo(f"Sign in as:  {setup.officer}")
    click.echo(f"Password:    {setup.password}")
    if no_serve:
        return
    from review_ui.server import HOST, free_port, serve

    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            port = free_port()
    url = f"http://{HOST}:{port}/"
    click.echo(f"Review screen: {url}   (keys: n/p move, a accept, e edit, s save; Ctrl+C stops)")
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        import threading
        import webbrowser
        threading.Timer(3.0, webbrowser.open, (url,)).start()
    serve(port)


if __name__ == "__main__":
    main()
