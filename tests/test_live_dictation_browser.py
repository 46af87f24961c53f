"""Live dictation on the Dictate tab in headless Debian Chromium, its fake microphone playing speech
the project synthesised (``--use-file-for-fake-audio-capture``): the microphone does not start
before consent is attested, committed words appear in ``#live-transcript`` before Stop, and Stop
opens the new note for review.
"""
from __future__ import annotations

import pytest

from tests.test_review_ui_browser import CHROMIUM_ARGS, CHROMIUM, ROOT, open_review, server, sign_in  # noqa: F401
from tests.test_review_ui_browser import playwright  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.spacy]

SPOKEN = ("Office appointment today. He arrived on time and we talked about his job search. He has an interview "
          "at a warehouse next week. I have no concerns about alcohol at the moment. He agreed to bring his "
          "interview letter to the next session. Next appointment is Friday at ten in the morning.")


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
        page.locator("#consent-ended input").check()
        page.locator("#consent-absent input").check()
        page.locator("#start-dictation").click()
        try:
            page.wait_for_function("(document.querySelector('#live-transcript textarea') || {}).value",
                                   timeout=60000)
        except Exception:
            raise AssertionError("no live words: " + page.locator("#live-message").inner_text() + " | "
                                 + page.locator("#notice").inner_text() + " | consents: "
                                 + str(server.store().list_consents("nmic"))) from None
        before_stop = page.locator("#live-transcript textarea").input_value()
        assert server.store().list_notes(officer="nmic") == []
        page.locator("#stop-dictation").click()
        open_review(page)
        page.wait_for_selector("#accept-contact_date", state="visible", timeout=60000)
        text = page.locator("#transcript").inner_text().lower()
    finally:
        browser.close()
    assert before_stop.split(), "no words were shown before Stop"
    assert before_stop.split()[0].lower().strip(".,") in text
    (note,) = server.store().list_notes(officer="nmic")
    assert len(server.store().get_note(note["id"])["fields"]) == 8
    assert server.store().list_consents("nmic")[0]["recordings"] == 1
