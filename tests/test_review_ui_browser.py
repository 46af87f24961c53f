"""The review screen in headless Debian Chromium (system /usr/bin/chromium, no browser download),
against a real `casenote serve` subprocess on a free loopback port and a real SQLite store.

One server per module (starting Gradio costs seconds); each test signs in as its own officer so
tests do not share a note. Notes come from the bundled demo dictation, spoken by Piper and
transcribed by the real tiny.en model (see ``make_note`` in test_review_ui.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from review_ui.server import RANGE_CAP
from tests.review_server import COOKIE, running_server, seed_home
from tests.test_review_ui import DEMO_TEXT, ROOT, hostile_transcript, make_note, transcribe_cached

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.spacy]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
PASSWORDS = {"jsmith": "officer-pass-1", "kwong": "officer-pass-2", "hostile": "officer-pass-3", "lbell": "officer-pass-4",
             "mpatel": "officer-pass-5", "nmic": "officer-pass-6", "axe1": "officer-pass-8",
             "akhan": "reviewer-pass-1", "eval1": "evaluator-pass"}
ROLES = {**{name: "officer" for name in PASSWORDS}, "akhan": "reviewer", "eval1": "evaluator"}


class Server:
    def __init__(self, url: str, home: Path, notes: dict[str, str]):
        self.url, self.home, self.notes = url, home, notes

    def store(self):
        from assistant.store import Store
        return Store(self.home / "casenote.db")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from eval.synth import cached_synthesis

    home = tmp_path_factory.mktemp("review-server")
    wav = cached_synthesis(DEMO_TEXT, "piper", ROOT / ".cache" / "test-speech")
    transcript = transcribe_cached(wav)

    def notes_of(store) -> dict:
        notes = {who: make_note(store, who, transcript, wav) for who in ("jsmith", "lbell", "mpatel", "axe1")}
        notes["hostile"] = make_note(store, "hostile", hostile_transcript(
            "Daniel wrote <script>alert(1)</script> on the form and <img src=x onerror=alert(2)> too."))
        return notes
    notes = seed_home(home, PASSWORDS, ROLES, notes_of)
    with running_server(home) as (url, _):
        yield Server(url, home, notes)


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.requests = []
    pg.dialogs = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def sign_in(page, server, name, password=None):
    page.goto(server.url)  # redirected to the sign-in form
    page.locator("#login-name").fill(name)
    page.locator("#login-password").fill(password or PASSWORDS[name])
    page.locator("#login-submit").click()
    page.wait_for_selector("#whoami .cn-who", timeout=30000)


def open_review(page, timeout=30000):
    page.wait_for_selector("#transcript .cn-transcript", timeout=timeout)
    page.wait_for_selector("#card-contact_date .cn-card", timeout=timeout)


def wait_reviewed(page, n):
    page.wait_for_selector(f'.cn-progress[data-done="{n}"]', timeout=30000)


def test_sign_in_refuses_a_wrong_password_then_opens_the_officers_note(page, server):
    page.goto(server.url)
    assert page.url.endswith("/login")
    page.locator("#login-name").fill("jsmith")
    page.locator("#login-password").fill("not-the-password")
    page.locator("#login-submit").click()
    page.wait_for_selector("#login-message:has-text('Wrong name or password')", timeout=30000)
    assert page.url.endswith("/login") and page.locator("#whoami").count() == 0
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]
    sign_in(page, server, "jsmith")
    assert "jsmith" in page.locator("#whoami").inner_text()
    open_review(page)
    cards = page.locator("[id^='card-'] .cn-card")
    assert cards.count() == 8
    assert "Talking Therapies" in page.locator("#card-referrals").inner_text()
    assert page.locator("#transcript .cn-chip[data-type='PERSON']").count() >= 2
    assert "Daniel" not in page.locator("#transcript").inner_text()


def test_save_waits_for_the_last_field_and_an_edit_is_audited(page, server):
    from review_ui.fields import FIELD_NAMES

    sign_in(page, server, "jsmith")
    open_review(page)
    save = page.locator("#save-note")
    assert save.is_disabled()
    for i, name in enumerate(FIELD_NAMES[:-1]):
        page.locator(f"#accept-{name}").click()
        wait_reviewed(page, i + 1)
        assert save.is_disabled()
    page.locator("#edit-next_appointment").click()
    box = page.locator("#edit-box-next_appointment input")
    box.fill("next Friday")  # refused: not a date; nothing is stored and the typing stays
    page.locator("#save-edit-next_appointment").click()
    page.wait_for_selector("#notice .cn-notice:has-text('YYYY-MM-DDTHH:MM')", timeout=30000)
    assert box.input_value() == "next Friday" and save.is_disabled()
    box.fill("2026-03-13T10:30")
    page.locator("#save-edit-next_appointment").click()
    wait_reviewed(page, 8)
    page.wait_for_function("!document.querySelector('#save-note').disabled", timeout=30000)
    assert page.locator("#card-next_appointment .cn-state-edited").count() == 1

    nid = server.notes["jsmith"]
    store = server.store()
    note = store.get_note(nid)
    assert note["fields"]["next_appointment"]["review"]["value"] == "2026-03-13T10:30"
    assert note["fields"]["next_appointment"]["review"]["by"] == "jsmith"
    edit_rows = [a for a in store.audit(nid) if a["action"] == "field.review" and a["detail"]["action"] == "edit"]
    assert len(edit_rows) == 1 and edit_rows[0]["actor"] == "jsmith" and edit_rows[0]["detail"]["changed"]

    save.click()
    page.wait_for_selector(".cn-progress[data-status='approved']", timeout=30000)
    assert server.store().get_note(nid)["status"] == "approved"
    assert page.locator("#accept-contact_date").is_disabled()  # read-only for the officer now
    page.locator("#export-show").click()
    page.wait_for_function("document.querySelector('#export-text textarea').value.includes('Appointment')",
                           timeout=30000)
    exported = page.locator("#export-text textarea").input_value()
    assert "[PERSON_" in exported and "Daniel" not in exported
    page.locator("#export-format").get_by_label("json").check()
    page.locator("#export-full input").check()  # the note's own officer asks for the full text: logged
    page.locator("#export-show").click()
    page.wait_for_function("document.querySelector('#export-text textarea').value.includes('Daniel')",
                           timeout=30000)
    assert json.loads(page.locator("#export-text textarea").input_value())["fields"]["next_appointment"] \
        == "2026-03-13T10:30"
    exports = [a["detail"] for a in server.store().audit(nid) if a["action"] == "note.export"]
    assert exports == [{"fmt": "crissa", "full": False}, {"fmt": "json", "full": True}]


def test_import_a_dictation_after_consent_then_review_it_with_the_keyboard_alone(page, server):
    """The real pipeline on the bundled dictation (Piper speech, tiny.en), then a review by keyboard."""
    from eval.synth import cached_synthesis

    wav = cached_synthesis(DEMO_TEXT, "piper", ROOT / ".cache" / "test-speech")
    page.goto(server.url)
    page.locator("#login-name").focus()
    page.keyboard.type("kwong")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["kwong"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#whoami .cn-who", timeout=30000)
    page.get_by_role("tab", name="Dictate").click()
    page.locator("#dictation-date input").fill("2026-03-09")
    page.locator("#process-dictation").click()  # no consent ticked: refused, nothing stored
    page.wait_for_selector("#notice .cn-notice:has-text('session has ended')", timeout=30000)
    # Nothing can even be uploaded before both consent statements are ticked.
    assert page.locator("#dictation-audio input[type=file]").count() == 0
    assert server.store().list_consents("kwong") == []
    page.locator("#consent-ended input").check()
    page.locator("#consent-absent input").check()
    page.locator("#dictation-audio input[type=file]").set_input_files(str(wav))
    page.wait_for_selector("#dictation-audio audio, #dictation-audio [data-testid='waveform-controls']",
                           state="attached", timeout=30000)
    page.locator("#process-dictation").click()
    open_review(page, timeout=180000)  # the new note opens in the Review tab (the real pipeline ran)
    assert page.locator("[id^='card-'] .cn-card").count() == 8
    assert page.locator("#card-referrals .cn-evidence").count() >= 1
    assert "Daniel" not in page.locator("#transcript").inner_text()
    (nid,) = [n["id"] for n in server.store().list_notes(officer="kwong")]

    # The newly opened note puts focus on the review surface, at its first field.
    page.wait_for_selector("#field-contact_date.cn-kbd-current", timeout=30000)
    kb = page.keyboard  # from here on, keys only
    kb.press("n"), kb.press("n"), kb.press("p")
    assert page.locator("#field-contact_type.cn-kbd-current").count() == 1
    kb.press("p")
    for i in range(3):  # contact_date, contact_type, attendance
        kb.press("a")
        wait_reviewed(page, i + 1)
    kb.press("e")  # needs_discussed: edit, type, Ctrl+Enter
    page.wait_for_function("document.activeElement && document.activeElement.closest('#edit-box-needs_discussed')")
    kb.press("Control+a")
    kb.type("accommodation\nalcohol\nfinance")
    kb.press("Control+Enter")
    wait_reviewed(page, 4)
    for i in range(4):  # risk_flags, referrals, actions, next_appointment
        kb.press("a")
        wait_reviewed(page, 5 + i)
    page.wait_for_function("!document.querySelector('#save-note').disabled", timeout=30000)
    kb.press("s")
    page.wait_for_selector(".cn-progress[data-status='approved']", timeout=30000)
    note = server.store().get_note(nid)
    assert note["status"] == "approved"
    assert note["fields"]["needs_discussed"]["review"]["value"] == ["accommodation", "alcohol", "finance"]
    assert {note["fields"][n]["review"]["action"] for n in ("contact_date", "referrals", "actions")} == {"accept"}
    from assistant import paths
    with pytest.MonkeyPatch.context() as mp:   # the server's upload folder (in memory where possible)
        mp.setenv("CASENOTE_HOME", str(server.home))
        uploads = paths.upload_dir()
    assert uploads.is_dir()
    assert not list(uploads.rglob("*.wav")), "the browser upload was not removed"


def test_record_a_dictation_from_the_microphone(server, playwright):
    """Chromium's fake microphone plays speech the project synthesised; the screen records and processes it."""
    from eval.synth import cached_synthesis

    wav = cached_synthesis("Telephone contact today. He attended and is doing well. "
                           "Next appointment is Friday at ten a m.", "piper", ROOT / ".cache" / "test-speech")
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                            f"--use-file-for-fake-audio-capture={wav}%noloop"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        page = browser.new_context(permissions=["microphone"]).new_page()
        sign_in(page, server, "nmic")
        page.get_by_role("tab", name="Dictate").click()
        page.locator("#consent-ended input").check()  # the recorder opens only after both statements
        page.locator("#consent-absent input").check()
        page.locator("#dictation-audio button[aria-label='Record audio']").click()
        page.locator("#dictation-audio button:has-text('Record')").first.click()
        page.wait_for_timeout(7000)  # the 6 s dictation, spoken into the fake microphone
        page.locator("#dictation-audio button:has-text('Stop')").first.click()
        page.wait_for_timeout(1000)  # the recording uploads
        page.locator("#process-dictation").click()
        open_review(page, timeout=180000)  # the real pipeline; slow on a loaded machine
        text = page.locator("#transcript").inner_text().lower()
    finally:
        browser.close()
    assert "appointment" in text and "friday" in text, text
    (note,) = server.store().list_notes(officer="nmic")
    assert len(server.store().get_note(note["id"])["fields"]) == 8
    assert server.store().list_consents("nmic")[0]["recordings"] == 1


