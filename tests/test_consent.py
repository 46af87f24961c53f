"""Consent from the command line: grant, list, revoke, and refusals that leave the store unchanged."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.store import Store


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_grant_list_revoke_round_trip():
    r = run("consent", "grant", "--officer", "jsmith", "--json")
    assert r.exit_code == 0, r.output
    cid = json.loads(r.stdout)["consent_id"]
    r = run("consent", "grant", "--officer", "jsmith", "--retention", "keep_days:14")
    assert r.exit_code == 0 and "attests the session has ended" in r.stdout
    listed = json.loads(run("consent", "list", "--json").stdout)
    assert [c["officer"] for c in listed] == ["jsmith", "jsmith"] and all(c["active"] for c in listed)
    assert {c["retention"] for c in listed} == {"delete_on_approval", "keep_days:14"}
    r = run("consent", "revoke", cid, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["revoked"]
    listed = {c["id"]: c for c in json.loads(run("consent", "list", "--officer", "jsmith", "--json").stdout)}
    assert not listed[cid]["active"] and listed[cid]["revoked_by"] == "jsmith"
    actions = [a["action"] for a in Store().audit()]
    assert actions == ["consent.grant", "consent.grant", "consent.revoke"]


def test_once_accounts_exist_consent_is_for_officer_accounts_only():
    s = Store()
    s.add_user("jsmith", "officer", "scrypt$x")
    s.add_user("rlee", "reviewer", "scrypt$y")
    assert run("consent", "grant", "--officer", "jsmith").exit_code == 0
    for who in ("jsmtih", "rlee"):
        before = Store().counts()
        r = run("consent", "grant", "--officer", who)
        assert r.exit_code == 2 and "not an officer account" in r.stderr
        assert Store().counts() == before


@pytest.mark.parametrize("args, message", [
    (["consent", "grant", "--officer", "../../etc/passwd"], "invalid officer id"),
    (["consent", "grant", "--officer", "<b>x</b>"], "invalid officer id"),
    (["consent", "grant", "--officer", "jsmith", "--retention", "keep_days:-1"], "invalid retention"),
    (["consent", "grant", "--officer", "jsmith", "--retention", "forever"], "invalid retention"),
    (["consent", "revoke", "no-such-consent"], "no consent"),
])
def test_bad_consent_requests_exit_2_and_change_nothing(args, message):
    before = Store().counts()
    r = run(*args)
    assert r.exit_code == 2 and message in r.stderr
    assert Store().counts() == before
