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

__all__ = ["cli", "eval_group", "emit", "fail", "handle_errors", "BadInput", "EXIT_BAD_INPUT"]

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Raised by any command for input the user must fix; exits 2 with the message."""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(assistant.__version__, prog_name="casenote")
def cli():
    """Casenote: turn a probation officer's dictated post-session summary into a
    reviewed, redacted case note, entirely on this device.

    \b
    Examples:
      casenote transcribe dictation.wav --json
      echo "Her phone is 07700 900461" | casenote redact --json
      casenote extract transcript.txt --date 2026-03-09 --json
      casenote models --json
    """


@cli.group("eval")
def eval_group():
    """Measure accuracy: transcription error, redaction leaks, field scores.

    \b
    Examples:
      casenote eval asr --manifest ../shared/data/real_speech/refs.tsv --json
    """


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
    from models import ModelError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (AudioError, BadInput, ModelError, FileNotFoundError, UnicodeDecodeError) as e:
            fail(str(e), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper
