"""The back office in a real browser: a guide's day, by keyboard too, with axe-core on every state."""

from __future__ import annotations

import re

import pytest

from intake.models import Household, OutboxMessage

from tests.browser.axe import axe_report
from tests.support.intake_helpers import ORDER, REGISTRATION, STAFF_PASSWORD, expand_events, log_in, make_staff, submit

PASSWORD = STAFF_PASSWORD


@pytest.fixture
def guide(app):
    return make_staff(app, "guide@are.example", "guide", ["are"])


def test_a_guides_day(live, app, client, guide, rows):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    expand_events(app)
    [notification] = [m for m in rows(OutboxMessage) if m.to_address == guide]
    link = re.search(r"http://\S+/crm/households/\S+/", notification.body_text).group(0)
    path = link.split("8000", 1)[1]
    page = live
    page.goto(path)
    page.wait_for_url("**/crm/login/**")
    assert axe_report(page) == ""
    page.get_by_label("E-post").fill(guide)
    page.get_by_label("Lösenord").fill("wrong password entirely")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").inner_text() == "E-postadressen eller lösenordet är fel."
    assert axe_report(page) == ""
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**{path}")  # straight to the household from the notification
    assert "Anna Andersson" in page.content()
    assert axe_report(page) == ""
    page.get_by_label("Status").select_option("contacted")
    page.get_by_role("button", name="Spara status").click()
    page.get_by_label("Anteckning").fill("Ringde. De vill komma på besök i mars.")
    page.get_by_role("button", name="Lägg till anteckning").click()
    page.get_by_label("Nästa uppföljning").fill("2027-03-01")
    page.get_by_role("button", name="Spara uppföljningsdatum").click()
    [h] = rows(Household)
    assert (h.status, str(h.follow_up_on), h.owner.email) == ("contacted", "2027-03-01", guide)
    assert "Ringde. De vill komma på besök i mars." in page.content()
    page.get_by_label("Status").select_option("moved")
    page.get_by_role("button", name="Spara status").click()
    assert page.locator(".field-error").count() == 2  # where to and when
    assert axe_report(page) == ""
    page.goto("/crm/households/")
    assert axe_report(page) == ""
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/crm/login/")
    page.goto(path)
    page.wait_for_url("**/crm/login/**")  # logged out for good


def test_logging_in_with_the_keyboard_alone(live, guide):
    page = live
    page.goto("/crm/login/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "email"
    page.keyboard.type(guide)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/crm/households/")
    assert page.locator("h1").inner_text() == "Hushåll"


def test_the_back_offices_skip_link_is_the_first_tab_and_moves_focus_to_the_content(live, guide):
    page = live
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    assert (link.get_attribute("href"), link.inner_text()) == ("#main", "Gå till innehållet")
    assert link.is_visible() and link.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


def coordinator_logged_in(page, app):
    """A coordinator's account, logged in through the form; the page is on the figures they land on."""
    email = make_staff(app, "samordnare@region.example", "coordinator")
    log_in(page, email)
    page.wait_for_url("**/crm/figures/")
    return page


def test_coordinator_pages_have_no_axe_report(live, app, client):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["unsure"], "website": "spam"})
    submit(client, "/bestall-magasinet/", ORDER)
    page = coordinator_logged_in(live, app)  # the coordinator lands on the campaign's figures
    assert page.get_by_role("img", name="Per månad").is_visible()
    page.get_by_label("Siffror per dag").fill("2000-01-01")
    page.get_by_label("Siffror per dag").press("Enter")  # the day is chosen by keyboard too
    page.wait_for_url("**/crm/figures/?as_of=2000-01-01")
    assert page.get_by_role("img").count() == 0
    page.goto("/crm/households/")
    reference = page.locator("tbody a").first.inner_text()
    for path in (
        "/crm/figures/",
        "/crm/figures/?as_of=2000-01-01",  # before anything was registered: nothing to draw
        "/crm/figures/?as_of=not-a-day",  # the field shows its error
        "/crm/households/",
        f"/crm/households/{reference}/",
        f"/crm/households/{reference}/erase/",
        "/crm/orders/",
        "/crm/staff/",
        "/crm/messages/",
        "/crm/contacts/",
        "/crm/password/forgot/",
        "/crm/audit/",
        "/crm/privacy-notices/",
    ):
        page.goto(path)
        assert axe_report(page) == "", path
    page.goto("/crm/privacy-notices/")
    page.locator("tbody a").first.click()
    page.wait_for_url("**/crm/privacy-notices/*/")
    assert axe_report(page) == ""
    page.goto("/crm/contacts/")
    page.get_by_role("button", name="Lägg till kontakten").click()  # empty: the form shows its errors
    assert page.locator(".field-error").count() >= 1
    assert axe_report(page) == ""


