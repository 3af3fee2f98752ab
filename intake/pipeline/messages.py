"""A guide writes to a household: the message goes through the outbox in the household's language,
From the campaign with Reply-To the guide, and is a step on the household's timeline with its text.

The timeline keeps the subject and text (staff's words to a person: erasure removes them, export
includes them) and the outbox message's id, so the page can say whether it went out. Writing counts
as contacting the household: the first message is its first contact (the reminders stop, the
figures count it), its writer becomes its owner if it has none, and the guide may mark it contacted
in the same step.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import Household, HouseholdEvent, OutboxMessage, User, utcnow
from intake.pipeline import steps
from intake.pipeline.timeline import add_event, claim_if_unowned

KIND = "message"  # the timeline's kind of step
# The same message to the same household again within this time is a second press of "Send" (a slow
# phone), not a second message: it is not queued twice.
REPEAT = timedelta(minutes=10)


class Refused(Exception):
    """The household cannot be written to; the reason is one of REASONS' keys."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def refusal(household: Household) -> str | None:
    """Why nobody may write to the household ("withdrawn", "erased", "quarantine"), or None."""
    if household.withdrawn_at is not None:  # (a withdrawal erases at once, too)
        return "withdrawn"
    if household.erased_at is not None:
        return "erased"
    if household.quarantine_reason is not None:
        return "quarantine"
    if not household.email:
        return "no_address"
    return None


def timeline_text(subject: str, text: str) -> str:
    """What the timeline keeps of a message: its subject, a blank line, its text."""
    return f"{subject}\n\n{text}"


def split(recorded: str | None) -> tuple[str, str]:
    """A timeline step's text as (subject, text); ("", "") once erased."""
    subject, _, text = (recorded or "").partition("\n\n")
    return subject, text


def send(
    session: Session,
    household: Household,
    user: User,
    message: OutboxMessage,
    subject: str,
    text: str,
    mark_contacted: bool = False,
) -> bool:
    """Queue `message` (composed by `intake.notify.emails.household_message` from `subject` and
    `text`) for the household, with the step on its timeline; the household's first contact if it had
    none, and marked "contacted" when `mark_contacted` and it is still "new". Raises Refused for a
    household withdrawn, erased or in quarantine, and ValueError for a message that failed its check.
    False (and nothing done) when the same message went to the household moments ago (`REPEAT`)."""
    reason = refusal(household)
    if reason:
        raise Refused(reason)
    if message.status == "dead":
        raise ValueError(message.last_error or "the message failed its check")
    recorded = timeline_text(subject, text)
    again = select(HouseholdEvent.id).where(
        HouseholdEvent.household_id == household.id,
        HouseholdEvent.kind == KIND,
        HouseholdEvent.at > utcnow() - REPEAT,
        HouseholdEvent.text == recorded,
    )
    if session.scalar(again.limit(1)) is not None:
        return False
    message.household = household
    session.add(message)
    add_event(session, household, user, KIND, None, message.message_id, recorded)
    if mark_contacted and household.status == "new":
        steps.change_status(session, household, user, "contacted")  # first contact, owner, news
    elif household.first_contacted_at is None:
        household.first_contacted_at = utcnow()
        claim_if_unowned(session, household, user)
    return True
