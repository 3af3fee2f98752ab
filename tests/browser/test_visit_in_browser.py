"""A try-out visit asked for from a municipality page in a real browser, by keyboard on a phone and
with the mouse on a desk, reaches the guide's week as a requested visit; the household's page then
shows the request and the suggested ambassadors. axe-core on each state."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from intake.models import Contact, Household, Visit

from tests.browser.axe import axe_report
from tests.browser.test_forms_in_browser import tab_to
from tests.support.intake_helpers import expand_events, log_in, make_staff

ZONE = "Europe/Stockholm"
SHOTS = "/tmp/shots/visits-ambassadors"


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_visit_asked_for_from_a_municipality_page_reaches_the_guides_week(live, app, rows, width):
    app.config["TIMEZONE"] = ZONE
    first = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=12)
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/kommuner/are/")
    link = page.get_by_role("link", name="Be om ett besök i Åre")
    link.focus()
    assert axe_report(page) == "", "the municipality page"
    link.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/municipality-{width}.png")
    page.keyboard.press("Enter")  # the link, by keyboard
    page.wait_for_url("**/besok/?kommun=are")
    assert page.locator("#municipality").input_value() == "are"  # carried over from the link
    assert page.get_by_label("Prova-på-boende", exact=False).count() == 1  # offered in Åre
    assert axe_report(page) == "", "the empty form"
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"{SHOTS}/form-{width}.png", full_page=True)

    # Sent half filled in: each error next to its field, what was typed kept.
    page.get_by_label("Ditt namn").fill("Samira Haddad")
    page.get_by_role("button", name="Skicka förfrågan").click()
    page.wait_for_selector(".ts-error-summary")
    assert page.get_by_label("Ditt namn").input_value() == "Samira Haddad"
    assert page.locator("#wished_from-error").inner_text().endswith("Ange första dagen, till exempel 2027-05-14.")
    assert axe_report(page) == "", "the form with errors"
    page.screenshot(path=f"{SHOTS}/errors-{width}.png", full_page=True)

    if width == 375:  # by keyboard alone on the phone
        tab_to(page, "email")
        page.keyboard.type("samira@example.com")
        tab_to(page, "wished_from")
        page.locator("#wished_from").fill(first.isoformat())  # a date input's own keys differ by locale
        tab_to(page, "wishes-0")  # Bostäder
        page.keyboard.press("Space")
        tab_to(page, "wishes-4")  # Prova-på-boende
        page.keyboard.press("Space")
        tab_to(page, "privacy")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")  # the privacy notice link
        page.keyboard.press("Tab")  # the send button
        page.keyboard.press("Enter")
    else:
        page.get_by_label("E-post").fill("samira@example.com")
        page.get_by_label("Första dagen").fill(first.isoformat())
        page.get_by_label("Sista dagen").fill((first + timedelta(days=2)).isoformat())
        page.get_by_label("Bostäder").check()
        page.get_by_label("Prova-på-boende", exact=False).check()
        page.get_by_label("Ett kort meddelande till vägledaren (valfritt)").fill("Vi kommer med två barn.")
        page.get_by_label("Jag har läst", exact=False).check()
        page.get_by_role("button", name="Skicka förfrågan").click()
    page.wait_for_url("**/besok/tack/")
    assert "Vi har sparat din förfrågan" in page.locator("main").inner_text()
    assert axe_report(page) == "", "the receipt"
    page.screenshot(path=f"{SHOTS}/receipt-{width}.png", full_page=True)
    [household] = rows(Household)
    [visit] = rows(Visit)
    assert (visit.state, visit.starts_on, visit.wishes) == ("requested", first, ["homes", "trial_living"])
    expand_events(app)

    # An ambassador with something in common, for the household's page.
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(
            insert(Contact),
            [{"kind": "ambassador", "person": "Amira Haddad", "municipality": "are", "agreed_on": date(2026, 11, 1)}],
        )
    # The guide of Åre sees it in the week ahead.
    context = page.context.browser.new_context(base_url=page.url.split("/besok/")[0])
    guide = context.new_page()
    guide.set_viewport_size({"width": width, "height": 900})
    log_in(guide, make_staff(app, f"guide{width}@are.example", "guide", ["are"]))
    guide.wait_for_url("**/crm/households/")
    guide.goto("/crm/week/")
    requested = guide.locator("section[aria-labelledby=requested]")
    assert "Önskade besök att bekräfta (1)" in requested.inner_text()
    assert household.reference in requested.inner_text() and "Önskat besök" in requested.inner_text()
    assert no_sideways_scrolling(guide)
    assert axe_report(guide) == "", "the week"
    guide.screenshot(path=f"{SHOTS}/week-{width}.png", full_page=True)
    requested.get_by_role("link", name=household.reference).click()
    guide.wait_for_url(f"**/crm/households/{household.reference}/#visits")
    visits = guide.locator("section[aria-labelledby=visits]")
    assert "Bostäder, Prova-på-boende" in visits.inner_text()
    ambassadors = guide.locator("section[aria-labelledby=ambassadors]")
    assert "Amira Haddad: bor i Åre" in ambassadors.inner_text()
    assert axe_report(guide) == "", "the household"
    visits.screenshot(path=f"{SHOTS}/household-visits-{width}.png")
    ambassadors.screenshot(path=f"{SHOTS}/household-ambassadors-{width}.png")
    # The guide introduces the household to her: it is on the timeline, and she is no longer suggested.
    introduce = ambassadors.get_by_role("button", name="Registrera en introduktion till Amira Haddad")
    introduce.focus()
    with guide.expect_navigation():
        guide.keyboard.press("Enter")
    assert "introducerad för ambassadör" in guide.locator("ol.timeline").inner_text().lower()
    assert guide.get_by_role("button", name="Registrera en introduktion till Amira Haddad").count() == 0
    # The ambassador's page, with the offer and the opt-in for the country of origin.
    guide.get_by_role("link", name="Amira Haddad").first.click()
    guide.wait_for_selector("fieldset.ambassador")
    assert "kan avslöja etniskt ursprung" in guide.locator("fieldset.ambassador").inner_text()
    assert no_sideways_scrolling(guide)
    assert axe_report(guide) == "", "the ambassador's page"
    guide.locator("fieldset.ambassador").screenshot(path=f"{SHOTS}/ambassador-form-{width}.png")
    context.close()
