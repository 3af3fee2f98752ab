"""Signing up, cancelling and marking attendance: each one transaction, under the event's lock.

Every change to an event's places first takes its lock row (`EventLock`): PostgreSQL holds the row
lock until the commit and SQLite has one writer at a time, so the places are counted and given out by
one transaction at a time and two people can never both take the last one. What is said to the
person goes through the outbox as an event in the same transaction (acknowledged means stored, and
told).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intake.events import places
from intake.models import HOLDS_PLACES, EventLock, EventSignUp, Household, OutboxMessage, User
from intake.notify import outbox
from intake.pipeline import timeline
from intake.public import abuse
from intake.references import new_reference
from tasteget.content.schema import Event

_LOCK_ROW = {
    "postgresql": postgresql.insert(EventLock.__table__).on_conflict_do_nothing(index_elements=["event"]),
    "sqlite": sqlite.insert(EventLock.__table__).on_conflict_do_nothing(index_elements=["event"]),
}
TOKEN_SALT = b"event-cancel:"
ATTENDANCE = ("attended", "no_show")


def cancel_token(secret: str, reference: str) -> str:
    """The cancel link's token: derived from the reference with the secret key, so the e-mails can
    be written later by the worker while only its hash is stored (`token_hash`)."""
    digest = hmac.new(secret.encode(), TOKEN_SALT + reference.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def by_token(session: Session, token: str) -> EventSignUp | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(EventSignUp).where(EventSignUp.cancel_token_hash == token_hash(token)))


def lock(session: Session, slug: str) -> None:
    """Take the event's lock for the rest of the transaction (see the module's docstring)."""
    connection = session.connection()
    connection.execute(_LOCK_ROW[connection.dialect.name], {"event": slug, "changes": 0})
    connection.execute(update(EventLock).where(EventLock.event == slug).values(changes=EventLock.changes + 1))


def taken(session: Session, slug: str) -> int:
    """How many places the event's sign-ups hold."""
    held = select(func.coalesce(func.sum(EventSignUp.people), 0)).where(
        EventSignUp.event == slug, EventSignUp.status.in_(HOLDS_PLACES)
    )
    return int(session.scalar(held))


def waiting(session: Session, slug: str) -> list[EventSignUp]:
    """The event's waiting list, in its order."""
    return list(
        session.scalars(
            select(EventSignUp)
            .where(EventSignUp.event == slug, EventSignUp.status == "waiting")
            .order_by(EventSignUp.queue_number, EventSignUp.id)
        )
    )


def queue_position(session: Session, sign_up: EventSignUp) -> int | None:
    """Where a waiting sign-up is in the queue (1: next), None unless it waits."""
    if sign_up.status != "waiting" or sign_up.queue_number is None:
        return None
    numbers = [s.queue_number for s in waiting(session, sign_up.event)]
    return places.position(sign_up.queue_number, numbers)


def matching_household(session: Session, email: str) -> Household | None:
    """The household registered with this address (whatever its case), if one is live."""
    return session.scalar(
        select(Household)
        .where(
            func.lower(Household.email) == email.lower(),
            Household.quarantine_reason.is_(None),
            Household.withdrawn_at.is_(None),
            Household.erased_at.is_(None),
        )
        .order_by(Household.id)
        .limit(1)
    )


@dataclass(frozen=True)
class Details:
    """What the form sends, checked."""

    name: str
    email: str
    people: int
    needs: str | None
    submission_id: str
    form_language: str
    privacy_version: str
    legal_basis: str
    purpose: str
    quarantine_reason: str | None


def live_with_address(session: Session, slug: str, email: str) -> EventSignUp | None:
    """The event's sign-up with places or on the waiting list made with this address (whatever its case)."""
    return session.scalar(
        select(EventSignUp)
        .where(
            EventSignUp.event == slug,
            func.lower(EventSignUp.email) == email.lower(),
            EventSignUp.status.in_(("confirmed", "waiting")),
        )
        .order_by(EventSignUp.id)
        .limit(1)
    )


