"""Each member of staff's private calendar feed: their follow-ups and visits as iCalendar, at a
secret address under /crm/ that their phone's calendar app subscribes to.

Only the hash of the address's token is stored; a new token replaces it, so the old address answers
404 from then on. The feed names a household by its reference and links to its page; never the
mover's name, contact details or the visit's note. Its path is `@redaction.private`: no log keeps it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Response, abort, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake import db
from intake.crm import agenda, bp
from intake.models import CalendarFeed, User, utcnow
from intake.privacy import audit
from intake.web import redaction

FEED_PATH = "/crm/calendar/<token>.ics"
DAYS_BEFORE, DAYS_AFTER = 30, 180  # the stretch of days a feed carries, around today


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User) -> str:
    """A new secret token for `user`'s feed, replacing any before it (whose address stops working)."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token)))
    audit.record(session, "change", "calendar_feed", None, "new address", user=user)
    return token


def revoke(session: Session, user: User) -> None:
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    audit.record(session, "change", "calendar_feed", None, "turned off", user=user)


def feed_url(token: str) -> str:
    """The feed's address as the calendar app needs it: absolute, from PUBLIC_URL."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("crm.calendar_feed", token=token)


def ics(found: agenda.Agenda, now: datetime, arranged_labels) -> bytes:
    """The agenda as an iCalendar file: a follow-up is an all-day event on its day, a visit spans its
    days; each carries the household's reference and a link to its page, nothing personal."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    host = urlsplit(base).hostname or "tasteget"
    cal = Calendar()
    cal.add("prodid", "-//Ta Steget//Back office//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Ta Steget: follow-ups and visits"))
    for h in found.follow_ups:
        link = base + url_for("crm.household", reference=h.reference)
        cal.add_component(
            _event(
                f"follow-up-{h.reference}@{host}",
                now,
                h.follow_up_on,
                h.follow_up_on,
                link,
                _("Follow-up %(reference)s", reference=h.reference),
            )
        )
    for v in found.visits:
        link = base + url_for("crm.household", reference=v.household.reference)
        summary = _("Visit %(reference)s", reference=v.household.reference)
        labels = arranged_labels(v)
        cal.add_component(
            _event(
                f"visit-{v.id}@{host}",
                now,
                v.starts_on,
                v.ends_on,
                link,
                summary + (": " + ", ".join(labels) if labels else ""),
            )
        )
    return cal.to_ical()


def _event(uid: str, now: datetime, first, last, link: str, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # all-day events end the day after (RFC 5545)
    event.add("summary", summary)
    event.add("url", link)
    event.add("description", link)
    event.add("transp", "TRANSPARENT")  # a reminder, not time taken
    return event


@bp.get("/calendar/<token>.ics")
@redaction.private
def calendar_feed(token: str):
    """The feed itself: no login (a calendar app has none), the secret address is the key."""
    from intake.crm.visits import arranged_labels

    session = db.session()
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.user.active or feed.user.role not in ("guide", "coordinator"):
        abort(404)
    today = agenda.local_today()
    # The coordinator's feed too is their own: what they own and what nobody owns yet.
    found = agenda.agenda(
        session,
        feed.user,
        today - timedelta(days=DAYS_BEFORE),
        today + timedelta(days=DAYS_AFTER),
        owner=agenda.MINE,
        overdue=False,
    )
    with force_locale(current_app.config["STAFF_LANGUAGE"]):
        body = ics(found, utcnow(), arranged_labels())
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="tasteget.ics"'})
