"""Issue 11's attacks, replayed over plain HTTP against a real `casenote serve` subprocess on a free
loopback port (what any other local program or user can send). Each must be refused with nothing
stored and nothing returned.

The notes are made on the real store (``make_note``) with a short synthetic transcript and a real
WAV file written here: these tests are about the boundary, not about speech.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from tests.review_server import COOKIE, GradioRaw, sign_in_http
from tests.security.conftest import PASSWORDS, audio_file, write_wav


def signed_in(server, name) -> tuple[httpx.Client, GradioRaw]:
    http = sign_in_http(server.url, name, PASSWORDS[name])
    return http, GradioRaw(server.url, http.cookies.get(COOKIE))


def notice(outputs: list) -> str:
    return outputs[-1] or ""


def no_server_path(text: str, server) -> bool:
    return str(server.home) not in text and "/etc/" not in text and "/tmp/" not in text


# ---- 1: a file input naming any server path ---------------------------------------------------------

def test_1_a_forged_file_path_never_becomes_a_note(server):
    store = server.store()
    victim_audio = audio_file(server, server.notes["jsmith"])
    assert victim_audio.is_file()
    _, kwong = signed_in(server, "kwong")
    kwong.outputs("attest_ended", [True, True])  # consent ticked: only the path is wrong
    before = {"uploads": server.files("uploads"), "audio": server.files("audio"), "counts": store.counts()}
    for forged in (str(victim_audio), "/etc/passwd", str(server.home / "casenote.db"),
                   str(server.home / "uploads" / "u-x" / ".." / ".." / "audio" / victim_audio.name)):
        data = [{"path": forged, "meta": {"_type": "gradio.FileData"}, "orig_name": "a.wav"},
                True, True, "delete_on_approval", "2026-03-09", "", ""]
        for r in (kwong.join("process", data), kwong.http.post("gradio_api/call/process", json={"data": data}),
                  kwong.http.post("gradio_api/run/process", json={"data": data})):
            assert r.status_code == 403 and "not a dictation you uploaded" in r.text, r.text
            assert no_server_path(r.text, server), r.text
    after = server.store()
    assert after.list_notes(officer="kwong") == [] and after.list_consents("kwong") == []
    assert server.files("uploads") == before["uploads"] and server.files("audio") == before["audio"]
    assert victim_audio.is_file() and after.counts()["notes"] == before["counts"]["notes"]


def test_1b_another_officers_upload_is_not_yours(server):
    jsmith_http, jsmith = signed_in(server, "jsmith")
    jsmith.outputs("attest_ended", [True, True])
    up = jsmith_http.post("gradio_api/upload", files={"files": ("d.wav", write_wav(server.home / "x.wav").read_bytes(),
                                                                  "audio/wav")})
    (server.home / "x.wav").unlink()
    assert up.status_code == 200, up.text
    (path,) = up.json()
    _, kwong = signed_in(server, "kwong")
    kwong.outputs("attest_absent", [True, True])
    r = kwong.join("process", [{"path": path, "meta": {"_type": "gradio.FileData"}}, True, True,
                               "delete_on_approval", "", "", ""])
    assert r.status_code == 403 and "not a dictation you uploaded" in r.text and no_server_path(r.text, server)
    assert Path(path).is_file(), "a refused request must not delete the other officer's upload"
    assert server.store().list_consents("kwong") == []
    jsmith_http.post("logout")
    assert not Path(path).exists(), "signing out removes the officer's unprocessed upload"


# ---- 2: the session_hash is no credential ---------------------------------------------------------

def test_2_a_replayed_session_hash_grants_nothing(server):
    jsmith_http, jsmith = signed_in(server, "jsmith")
    jsmith.outputs("load")  # the victim's tab: its gr.State now holds the open note
    exports_before = server.store().counts()["exports"]
    anonymous = GradioRaw(server.url, None, jsmith.session_hash, fn_index=jsmith.fn_index)
    assert anonymous.join("export", ["json", True]).status_code == 401
    r = anonymous.http.get("gradio_api/queue/data", params={"session_hash": jsmith.session_hash})
    assert r.status_code == 401 and "Daniel" not in r.text
    _, kwong = signed_in(server, "kwong")
    other = GradioRaw(server.url, kwong.http.cookies.get(COOKIE), jsmith.session_hash, fn_index=jsmith.fn_index)
    assert other.join("export", ["json", True]).status_code == 403
    assert other.http.get("gradio_api/queue/data", params={"session_hash": jsmith.session_hash}).status_code == 403
    assert other.http.get(f"gradio_api/heartbeat/{jsmith.session_hash}").status_code == 403
    # Closing the tab is not enough, signing out is: the cookie is then dead on the server.
    old = jsmith_http.cookies.get(COOKIE)
    assert jsmith_http.post("logout").status_code == 200
    replay = GradioRaw(server.url, old, jsmith.session_hash, fn_index=jsmith.fn_index)
    assert replay.join("export", ["json", True]).status_code == 401
    assert server.store().counts()["exports"] == exports_before


# ---- 3: anonymous upload and read-back ----------------------------------------------------------------

def test_3_uploads_need_a_signed_in_officer_who_attested_consent(server):
    audio = write_wav(server.home.parent / "up.wav").read_bytes()
    files = {"files": ("d.wav", audio, "audio/wav")}
    before = server.files("uploads")
    assert httpx.post(server.url + "gradio_api/upload", files=files).status_code == 401
    reviewer, _ = signed_in(server, "akhan")
    assert reviewer.post("gradio_api/upload", files=files).status_code == 403
    officer, raw = signed_in(server, "pbrown")
    refused = officer.post("gradio_api/upload", files=files)  # consent not ticked yet
    assert refused.status_code == 403 and "consent" in refused.text
    assert server.files("uploads") == before
    raw.outputs("attest_ended", [True, True])
    ok = officer.post("gradio_api/upload", files=files)
    assert ok.status_code == 200
    (path,) = ok.json()
    assert "u-" in path and server.files("uploads") != before
    file_url = server.url + "gradio_api/file=" + path
    assert httpx.get(file_url).status_code == 401
    other, _ = signed_in(server, "kwong")
    assert other.get(file_url).status_code == 403
    assert officer.get(file_url).status_code == 200
    raw.outputs("attest_ended", [False, True])  # unticking removes what was uploaded
    assert not Path(path).exists()


def test_3b_an_upload_over_15_minutes_of_audio_is_refused_while_it_streams(server):
    from review_ui.boundary import MAX_UPLOAD_BYTES

    officer, raw = signed_in(server, "pbrown")
    raw.outputs("attest_absent", [True, True])

    def body():  # chunked, no Content-Length: the cap must hold while the bytes arrive
        boundary = b"--cnbound\r\n"
        yield boundary + b'Content-Disposition: form-data; name="files"; filename="long.wav"\r\n' \
                         b"Content-Type: audio/wav\r\n\r\n"
        chunk = b"\0" * (1 << 20)
        for _ in range(MAX_UPLOAD_BYTES // len(chunk) + 2):
            yield chunk
        yield b"\r\n--cnbound--\r\n"
    r = officer.post("gradio_api/upload", content=body(),
                     headers={"Content-Type": "multipart/form-data; boundary=cnbound"})
    assert r.status_code == 413 and no_server_path(r.text, server)
    assert not [f for f in server.files("uploads") if "long" in f]
    # A declared size over the cap is refused before any byte of the body is read (a raw socket:
    # httpx will not send a Content-Length it cannot fill).
    import socket
    host, port = server.url.split("/")[2].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((f"POST /gradio_api/upload HTTP/1.1\r\nHost: {host}\r\n"
                      f"Cookie: {COOKIE}={officer.cookies.get(COOKIE)}\r\n"
                      "Content-Type: multipart/form-data; boundary=x\r\n"
                      f"Content-Length: {MAX_UPLOAD_BYTES + 1}\r\n\r\n").encode())
        assert sock.recv(200).startswith(b"HTTP/1.1 413")


# ---- 4: audio links ----------------------------------------------------------------------------------

def audio_link(outputs: list) -> str:
    m = re.search(r'src="(/casenote/audio/[^"]+)"', json.dumps(outputs).replace('\\"', '"'))
    assert m, outputs
    return m.group(1).lstrip("/")


def test_4_audio_only_for_the_notes_officer_with_a_live_session(server):
    officer_http, officer = signed_in(server, "pbrown")
    link = audio_link(officer.outputs("load"))
    r = officer_http.get(link)
    assert r.status_code == 200 and r.content[:4] == b"RIFF"
    anonymous = httpx.get(server.url + link)
    assert anonymous.status_code == 401 and b"RIFF" not in anonymous.content
    for name in ("kwong", "akhan"):
        other, _ = signed_in(server, name)
        got = other.get(link)
        assert got.status_code == 404 and b"RIFF" not in got.content
    old = officer_http.cookies.get(COOKIE)
    officer_http.post("logout")
    stale = httpx.Client(base_url=server.url)
    stale.cookies.set(COOKIE, old)
    assert stale.get(link).status_code == 401
    again, _ = signed_in(server, "pbrown")
    assert again.get(link).status_code == 404, "a link dies with the sign-in it was issued to"


def test_4_audio_is_served_whole_and_in_byte_ranges_decrypted_in_memory(server):
    officer_http, officer = signed_in(server, "pbrown")
    link = audio_link(officer.outputs("load"))
    whole = officer_http.get(link)
    assert whole.status_code == 200 and whole.headers["cache-control"] == "no-store"
    assert whole.content[:4] == b"RIFF" and int(whole.headers["content-length"]) == len(whole.content)
    for asked, part in (("bytes=4-11", whole.content[4:12]), ("bytes=-16", whole.content[-16:]),
                        (f"bytes={len(whole.content) - 5}-", whole.content[-5:]), ("bytes=0-", whole.content)):
        r = officer_http.get(link, headers={"Range": asked})
        assert r.status_code == 206 and r.content == part, asked
        assert r.headers["content-range"].endswith(f"/{len(whole.content)}")
    assert not [f for f in server.files("audio") if not f.endswith(".enc")]   # nothing decrypted to disk


def test_4_an_open_range_is_answered_with_a_bounded_part_and_bad_ranges_with_the_whole():
    from review_ui.server import RANGE_CAP, byte_range

    total = 29 * 2**20                                           # 15 minutes of 16 kHz audio
    assert byte_range("bytes=0-", total) == (0, RANGE_CAP - 1, total)
    assert byte_range(f"bytes={total - 10}-", total) == (total - 10, total - 1, total)
    assert byte_range("bytes=100-199", total) == (100, 199, total)
    assert byte_range("bytes=-16", total) == (total - 16, total - 1, total)
    assert byte_range(f"bytes=5-{total * 2}", total) == (5, total - 1, total)
    for whole in (None, "", "items=0-5", "bytes=0-5,9-10", "bytes=9-5", f"bytes={total}-", "bytes=x-",
                  "bytes=-0", "bytes=--5", "bytes=0-'; DROP TABLE notes;--"):
        assert byte_range(whole, total) is None, whole
    assert byte_range("bytes=0-", 0) is None


# ---- 5: a reviewer cannot approve ---------------------------------------------------------------------

def test_5_a_reviewer_edits_and_comments_but_only_the_officer_approves(server):
    from review_ui.fields import FIELD_NAMES

    nid = server.notes["jsmith"]
    _, reviewer = signed_in(server, "akhan")
    reviewer.outputs("load")
    for name in FIELD_NAMES:
        reviewer.outputs(f"accept_{name}")
    reviewer.outputs("edit_save_attendance", ["late"])
    out = reviewer.outputs("comment", ["Daniel said he was late: please check attendance."])
    assert "only the note" in notice(reviewer.outputs("save")).lower()
    note = server.store().get_note(nid)
    assert note["status"] == "pending_review" and audio_file(server, nid).is_file()
    assert server.store()._note_row(nid)["approved_by"] is None
    (comment,) = server.store().comments(nid)
    assert "Daniel" not in comment["text"] and "[PERSON_1]" in comment["text"]  # redacted like a correction
    assert "Daniel" not in json.dumps(out)

    _, officer = signed_in(server, "jsmith")
    shown = json.dumps(officer.outputs("load"))
    assert "edited by reviewer akhan" in shown and "please check attendance" in shown
    assert "only the note" not in notice(officer.outputs("save")).lower()
    assert server.store().get_note(nid)["status"] == "pending_review"  # the officer has not reviewed yet
    for name in FIELD_NAMES:
        officer.outputs(f"accept_{name}")
    officer.outputs("save")
    note = server.store().get_note(nid)
    assert note["status"] == "approved" and server.store()._note_row(nid)["approved_by"] == "jsmith"
    assert note["fields"]["attendance"]["review"] == {**note["fields"]["attendance"]["review"],
                                                      "value": "late", "by": "jsmith"}


# ---- 7: every route, audit, messages -------------------------------------------------------------------

def test_7_sign_in_sets_a_strict_cookie_rotates_it_and_audits_every_outcome(server):
    r = httpx.post(server.url + "login", data={"username": "kwong", "password": PASSWORDS["kwong"]})
    cookie = r.headers["set-cookie"]
    assert r.status_code == 200 and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    first = r.cookies[COOKIE]
    r2 = httpx.post(server.url + "login", data={"username": "kwong", "password": PASSWORDS["kwong"]},
                    cookies={COOKIE: first})
    assert r2.cookies[COOKIE] != first
    assert httpx.get(server.url + "config", cookies={COOKIE: first}).status_code == 401  # rotated out
    assert httpx.get(server.url + "config", cookies={COOKIE: r2.cookies[COOKIE]}).status_code == 200
    page = httpx.get(server.url, headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login"
    form = httpx.get(server.url + "login").text
    assert all(f'id="{i}"' in form for i in ("login-name", "login-password", "login-submit"))
    for _ in range(5):
        bad = httpx.post(server.url + "login", data={"username": "eval1", "password": "<script>x</script>"},
                         headers={"Accept": "text/html"})
        assert bad.status_code == 401 and "<script>x" not in bad.text
    locked = httpx.post(server.url + "login", data={"username": "eval1", "password": PASSWORDS["eval1"]})
    assert locked.status_code == 429 and COOKIE not in locked.cookies
    httpx.post(server.url + "login", data={"username": "ghost; DROP TABLE users", "password": "x"})
    httpx.post(server.url + "logout", cookies={COOKIE: r2.cookies[COOKIE]})
    rows = [(a["actor"], a["action"]) for a in server.store().audit() if a["action"].startswith("auth.")]
    assert ("kwong", "auth.sign_in") in rows and ("kwong", "auth.sign_out") in rows
    assert rows.count(("eval1", "auth.failure")) == 5 and ("eval1", "auth.lockout") in rows
    assert ("unknown", "auth.failure") in rows
    assert "DROP TABLE" not in json.dumps(server.store().audit())


def test_7_opening_and_exporting_a_note_is_audited(server):
    _, officer = signed_in(server, "pbrown")
    officer.outputs("load")
    views = [a for a in server.store().audit(server.notes["pbrown"]) if a["action"] == "note.view"]
    assert views and views[-1]["actor"] == "pbrown"


def test_7_a_refusal_shows_no_server_path_and_escapes_what_was_typed(server):
    _, editor = signed_in(server, "pbrown")
    editor.outputs("load")
    msg = editor.call("edit_save_contact_type", ["<img src=x onerror=alert(1)>"])
    text = json.dumps(msg)
    assert "<img" not in text and "&#x27;&lt;img src=x onerror=alert(1)&gt;&#x27; is not a contact type" in text
    _, officer = signed_in(server, "kwong")
    raw = GradioRaw(server.url, officer.http.cookies.get(COOKIE))
    raw.outputs("attest_ended", [True, True])
    up = raw.http.post("gradio_api/upload", files={"files": ("notes.wav", b"not audio at all" * 100, "audio/wav")})
    assert up.status_code == 200, up.text
    (path,) = up.json()
    out = raw.call("process", [{"path": path, "meta": {"_type": "gradio.FileData"}}, True, True,
                               "delete_on_approval", "", "", ""])
    assert no_server_path(json.dumps(out), server), out
    assert server.store().list_consents("kwong") == [] and not Path(path).exists()

