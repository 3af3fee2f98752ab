"""What an event's pages and e-mails state about it, in the reader's language: when, where, places."""

from __future__ import annotations

from babel.dates import format_date
from flask_babel import gettext as _

from tasteget.content.schema import Event


def when(event: Event, lang: str) -> str:
    """E.g. "torsdag 11 mars 2027, 18:00–20:00" (in the event's own time zone, as content gives it)."""
    first = format_date(event.starts_on, "full", locale=lang)
    if event.ends_on and event.ends_on != event.starts_on:
        last = format_date(event.ends_on, "full", locale=lang)
        return f"{first} {event.start} – {last}" + (f" {event.end}" if event.end else "")
    return f"{first}, {event.start}" + (f"–{event.end}" if event.end else "")


def where(event: Event, lang: str) -> str:
    """The place as content gives it (an online event may have one too, e.g. a studio to come to),
    else for an online event where the link goes; never the link itself."""
    if event.place:
        return event.place.get(lang)
    return _("Online: the link is sent to those signed up") if event.online else ""


def listed(event: Event, lang: str, left: int | None = None) -> list[tuple[str, str]]:
    """(what, the answer) for the sign-up page's top: when, where and, for a limited event, places left."""
    stated = [(_("When"), when(event, lang)), (_("Where"), where(event, lang))]
    if left is not None:
        stated.append((_("Places left"), str(left) if left else _("None: you can join the waiting list")))
    stated.append((_("Last day to sign up"), format_date(event.last_sign_up_day(), "long", locale=lang)))
    return stated
