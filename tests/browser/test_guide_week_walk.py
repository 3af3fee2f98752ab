"""Issue 16's walk through a guide's week, in one session, on a phone and on a desk: log in, see the
week, write to a household and read the message at the SMTP server with its Reply-To, plan a visit,
subscribe to the calendar feed and parse it, hand households over from the list, edit a note; then
the coordinator starts an erasure and cancels it. axe-core finds nothing on any page on the way, and
at phone width no page scrolls sideways. Each step has its own, closer test beside this one; this
one shows they hold together."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from icalendar import Calendar
from sqlalchemy import update

from intake.models import Household, User

from tests.browser.axe import axe_report
from tests.browser.test_week_in_browser import no_sideways_scrolling
from tests.support.intake_helpers import (
    REGISTRATION,
    deliver_all,
    expand_events,
    log_in,
    make_staff,
    submit,
)

ZONE = "Europe/Stockholm"


def fine(page, width: int) -> bool:
    """axe finds nothing, and at phone width the page does not scroll sideways."""
    assert axe_report(page) == "", page.url
    return width > 390 or no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_guides_week_from_login_to_a_cancelled_erasure(live, app, client, rows, smtp, width):
    app.config.update(MAIL_URL=smtp.url, TIMEZONE=ZONE)
    today = datetime.now(ZoneInfo(ZONE)).date()
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    make_staff(app, "berit@are.example", "guide", ["are"])
    coordinator = make_staff(app, "samordnare@region.example", "coordinator")
    for i in range(3):
        submit(
            client,
            "/registrera/",
            {**REGISTRATION, "email": f"h{i}@example.com", "municipalities": ["are"], "contact_language": "sv"},
        )
    expand_events(app)
    [anna] = rows(User, User.email == guide)
    [berit] = rows(User, User.email == "berit@are.example")
    first, *others = sorted(h.reference for h in rows(Household))
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(
            update(Household)
            .where(Household.reference == first)
            .values(owner_id=anna.id, follow_up_on=today + timedelta(days=1))
        )
    page = live
    page.set_viewport_size({"width": width, "height": 900})

    # Monday morning: log in and look at the week.
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")
    page.get_by_role("link", name="Veckan framåt").click()
    page.wait_for_url("**/crm/week/")
    tomorrow = page.locator(f'section[aria-labelledby="day-{(today + timedelta(days=1)).isoformat()}"]')
    assert first in tomorrow.inner_text()
    assert fine(page, width)

    # Write to the household due tomorrow, from the week.
    tomorrow.get_by_role("link", name=first).click()
    page.wait_for_url(f"**/crm/households/{first}/")
    writing = page.locator("section[aria-labelledby=writing]")
    writing.get_by_label("Utgå från").select_option(label="Första kontakten")
    writing.get_by_role("button", name="Skriv ett meddelande").click()
    page.wait_for_url("**/write/?template=first-contact")
    assert fine(page, width)
    subject = page.get_by_label("Ärenderad").input_value()
    assert first in subject
    page.get_by_role("button", name="Visa vad som skickas").click()
    assert fine(page, width)
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.wait_for_url("**/crm/households/*/#timeline")
    assert page.get_by_role("status").inner_text() == "Skickat."
    deliver_all(app)
    recipient = next(h.email for h in rows(Household) if h.reference == first)
    [received] = [m for m in smtp.to(recipient) if m["Subject"] == subject]
    assert received["Reply-To"] == guide and received["From"] == f"Ta Steget <{app.config['MAIL_FROM']}>"
    assert received["Content-Language"] == "sv"

    # Plan a visit on it.
    page.get_by_label("Besökets första dag").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Sista dagen (tomt: ett dagsbesök)").fill((today + timedelta(days=4)).isoformat())
    page.get_by_label("Visningar").check()
    page.get_by_role("button", name="Spara besöket").click()
    page.wait_for_url(f"**/crm/households/{first}/#visits")
    assert page.get_by_role("status").is_visible()
    assert fine(page, width)

    # Subscribe to the calendar feed, and read it as a calendar app does.
    page.get_by_role("link", name="Veckan framåt").click()
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    address = page.get_by_label("Kalenderadress").input_value()
    assert fine(page, width)
    feed = requests.get(page.url.split("/crm/", 1)[0] + "/crm/" + address.split("/crm/", 1)[1], timeout=10)
    assert feed.status_code == 200
    summaries = sorted(str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT"))
    assert summaries == sorted([f"Uppföljning {first}", f"Besök {first}: Visningar"])
    assert REGISTRATION["name"] not in feed.text and "h0@example.com" not in feed.text

    # Hand the two new households to a colleague, from the list.
    page.get_by_role("link", name="Hushåll", exact=True).click()
    page.wait_for_url("**/crm/households/")
    for reference in others:
        page.get_by_role("checkbox", name=f"Markera hushåll {reference}").check()
    page.get_by_label("Lämna över till").select_option(label=f"{berit.name} ({berit.email})")
    page.get_by_role("button", name="Lämna över dem").click()
    assert page.get_by_role("status").filter(has_text="Sparat: 2 hushåll").is_visible()
    assert fine(page, width)
    assert {h.reference: h.owner_id for h in rows(Household) if h.reference in others} == dict.fromkeys(
        others, berit.id
    )

    # A note, written and then corrected.
    page.goto(f"/crm/households/{first}/")
    page.get_by_label("Anteckning", exact=True).fill("Ringde, vill besöka i mars.")
    page.get_by_role("button", name="Lägg till anteckning").click()
    page.get_by_role("link", name="Ändra eller ta bort anteckningen").first.click()
    page.wait_for_url("**/notes/*/")
    assert fine(page, width)
    page.get_by_label("Anteckning", exact=True).fill("Ringde, vill besöka i april.")
    page.get_by_role("button", name="Spara anteckningen").click()
    page.wait_for_url(f"**/crm/households/{first}/#timeline")
    timeline = page.locator("#timeline ~ ol").inner_text()
    assert "anteckningen ändrad" in timeline and "Ringde, vill besöka i mars." in timeline
    assert fine(page, width)
    page.get_by_role("button", name="Logga ut").click()

    # The coordinator starts to erase the household, and thinks again.
    log_in(page, coordinator)
    page.goto(f"/crm/households/{first}/")
    page.get_by_role("link", name="Radera personuppgifterna").click()
    page.wait_for_url(f"**/crm/households/{first}/erase/")
    assert fine(page, width)
    page.get_by_role("link", name="Avbryt: behåll hushållet").click()
    page.wait_for_url(f"**/crm/households/{first}/")
    [kept] = rows(Household, Household.reference == first)
    assert kept.erased_at is None and kept.name == REGISTRATION["name"]
    assert fine(page, width)
