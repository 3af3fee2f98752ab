"""The coordinator erases a sign-up with no household by its reference, in a browser, by keyboard:
axe-core finds nothing on the event's list, the erase page or the page with its errors."""

from __future__ import annotations

from intake.models import EventSignUp

from tests.browser.axe import axe_report
from tests.events.conftest import (
    events_fixture,  # noqa: F401 - the `events` fixture
    make_event,
    reference_of,
    sign_up,
)
from tests.support.intake_helpers import log_in, make_staff

SHOTS = "/tmp/shots/events-fixes"


def _shoot(page, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_report(page) == "", name
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_the_coordinator_erases_a_sign_up_by_keyboard(live, app, client, events, rows):
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall", email="ensam@example.com", name="Ensam Person"))
    page = live
    log_in(page, make_staff(app, "samordnare@region.example", "coordinator"))
    page.wait_for_url("**/crm/figures/")
    page.goto("/crm/events/kvall/")
    _shoot(page, "crm-event")
    erase = page.locator(f'a[href="/crm/sign-ups/{reference}/erase/"]')
    assert erase.text_content() == "Radera: Ensam Person"  # the row's name for a screen reader
    erase.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/crm/sign-ups/{reference}/erase/")
    _shoot(page, "erase-sign-up")
    page.get_by_label("Skriv anmälans referens för att bekräfta").fill("E-FEL")
    page.get_by_role("button", name="Radera personuppgifterna").focus()
    page.keyboard.press("Enter")
    page.locator(".field-error").first.wait_for()
    assert page.get_by_text("Ange ett skäl.").is_visible()
    assert page.get_by_label("Skriv anmälans referens för att bekräfta").input_value() == "E-FEL"
    _shoot(page, "erase-sign-up-errors")
    assert rows(EventSignUp)[0].erased_at is None
    page.get_by_label("Skäl (till granskningsloggen; inga personuppgifter)").fill("Begäran om radering")
    page.get_by_label("Skriv anmälans referens för att bekräfta").fill(reference)
    page.get_by_role("button", name="Radera personuppgifterna").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/crm/events/")
    page.get_by_text(f"Raderad: {reference}").wait_for()
    [s] = rows(EventSignUp)
    assert (s.name, s.email) == ("", "") and s.erased_at is not None
    assert page.foreign_requests == [] and [f for f in page.failed if not f.startswith("422 ")] == []