def test_clicking_a_word_plays_the_audio_from_there(page, server):
    sign_in(page, server, "lbell")
    open_review(page)
    page.wait_for_function("document.getElementById('cn-audio').readyState >= 1", timeout=30000)
    word = page.locator("#transcript .cn-word").nth(30)
    t = float(word.get_attribute("data-t"))
    assert t > 3
    word.click()
    page.wait_for_function(f"document.getElementById('cn-audio').currentTime >= {t - 0.05}", timeout=10000)
    assert page.evaluate("document.getElementById('cn-audio').currentTime") < t + 5
    # A late word lies past the first answer to the player's open range (RANGE_CAP): the player asks
    # on, and the server decrypts only the chunks that hold it.
    src = server.url.rstrip("/") + page.locator("#cn-audio").get_attribute("src")
    first = page.request.get(src, headers={"Range": "bytes=0-"})
    total = int(first.headers["content-range"].rpartition("/")[2])
    assert first.status == 206 and len(first.body()) == RANGE_CAP < total
    late = page.locator("#transcript .cn-word").last
    t_late = float(late.get_attribute("data-t"))
    duration = page.evaluate("document.getElementById('cn-audio').duration")
    assert t_late / duration * total > RANGE_CAP, "the dictation is too short to test a seek past the first range"
    late.click()
    page.wait_for_function(f"document.getElementById('cn-audio').currentTime >= {t_late - 0.05}", timeout=10000)
    # The link is the officer's alone and lives only as long as their sign-in.
    r = page.request.get(src)
    assert r.headers["content-type"].startswith("audio/") and r.body()[:4] == b"RIFF"
    assert httpx.get(src).status_code == 401  # no cookie, no audio
    (cookie,) = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE]
    page.locator("#logout").click()
    page.wait_for_selector("#login-submit", timeout=30000)
    assert page.request.get(src).status == 401
    assert httpx.get(src, cookies={COOKIE: cookie}).status_code == 401  # the old cookie is dead on the server


