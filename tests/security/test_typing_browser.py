"""Issue 11, attack 6, in headless Debian Chromium against the security tests' `casenote serve`:
typing can never pass the review gate. After a refused one-line edit the box keeps focus; with
focus off the review surface, or straight after a text box, shortcut keys do nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.conftest import PASSWORDS
from tests.test_review_ui_browser import (CHROMIUM, browser, open_review, page, playwright,  # noqa: F401
                                          sign_in, wait_reviewed)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]


def test_typing_right_after_a_refused_edit_changes_no_field(page, server):
    """Issue 11, attack 6: after a refused one-line edit, retyping 'attended' must stay text."""
    nid = server.notes["pbrown"]
    sign_in(page, server, "pbrown", PASSWORDS["pbrown"])
    open_review(page)
    page.locator("#edit-attendance").click()
    box = page.locator("#edit-box-attendance input")
    box.fill("someday")
    box.press("Enter")  # refused: not an attendance code
    page.wait_for_selector("#notice .cn-notice:has-text('attendance code')", timeout=30000)
    page.keyboard.type("attended")  # straight after the refusal: into the box, never a shortcut
    assert box.input_value() == "somedayattended"
    page.evaluate("document.activeElement.blur()")  # focus lost: off the review surface
    page.keyboard.type("attended")
    page.evaluate("document.querySelector('#field-needs_discussed').focus()")  # on it, but just after typing
    page.keyboard.type("attended")
    page.wait_for_timeout(1000)
    store = server.store()
    assert all(f["review"] is None for f in store.get_note(nid)["fields"].values())
    assert [a for a in store.audit(nid) if a["action"] == "field.review"] == []
    assert not page.locator("#edit-box-risk_flags textarea").is_visible()
    assert page.locator(".cn-progress[data-done='0']").count() == 1
    # The gate is a pause, not a broken keyboard: a moment later the same key accepts the chosen field.
    page.wait_for_timeout(1600)
    page.keyboard.press("a")
    wait_reviewed(page, 1)
    assert server.store().get_note(nid)["fields"]["needs_discussed"]["review"]["action"] == "accept"
