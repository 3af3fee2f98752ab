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

from .models import OutboxMessage

ADDRESS_KINDS = ("mover_confirmation", "order_confirmation")  # sent to addresses typed into a form


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def sent_recently(session: Session, address: str, now: datetime) -> int:
    """How many messages went to an address typed into a form in the last 24 hours."""
    return session.scalar(
        select(func.count(OutboxMessage.id)).where(
            func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.kind.in_(ADDRESS_KINDS),
            OutboxMessage.created_at > now - timedelta(days=1),
        )
    )


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )


def claim(session: Session, worker: str, limit: int, lease_seconds: int, now: datetime) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker; nobody else gets them until the lease ends."""
    candidates = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
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


def mark_sent(session: Session, message: OutboxMessage, worker: str, now: datetime) -> None:
    """Record the attempt and the success in one step."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker)
        .values(status="sent", attempts=OutboxMessage.attempts + 1, sent_at=now, lease_until=None, last_error=None)
    )
    session.commit()


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
