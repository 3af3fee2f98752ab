""" "My registration" in a real browser, on a phone's width and a desktop's: the page from the link in
the confirmation, a change by keyboard alone, an error shown next to its field, a new link and the
withdrawal; axe-core finds nothing on any of them, nor on "send me my link"."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from intake.models import Household, HouseholdEvent, OutboxMessage
from intake.public import mylink

from tests.browser.axe import axe_report
from tests.support.intake_helpers import REGISTRATION, expand_events, submit

PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}
SHOTS = os.environ.get("TASTEGET_SCREENSHOTS")  # a folder to keep screenshots in, to look at them


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def registered(app, rows, lang: str) -> str:
    """Register (contact language `lang`) and return the path of the link in the confirmation."""
    client = app.test_client()
    assert submit(client, "/registrera/", {**REGISTRATION, "contact_language": lang}).status_code == 303
    expand_events(app)
    [confirmation] = [m for m in rows(OutboxMessage) if m.kind == "mover_confirmation"]
    return re.search(r"http://[^/\s]+(/(?:registrera/mitt|en/register/mine)/[\w.-]+/)", confirmation.body_text)[1]


WIDER = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate(WIDER)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_page_reads_well_on_a_phone_and_a_desktop(live, app, rows, lang):
    page = live
    link = registered(app, rows, lang)
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(link)
        assert page.locator("h1").inner_text() == ("Min anmälan" if lang == "sv" else "My registration")
        assert "inflytt@are.example" in page.content()
        _shot(page, f"mine-{lang}-{name}")
        assert axe_report(page) == "", f"{name} {lang}"
        _no_horizontal_scroll(page)
    assert page.foreign_requests == [] and page.failed == []


def test_a_change_by_keyboard_alone_on_a_phone(live, app, rows):
    page = live
    page.set_viewport_size(PHONE)
    page.goto(registered(app, rows, "en"))
    page.locator("#phone").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("+47 912 34 567")
    for _ in range(80):  # on to the timeframe's choices, then the arrow keys choose within them
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "timeframe":
            break
    page.keyboard.press("ArrowDown")  # from "Within 6 months" to "In 6–12 months"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Save my changes"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*\?done=saved$"))
    assert "Your changes are saved" in page.locator(".ts-receipt").inner_text()
    [h] = rows(Household)
    assert (h.phone, h.timeframe) == ("+47 912 34 567", "12m")
    assert [e.kind for e in rows(HouseholdEvent)] == ["mover_details"]
    assert axe_report(page) == ""
    _shot(page, "mine-en-phone-saved")


def test_an_error_is_shown_next_to_its_field_and_the_summary_leads_there(live, app, rows):
    page = live
    page.set_viewport_size(PHONE)
    page.goto(registered(app, rows, "sv"))
    page.get_by_role("textbox", name="E-post", exact=True).fill("anna@")
    page.get_by_label("Berg").check()
    page.get_by_label("Vet inte än").check()
    page.get_by_role("button", name="Spara mina ändringar").click()
    summary = page.locator("#error-summary")
    summary.wait_for(state="visible")
    # The summary takes focus once its script has run (and only then do its links move focus).
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.locator("#email-error").is_visible()
    assert page.locator("#email").input_value() == "anna@"  # what was typed, kept
    assert page.get_by_label("Berg").is_checked()
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "email"
    assert axe_report(page) == ""
    _shot(page, "mine-sv-phone-error")
    assert rows(HouseholdEvent) == []


def test_a_new_link_and_the_withdrawal(live, app, rows):
    page = live
    page.set_viewport_size(PHONE)
    link = registered(app, rows, "en")
    page.goto(link)
    page.get_by_role("button", name="Send me a new link").click()
    page.wait_for_url(re.compile(r".*\?done=link$"))
    assert "We are sending a new link" in page.locator(".ts-receipt").inner_text()
    assert axe_report(page) == ""
    expand_events(app)
    [sent] = [m for m in rows(OutboxMessage) if m.kind == "mover_link"]
    new = re.search(r"http://[^/\s]+(/en/register/mine/[\w.-]+/)", sent.body_text)[1]
    page.goto(link)  # the old link: replaced
    assert "replaced by a newer one" in page.content()
    assert axe_report(page) == ""
    _shot(page, "mine-en-phone-replaced")
    page.goto(new)
    page.get_by_role("link", name="Withdraw my registration").click()
    page.get_by_role("button", name="Withdraw my registration").click()
    assert page.locator("h1").inner_text() == "Your registration is withdrawn"
    page.goto(new)
    assert "There is nothing to show here." in page.content() and "Anna" not in page.content()
    assert axe_report(page) == ""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_send_me_my_link_by_keyboard(live, app, rows, lang):
    page = live
    page.set_viewport_size(PHONE)
    page.goto(mylink.ask_path(lang))
    assert axe_report(page) == ""
    _shot(page, f"mine-ask-{lang}-phone")
    page.locator("#email").focus()
    page.keyboard.type("nobody@example.com")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/(skickad|sent)/$"))
    assert axe_report(page) == ""
    expand_events(app)
    assert [m for m in rows(OutboxMessage) if m.kind == "mover_link"] == []
