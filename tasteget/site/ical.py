"""The events as iCalendar (RFC 5545): one event's file, and a feed of every event, in one language.

Pure functions over the content's `Event`s: the site's build writes their bytes beside the event
pages, and the intake attaches `event_calendar`'s to a sign-up's confirmation, so both give the same
event the same UID (`event-<slug>@<host>`) and a calendar app updates it rather than adding a copy.
Times keep the event's own time zone (TZID) with its VTIMEZONE, so a calendar shows them right
wherever it is.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from icalendar import Calendar
from icalendar import Event as VEvent

from ..content.schema import Event
from . import routes
from .labels import LABELS

PRODID = "-//Ta Steget//Events//EN"


def uid(slug: str, url: str) -> str:
    """The event's identity in every calendar: its slug at the site's host."""
    return f"event-{slug}@{urlsplit(url).hostname or 'localhost'}"


def event_calendar(event: Event, slug: str, url: str, lang: str, *, now: datetime | None = None) -> bytes:
    """One event as a calendar file in `lang`; `url` is the event's page (absolute)."""
    return _calendar([_vevent(event, slug, url, lang, now or _now())], [event]).to_ical()


def feed(events: dict[str, Event], base_url: str, lang: str, *, now: datetime | None = None) -> bytes:
    """Every event (past ones too, so a subscriber's calendar keeps them) as one calendar in `lang`;
    `base_url` is the site's root address."""
    stamp = now or _now()
    root = base_url.rstrip("/")
    components = [_vevent(e, slug, root + routes.url("events", lang, slug), lang, stamp) for slug, e in events.items()]
    cal = _calendar(components, list(events.values()))
    cal.add("x-wr-calname", LABELS[lang]["events_feed_name"].format(host=urlsplit(base_url).hostname or ""))
    return cal.to_ical()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _calendar(components: list[VEvent], events: list[Event]) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")  # to add to a calendar, not an invitation to answer
    for component in components:
        cal.add_component(component)
    if events:
        # The time zones' rules only for the years the events span: the default (1970-2038) would
        # make each small file some kilobytes of transitions nobody needs.
        first = min(e.starts_on for e in events)
        last = max(e.ends_at().date() for e in events)
        cal.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=last + timedelta(days=366))
    return cal


def _vevent(event: Event, slug: str, url: str, lang: str, now: datetime) -> VEvent:
    t = LABELS[lang]
    component = VEvent()
    component.add("uid", uid(slug, url))
    component.add("dtstamp", now.astimezone(UTC))
    component.add("dtstart", event.starts_at())
    component.add("dtend", event.ends_at())
    component.add("summary", event.title.get(lang).strip())
    component.add("description", f"{plain_text(event.description.get(lang))}\n\n{url}")
    place = event.place.get(lang).strip() if event.place else t["event_online"]
    component.add("location", place)
    component.add("url", url)
    return component


class _Text(HTMLParser):
    """The text of rendered Markdown: paragraphs and list items on lines of their own, a link's address
    after its text."""

    BLOCKS = {"p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n" if tag != "li" and tag != "br" else "\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            self.parts.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if data.strip() or "\n" not in data:  # not the line breaks between the HTML's own tags
            self.parts.append(data)


def plain_text(text: str) -> str:
    """A Markdown text as a calendar app shows it: plain, without `**` or `[...]( )`."""
    parser = _Text()
    parser.feed(markdown.markdown(html.escape(text, quote=False)))
    lines = "".join(parser.parts).strip()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", lines))
