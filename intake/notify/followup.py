"""Reminders that keep households from going cold: pure date rules, and the job that applies them.

A household not contacted within REMINDER_WORKING_DAYS working days reminds its guides (its owner,
once it has one); ESCALATION_DAYS later the coordinator is told. Contacted means marked so (its
status has left "new") or written to from the back office (its first contact is recorded), whichever
comes first. A household that moved is checked on SETTLED_CHECK_DAYS later: its owner is asked
whether it has settled.

Whose a household's follow-ups are, one rule for the reminders and the back office's list of one's
follow-ups: its owner's, or, while it has no active owner, every guide's of its municipalities.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError

from intake.models import Household, JobRun, User


def unowned(household: Household) -> bool:
    """No active owner: its follow-ups fall to every guide of its municipalities."""
    return household.owner is None or not household.owner.active


def falls_to(user: User) -> ColumnElement[bool]:
    """The households whose follow-ups are `user`'s, as a condition on Household, to add to what
    `user` may see (`intake.crm.access`): those they own, and for a guide those with no active owner."""
    if user.role != "guide":
        return Household.owner_id == user.id
    return or_(Household.owner_id == user.id, without_active_owner())


def without_active_owner() -> ColumnElement[bool]:
    """`unowned` as a condition on Household: no owner, or one whose account was deactivated."""
    gone = select(User.id).where(User.active.is_(False))
    return or_(Household.owner_id.is_(None), Household.owner_id.in_(gone))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due(household: Household, today: date, working_days: int, escalation_days: int, settled_days: int) -> list[str]:
    """Which follow-up messages this household is due today: reminder, escalation, settled_check."""
    out = []
    if household.status == "new" and household.first_contacted_at is None and household.quarantine_reason is None:
        remind_on = add_working_days(household.created_at.date(), working_days)
        if today >= remind_on:
            out.append("reminder")
        if today >= remind_on + timedelta(days=escalation_days):
            out.append("escalation")
    if (
        household.status == "moved"
        and household.moved_on
        and today >= household.moved_on + timedelta(days=settled_days)
    ):
        out.append("settled_check")
    return out


def once(session, kind: str, household_id: int) -> bool:
    """True the first time (of any worker) this kind of message is claimed for the household."""
    session.add(JobRun(job=f"{kind}:{household_id}", period="once"))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def candidates(session, today: date, working_days: int, settled_days: int):
    """Households that might be due: new ones old enough and not yet contacted (a guide's message is
    a first contact), and moved ones long enough ago."""
    oldest_new = today - timedelta(days=working_days)
    not_contacted = (Household.status == "new") & Household.first_contacted_at.is_(None)
    return session.scalars(
        select(Household).where(
            (not_contacted & (Household.created_at < datetime.combine(oldest_new, time.min, UTC)))
            | ((Household.status == "moved") & (Household.moved_on <= today - timedelta(days=settled_days))),
            Household.withdrawn_at.is_(None),  # nobody follows up a withdrawn or erased household
            Household.erased_at.is_(None),
        )
    ).all()
