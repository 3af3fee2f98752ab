"""The outbox: messages wait in the database until a worker has sent them.

Claiming is atomic (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a conditional UPDATE under its
single writer), so several workers never send the same message. A claim is a lease: a worker
killed mid-batch leaves messages that another worker takes over when the lease runs out.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from intake.models import EventSignUp, OutboxMessage
from intake.notify.mail import parse_url

# A confirmed registration deleted from the quarantine as a robot: the address is told it is gone.
MOVER_REMOVAL = "mover_removal"
# Sent to addresses typed into a form (besides: the link to the mover's own page, "send me my link";
# the notice to the old address when the mover changes it there).
ADDRESS_KINDS = (
    "mover_confirmation",
    "order_confirmation",
    MOVER_REMOVAL,
    "mover_link",
    "mover_address_changed",
    "mover_visit_requested",
)
# The e-mails to someone signed up to an event. They count per (address, event), not in the daily
# share above: registering, asking for a visit and signing up to two events the same day must never
# lose a calendar file, while one address still gets only a handful about any one event
# (`MAIL_EVENT_LIMIT_PER_ADDRESS`); the events are the content's few, so the whole is bounded too.
EVENT_MAIL_KINDS = ("event_confirmation", "event_waiting", "event_place", "event_reminder", "event_cancelled")
# Of those, the ones a form causes (a sign-up), which the limit holds back.
EVENT_ADDRESS_KINDS = ("event_confirmation", "event_waiting")
# Things that happened, which the worker turns into messages (see `event`).
HOUSEHOLD_REGISTERED, ORDER_PLACED = "household_registered", "order_placed"
# A registration held in the quarantine only for being sent too fast: the mover is confirmed at
# once, the guides are told when the coordinator releases it.
HOUSEHOLD_HELD = "household_held"
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # the typed address in to_address, until handled
MOVER_LINK_REQUESTED = "mover_link_requested"  # likewise: "send me my link" to the mover's own page
# A household already registered asked for a try-out visit: its guides are told, the mover confirmed.
VISIT_REQUESTED = "visit_requested"
# A guide marked a household moved: it is welcomed (its checklist, the next event for newcomers).
HOUSEHOLD_MOVED = "household_moved"
# Someone signed up to an event (a place or the waiting list), got a place freed by another, cancelled.
SIGN_UP_RECEIVED, SIGN_UP_PROMOTED, SIGN_UP_CANCELLED = "sign_up_received", "sign_up_promoted", "sign_up_cancelled"
SIGN_UP_EVENTS = (SIGN_UP_RECEIVED, SIGN_UP_PROMOTED, SIGN_UP_CANCELLED)
EVENT_KINDS = (
    HOUSEHOLD_REGISTERED,
    HOUSEHOLD_HELD,
    ORDER_PLACED,
    PASSWORD_RESET_REQUESTED,
    MOVER_LINK_REQUESTED,
    VISIT_REQUESTED,
    HOUSEHOLD_MOVED,
    *SIGN_UP_EVENTS,
)
# A guide's message to a household, written in the back office (Reply-To the guide).
HOUSEHOLD_MESSAGE = "household_message"
# A delivery to another CRM's endpoint (see `handoff`), sent by HTTP rather than SMTP.
WEBHOOK = "webhook"


def check_lease(config) -> None:
    """Refuse a lease too short for the timeouts (a ValueError, as for other settings): a worker
    starts a message only while its lease outlasts the attempt, and must fit a mail session's start
    and one message, each with its own deadline."""
    mail_timeout = parse_url(config["MAIL_URL"]).timeout if config.get("MAIL_URL") else 0
    needed = 2 * max(mail_timeout, config["WEBHOOK_TIMEOUT_SECONDS"])
    if config["MAIL_LEASE_SECONDS"] <= needed:
        raise ValueError(
            f"MAIL_LEASE_SECONDS must be more than {needed:g} (twice the longest of MAIL_URL's timeout= "
            f"and WEBHOOK_TIMEOUT_SECONDS), got {config['MAIL_LEASE_SECONDS']}"
        )


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def event(kind: str, household=None, order=None) -> OutboxMessage:
    """An outbox entry that is not an e-mail but a thing that happened, for the worker to turn into
    the e-mails about it. It is written in the same transaction as the record, so nothing
    acknowledged is ever left untold, while composing the e-mails (templates in two formats for
    several recipients: a third of a registration's server time) stays out of the visitor's request."""
    return OutboxMessage(**event_row(kind), household=household, order=order)


def event_row(kind: str, **record_id) -> dict:
    """The columns of an event (see `event`) for a plain INSERT: `household_id=`, `order_id=` or `sign_up_id=`."""
    return {
        "kind": kind,
        "message_id": f"<event.{uuid.uuid4().hex}@localhost>",
        "to_address": "",
        "language": "",
        "subject": "",
        "body_text": "",
        "body_html": "",
        **record_id,
    }


def sent_recently(session: Session, address: str, now: datetime) -> int:
    """How many messages went to an address typed into a form in the last 24 hours."""
    return session.scalar(
        select(func.count(OutboxMessage.id)).where(
            func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.kind.in_(ADDRESS_KINDS),
            OutboxMessage.created_at > now - timedelta(days=1),
        )
    )


def sent_for_event(session: Session, address: str, slug: str) -> int:
    """How many e-mails about the event `slug` went to an address (whatever its case), ever."""
    return session.scalar(
        select(func.count(OutboxMessage.id))
        .join(EventSignUp, EventSignUp.id == OutboxMessage.sign_up_id)
        .where(
            func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.kind.in_(EVENT_MAIL_KINDS),
            EventSignUp.event == slug,
        )
    )


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )


def claim(
    session: Session,
    worker: str,
    limit: int,
    lease_seconds: int,
    now: datetime,
    events: bool = False,
    webhooks: bool = False,
) -> list[OutboxMessage]:
    """Take up to `limit` due e-mails (or, with `events`, due events; with `webhooks`, due webhook
    deliveries) for this worker; nobody else gets them until the lease ends. Each queue is claimed on
    its own, so a mail server that is down never holds up the webhooks, nor the reverse."""
    if events:
        kind = OutboxMessage.kind.in_(EVENT_KINDS)
    elif webhooks:
        kind = OutboxMessage.kind == WEBHOOK
    else:
        kind = OutboxMessage.kind.not_in((*EVENT_KINDS, WEBHOOK))
    candidates = select(OutboxMessage.id).where(_due(now), kind).order_by(OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.scalars(candidates))
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _due(now))
            .values(status="sending", claimed_by=worker, lease_until=now + timedelta(seconds=lease_seconds))
        )
    session.commit()
    if not ids:
        return []
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker, OutboxMessage.status == "sending")
            .order_by(OutboxMessage.id)
        )
    )


def release(session: Session, messages: list[OutboxMessage], worker: str) -> None:
    """Hand claimed messages back untried: due again at once, to any worker, no attempt counted."""
    if messages:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in messages]), OutboxMessage.claimed_by == worker)
            .where(OutboxMessage.status == "sending")
            .values(status="pending", claimed_by=None, lease_until=None)
        )
    session.commit()


def mail_waiting(session: Session, now: datetime) -> bool:
    """Whether an e-mail, or an event that becomes e-mails, is due: webhook deliveries give way to it."""
    due = select(OutboxMessage.id).where(_due(now), OutboxMessage.kind != WEBHOOK).limit(1)
    return session.scalar(due) is not None


def mark_sent(session: Session, message: OutboxMessage, worker: str, now: datetime) -> None:
    """Record the attempt and the success in one step."""
    complete(session, message, worker, now)
    session.commit()


def complete(session: Session, message: OutboxMessage, worker: str, now: datetime) -> bool:
    """Mark the message done in the caller's transaction; False when this worker's claim was lost
    (its lease ran out and another worker took the message over)."""
    done = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker)
        .values(status="sent", attempts=OutboxMessage.attempts + 1, sent_at=now, lease_until=None, last_error=None)
    )
    return done.rowcount == 1


def backoff(attempts: int, base: float, cap: float, rng: random.Random = random) -> float:
    """Seconds before the next try: doubling from `base` up to `cap`, half of it random (jitter)."""
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + rng.uniform(0, delay / 2)


def mark_failed(
    session: Session, message: OutboxMessage, worker: str, error: str, now: datetime, max_attempts: int, delay: float
) -> bool:
    """Record a failed attempt; after `max_attempts` the message is dead. Returns True when it died."""
    attempts = message.attempts + 1
    dead = attempts >= max_attempts
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker)
        .values(
            status="dead" if dead else "pending",
            attempts=attempts,
            last_error=error,
            lease_until=None,
            next_attempt_at=now + timedelta(seconds=delay),
        )
    )
    session.commit()
    message.attempts, message.last_error = attempts, error
    return dead