def test_a_reviewer_sees_the_redacted_note_but_never_the_officers_audio(page, server, browser):
    sign_in(page, server, "akhan")
    open_review(page)
    assert page.locator("#cn-audio").count() == 0
    assert "no audio" in page.locator("#note-audio").inner_text()
    assert not any("/casenote/audio/" in u for u in page.requests)
    # A guessed link opens nothing, even signed in, and the store refuses the reviewer.
    assert page.request.get(server.url + "casenote/audio/guessed-token").status == 404
    from assistant.store import PermissionDenied
    with pytest.raises(PermissionDenied):
        server.store().audio_path(server.notes["jsmith"], "akhan")


def test_script_in_a_transcript_renders_as_text(page, server):
    sign_in(page, server, "hostile")
    open_review(page)
    text = page.locator("#transcript").inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert page.locator("#transcript script, #transcript img").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []


def test_the_page_requests_nothing_beyond_loopback(page, server):
    sign_in(page, server, "lbell")
    open_review(page)
    page.wait_for_timeout(1000)
    hosts = {u.split("/")[2] for u in page.requests if u.startswith("http")}
    assert hosts == {server.url.split("/")[2]}, hosts
    assert all(u.startswith(("http://127.0.0.1:", "data:", "blob:")) for u in page.requests), page.requests


