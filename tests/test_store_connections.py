"""Connections kept for reuse (``assistant.store.connections``): a closed ``Store`` hands its unlocked
connection to the next one, and that never costs correctness or privacy: other stores' and other
processes' writes are seen, a wrong passphrase is still refused, a passphrase change and a revoked
consent close what was kept, a database replaced on disk is not served from an old connection, and
the WAL still goes at exit. Real encrypted files, real subprocesses."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant import paths
from assistant.store import PassphraseError, Store, change_passphrase, connections
from assistant.store.dbfile import ProgrammingError
from tests.test_store import _make_note, _scan_home

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _nothing_kept_from_other_tests():
    connections.forget()
    yield
    connections.forget()


def _casenote(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env=dict(os.environ))


def test_a_closed_store_hands_its_connection_to_the_next_and_cannot_be_used_again():
    s = Store()
    cid = s.grant_consent("jsmith")
    conn = s.conn
    s.close()
    with pytest.raises(ProgrammingError, match="closed"):
        s.list_consents()               # the connection serves another Store now, never this one
    s.close()                           # closing twice is harmless
    again = Store()
    assert again.conn is conn and [c["id"] for c in again.list_consents()] == [cid]
    del again                           # a Store dropped without close() hands it back as well
    assert connections.idle_count(paths.database_path()) == 1
    assert Store().conn is conn


def test_stores_in_one_process_see_each_others_writes():
    first, second = Store(), Store()
    assert first.conn is not second.conn                    # one connection per open Store
    cid = first.grant_consent("jsmith")
    assert [c["id"] for c in second.list_consents()] == [cid]   # second's page cache is warm, and current
    first.close()
    third = Store()                                         # takes first's connection
    other = second.grant_consent("akhan")
    assert {c["id"] for c in third.list_consents()} == {cid, other}
    second.revoke_consent(cid, "jsmith")
    assert third.get_consent(cid)["revoked_at"]


def test_kept_connections_serve_threads_one_at_a_time():
    Store().close()
    errors = []

    def work(i):
        try:
            for _ in range(5):
                with Store() as s:
                    s.grant_consent(f"officer{i}")
        except Exception as e:   # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len(Store().list_consents()) == 20
    assert 1 <= connections.idle_count(paths.database_path()) <= connections.IDLE_PER_DATABASE


def test_a_kept_connection_sees_another_processes_writes():
    s = Store()
    s.grant_consent("jsmith")
    assert len(s.list_consents()) == 1                     # its cache holds those pages now
    conn = s.conn
    s.close()
    r = _casenote("consent", "grant", "--officer", "akhan", "--json")
    assert r.returncode == 0, r.stderr
    again = Store()
    assert again.conn is conn
    assert {c["officer"] for c in again.list_consents()} == {"jsmith", "akhan"}


def test_a_wrong_passphrase_is_refused_though_a_connection_is_kept():
    Store().grant_consent("jsmith")
    assert connections.idle_count(paths.database_path()) == 1
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        Store(passphrase="not the passphrase at all")
    assert connections.idle_count(paths.database_path()) == 1      # it was not lent to the refused caller


def test_changing_the_passphrase_closes_what_was_opened_under_the_old_one():
    old = os.environ["CASENOTE_PASSPHRASE"]
    kept, still_open = Store(), Store()
    cid = kept.grant_consent("jsmith")
    kept_conn = kept.conn
    kept.close()
    change_passphrase(paths.database_path(), old, "a brand new passphrase")
    assert connections.idle_count(paths.database_path()) == 0
    with pytest.raises(ProgrammingError):
        kept_conn.execute("SELECT 1")                      # closed, not merely set aside
    still_open.close()                                     # in use during the change: closed on return
    assert connections.idle_count(paths.database_path()) == 0
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        Store(passphrase=old)
    assert [c["id"] for c in Store(passphrase="a brand new passphrase").list_consents()] == [cid]


def test_revoking_erases_with_connections_kept_and_keeps_none_of_them():
    s = Store()
    cid, _, note_id, pcm, _ = _make_note(s)
    readers = [Store(), Store()]
    for r in readers:
        assert r.get_note(note_id)["transcript"]            # their page caches hold the note
        r.close()
    assert connections.idle_count(paths.database_path()) == 2
    counts = s.revoke_consent(cid, "jsmith")
    assert counts["notes"] == 1 and counts["wal_checkpointed"]   # kept connections hold no read lock
    assert connections.idle_count(paths.database_path()) == 0    # nor does any of them live on
    assert paths.database_path().with_name("casenote.db-wal").stat().st_size == 0
    s.close()
    assert connections.idle_count(paths.database_path()) == 0    # the revoking one is closed on return
    assert _scan_home([b"John Smith", b"rent arrears", pcm[1000:1064], pcm[-64:]]) == []


def test_a_database_replaced_on_disk_is_not_served_from_a_kept_connection():
    db = paths.database_path()
    Store().grant_consent("jsmith")
    assert connections.idle_count(db) == 1
    for name in ("casenote.db", "casenote.db-wal", "casenote.db-shm"):
        db.with_name(name).unlink(missing_ok=True)          # the keyring stays: the same key opens a new file
    fresh = Store()
    assert fresh.list_consents() == []
    assert connections.idle_count(db) == 0                  # the old file's connection was closed


def test_few_connections_are_kept(tmp_path):
    for i in range(connections.IDLE_TOTAL + 2):
        Store(tmp_path / f"store{i}" / "casenote.db").close()
    assert connections.idle_count() == connections.IDLE_TOTAL
    assert connections.idle_count(tmp_path / "store0" / "casenote.db") == 0    # the oldest went first
    many = [Store() for _ in range(connections.IDLE_PER_DATABASE + 2)]
    [s.close() for s in many]
    assert connections.idle_count(paths.database_path()) == connections.IDLE_PER_DATABASE


def test_a_process_closes_its_kept_connections_at_exit_and_the_wal_goes():
    r = _casenote("consent", "grant", "--officer", "jsmith", "--json")
    assert r.returncode == 0, r.stderr
    code = ("from assistant.store import Store, connections\n"
            "s = Store(); s.grant_consent('akhan'); s.close()\n"
            "assert connections.idle_count() == 1\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    home = paths.casenote_home()
    assert not (home / "casenote.db-wal").exists() and not (home / "casenote.db-shm").exists()
    assert len(Store().list_consents()) == 2


def test_a_store_dropped_while_the_pools_lock_is_held_is_kept_later_without_a_deadlock():
    """The garbage collector may run a dropped Store's finalizer anywhere, even inside the pool's
    own locked code: handing back must then wait for the next pool call, not block."""
    s = Store()
    s.grant_consent("jsmith")
    with connections._lock:
        del s                                              # its finalizer runs here, under the lock
    assert connections.idle_count(paths.database_path()) == 1
    assert len(Store().list_consents()) == 1


def test_forgetting_every_store_also_closes_connections_lent_out_at_the_time():
    lent = Store()
    connections.forget()
    lent.close()
    assert connections.idle_count() == 0