def sign_up(session: Session, slug: str, event: Event, details: Details, secret: str, now: datetime) -> EventSignUp:
    """Store the sign-up, with its places or its turn on the waiting list, and the outbox event that
    tells the person; commit. A suspected robot (abuse.quarantine_reason, but for one only too fast)
    is kept for review ("held"), takes no place and is told nothing. An address with a live sign-up
    to the event already gets that one back and nothing new is stored or sent: one person cannot fill
    an event with made-up parties (checked under the lock, so two at once make one)."""
    reference = new_reference("E")
    token = cancel_token(secret, reference)
    row = EventSignUp(
        event=slug,
        reference=reference,
        submission_id=details.submission_id,
        created_at=now,
        form_language=details.form_language,
        name=details.name,
        email=details.email,
        people=details.people,
        privacy_version=details.privacy_version,
        consented_at=now,
        legal_basis=details.legal_basis,
        purpose=details.purpose,
        needs=details.needs,
        needs_consented_at=now if details.needs else None,
        cancel_token_hash=token_hash(token),
        quarantine_reason=details.quarantine_reason,
        status_changed_at=now,
    )
    robot = details.quarantine_reason is not None and details.quarantine_reason not in abuse.CONFIRMED_WHILE_HELD
    if robot:
        row.status = "held"
        session.add(row)
        session.commit()
        return row
    lock(session, slug)
    _give_out(session, slug, event, now)  # places added in the content since go to those waiting first
    already = live_with_address(session, slug, details.email)
    if already is not None:
        # Nothing new is stored; the address is told again what holds for its sign-up (the sender sees
        # a page that names no sign-up: the address may not be theirs).
        session.add(OutboxMessage(**outbox.event_row(outbox.SIGN_UP_RECEIVED, sign_up_id=already.id)))
        session.commit()
        return already
    if places.fits(event.capacity, taken(session, slug), details.people):
        row.status = "confirmed"
    else:
        row.status = "waiting"
        last = session.scalar(select(func.max(EventSignUp.queue_number)).where(EventSignUp.event == slug))
        row.queue_number = (last or 0) + 1
    household = matching_household(session, details.email)
    if household is not None:
        row.household_id = household.id
    session.add(row)
    session.flush()
    session.add(OutboxMessage(**outbox.event_row(outbox.SIGN_UP_RECEIVED, sign_up_id=row.id)))
    if household is not None:
        timeline.add_event(session, household, None, "event", row.status, slug)
    session.commit()
    return row


def cancel(session: Session, sign_up: EventSignUp, event: Event | None, now: datetime) -> list[EventSignUp]:
    """Cancel a sign-up (by its link), give the places free then to the waiting list, and tell the
    person and each one who got a place; commit. Returns those who got a place."""
    lock(session, sign_up.event)
    session.refresh(sign_up)  # as it is now, under the lock
    if sign_up.status not in ("confirmed", "waiting"):
        session.commit()
        return []
    sign_up.status, sign_up.queue_number, sign_up.status_changed_at = "cancelled", None, now
    session.add(OutboxMessage(**outbox.event_row(outbox.SIGN_UP_CANCELLED, sign_up_id=sign_up.id)))
    if sign_up.household is not None:
        timeline.add_event(session, sign_up.household, None, "event", "cancelled", sign_up.event)
    session.flush()
    # Also when it only waited: places added in the content since may be free.
    given = _give_out(session, sign_up.event, event, now) if event is not None else []
    session.commit()
    return given


def give_out_free_places(session: Session, events: dict[str, Event], now: datetime) -> list[EventSignUp]:
    """Give the places free at each event not yet over (its capacity raised in the content) to its
    waiting list, telling each who gets one; commit. Looked at without the lock first, so an event
    with nothing to give is not locked."""
    given = []
    for slug, event in events.items():
        if event.is_past(now):
            continue
        held = taken(session, slug)
        if places.free(event.capacity, held) == 0:
            continue  # full (the common case): no need to read the list
        parties = [places.Party(s.id, s.people) for s in waiting(session, slug)]
        if not places.promote(event.capacity, held, parties):
            continue
        lock(session, slug)
        given += _give_out(session, slug, event, now)
        session.commit()
    session.commit()  # end the reading transaction
    return given


def _give_out(session: Session, slug: str, event: Event, now: datetime) -> list[EventSignUp]:
    """Give the free places to the waiting list (under the event's lock, which the caller holds)."""
    queue = waiting(session, slug)
    parties = [places.Party(s.id, s.people) for s in queue]
    chosen = set(places.promote(event.capacity, taken(session, slug), parties))
    given = [s for s in queue if s.id in chosen]
    for s in given:
        s.status, s.queue_number, s.status_changed_at = "confirmed", None, now
        session.add(OutboxMessage(**outbox.event_row(outbox.SIGN_UP_PROMOTED, sign_up_id=s.id)))
        if s.household is not None:
            timeline.add_event(session, s.household, None, "event", "confirmed", slug)
    return given


def mark(session: Session, sign_up: EventSignUp, status: str, user: User, now: datetime) -> bool:
    """The guide marks whether someone with places came; on the household's timeline too. False when
    the sign-up has no places to come to (cancelled, waiting, held)."""
    if status not in ATTENDANCE or sign_up.status not in HOLDS_PLACES:
        return False
    if sign_up.status != status:
        sign_up.status, sign_up.status_changed_at, sign_up.marked_by = status, now, user.id
        if sign_up.household is not None:
            timeline.add_event(session, sign_up.household, user, "event", status, sign_up.event)
    session.commit()
    return True
