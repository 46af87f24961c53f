"""Live dictation on the Dictate tab in headless Debian Chromium, its fake microphone playing speech
the project synthesised (``--use-file-for-fake-audio-capture``): the microphone does not start
before consent is attested, committed words appear in ``#live-transcript`` before Stop, and Stop
opens the new note for review; and a server killed mid-dictation leaves a recording that
``casenote resume`` turns into exactly one note.
"""
from __future__ import annotations

import pytest

from tests.test_review_ui_browser import CHROMIUM_ARGS, CHROMIUM, ROOT, open_review, server, sign_in  # noqa: F401
from tests.test_review_ui_browser import playwright  # noqa: F401
from tests.whisper_text import words

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.spacy]

# How long to wait for the first committed words (or the note after Stop). A quiet machine needs a
# few seconds; with 2 cores shared by a dozen busy processes, a decode took 5-8 s and the first
# words came 45-60 s after Start (models loading included). A wait, not a timing assertion.
_FIRST_WORDS_MS = 240_000

SPOKEN = ("Office appointment today. He arrived on time and we talked about his job search. He has an interview "
          "at a warehouse next week. I have no concerns about alcohol at the moment. He agreed to bring his "
          "interview letter to the next session. Next appointment is Friday at ten in the morning.")


def attest_and_wait_for_live_words(page, diagnose) -> None:
    """Attest the consent, start the microphone and wait for committed words in #live-transcript;
    ``diagnose()`` adds what the test knows to the failure message."""
    page.locator("#consent-ended input").check()
    page.locator("#consent-absent input").check()
    page.locator("#start-dictation").click()
    try:
        page.wait_for_function("(document.querySelector('#live-transcript textarea') || {}).value",
                               timeout=_FIRST_WORDS_MS)
    except Exception:
        raise AssertionError("no live words: " + page.locator("#live-message").inner_text() + " | "
                             + page.locator("#notice").inner_text() + " | " + diagnose()) from None


def test_live_dictation_shows_words_before_stop_then_opens_the_note(server, playwright):  # noqa: F811
    from eval.synth import cached_synthesis

    wav = cached_synthesis(SPOKEN, "piper", ROOT / ".cache" / "test-speech")
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                            f"--use-file-for-fake-audio-capture={wav}"]   # looping: it starts before Record
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        page = browser.new_context(permissions=["microphone"]).new_page()
        sign_in(page, server, "nmic")
        page.get_by_role("tab", name="Dictate").click()
        page.locator("#start-dictation").click()           # no consent ticked: refused, no microphone
        page.wait_for_selector(":text('session has ended')", timeout=30000)
        assert server.store().list_consents("nmic") == []
        attest_and_wait_for_live_words(page, lambda: "consents: " + str(server.store().list_consents("nmic")))
        before_stop = page.locator("#live-transcript textarea").input_value()
        assert server.store().list_notes(officer="nmic") == []
        page.locator("#stop-dictation").click()
        open_review(page)
        page.wait_for_selector("#accept-contact_date", state="visible", timeout=_FIRST_WORDS_MS)
        text = page.locator("#transcript").inner_text().lower()
    finally:
        browser.close()
    assert before_stop.split(), "no words were shown before Stop"
    assert before_stop.split()[0].lower().strip(".,") in text
    (note,) = server.store().list_notes(officer="nmic")
    assert len(server.store().get_note(note["id"])["fields"]) == 8
    assert server.store().list_consents("nmic")[0]["recordings"] == 1


def _live_part_files(home):
    return list((home / "audio").glob("*.stream"))


def test_killed_server_mid_dictation_then_resume_gives_exactly_one_note(playwright, tmp_path):  # noqa: F811
    """SIGKILL the real `casenote serve` while Chromium's fake microphone streams into it; the sealed
    audio that had arrived becomes one note through `casenote resume`, and a second resume adds none."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path
    from types import SimpleNamespace

    from assistant.pipeline import _LIVE_CAPTURE_S
    from assistant.store import Store
    from eval.synth import cached_synthesis
    from tests.review_server import seed_home, serve_process
    from tests.test_review_ui_browser import PASSWORDS, ROLES

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    home = tmp_path / "home"
    seed_home(home, PASSWORDS, ROLES, lambda store: {})
    wav = cached_synthesis(SPOKEN, "piper", ROOT / ".cache" / "test-speech")
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                            f"--use-file-for-fake-audio-capture={wav}"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        with serve_process(home) as (proc, url, _):
            page = browser.new_context(permissions=["microphone"]).new_page()
            sign_in(page, SimpleNamespace(url=url), "nmic")
            page.get_by_role("tab", name="Dictate").click()
            attest_and_wait_for_live_words(page, lambda: "captured: " + str(_live_part_files(home)))
            assert _live_part_files(home), "no live recording is being captured"
            proc.send_signal(signal.SIGKILL)            # mid-dictation: the microphone is still streaming
            proc.wait(timeout=30)
    finally:
        browser.close()
    store = Store(home / "casenote.db")
    [rec] = store._all("SELECT id, stage, officer FROM recordings")
    assert rec["stage"] == "importing" and rec["officer"] == "nmic" and store.list_notes(officer="nmic") == []
    # resume leaves a recording alone while audio may still be arriving; wait that guard out.
    (part,) = _live_part_files(home)
    time.sleep(max(0.0, part.stat().st_mtime + _LIVE_CAPTURE_S + 1 - time.time()))
    env = {**os.environ, "CASENOTE_HOME": str(home)}
    runs = [subprocess.run([sys.executable, "-m", "assistant", "resume", "--json"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=600) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr[-2000:] for r in runs]
    first, second = (json.loads(r.stdout) for r in runs)
    assert len(first["completed"]) == 1 and second["completed"] == []
    (note,) = Store(home / "casenote.db").list_notes(officer="nmic")
    stored = Store(home / "casenote.db").get_note(note["id"])
    assert stored["status"] == "pending_review"
    spoken = set(words(SPOKEN))
    heard = words(stored["transcript"])
    # The fake microphone's audio reaches the server degraded (WebRTC capture of a looping file):
    # tiny.en heard "...going to bring the end of the view to the next point" for "...to bring his
    # interview letter to the next session". The note must still be that speech, not other words.
    assert len(heard) >= 8 and sum(w in spoken for w in heard) >= 0.4 * len(heard), stored["transcript"]
    assert not _live_part_files(home)