def test_an_evaluator_sees_figures_only(page, server):
    sign_in(page, server, "eval1")
    page.wait_for_selector("#figures .cn-figures", timeout=30000)
    assert "Reviews by field" in page.locator("#figures").inner_text()
    assert not page.locator("#note-picker").is_visible()
    assert page.locator("#transcript .cn-transcript").count() == 0


def test_the_officer_undoes_a_false_redaction_and_adds_a_missed_one(page, server):
    nid = server.notes["mpatel"]
    n0 = len(server.store().get_note(nid)["entities"])
    sign_in(page, server, "mpatel")
    open_review(page)
    assert page.locator("#transcript .cn-chip[data-type='PHONE']").count() == 1
    page.get_by_text("Redactions").first.click()
    page.locator("#undo-redaction-choice input").click()
    page.get_by_role("option", name="[PHONE_1] (PHONE)").click()
    page.locator("#undo-redaction").click()
    page.wait_for_function("!document.querySelector(\"#transcript .cn-chip[data-type='PHONE']\")", timeout=30000)
    page.locator("#add-redaction-text input").fill("shared house")
    page.locator("#add-redaction-type input").click()
    page.get_by_role("option", name="ADDRESS", exact=True).click()
    page.locator("#add-redaction").click()
    page.wait_for_selector("#transcript .cn-chip[data-type='ADDRESS']", timeout=30000)
    note = server.store().get_note(nid)
    assert "shared house" not in note["transcript"] and "[ADDRESS_1]" in note["transcript"]
    assert {e["type"] for e in note["entities"]} == {"PERSON", "ADDRESS"}
    assert [(a["actor"], a["detail"]) for a in server.store().audit(nid) if a["action"] == "redactions.set"] == [
        ("mpatel", {"before": n0, "after": n0 - 1}), ("mpatel", {"before": n0 - 1, "after": n0})]

    # Correcting Whisper's words: a placeholder may not be dropped; a real fix is stored for `eval edits`.
    page.get_by_text("Correct Whisper's words").click()
    box = page.locator("#correction-text textarea")
    text = box.input_value()
    assert "[ADDRESS_1]" in text
    box.fill(text.replace("[ADDRESS_1]", "house"))
    page.locator("#save-correction").click()
    page.wait_for_selector("#notice .cn-notice:has-text('missing: [ADDRESS_1]')", timeout=30000)
    assert not server.store().get_note(nid)["corrected"]
    box.fill(text.replace("drinking", "drinking (corrected)"))
    page.locator("#save-correction").click()
    page.wait_for_selector("#transcript .cn-caption", timeout=30000)
    assert "drinking (corrected)" in page.locator("#transcript").inner_text()
    pairs = server.store().edit_statistics()["transcript_pairs"]
    # (the store re-redacts typed text, so only the officer's own change is compared)
    (corrected,) = [p["corrected"] for p in pairs if p["note_id"] == nid]
    assert "his drinking (corrected) is down" in corrected and "[ADDRESS_1]" in corrected


def serious_axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:4]) for v in found
            if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious_on_sign_in_review_and_dictate(page, server):
    page.goto(server.url)
    assert serious_axe_violations(page) == []
    sign_in(page, server, "axe1")
    open_review(page)
    page.wait_for_timeout(500)
    assert serious_axe_violations(page) == []
    assert page.locator("h1").count() == 1
    names = [page.locator(f"#accept-{n}").inner_text() for n in __import__("review_ui.fields").fields.FIELD_NAMES]
    assert len(set(names)) == 8 and all(n.startswith("Accept") for n in names)
    # Play from here by keyboard: into the transcript, arrows to a word, Enter plays from it.
    page.wait_for_function("document.getElementById('cn-audio').readyState >= 1", timeout=30000)
    page.locator("#cn-transcript-text").focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    t = float(page.evaluate("document.activeElement.getAttribute('data-t')"))
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.getElementById('cn-audio').currentTime >= {t - 0.05}", timeout=10000)
    page.get_by_role("tab", name="Dictate").click()
    page.locator("#consent-ended input").check()
    page.locator("#consent-absent input").check()
    page.wait_for_selector("#dictation-audio input[type=file]", state="attached", timeout=30000)
    assert serious_axe_violations(page) == []
