"""Signing up to a full event in a browser, by keyboard alone, at a phone's width and a desktop's:
axe-core finds nothing on the form, the form with its errors, the waiting list's receipt, the cancel
page or the back office's list; the one who cancels frees the place and the one waiting is told at
the SMTP server, with the calendar file; the guide marks who came."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intake.models import EventSignUp
from intake.notify import worker

from tests.browser.axe import axe_report
from tests.events.conftest import (
    events_fixture,  # noqa: F401 - the `events` fixture
    make_event,
    reference_of,
    sign_up,
)
from tests.support.intake_helpers import deliver_all, log_in, make_staff

SHOTS = "/tmp/shots/events-signup"


def _shoot(page, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_report(page) == "", name
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 900})


def test_signing_up_to_a_full_event_by_keyboard_joins_the_waiting_list_and_gets_the_freed_place(
    live, mail_app, client, events, rows, smtp
):
    events(kvall=make_event(capacity=2))
    first = reference_of(sign_up(client, "kvall", email="forst@example.com", people="2"))
    page = live
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto("/evenemang/kvall/anmal/")
    assert page.get_by_text("Evenemanget är fullt.").is_visible()
    _shoot(page, "form")

    # Sent with what is wrong: the summary gets the focus, each error is next to its field.
    page.get_by_label("Ditt namn").focus()
    page.keyboard.type("Kim Kortsson")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@")  # not an address yet
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("Rullstol")
    page.get_by_role("button", name="Anmäl dig").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.locator("#email-error").is_visible() and page.locator("#people-error").is_visible()
    assert page.locator("#needs_consent-error").is_visible() and page.locator("#privacy-error").is_visible()
    assert page.get_by_label("Ditt namn").input_value() == "Kim Kortsson"
    _shoot(page, "errors")

    page.get_by_label("E-post").fill("")
    page.get_by_label("E-post").focus()
    page.keyboard.type("kim@example.com")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.get_by_label("Behov under dagen (valfritt)").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the needs' own consent
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the privacy notice
    page.get_by_role("button", name="Anmäl dig").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/anmal/tack/*/")
    assert page.get_by_text("nummer 1 i kön").is_visible()
    _shoot(page, "waiting")
    assert page.foreign_requests == [] and [f for f in page.failed if not f.startswith("422 ")] == []

    waiting = next(s for s in rows(EventSignUp) if s.email == "kim@example.com")
    assert (waiting.status, waiting.needs) == ("waiting", "Rullstol")
    deliver_all(mail_app)
    [told] = smtp.to("kim@example.com")
    assert "väntelistan" in told["Subject"]

    # The first cancels, from the link in their confirmation, in the browser.
    [confirmation] = smtp.to("forst@example.com")
    link = next(w for w in confirmation.get_body(("plain",)).get_content().split() if "/evenemang/avboka/" in w)
    page.goto(link.split("127.0.0.1:8000", 1)[-1])
    _shoot(page, "cancel")
    page.get_by_role("button", name="Avboka min anmälan").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Din anmälan är avbokad").wait_for()
    deliver_all(mail_app)
    [_, place] = smtp.to("kim@example.com")
    assert place["Subject"] == f"Ta Steget: du fick en plats på Informationskväll i Östersund ({waiting.reference})"
    assert [p.get_content_type() for p in place.iter_attachments()] == ["text/calendar"]
    assert {s.reference: s.status for s in rows(EventSignUp)} == {first: "cancelled", waiting.reference: "confirmed"}

    # The day before, from the reminder hour, the worker reminds Kim, who now has a place.
    day_before = datetime.combine(
        waiting_event_day(rows) - timedelta(days=1), time(10), ZoneInfo(mail_app.config["TIMEZONE"])
    )
    assert "event_reminders" in worker.run_jobs(mail_app, day_before)
    deliver_all(mail_app)
    [reminder] = [m for m in smtp.to("kim@example.com") if "i morgon" in m["Subject"]]
    assert waiting.reference in reminder["Subject"]

    # On the day, the guide marks that Kim came.
    events(kvall=make_event(days_ahead=0, start="00:00", end="23:59", capacity=2))
    log_in(page, make_staff(mail_app, "guide@ostersund.example", "guide", ["ostersund"]))
    page.wait_for_load_state()
    page.goto("/crm/events/")
    _shoot(page, "crm-events")
    page.get_by_role("link", name="Informationskväll i Östersund").click()
    page.get_by_text("Rullstol").wait_for()
    came = page.locator(f"tr#{waiting.reference} button[value=attended]")
    assert came.text_content() == "Kom: Kim Kortsson"  # the row's name for a screen reader, after "Kom"
    came.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Sparat: Kim Kortsson").wait_for()
    _shoot(page, "crm-event")
    assert next(s for s in rows(EventSignUp) if s.reference == waiting.reference).status == "attended"


def waiting_event_day(rows) -> date:
    """The day of the test's event (20 days ahead: `make_event`'s default)."""
    return date.today() + timedelta(days=20)
