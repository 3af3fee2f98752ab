"""The e-mails to someone who signed up to an event, in their language: the confirmation (with the
event's calendar file), the waiting list's, "you got a place", the reminder the day before, and the
cancellation's receipt. From the campaign, Reply-To the event's contact (else the coordinator), the
subject naming the campaign and the reference; each has the cancel link. Nothing here goes to staff:
the needs for the day are never in an e-mail.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.events import facts, paths, signups
from intake.models import EventSignUp, JobRun, OutboxMessage
from intake.notify import emails, outbox
from tasteget.site import ical, routes


def subject(kind: str, **names):
    """The subject of `kind`, naming the campaign, the event and the reference (a lazy string)."""
    if kind == "event_confirmation":
        return _l("%(campaign)s: you are signed up for %(title)s (%(reference)s)", **names)
    if kind == "event_waiting":
        return _l("%(campaign)s: you are on the waiting list for %(title)s (%(reference)s)", **names)
    if kind == "event_place":
        return _l("%(campaign)s: you got a place at %(title)s (%(reference)s)", **names)
    if kind == "event_reminder":
        return _l("%(campaign)s: %(title)s is tomorrow (%(reference)s)", **names)
    return _l("%(campaign)s: your sign-up for %(title)s is cancelled (%(reference)s)", **names)


WITH_CALENDAR = ("event_confirmation", "event_place")
# Only to those with a place: the link to join an online event (never to the waiting list or staff).
WITH_JOIN_URL = ("event_confirmation", "event_place", "event_reminder")


def compose(session: Session, site, sign_up: EventSignUp, kind: str) -> list[OutboxMessage]:
    """One e-mail of `kind` to the person, attached to the sign-up; none when the event is gone from
    the content or the sign-up was erased, or (for what a form caused) the address has had its share of
    e-mails about this event (`MAIL_EVENT_LIMIT_PER_ADDRESS`; not the daily share of other forms)."""
    event = site.events.get(sign_up.event)
    if event is None or sign_up.erased_at is not None or not sign_up.email:
        return []
    if kind in outbox.EVENT_ADDRESS_KINDS:
        sent = outbox.sent_for_event(session, sign_up.email, sign_up.event)
        if sent >= current_app.config["MAIL_EVENT_LIMIT_PER_ADDRESS"]:
            return []
    lang = sign_up.form_language
    title = event.title.get(lang)
    names = {"campaign": site.region.campaign, "title": title, "reference": sign_up.reference}
    if event.contact:
        person = emails.Person(event.contact, event.contact)
    else:
        person = emails.coordinator_contact(session, site, lang)
    event_url = emails.public_url(paths.event(lang, sign_up.event))
    token = signups.cancel_token(current_app.secret_key, sign_up.reference)
    with force_locale(lang):  # the worker's own locale is the staff's
        when, where = facts.when(event, lang), facts.where(event, lang)
    message = emails.compose(
        kind,
        sign_up.email,
        lang,
        subject(kind, **names),
        kind,
        reply_to=person.email if person else None,
        person=person,
        name=sign_up.name,
        title=title,
        when=when,
        where=where,
        online=event.online,
        join_url=event.join_url if kind in WITH_JOIN_URL else None,
        people=sign_up.people,
        position=signups.queue_position(session, sign_up),
        reference=sign_up.reference,
        event_url=event_url,
        cancel_url=emails.public_url(paths.cancel(lang, token)),
        privacy_url=emails.public_url(routes.url("privacy", lang)),
    )
    if kind in WITH_CALENDAR:
        message.calendar = ical.event_calendar(event, sign_up.event, event_url, lang).decode("utf-8")
    message.sign_up = sign_up
    return [message]


def for_event(session: Session, event: OutboxMessage, site) -> list[OutboxMessage]:
    """The e-mail an outbox event about a sign-up becomes."""
    sign_up = session.get(EventSignUp, event.sign_up_id) if event.sign_up_id else None
    if sign_up is None:
        return []
    if event.kind == outbox.SIGN_UP_RECEIVED:
        if sign_up.status == "waiting":
            kind = "event_waiting"
        elif sign_up.status in ("confirmed", "attended", "no_show"):
            kind = "event_confirmation"
        else:
            return []  # cancelled before the worker came to it: the cancellation's receipt says so
    elif event.kind == outbox.SIGN_UP_PROMOTED:
        kind = "event_place"
    else:
        kind = "event_cancelled"
    return compose(session, site, sign_up, kind)


def reminders_due(local: datetime, hour: int) -> bool:
    """Whether the day-before reminders may go now (`local`: the region's time): from `hour` on, so
    nobody gets one just after midnight; until midnight, after which "tomorrow" is another day."""
    return local.hour >= hour


def reminders(session: Session, site, today: date) -> int:
    """The reminder to everyone with places at an event that starts tomorrow, once per sign-up
    (whichever worker gets there first: the JobRun key is unique); the caller commits."""
    tomorrow = date.fromordinal(today.toordinal() + 1)
    due = [slug for slug, event in site.events.items() if event.starts_on == tomorrow]
    if not due:
        return 0
    count = 0
    rows = session.scalars(
        select(EventSignUp).where(
            EventSignUp.event.in_(due), EventSignUp.status == "confirmed", EventSignUp.erased_at.is_(None)
        )
    )
    for sign_up in rows.all():
        try:
            with session.begin_nested():
                session.add(JobRun(job=f"event_reminder:{sign_up.id}", period="once"))
        except IntegrityError:
            continue  # reminded already
        session.add_all(compose(session, site, sign_up, "event_reminder"))
        count += 1
    return count
