"""Messages the outbox gave up on, and sending them again once the mail server or the other CRM works.

Sending again puts a dead message back in the queue as due now, with its attempts counted from
zero and its last error kept until it is sent or fails again; the worker does the rest. What must
not go out never does: a message about a household or order that was withdrawn or erased (its
text is blanked, or the person said no), and events (they are turned into messages, not sent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake.models import OutboxMessage
from intake.notify import handoff, outbox
from intake.privacy import audit
from intake.privacy.erasure import ERASED_MARK

LIMIT = 200
# Hand-offs that tell the other CRM to stop using or erase its copy name the household by reference
# only, and must reach it all the more once the household is gone here.
ABOUT_AN_ENDING = (handoff.WITHDRAWN, handoff.ERASED)

# Why a message is not sent again (the back office translates these, the CLI prints them).
NOT_DEAD, EVENT, GONE = "not undelivered", "event", "withdrawn or erased"


def _messages():
    return select(OutboxMessage).where(OutboxMessage.kind.not_in(outbox.EVENT_KINDS))


def dead(session: Session, limit: int | None = LIMIT) -> list[OutboxMessage]:
    """The undelivered messages and hand-offs, newest first (events are the worker's own business)."""
    query = _messages().where(OutboxMessage.status == "dead").order_by(OutboxMessage.created_at.desc())
    return list(session.scalars(query.limit(limit)))


def retrying(session: Session, limit: int = LIMIT) -> list[OutboxMessage]:
    """Messages waiting for another try after a failure (sent again, or in their backoff)."""
    query = _messages().where(OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.last_error.is_not(None))
    return list(session.scalars(query.order_by(OutboxMessage.next_attempt_at).limit(limit)))


def reference(message: OutboxMessage) -> str | None:
    record = message.household or message.order or message.sign_up
    return record.reference if record else None


def refusal(message: OutboxMessage) -> str | None:
    """Why `message` must not be sent again, or None when it may."""
    if message.kind in outbox.EVENT_KINDS:
        return EVENT
    if message.status != "dead":
        return NOT_DEAD
    ending = message.kind == outbox.WEBHOOK and message.subject in ABOUT_AN_ENDING
    if ending and message.body_text:
        return None
    record = message.household or message.order or message.sign_up
    withdrawn = getattr(record, "withdrawn_at", None) is not None  # a sign-up is erased, never withdrawn
    gone = record is not None and (withdrawn or record.erased_at is not None)
    # A blanked message (its record erased, or deleted since) has nothing left to send.
    blank = (
        message.subject == ERASED_MARK
        or not message.body_text
        or (message.kind != outbox.WEBHOOK and not message.to_address)
    )
    return GONE if gone or blank else None


@dataclass
class Outcome:
    queued: list[OutboxMessage] = field(default_factory=list)
    refused: list[tuple[OutboxMessage, str]] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def send_again(session: Session, now: datetime, ids: list[int] | None = None, actor: str | None = None) -> Outcome:
    """Queue the dead messages `ids` (None: every dead one) to be sent again now, each recorded in the
    audit log; the caller commits. Messages that must not go out are refused and left as they are."""
    outcome = Outcome()
    if ids is None:
        candidates = list(session.scalars(_messages().where(OutboxMessage.status == "dead").order_by(OutboxMessage.id)))
    else:
        wanted = list(dict.fromkeys(ids))
        found = {m.id: m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(wanted)))}
        outcome.missing = [i for i in wanted if i not in found]
        candidates = [found[i] for i in wanted if i in found]
    for message in candidates:
        if reason := refusal(message):
            outcome.refused.append((message, reason))
            continue
        # Conditional on still being dead: two people sending the same message again queue it once.
        requeued = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, lease_until=None, claimed_by=None)
        )
        if requeued.rowcount != 1:
            outcome.refused.append((message, NOT_DEAD))
            continue
        what = message.subject if message.kind == outbox.WEBHOOK else message.kind
        owners = (("household", message.household_id), ("order", message.order_id), ("sign_up", message.sign_up_id))
        record = next((name for name, owner in owners if owner), "message")
        audit.record(session, "resend", record, reference(message), f"message {message.id} ({what})", actor=actor)
        outcome.queued.append(message)
    return outcome
