"""What the site says about events at a moment: which are still to come, and when each is, in words.

A build is a snapshot: the events page is as fresh as the last build (production rebuilds daily,
`deploy/systemd/tasteget-publish.timer`), so "now" is the build's moment, passed in.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from ..content.schema import Event
from .labels import LABELS

# The zone an event's times are in unless its file says otherwise: those are shown without a name.
USUAL_ZONE = Event.model_fields["time_zone"].default
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
DATE_FORMAT = "EEEE d MMMM y"  # "torsdag 11 mars 2027", "Thursday 11 March 2027"


def split(events: dict[str, Event], now: datetime) -> tuple[dict[str, Event], dict[str, Event]]:
    """The events still to come (or going on), soonest first, and the past ones, latest first."""
    upcoming = {slug: e for slug, e in events.items() if not e.is_past(now)}
    past = {slug: e for slug, e in events.items() if e.is_past(now)}
    return upcoming, dict(reversed(past.items()))


def local_today(event: Event, now: datetime) -> date:
    """The event's own calendar day at `now` (what `Event.open_for_sign_up` is asked about)."""
    return now.astimezone(ZoneInfo(event.time_zone)).date()


def day(value: date, lang: str) -> str:
    return format_date(value, DATE_FORMAT, locale=LOCALES[lang])


def when(event: Event, lang: str) -> str:
    """The event's day(s) and time(s) in its own time zone, the zone named if not the usual one:
    "torsdag 11 mars 2027, 18:00–20:00", or over days "fredag 12 mars 2027, 17:00 – söndag 14 mars 2027, 14:00"."""
    first = f"{day(event.starts_on, lang)}, {event.start}"
    if event.ends_on and event.ends_on != event.starts_on:
        text = f"{first} – {day(event.ends_on, lang)}" + (f", {event.end}" if event.end else "")
    else:
        text = first + (f"–{event.end}" if event.end else "")
    if event.time_zone != USUAL_ZONE:
        text = LABELS[lang]["event_time_zone"].format(time=text, zone=event.time_zone.replace("_", " "))
    return text


def date_only(event: Event, lang: str) -> str:
    """The event's first day, for the archive's list."""
    return day(event.starts_on, lang)
