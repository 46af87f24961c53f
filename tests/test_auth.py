"""Accounts: scrypt hashes with per-user salt, constant-time checks, sessions, lockout, and the
`casenote users` commands (exit 2 with a clear message for anything the user must fix)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from review_ui.auth import AuthError, SessionRegistry, check_new_account, hash_password, verify_password

ROOT = Path(__file__).resolve().parents[1]


def casenote(*args, stdin: str = ""):
    """Run the real `casenote` Click group in-process (a subprocess per call would mostly time imports)."""
    from click.testing import CliRunner

    from assistant.cli import cli

    r = CliRunner().invoke(cli, list(args), input=stdin)
    r.stderr_text = r.stderr if hasattr(r, "stderr") else r.output
    return r


def test_hash_is_salted_scrypt_and_verifies_only_the_right_password():
    a, b = hash_password("correct horse 1"), hash_password("correct horse 1")
    assert a != b and a.startswith("scrypt$32768$8$1$") and "correct" not in a
    assert verify_password("correct horse 1", a) and verify_password("correct horse 1", b)
    for wrong in ("correct horse 2", "", "correct horse 1 ", "CORRECT HORSE 1"):
        assert not verify_password(wrong, a)
    for broken in (None, "", "plain-text", "md5$abc", a.replace("scrypt", "bcrypt"), "scrypt$1$2$3$!!$??"):
        assert not verify_password("correct horse 1", broken)


@pytest.mark.parametrize("name,role,password,message", [
    ("../etc", "officer", "long enough pw", "user name"),
    ("", "officer", "long enough pw", "user name"),
    ("jsmith", "admin", "long enough pw", "Unknown role"),
    ("jsmith", "officer", "short", "at least 10"),
])
def test_new_accounts_are_checked(name, role, password, message):
    with pytest.raises(AuthError, match=message):
        check_new_account(name, role, password)


def test_sessions_sign_in_expire_and_lock_out_guessing():
    from assistant.store import Store

    store = Store()
    store.add_user("jsmith", "officer", hash_password("officer-pass-1"))
    sessions = SessionRegistry(idle_s=60, max_failures=3, lockout_s=300)
    token, user = sessions.sign_in(store, "jsmith", "officer-pass-1")
    assert (user.name, user.role) == ("jsmith", "officer") and len(token) >= 40
    assert sessions.user(token) == user and sessions.user("forged") is None and sessions.user(None) is None
    sessions.sign_out(token)
    assert sessions.user(token) is None
    for _ in range(3):
        with pytest.raises(AuthError, match="Wrong name or password"):
            sessions.sign_in(store, "jsmith", "guess")
    with pytest.raises(AuthError, match="Too many failed"):
        sessions.sign_in(store, "jsmith", "officer-pass-1")  # locked even with the right password
    with pytest.raises(AuthError, match="Wrong name or password"):
        sessions.sign_in(store, "nobody", "officer-pass-1")  # unknown names get the same answer
    expired = SessionRegistry(idle_s=0)
    token, _ = expired.sign_in(store, "jsmith", "officer-pass-1")
    assert expired.user(token) is None
    idle = SessionRegistry(idle_s=0.2)
    token, _ = idle.sign_in(store, "jsmith", "officer-pass-1")
    for _ in range(3):  # a tab's heartbeats (touch=False) do not keep the session alive
        time.sleep(0.1)
        idle.session(token, touch=False)
    assert idle.user(token) is None
    absolute = SessionRegistry(absolute_s=0)  # however busy, a session ends at its absolute limit
    token, _ = absolute.sign_in(store, "jsmith", "officer-pass-1")
    assert absolute.user(token) is None


def test_sign_in_rotates_the_token_binds_session_hashes_and_audits_every_outcome():
    from assistant.store import Store

    store = Store()
    store.add_user("jsmith", "officer", hash_password("officer-pass-1"))
    store.add_user("kwong", "officer", hash_password("officer-pass-2"))
    sessions = SessionRegistry(max_failures=2)
    first, _ = sessions.sign_in(store, "jsmith", "officer-pass-1")
    second, _ = sessions.sign_in(store, "jsmith", "officer-pass-1", previous=first)
    assert first != second and sessions.user(first) is None and sessions.user(second).name == "jsmith"
    other, _ = sessions.sign_in(store, "kwong", "officer-pass-2")
    assert sessions.bind(second, "hash-1") and sessions.bind(second, "hash-1")
    assert not sessions.bind(other, "hash-1")  # a session_hash belongs to the sign-in that used it first
    assert sessions.sign_out(second).name == "jsmith" and sessions.user(second) is None
    assert sessions.bind(other, "hash-1")  # freed at sign-out
    for _ in range(2):
        with pytest.raises(AuthError):
            sessions.sign_in(store, "jsmith", "wrong password")
    with pytest.raises(AuthError, match="Too many"):
        sessions.sign_in(store, "jsmith", "officer-pass-1")
    with pytest.raises(AuthError):
        sessions.sign_in(store, "<script>", "officer-pass-1")
    rows = [(a["actor"], a["action"]) for a in store.audit() if a["action"].startswith("auth.")]
    assert rows == [("jsmith", "auth.sign_in"), ("jsmith", "auth.sign_in"), ("kwong", "auth.sign_in"),
                    ("jsmith", "auth.failure"), ("jsmith", "auth.failure"), ("jsmith", "auth.lockout"),
                    ("jsmith", "auth.lockout"), ("unknown", "auth.failure")]
    assert "<script>" not in str(store.audit()) and "wrong password" not in str(store.audit())


def test_users_add_and_assign_on_the_command_line(casenote_home):
    from assistant.store import Store

    ok = casenote("users", "add", "jsmith", "--role", "officer", "--password-stdin", stdin="officer-pass-1\n")
    assert ok.exit_code == 0, ok.output
    assert casenote("users", "add", "akhan", "--role", "reviewer", "--password-stdin",
                    stdin="reviewer-pass-1\n").exit_code == 0
    row = Store().get_user("jsmith")
    assert row["role"] == "officer" and verify_password("officer-pass-1", row["password_hash"])
    assert "officer-pass-1" not in (casenote_home / "casenote.db").read_bytes().decode("latin-1")

    assert casenote("users", "assign", "akhan", "jsmith").exit_code == 0
    assert Store().officers_of("akhan") == ["jsmith"]

    for args, stdin, message in [
        (("users", "add", "jsmith", "--role", "officer", "--password-stdin"), "another-pass-1\n", "already exists"),
        (("users", "add", "x/../y", "--role", "officer", "--password-stdin"), "another-pass-1\n", "user name"),
        (("users", "add", "bob", "--role", "officer", "--password-stdin"), "short\n", "at least 10"),
        (("users", "add", "bob", "--role", "officer", "--password-stdin"), "", "at least 10"),
        (("users", "add", "bob", "--role", "root", "--password-stdin"), "another-pass-1\n", "root"),
        (("users", "assign", "jsmith", "akhan"), "", "is not a reviewer"),
        (("users", "assign", "akhan", "ghost"), "", "is not an officer"),
    ]:
        r = casenote(*args, stdin=stdin)
        assert r.exit_code == 2 and message in r.stderr_text, (args, r.exit_code, r.output)
    assert Store().get_user("bob") is None


def test_serve_refuses_a_port_in_use():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = casenote("serve", "--port", str(s.getsockname()[1]))
    assert r.exit_code == 2 and "in use" in r.stderr_text
