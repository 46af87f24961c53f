"""Encryption at rest (issue 12): the SQLCipher database, the passphrase-wrapped master key, per-note
keys, authenticated chunked audio, a wrong passphrase, changing the passphrase, and an existing
plaintext store encrypted in place. Real files, real subprocesses of the CLI."""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from cryptography.fernet import Fernet

from assistant import paths
from assistant.store import PassphraseError, Store
from assistant.store.audiofile import (AudioIntegrityError, decrypt_chunks, decrypt_file, decrypt_range, encrypt_stream,
                                      plaintext_size)
from assistant.store.migrations import MIGRATIONS, _split
from assistant.store.sealing import seal

ROOT = Path(__file__).resolve().parents[1]


def _wav(path: Path, seconds: float = 2.0, seed: int = 1) -> bytes:
    pcm = (np.random.default_rng(seed).standard_normal(int(16000 * seconds)) * 3000).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000), w.writeframes(pcm)
    return path.read_bytes()


def _casenote(*args, passphrase: str | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if passphrase is not None:
        env["CASENOTE_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=300)


def _digests() -> dict[str, str]:
    home = paths.casenote_home()
    return {str(f.relative_to(home)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(home.rglob("*")) if f.is_file()}


def test_the_database_and_its_wal_are_encrypted_and_keys_are_wrapped():
    s = Store()
    cid = s.grant_consent("jsmith")
    rec = s.add_recording(cid, "jsmith", "f" * 64, ".wav", 2.0, "2026-03-09")
    s.save_stage_result(rec["id"], "transcribed", {"text": "Saw Daniel Okafor about his rent arrears"})
    home = paths.casenote_home()
    for f in home.rglob("*"):
        data = f.read_bytes() if f.is_file() else b""
        assert not data.startswith(b"SQLite format 3"), f.name
        assert b"jsmith" not in data and b"consents" not in data and b"Okafor" not in data
    # the per-note key is not in the database in a form Fernet accepts: it is wrapped by the master key
    raw = s.conn.execute("SELECT key, wrapped FROM note_keys").fetchone()
    assert raw["wrapped"] == 1 and len(raw["key"]) > 44
    with pytest.raises(ValueError):
        Fernet(raw["key"])
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert s.conn.execute("PRAGMA cipher_version").fetchone()[0]
    ring = json.loads((home / "casenote.db.keyring").read_text())
    assert ring["kdf"]["name"] == "argon2id" and os.environ["CASENOTE_PASSPHRASE"] not in json.dumps(ring)


def test_audio_is_authenticated_chunk_by_chunk(tmp_path):
    key = os.urandom(32)
    plain = _wav(tmp_path / "a.wav", seconds=12)
    enc = io.BytesIO()
    digest = encrypt_stream(io.BytesIO(plain), enc, key, chunk=64 * 1024)
    blob = enc.getvalue()
    assert digest == hashlib.sha256(plain).hexdigest() and b"RIFF" not in blob and b"WAVE" not in blob
    path = tmp_path / "a.enc"
    path.write_bytes(blob)
    assert b"".join(decrypt_chunks(path, key)) == plain
    assert decrypt_file(path, key) == plain                     # the whole file, decrypted into one buffer
    header, rec = 28, 4 + 12 + 64 * 1024 + 16
    damaged = {
        "truncated at a chunk boundary": blob[:header + 2 * rec],
        "truncated mid-chunk": blob[:-10],
        "a chunk dropped": blob[:header] + blob[header + rec:],
        "two chunks swapped": blob[:header] + blob[header + rec:header + 2 * rec] + blob[header:header + rec]
        + blob[header + 2 * rec:],
        "a bit flipped": blob[:5000] + bytes([blob[5000] ^ 1]) + blob[5001:],
        "data appended": blob + blob[header:header + rec],
    }
    for what, data in damaged.items():
        path.write_bytes(data)
        with pytest.raises(AudioIntegrityError):
            b"".join(decrypt_chunks(path, key))
        with pytest.raises(AudioIntegrityError):
            decrypt_file(path, key)
    path.write_bytes(blob)
    with pytest.raises(AudioIntegrityError):
        b"".join(decrypt_chunks(path, os.urandom(32)))          # another note's key
    with pytest.raises(AudioIntegrityError):
        decrypt_file(path, os.urandom(32))
    for size in (0, 64 * 1024):                                 # empty, and exactly one whole chunk
        enc = io.BytesIO()
        encrypt_stream(io.BytesIO(plain[:size]), enc, key, chunk=64 * 1024)
        path.write_bytes(enc.getvalue())
        assert b"".join(decrypt_chunks(path, key)) == decrypt_file(path, key) == plain[:size]


def test_a_byte_range_decrypts_only_its_own_chunks_each_authenticated(tmp_path):
    key, chunk = os.urandom(32), 64 * 1024
    plain = _wav(tmp_path / "a.wav", seconds=12)                # 6 chunks of 64 KiB
    enc = io.BytesIO()
    encrypt_stream(io.BytesIO(plain), enc, key, chunk=chunk)
    blob, path = enc.getvalue(), tmp_path / "a.enc"
    path.write_bytes(blob)
    assert plaintext_size(path) == len(plain)
    rng = np.random.default_rng(7)
    for first in [0, 1, chunk - 1, chunk, len(plain) - 1, *rng.integers(0, len(plain), 20)]:
        last = int(rng.integers(first, len(plain)))
        assert decrypt_range(path, key, int(first), last) == plain[first:last + 1]
    with pytest.raises(ValueError):
        decrypt_range(path, key, 10, len(plain))                 # past the end: the caller's mistake
    header, rec = 28, 4 + 12 + chunk + 16
    flipped = header + 3 * rec + 100                            # a bit flipped inside chunk 3
    path.write_bytes(blob[:flipped] + bytes([blob[flipped] ^ 1]) + blob[flipped + 1:])
    assert decrypt_range(path, key, 0, 2 * chunk - 1) == plain[:2 * chunk]   # chunk 3 never read
    with pytest.raises(AudioIntegrityError):
        decrypt_range(path, key, 2 * chunk, 3 * chunk)
    # Any range that reaches the damage fails, as the whole-file reader does.
    for what, data in {"truncated at a chunk boundary": blob[:header + 2 * rec],
                       "truncated mid-chunk": blob[:-10],
                       "a chunk dropped": blob[:header] + blob[header + rec:],
                       "data appended": blob + blob[header:header + rec]}.items():
        path.write_bytes(data)
        with pytest.raises(AudioIntegrityError):
            decrypt_range(path, key, 0, plaintext_size(path) - 1)
    path.write_bytes(blob)
    with pytest.raises(AudioIntegrityError):
        decrypt_range(path, os.urandom(32), 0, 10)               # another note's key


def test_a_wrong_passphrase_is_a_clear_refusal_that_changes_nothing():
    assert _casenote("consent", "grant", "--officer", "jsmith", "--json").returncode == 0
    before = _digests()
    r = _casenote("consent", "list", "--json", passphrase="not the passphrase")
    assert r.returncode == 2 and "wrong passphrase" in r.stderr and "Traceback" not in r.stderr
    env_less = dict(os.environ)
    env_less.pop("CASENOTE_PASSPHRASE")
    r = subprocess.run([sys.executable, "-m", "assistant", "notes", "list"], env=env_less, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, cwd=ROOT, timeout=300)
    assert r.returncode == 2 and "CASENOTE_PASSPHRASE" in r.stderr
    assert _digests() == before
    with pytest.raises(PassphraseError):
        Store(passphrase="not the passphrase")
    assert len(Store(passphrase=os.environ["CASENOTE_PASSPHRASE"]).list_consents()) == 1


def test_changing_the_passphrase_rewraps_keys_without_rewriting_notes(tmp_path):
    s = Store()
    cid = s.grant_consent("jsmith")
    rec = s.add_recording(cid, "jsmith", "a" * 64, ".wav", 2.0, "2026-03-09")
    wav = _wav(tmp_path / "d.wav")
    s.import_audio(rec["id"], tmp_path / "d.wav", hashlib.sha256(wav).hexdigest())
    s.checkpoint()
    s.close()
    before = _digests()
    old = os.environ["CASENOTE_PASSPHRASE"]
    r = _casenote("passphrase", "change", "--new-stdin", stdin="a brand new passphrase\n")
    assert r.returncode == 0, r.stderr
    after = _digests()
    assert [k for k in before if before[k] != after.get(k)] == ["casenote.db.keyring"]   # only the keyring
    assert _casenote("consent", "list", "--json", passphrase=old).returncode == 2
    r = _casenote("consent", "list", "--json", passphrase="a brand new passphrase")
    assert r.returncode == 0 and json.loads(r.stdout)[0]["id"] == cid
    assert Store(passphrase="a brand new passphrase").recording_audio_bytes(rec["id"]) == wav
    assert _casenote("passphrase", "change", "--new-stdin", stdin="short\n",
                     passphrase="a brand new passphrase").returncode == 2


def _plaintext_store(home: Path, wav: bytes) -> dict:
    """A store as the version before encryption wrote it: plain SQLite, raw note keys, a plain WAV."""
    db = home / "casenote.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    number, name, sql = MIGRATIONS[0]
    for statement in _split(sql):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_migrations VALUES (1, ?, '2026-03-09T10:00:00+00:00')", (name,))
    key = Fernet.generate_key()
    t = "2026-03-09T10:00:00+00:00"
    text = "Saw Daniel Okafor at the office about his rent arrears."
    redacted = "Saw [PERSON_1] at the office about his rent arrears."
    sha = hashlib.sha256(wav).hexdigest()
    conn.execute("INSERT INTO consents VALUES ('c1','jsmith','post-session dictation','keep_days:30',1,1,?,NULL,NULL)",
                 (t,))
    conn.execute("INSERT INTO recordings (id, consent_id, officer, sha256, audio_file, duration_s, contact_date, "
                 "stage, imported_at, updated_at) VALUES ('r1','c1','jsmith',?,'r1.wav',2.0,'2026-03-09','done',?,?)",
                 (sha, t, t))
    conn.execute("INSERT INTO note_keys VALUES ('r1', ?)", (key,))
    words = [{"word": w, "start": i * 0.4, "end": i * 0.4 + 0.3, "probability": 0.9, "char_start": 0, "char_end": 0}
             for i, w in enumerate(text.split())]
    conn.execute("INSERT INTO transcripts VALUES ('r1', ?, 'tiny.en', ?)",
                 (seal(key, {"text": text, "segments": [{"words": []}]}), t))
    ents = [{"type": "PERSON", "start": 4, "end": 17, "placeholder": "[PERSON_1]", "r_start": 4, "r_end": 14}]
    conn.execute("INSERT INTO notes (id, recording_id, officer, consent_id, status, contact_date, redacted_text, "
                 "words, entities, originals_sealed, crissa, speaker_check, timing, created_at, updated_at) "
                 "VALUES ('n1','r1','jsmith','c1','pending_review','2026-03-09',?,?,?,?,'{}','{}','{}',?,?)",
                 (redacted, json.dumps(words[:0]), json.dumps(ents), seal(key, {"[PERSON_1]": "Daniel Okafor"}), t, t))
    conn.execute("INSERT INTO fields VALUES ('n1','actions',?,'[]',NULL)", (json.dumps(["pay the rent arrears"]),))
    conn.close()
    (home / "audio").mkdir(exist_ok=True)
    (home / "audio" / "r1.wav").write_bytes(wav)
    return {"text": redacted}


def test_an_existing_plaintext_store_is_encrypted_in_place(tmp_path):
    home = paths.casenote_home()
    wav = _wav(tmp_path / "old.wav", seconds=3)
    _plaintext_store(home, wav)
    assert any(b"rent arrears" in f.read_bytes() for f in home.rglob("*") if f.is_file())
    s = Store()
    note = s.get_note("n1")
    assert note["transcript"] == "Saw [PERSON_1] at the office about his rent arrears."
    assert s.get_originals("n1", "jsmith") == {"[PERSON_1]": "Daniel Okafor"}
    assert b"".join(s.audio_chunks("n1", "jsmith")) == wav
    assert s.conn.execute("SELECT wrapped FROM note_keys").fetchone()[0] == 1
    s.close()
    for f in home.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert b"rent arrears" not in data and b"RIFF" not in data and not data.startswith(b"SQLite format 3")
            assert wav[2000:2064] not in data, f.name
    assert sorted(p.name for p in (home / "audio").iterdir()) == ["r1.wav.enc"]
    assert Store().get_note("n1")["fields"]["actions"]["value"] == ["pay the rent arrears"]   # opens again


def test_first_openings_at_once_share_one_keyring_and_a_lost_keyring_is_refused():
    import threading

    errors, stores = [], []

    def open_one():
        try:
            st = Store()
            st.grant_consent("jsmith")
            stores.append(st)
        except Exception as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len(Store().list_consents()) == 6
    [st.close() for st in stores]
    ring = paths.casenote_home() / "casenote.db.keyring"
    saved = ring.read_bytes()
    ring.unlink()
    before = _digests()
    with pytest.raises(PassphraseError, match="keyring"):
        Store()
    assert _digests() == before                      # refused, and no new keyring was made
    ring.write_bytes(saved)
    assert len(Store().list_consents()) == 6


def test_a_note_corrected_before_encryption_keeps_working(tmp_path):
    home = paths.casenote_home()
    _plaintext_store(home, _wav(tmp_path / "old.wav", seconds=1))
    conn = sqlite3.connect(home / "casenote.db")
    conn.execute("UPDATE notes SET corrected_text=? WHERE id='n1'",
                 ("Saw [PERSON_1] at the office about his rent arrears and his tenancy.",))
    conn.commit()
    conn.close()
    s = Store()
    note = s.get_note("n1")
    assert note["corrected"]                 # corrected before the corrected source was kept
    i = note["transcript"].index("tenancy")
    assert all(note["transcript"][e["r_start"]:e["r_end"]] == e["placeholder"] for e in note["entities"])
    s.set_redactions("n1", note["entities"] + [{"type": "CASE_REF", "r_start": i, "r_end": i + 7}], "jsmith")
    text = s.get_note("n1")["transcript"]
    assert text == "Saw [PERSON_1] at the office about his rent arrears and his [CASE_REF_1]."
    assert s.get_originals("n1", "jsmith")["[CASE_REF_1]"] == "tenancy"
    after = s.get_note("n1")
    assert all(text[e["r_start"]:e["r_end"]] == e["placeholder"] for e in after["entities"])
    assert after["whisper_transcript"] == "Saw [PERSON_1] at the office about his rent arrears."


def test_an_interrupted_in_place_encryption_is_finished_on_the_next_opening(tmp_path):
    home = paths.casenote_home()
    wav = _wav(tmp_path / "old.wav", seconds=1)
    _plaintext_store(home, wav)
    Store().close()                                  # encrypted in place
    leftover = home / "casenote.db.plaintext-old"    # as a crash after the swap would leave it
    leftover.write_bytes(b"SQLite format 3\x00 rent arrears left behind")
    assert Store().get_note("n1")["status"] == "pending_review"
    assert not leftover.exists()
