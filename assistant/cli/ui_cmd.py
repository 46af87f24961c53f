"""``casenote users add`` / ``users assign`` and ``casenote serve`` (the review screen)."""
from __future__ import annotations

import getpass
import sys

import click

from assistant.cli.base import BadInput, cli, handle_errors

__all__ = ["users_group", "users_add", "users_assign", "serve_command"]

_ROLES = ("officer", "reviewer", "evaluator")


def _store():
    from assistant.store import Store
    return Store()


def _store_error():
    from assistant.store import StoreError
    return StoreError


@cli.group("users")
def users_group():
    """Accounts for the review screen (officer, reviewer, evaluator).

    \b
    Examples:
      casenote users add jsmith --role officer
      echo 'a long passphrase' | casenote users add akhan --role reviewer --password-stdin
      casenote users assign akhan jsmith
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(_ROLES),
              help="officer: dictates and reviews own notes; reviewer: corrects assigned officers' notes "
                   "(no audio, no original values); evaluator: aggregate figures only.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@handle_errors
def users_add(name, role, password_stdin):
    """Create the account NAME with ROLE; the password is stored as an scrypt hash only.

    Without --password-stdin the password is asked for twice at the terminal.

    \b
    Examples:
      casenote users add jsmith --role officer
      printf '%s\\n' 'correct horse battery' | casenote users add eval1 --role evaluator --password-stdin
    """
    from review_ui.auth import AuthError, check_new_account, hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise BadInput("The two passwords differ; nothing was saved.")
    try:
        check_new_account(name, role, password)
    except AuthError as e:
        raise BadInput(str(e)) from None
    store = _store()
    if store.get_user(name):
        raise BadInput(f"A user named '{name}' already exists; choose another name.")
    try:
        store.add_user(name, role, hash_password(password))
    except _store_error() as e:
        raise BadInput(str(e)) from None
    click.echo(f"Added {role} '{name}'.")


@users_group.command("assign")
@click.argument("reviewer")
@click.argument("officer")
@handle_errors
def users_assign(reviewer, officer):
    """Let REVIEWER review the notes of OFFICER (both accounts must exist).

    \b
    Examples:
      casenote users assign akhan jsmith
    """
    store = _store()
    try:  # the store checks both accounts and their roles, for every caller
        store.assign_reviewer(reviewer, officer)
    except _store_error() as e:
        raise BadInput(str(e)) from None
    click.echo(f"'{reviewer}' now reviews the notes of '{officer}'.")


@cli.command("serve")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1024, 65535),
              help="Port on 127.0.0.1 (the screen is never served on another address).")
@handle_errors
def serve_command(port):
    """Start the review screen on http://127.0.0.1:PORT (this device only).

    \b
    Examples:
      casenote serve
      casenote serve --port 8080
    """
    import socket

    host = "127.0.0.1"  # checked before the (slow) import of the web stack
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            raise BadInput(f"Port {port} is in use on {host}; choose another with --port.") from None
    from assistant.store import Store
    from review_ui.server import HOST, serve

    Store().close()   # unlock the encrypted store now: a wrong or missing passphrase stops here (exit 2)
    click.echo(f"Casenote review screen: http://{HOST}:{port}/  (Ctrl+C to stop)")
    serve(port)
