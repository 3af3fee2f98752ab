"""The events as iCalendar: read back with icalendar, the times right in UTC, one UID per event and site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from tasteget.content.load import check
from tasteget.site import ical

from tests.support.sample_events import write_event

URL = "https://flytta.example/evenemang/var-kvall/"
NOW = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def events(sample, **more):
    report = check(sample, today=date(2026, 12, 7))
    assert report.errors == [], report.errors
    return report.site.events


def only_event(data: bytes):
    cal = Calendar.from_ical(data)
    cal.validate()  # PRODID, VERSION and at least one component
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_one_event_in_its_time_zone_is_right_in_utc_and_carries_its_facts(sample):
    write_event(sample, "var-kvall", date(2027, 3, 11))
    cal, event = only_event(ical.event_calendar(events(sample)["var-kvall"], "var-kvall", URL, "sv", now=NOW))
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert start.astimezone(UTC) == datetime(2027, 3, 11, 17, 0, tzinfo=UTC)  # CET, winter time
    assert end.astimezone(UTC) == datetime(2027, 3, 11, 19, 0, tzinfo=UTC)
    assert str(event["uid"]) == "event-var-kvall@flytta.example"
    assert str(event["summary"]) == "Informationskväll var-kvall"
    # The Markdown as plain text, as a calendar app shows it, then the page's address.
    assert str(event["description"]) == f"Vi berättar om jobb, boende och skola.\n\nFika finns.\n\n{URL}"
    assert str(event["location"]) == "Biblioteket, Storgatan 1"
    assert str(event["url"]) == URL
    assert event.decoded("dtstamp") == NOW
    assert str(cal["method"]) == "PUBLISH"


def test_the_files_own_time_zone_gives_the_same_utc_times_as_the_zone_database(sample):
    """A calendar app that does not know the TZID uses the VTIMEZONE: it must say the same."""
    write_event(sample, "sommar", date(2027, 6, 10))
    cal, event = only_event(ical.event_calendar(events(sample)["sommar"], "sommar", URL, "en", now=NOW))
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Stockholm"
    own = zone.to_tz(lookup_tzid=False)
    naive = event.decoded("dtstart").replace(tzinfo=None)
    assert naive.replace(tzinfo=own).astimezone(UTC) == datetime(2027, 6, 10, 16, 0, tzinfo=UTC)  # CEST
    assert str(event["summary"]) == "Information evening sommar"
    assert str(event["location"]) == "The library, Storgatan 1"


def test_an_online_event_over_days_in_another_zone_and_one_without_an_end(sample):
    write_event(
        sample,
        "helg",
        date(2027, 5, 14),
        ends_on="2027-05-16",
        end="14:00",
        time_zone="Europe/Helsinki",
        online=True,
        place=None,
        join_url="https://meet.region.example/hemlig-lank-123",
    )
    write_event(sample, "kvall", date(2027, 1, 20), end=None)
    found = events(sample)
    _, helg = only_event(ical.event_calendar(found["helg"], "helg", URL, "en", now=NOW))
    assert helg["dtstart"].params["TZID"] == "Europe/Helsinki"
    assert helg.decoded("dtstart").astimezone(UTC) == datetime(2027, 5, 14, 15, 0, tzinfo=UTC)  # EEST
    assert helg.decoded("dtend").astimezone(UTC) == datetime(2027, 5, 16, 11, 0, tzinfo=UTC)
    assert str(helg["location"]) == "Online"
    # The link to join is only for those with a place: never in the public calendar or the feed.
    assert b"hemlig-lank" not in ical.event_calendar(found["helg"], "helg", URL, "en", now=NOW)
    assert b"hemlig-lank" not in ical.feed(found, "https://flytta.example/", "en", now=NOW)
    _, kvall = only_event(ical.event_calendar(found["kvall"], "kvall", URL, "sv", now=NOW))
    assert kvall.decoded("dtend") - kvall.decoded("dtstart") == timedelta(hours=3)


def test_a_description_in_markdown_reads_as_plain_text_with_its_links_addresses():
    text = "Ta med:\n\n- **kläder** för väder & vind\n- [anmälan](https://flytta.example/a/)\n\nFrågor? <b>Ring</b>."
    assert ical.plain_text(text) == (
        "Ta med:\n\n- kläder för väder & vind\n- anmälan (https://flytta.example/a/)\n\nFrågor? <b>Ring</b>."
    )


def test_the_feed_holds_every_event_with_page_addresses_in_its_language(sample):
    write_event(sample, "var-kvall", date(2027, 3, 11))
    write_event(sample, "helg", date(2027, 5, 14), time_zone="Europe/Helsinki")
    write_event(sample, "forr", date(2026, 9, 1))
    cal = Calendar.from_ical(ical.feed(events(sample), "https://flytta.example/", "en", now=NOW))
    cal.validate()
    found = {str(e["uid"]): str(e["url"]) for e in cal.walk("VEVENT")}
    assert found == {
        "event-forr@flytta.example": "https://flytta.example/en/events/forr/",
        "event-var-kvall@flytta.example": "https://flytta.example/en/events/var-kvall/",
        "event-helg@flytta.example": "https://flytta.example/en/events/helg/",
    }
    assert sorted(str(z["tzid"]) for z in cal.walk("VTIMEZONE")) == ["Europe/Helsinki", "Europe/Stockholm"]
    assert str(cal["x-wr-calname"]) == "Events (flytta.example)"


def test_the_same_event_has_the_same_uid_in_its_own_file_the_feed_and_both_languages(sample):
    write_event(sample, "var-kvall", date(2027, 3, 11))
    found = events(sample)
    own = {
        str(only_event(ical.event_calendar(found["var-kvall"], "var-kvall", URL, lang))[1]["uid"])
        for lang in ("sv", "en")
    }
    feeds = {
        str(e["uid"])
        for lang in ("sv", "en")
        for e in Calendar.from_ical(ical.feed(found, "https://flytta.example/", lang)).walk("VEVENT")
    }
    assert own == feeds == {"event-var-kvall@flytta.example"}
