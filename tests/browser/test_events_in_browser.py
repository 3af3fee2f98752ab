"""The events pages in a real browser, built from the real content with test events (the shipped
content has none): axe at desktop and phone width, the keyboard from the list to an event and its
sign-up link, the calendar file as a calendar app gets it, under the build's own security headers."""

from __future__ import annotations

import functools
import shutil
import threading
from datetime import date, timedelta
from http.server import ThreadingHTTPServer

import pytest
from icalendar import Calendar

from tests.browser.axe import LIGHTHOUSE_EXTRA, axe_report
from tests.browser.conftest import _SiteServer, snippet_headers, watch_requests
from tests.support.helpers import ROOT, tasteget
from tests.support.sample_events import write_event

RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.effectiveDirective));
"""


def write_events(content, today: date) -> None:
    """Made-up events for the test only, relative to the day the test runs."""
    write_event(
        content,
        "informationskvall",
        today + timedelta(days=40),
        municipalities=["are", "krokom"],
        title={"sv": "Informationskväll: Flytta till fjällen", "en": "Information evening: Moving to the mountains"},
        place={"sv": "Kulturhuset, Storgatan 3", "en": "The culture house, Storgatan 3"},
        sign_up_until=(today + timedelta(days=38)).isoformat(),
    )
    write_event(
        content,
        "digital-fragestund",
        today + timedelta(days=12),
        online=True,
        place=None,
        join_url="https://meet.region.example/digital-fragestund",
        municipalities=[],
        audience="both",
        capacity=None,
        title={"sv": "Digital frågestund om att flytta hit", "en": "Online questions about moving here"},
    )
    write_event(
        content,
        "prova-pa-helg",
        today + timedelta(days=80),
        ends_on=(today + timedelta(days=82)).isoformat(),
        end="14:00",
        kind="tryout_weekend",
        municipalities=["ostersund"],
        title={"sv": "Prova-på-helg i Östersund", "en": "Try-out weekend in Östersund"},
    )
    write_event(
        content,
        "nyinflyttade",
        today - timedelta(days=60),
        kind="newcomer_meetup",
        audience="newcomers",
        municipalities=["are"],
        title={"sv": "Träff för nyinflyttade i Åre", "en": "Newcomers' meetup in Åre"},
    )


@pytest.fixture(scope="module")
def events_url(tmp_path_factory):
    """The real content plus the test's events, built by `tasteget build` and served with its headers."""
    tmp = tmp_path_factory.mktemp("events-browser")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    write_events(content, date.today())
    result = tasteget("build", "--site-dir", str(tmp / "site"), content=content)
    assert result.returncode == 0, result.stdout + result.stderr
    headers = snippet_headers(tmp / "site")
    handler = functools.partial(
        type("Handler", (_SiteServer,), {"extra_headers": headers}), directory=str(tmp / "site")
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def events_page(browser, events_url):
    context = browser.new_context(base_url=events_url)
    context.add_init_script(RECORD)
    page = context.new_page()
    watch_requests(page, events_url)
    yield page
    context.close()


PAGES = [
    "/evenemang/",
    "/evenemang/informationskvall/",
    "/evenemang/digital-fragestund/",
    "/evenemang/nyinflyttade/",
    "/kommuner/are/",
    "/en/events/",
    "/en/events/prova-pa-helg/",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_no_axe_violations_no_overflow_nothing_blocked_or_from_elsewhere(events_page, path, width):
    events_page.set_viewport_size({"width": width, "height": 800})
    events_page.goto(path)
    assert axe_report(events_page) == ""
    assert axe_report(events_page, LIGHTHOUSE_EXTRA) == ""
    assert events_page.foreign_requests == [] and events_page.failed == []
    assert events_page.evaluate("() => window.__violations") == []
    # Nothing wider than the phone's screen: no sideways scrolling to read a date or an address.
    assert events_page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_by_keyboard_from_the_list_to_an_event_its_sign_up_and_its_calendar(events_page, events_url):
    events_page.set_viewport_size({"width": 375, "height": 800})
    events_page.goto("/evenemang/")
    headings = events_page.locator("article.ts-event h3").all_inner_texts()
    assert headings == [
        "Digital frågestund om att flytta hit",
        "Informationskväll: Flytta till fjällen",
        "Prova-på-helg i Östersund",
    ]
    past = events_page.locator("h2:has-text('Tidigare evenemang') + ul")
    assert "Träff för nyinflyttade i Åre" in past.inner_text()

    target = events_page.locator("article.ts-event").get_by_role("link", name="Informationskväll: Flytta till fjällen")
    for _ in range(80):  # Tab until the event's link has focus, then follow it with Enter
        events_page.keyboard.press("Tab")
        if target.evaluate("a => a === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the event's link")
    with events_page.expect_navigation():
        events_page.keyboard.press("Enter")
    assert events_page.url == events_url + "/evenemang/informationskvall/"

    sign_up = events_page.get_by_role("link", name="Anmäl dig", exact=True)
    calendar = events_page.get_by_role("link", name="Lägg till i kalendern")
    for link in (sign_up, calendar):
        for _ in range(80):
            events_page.keyboard.press("Tab")
            if link.evaluate("a => a === document.activeElement"):
                break
        else:
            pytest.fail(f"Tab never reached {link}")
    assert sign_up.get_attribute("href") == "/evenemang/informationskvall/anmal/"
    response = events_page.request.get(calendar.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(event["summary"]) == "Informationskväll: Flytta till fjällen"
    assert str(event["uid"]).startswith("event-informationskvall@")

    with events_page.expect_navigation():
        events_page.get_by_role("link", name="English").click()
    assert events_page.url == events_url + "/en/events/informationskvall/"
    assert events_page.get_by_role("link", name="Sign up", exact=True).get_attribute("href") == (
        "/en/events/informationskvall/sign-up/"
    )


def test_a_past_event_offers_no_sign_up_and_the_municipality_lists_what_is_coming(events_page):
    events_page.goto("/evenemang/nyinflyttade/")
    assert events_page.get_by_text("Det här evenemanget har redan varit.").is_visible()
    assert events_page.get_by_role("link", name="Anmäl dig", exact=True).count() == 0
    events_page.goto("/kommuner/are/")
    coming = events_page.locator("h2:has-text('Evenemang i Åre') + ul")
    assert coming.inner_text().startswith("Informationskväll: Flytta till fjällen")
    assert "nyinflyttade" not in coming.inner_text()


@pytest.mark.parametrize("path", ["/evenemang/", "/en/events/"])
def test_the_shipped_content_has_no_events_and_the_page_says_what_to_do(page, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(path)
    assert page.locator(".ts-empty-state").is_visible()
    assert axe_report(page) == ""
    assert page.foreign_requests == [] and page.failed == []
