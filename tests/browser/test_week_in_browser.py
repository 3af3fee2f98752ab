"""A guide's week in a real browser, on a phone and on a desk: plan a visit on a household, see it and
the follow-ups by day in the week ahead, and subscribe to the calendar feed; axe-core on each state."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from icalendar import Calendar
from sqlalchemy import update

from intake.models import Household, User

from tests.browser.axe import axe_report
from tests.support.intake_helpers import REGISTRATION, expand_events, log_in, make_staff, submit

ZONE = "Europe/Stockholm"


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_guides_week_on_a_phone_and_a_desk(live, app, client, rows, width):
    app.config["TIMEZONE"] = ZONE
    today = datetime.now(ZoneInfo(ZONE)).date()
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    for email, name in (
        ("a@example.com", "Anna Andersson"),
        ("b@example.com", "Bertil Berg"),
        ("c@example.com", "Cecilia Ek"),
    ):
        submit(client, "/registrera/", {**REGISTRATION, "email": email, "name": name, "municipalities": ["are"]})
    expand_events(app)
    [anna] = rows(User, User.email == guide)
    references = {h.name: h.reference for h in rows(Household)}
    with app.extensions["db_engine"].begin() as connection:
        for name, days in (("Anna Andersson", 0), ("Bertil Berg", -3), ("Cecilia Ek", 2)):
            connection.execute(
                update(Household)
                .where(Household.reference == references[name])
                .values(owner_id=anna.id, status="contacted", follow_up_on=today + timedelta(days=days))
            )
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")

    # A visit, recorded on the household's page.
    page.goto(f"/crm/households/{references['Cecilia Ek']}/")
    page.get_by_label("Besökets första dag").fill((today + timedelta(days=1)).isoformat())
    page.get_by_label("Sista dagen (tomt: ett dagsbesök)").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Visningar").check()
    page.get_by_label("Arbetsgivarmöten").check()
    page.get_by_label("Kort om besöket (frivilligt)").fill("Visning med mäklaren på fredag.")
    page.get_by_role("button", name="Spara besöket").click()
    page.wait_for_url(f"**/crm/households/{references['Cecilia Ek']}/#visits")
    assert page.get_by_text("Visningar, Arbetsgivarmöten").is_visible()
    assert axe_report(page) == ""
    page.locator("section[aria-labelledby=visits]").screenshot(path=f"/tmp/week-household-visits-{width}.png")

    # The week ahead, from the navigation.
    page.get_by_role("link", name="Veckan framåt").click()
    page.wait_for_url("**/crm/week/")
    assert page.get_by_role("heading", level=1).inner_text() == "Veckan framåt"
    assert page.get_by_role("heading", name="Försenade (1)").is_visible()
    overdue = page.locator("section", has=page.get_by_role("heading", name="Försenade (1)"))
    assert references["Bertil Berg"] in overdue.inner_text()
    today_section = page.locator("section", has=page.get_by_role("heading", name="Idag", exact=False))
    assert references["Anna Andersson"] in today_section.inner_text()
    for day in (1, 2, 3):  # the visit on each of its days
        heading = f"day-{(today + timedelta(days=day)).isoformat()}"
        assert "Besök" in page.locator(f'section[aria-labelledby="{heading}"]').inner_text()
    assert no_sideways_scrolling(page)
    assert axe_report(page) == ""
    page.screenshot(path=f"/tmp/week-{width}.png", full_page=True)

    # The calendar feed: its address shown once, subscribed to and read by a calendar app.
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    address = page.get_by_label("Kalenderadress").input_value()
    assert no_sideways_scrolling(page)
    assert axe_report(page) == ""
    page.screenshot(path=f"/tmp/week-{width}-calendar.png", full_page=True)
    path = address.split("/crm/", 1)[1]
    feed = requests.get(f"{page.url.split('/crm/', 1)[0]}/crm/{path}", timeout=10)
    assert feed.status_code == 200 and "Cecilia" not in feed.text and "mäklaren" not in feed.text
    summaries = sorted(str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT"))
    assert summaries == sorted(
        [f"Uppföljning {references[n]}" for n in ("Anna Andersson", "Bertil Berg", "Cecilia Ek")]
        + [f"Besök {references['Cecilia Ek']}: Visningar, Arbetsgivarmöten"]
    )


def test_the_coordinators_week_by_owner_on_a_phone(live, app, client, rows):
    app.config["TIMEZONE"] = ZONE
    today = datetime.now(ZoneInfo(ZONE)).date()
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    coordinator = make_staff(app, "samordnare@region.example", "coordinator")
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    [anna] = rows(User, User.email == guide)
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(update(Household).values(owner_id=anna.id, follow_up_on=today + timedelta(days=1)))
    page = live
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, coordinator)
    page.wait_for_url("**/crm/figures/")
    page.get_by_role("link", name="Veckan framåt").click()
    page.wait_for_url("**/crm/week/")
    table = page.get_by_role("region", name="Per ansvarig")
    assert table.is_visible() and no_sideways_scrolling(page)  # the table scrolls in its frame, not the page
    assert axe_report(page) == ""
    page.screenshot(path="/tmp/week-coordinator-390.png", full_page=True)
    table.get_by_role("link", name="Guide").click()  # her week, from her name
    page.wait_for_url(f"**/crm/week/?guide={anna.id}")
    assert rows(Household)[0].reference in page.content()
    assert page.get_by_label("Vems").input_value() == str(anna.id)
    assert axe_report(page) == ""