def test_erasing_asks_for_the_reference_and_can_be_cancelled(live, app, client, rows):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    [h] = rows(Household)
    page = coordinator_logged_in(live, app)
    page.goto(f"/crm/households/{h.reference}/")
    erase = page.get_by_role("link", name="Radera personuppgifterna")
    assert "danger" in erase.get_attribute("class")
    erase.click()
    page.wait_for_url(f"**/crm/households/{h.reference}/erase/")
    assert axe_report(page) == ""
    button = page.get_by_role("button", name="Radera personuppgifterna")
    assert button.get_attribute("class") == "danger"
    button.click()  # nothing filled in: both fields say what is missing, and nothing is erased
    assert page.locator("#reason-error").inner_text() == "Ange ett skäl."
    assert page.locator("#confirm-error").inner_text() == "Skriv hushållets referens för att radera. Inget raderades."
    assert axe_report(page) == ""
    page.get_by_label("Skäl (till granskningsloggen; inga personuppgifter)").fill("Begäran om radering")
    page.get_by_label("Skriv hushållets referens för att bekräfta").fill("HH-NOT-THIS-ONE")
    page.get_by_role("button", name="Radera personuppgifterna").click()
    assert page.locator("#confirm-error").inner_text() == "Det är inte det här hushållets referens. Inget raderades."
    assert (
        page.get_by_label("Skäl (till granskningsloggen; inga personuppgifter)").input_value() == "Begäran om radering"
    )
    assert axe_report(page) == ""
    page.get_by_role("link", name="Avbryt: behåll hushållet").click()  # cancelled
    page.wait_for_url(f"**/crm/households/{h.reference}/")
    assert "Anna Andersson" in page.content()
    assert rows(Household)[0].erased_at is None
    page.get_by_role("link", name="Radera personuppgifterna").click()
    page.get_by_label("Skäl (till granskningsloggen; inga personuppgifter)").fill("Begäran om radering")
    page.get_by_label("Skriv hushållets referens för att bekräfta").fill(h.reference)
    page.keyboard.press("Enter")  # the keyboard is enough
    page.wait_for_url(f"**/crm/households/{h.reference}/")
    assert page.get_by_role("status").inner_text() == "Sparat."
    assert "Personuppgifterna raderades" in page.content() and "Anna Andersson" not in page.content()
    assert axe_report(page) == ""
    assert rows(Household)[0].erased_at is not None


def test_a_mover_withdraws_from_the_link_in_their_e_mail(live, app, client, rows):
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "sv"})
    expand_events(app)
    [mail] = [m for m in rows(OutboxMessage) if m.kind == "mover_confirmation"]
    link = re.search(r"http://[^/\s]+(/registrera/aterkalla/\S+/)", mail.body_text).group(1)
    page = live
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Återkalla din anmälan"
    assert axe_report(page) == ""
    button = page.get_by_role("button", name="Återkalla min anmälan")
    button.focus()
    page.keyboard.press("Enter")  # the keyboard is enough
    page.wait_for_load_state()
    assert "Din anmälan är återkallad och dina personuppgifter har raderats." in page.get_by_role("status").inner_text()
    assert axe_report(page) == ""
    [household] = rows(Household)
    assert household.erased_at is not None and household.name == ""


def test_the_coordinator_sends_undelivered_messages_again(live, app, client, rows):
    from intake import db
    from intake.models import utcnow
    from intake.privacy import erasure

    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    for email in ("bertil@example.com", "cecilia@example.com"):
        submit(client, "/registrera/", {**REGISTRATION, "email": email, "municipalities": ["are"]})
    expand_events(app)
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.kind == "mover_confirmation")
            .values(status="dead", attempts=8, last_error="SMTP: the recipient was refused")
        )
    with app.app_context():
        session = db.session()
        last = session.query(Household).order_by(Household.id.desc()).first()
        erasure.erase_household(session, last, utcnow(), reason="test")
        session.commit()
    page = coordinator_logged_in(live, app)
    page.goto("/crm/messages/")
    assert "Återkallat eller raderat: skickas inte igen" in page.content()
    assert axe_report(page) == ""
    page.get_by_role("button", name="Skicka igen").first.click()
    page.wait_for_url("**/crm/messages/")
    assert page.get_by_role("status").inner_text() == "1 meddelande ligger i kön för att skickas igen."
    assert "Väntar på ett nytt försök" in page.content()
    assert axe_report(page) == ""
    page.get_by_role("button", name="Skicka alla igen").click()  # the other one, and not the erased household's
    page.wait_for_url("**/crm/messages/")
    assert page.get_by_role("status").inner_text() == "1 meddelande ligger i kön för att skickas igen."
    assert page.get_by_role("alert").inner_text().startswith("1 meddelande skickades inte igen")
    assert axe_report(page) == ""
    statuses = sorted(m.status for m in rows(OutboxMessage) if m.kind == "mover_confirmation")
    assert statuses == ["dead", "pending", "pending"]


def test_the_competence_figures_in_a_narrow_and_a_wide_window(live, app, tmp_path):
    """The competence figures' page, reached from the dashboard: no axe violation, nothing in it wider
    than a phone's window (a wide table scrolls in its own frame, reachable by keyboard), at 390 and
    1280 pixels."""
    import os
    from pathlib import Path

    from tests.support.figures_data import store

    store(app)
    page = coordinator_logged_in(live, app)
    shots = Path(os.environ.get("FIGURES_SCREENSHOTS", tmp_path))  # to look at them: a folder of your own
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/crm/figures/?as_of=2026-12-31")
        page.screenshot(path=str(shots / f"fig-dashboard-{width}.png"), full_page=True)
    page.get_by_role("navigation", name="Sidor med siffror").get_by_role("link", name="Kompetensattraktion").click()
    page.wait_for_url("**/crm/figures/competence/?as_of=2026-12-31")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert page.get_by_role("heading", name="Kompetensattraktion", level=1).is_visible()
        assert page.get_by_role("table", name="Mål för 2026 mot utfall: siffrorna").is_visible()
        # The table scrolls in its own frame, which the keyboard reaches.
        page.get_by_role("region", name="Mål för 2026 mot utfall: siffrorna").focus()
        page.screenshot(path=str(shots / f"fig-{width}.png"), full_page=True)
        # (The back office's top navigation is wider than a phone on every page: not this section's.)
        wider = """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-frame'))
            .map(e => e.tagName)"""
        assert page.evaluate(wider) == [], width
        assert axe_report(page) == "", width
