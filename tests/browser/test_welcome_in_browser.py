"""A moved household's welcome checklist in a real browser: ticked off by keyboard alone on "My
registration" at a phone's width, the next newcomers' event linked; the guide sees who ticked it on
the household's page. axe-core finds nothing on either page, at 375 and 1280 px."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from intake.models import Household, WelcomeTick

from tests.browser.axe import axe_report
from tests.browser.test_mine_in_browser import DESKTOP, PHONE, _no_horizontal_scroll, registered
from tests.crm.test_welcome import checklist_fixture  # noqa: F401 - the `checklist` fixture
from tests.events.conftest import events_fixture, make_event  # noqa: F401 - the `events` fixture
from tests.support.intake_helpers import log_in, make_staff

SHOTS = Path(os.environ.get("TASTEGET_SCREENSHOTS") or "/tmp/shots/welcome")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_household_ticks_a_step_off_by_keyboard_on_a_phone(live, app, rows, checklist, events):
    title = {"sv": "Nyinflyttarträff i Åre", "en": "Newcomers' meetup in Åre"}
    events(meetup=make_event(12, kind="newcomer_meetup", audience="both", municipalities=["are"], title=title))
    page = live
    link = registered(app, rows, "sv")
    with Session(app.extensions["db_engine"]) as session:
        moved_on = date.today() - timedelta(days=2)
        session.execute(update(Household).values(status="moved", moved_to="are", moved_on=moved_on))
        session.commit()
    page.set_viewport_size(PHONE)
    page.goto(link)
    assert page.locator("#mine-welcome").inner_text() == "Välkommen till Åre"
    meetup = page.get_by_role("link", name="Nyinflyttarträff i Åre")
    assert meetup.get_attribute("href") == "/evenemang/meetup/"
    _shot(page, "mine-phone")
    assert axe_report(page) == ""
    _no_horizontal_scroll(page)
    for _ in range(60):  # from the top of the page to the first step's button, by Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Markera som klar: Folkbokför dig"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*\?done=ticked#mine-welcome$"))
    assert page.locator(".ts-receipt").inner_text() == "Avbockat. Din vägledare ser det också."
    assert "Folkbokför dig (klart)" in page.locator(".ts-welcome").inner_text()
    assert page.get_by_role("button", name=re.compile("Folkbokför dig")).count() == 0
    assert [(t.key, t.user_id) for t in rows(WelcomeTick)] == [("folkbokforing", None)]
    _shot(page, "mine-phone-ticked")
    assert axe_report(page) == ""
    _no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)
    page.reload()
    _shot(page, "mine-desktop")
    assert axe_report(page) == ""
    # The guide sees the step ticked off by the household, and ticks the other off.
    log_in(page, make_staff(app, "guide@staff.example", "guide", ["are"]))
    reference = rows(Household)[0].reference
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(f"/crm/households/{reference}/#welcome")
        assert "bockad av hushållet" in page.locator("#welcome + p + ul").inner_text()
        _shot(page, f"crm-{name}")
        assert axe_report(page) == "", name
    page.get_by_role("button", name="Bocka av: Välj vårdcentral").click()
    page.wait_for_url(re.compile(r".*#welcome$"))
    assert "bockad av Guide" in page.locator(".welcome-steps").inner_text()
    _shot(page, "crm-desktop-ticked")
    assert page.foreign_requests == [] and page.failed == []
