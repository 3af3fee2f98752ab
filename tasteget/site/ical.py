"""An event as an iCalendar file (RFC 5545): one VEVENT, for the site's download and the sign-up's
confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from icalendar import Event as VEvent

from tasteget.content.schema import Event

PRODID = "-//Ta Steget//events//EN"


def event_calendar(event: Event, slug: str, url: str, lang: str) -> bytes:
    """The event as a calendar of one VEVENT (METHOD:PUBLISH) in `lang`, linking to `url`; its UID
    is the slug's, so a calendar that imports it again updates the same entry."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = VEvent()
    entry.add("uid", f"{slug}@events.tasteget")
    entry.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    entry.add("dtstart", event.starts_at().astimezone(UTC))
    entry.add("dtend", event.ends_at().astimezone(UTC))
    entry.add("summary", event.title.get(lang))
    if event.online:
        entry.add("location", "Online" if lang == "en" else "Digitalt")
    elif event.place is not None:
        entry.add("location", event.place.get(lang))
    entry.add("url", url)
    entry.add("description", url)
    calendar.add_component(entry)
    return calendar.to_ical()
