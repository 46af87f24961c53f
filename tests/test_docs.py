"""Every CLI command is documented: it appears in the README and its --help carries runnable examples."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from assistant.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
        else:
            yield path, cmd


COMMANDS = list(_commands(cli))


def test_the_cli_has_its_commands():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"transcribe", "redact", "extract", "process", "eval asr", "consent grant", "serve"} <= names


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_documented(path, cmd):
    words = " ".join(path)
    assert f"casenote {words}" in README, f"README.md does not document `casenote {words}`"
    help_text = cmd.help or ""
    assert "Examples:" in help_text or "Example:" in help_text, f"`casenote {words} --help` shows no example"
    assert f"casenote {words}" in help_text, f"the examples of `casenote {words}` do not run it"
