"""The ``casenote`` Click group, shared helpers, and the exit-code contract.

Exit codes: 0 success; 1 a runtime failure; 2 bad input (a missing, empty or unreadable file,
a bad option value, a refused request such as no consent). Errors go to stderr, results to stdout.
"""
from __future__ import annotations

import functools
import json
import sys

import click

import assistant

__all__ = ["cli", "ask_passphrase", "eval_group", "emit", "fail", "handle_errors", "read_text_input", "BadInput", "EXIT_BAD_INPUT",
           "MAX_TEXT_INPUT_BYTES"]

EXIT_BAD_INPUT = 2
MAX_TEXT_INPUT_BYTES = 20 * 1024 * 1024   # a dictation's transcript is a few KB; 20 MB is surely not one


class BadInput(Exception):
    """Raised by any command for input the user must fix; exits 2 with the message."""


def ask_passphrase(new: bool) -> str | None:
    """The store's passphrase typed on the terminal (hidden; asked twice for a new store); None when
    there is no terminal, so non-interactive use gets the message to set CASENOTE_PASSPHRASE."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    text = "New passphrase for this Casenote store" if new else "Casenote store passphrase"
    return click.prompt(text, hide_input=True, confirmation_prompt=new, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(assistant.__version__, prog_name="casenote")
def cli():
    """Casenote: turn a probation officer's dictated post-session summary into a
    reviewed, redacted case note, entirely on this device.

    The store is encrypted; give its passphrase in CASENOTE_PASSPHRASE or type it when asked.

    \b
    Examples:
      casenote transcribe dictation.wav --json
      echo "Her phone is 07700 900461" | casenote redact --json
      casenote extract transcript.txt --date 2026-03-09 --json
      casenote models --json
    """
    from assistant.store.keys import set_prompt

    set_prompt(ask_passphrase)


@cli.group("eval")
def eval_group():
    """Measure accuracy: transcription error, redaction leaks, field scores.

    \b
    Examples:
      casenote eval asr --manifest ../shared/data/real_speech/refs.tsv --json
    """


def read_text_input(file: str | None, purpose: str = "transcript") -> str:
    """The UTF-8 text of FILE, or of standard input when FILE is None or '-'.

    Refuses (BadInput, exit 2) a missing path, a folder, more than 20 MB, binary data (an audio file
    given by mistake), text that is not UTF-8, and empty text, each with what to do instead.
    """
    from pathlib import Path

    limit_mb = MAX_TEXT_INPUT_BYTES // (1024 * 1024)
    if file in (None, "-"):
        data = sys.stdin.buffer.read(MAX_TEXT_INPUT_BYTES + 1)
        where = "standard input"
    else:
        p = Path(file)
        if not p.exists():
            raise BadInput(f"{file}: does not exist (no such file).")
        if not p.is_file():
            raise BadInput(f"{file}: not a file (give a text file, or '-' for standard input).")
        if p.stat().st_size > MAX_TEXT_INPUT_BYTES:
            raise BadInput(f"{file}: {p.stat().st_size} bytes is too large to be a {purpose} (limit {limit_mb} MB); "
                           "split it first.")
        data = p.read_bytes()
        where = file
    if len(data) > MAX_TEXT_INPUT_BYTES:
        raise BadInput(f"{where}: more than {limit_mb} MB is too large to be a {purpose}.")
    if b"\x00" in data[:65536]:
        raise BadInput(f"{where}: is not text, it holds binary data (audio?). "
                       "Transcribe audio first: casenote transcribe FILE.wav > transcript.txt")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput(f"{where}: is not UTF-8 text (bad byte at {e.start}); convert it first "
                       "(e.g. iconv -t UTF-8).") from None
    if not text.strip():
        raise BadInput(f"{where}: is empty; give the {purpose} of a dictation.")
    return text


def emit(obj, as_json: bool, text: str | None = None) -> None:
    """Print ``obj`` as one JSON object (``--json``) or ``text`` for people."""
    if as_json:
        click.echo(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        click.echo(text if text is not None else json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def fail(message: str, code: int = 1) -> "None":
    click.echo(f"casenote: error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn):
    """Turn known input errors into exit 2 with a clear message; never print a traceback for them."""
    from assistant.audio import AudioError
    from assistant.store.keys import PassphraseError
    from models import ModelError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (AudioError, BadInput, ModelError, FileNotFoundError, UnicodeDecodeError, PassphraseError) as e:
            fail(str(e), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper
