"""Retention: when records are erased without anyone asking, and the daily purge that erases them.

Households are kept while there is activity and `RETENTION_MONTHS` after the last (withdrawn ones
from their withdrawal); magazine orders `ORDER_RETENTION_DAYS` after they were sent.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from intake.models import Household, HouseholdEvent, MagazineOrder
from intake.privacy import erasure

REASON, ACTOR = "retention", "purge"  # the purge's audit entries


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier), on the month's last day where it is shorter."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def erased_by(withdrawn_at: datetime, retention_months: int) -> date:
    """The day a withdrawn household kept under public task is erased at the latest (by the daily purge)."""
    return add_months(withdrawn_at, retention_months).date() + timedelta(days=1)


@dataclass(frozen=True)
class Due:
    households: list[Household]
    orders: list[MagazineOrder]


def purge_due(session: Session, now: datetime, retention_months: int, order_days: int) -> Due:
    """What retention says must be erased now: households with no activity for `retention_months`
    (registered, contacted, a status change, anything staff recorded; withdrawn ones count from their
    withdrawal), orders `order_days` after they were sent."""
    cutoff = add_months(now, -retention_months)
    recent_event = select(HouseholdEvent.household_id).where(HouseholdEvent.at >= cutoff)
    households = session.scalars(
        select(Household)
        .where(
            Household.erased_at.is_(None),
            Household.created_at < cutoff,
            or_(Household.status_changed_at.is_(None), Household.status_changed_at < cutoff),
            or_(Household.first_contacted_at.is_(None), Household.first_contacted_at < cutoff),
            or_(Household.withdrawn_at.is_(None), Household.withdrawn_at < cutoff),
            Household.id.not_in(recent_event),
        )
        .order_by(Household.id)
    ).all()
    orders = session.scalars(
        select(MagazineOrder)
        .where(MagazineOrder.erased_at.is_(None), MagazineOrder.sent_at < now - timedelta(days=order_days))
        .order_by(MagazineOrder.id)
    ).all()
    return Due(list(households), list(orders))


@dataclass(frozen=True)
class Purged:
    """The references of what was erased (or, in a dry run, would be)."""

    households: list[str]
    orders: list[str]


def purge(
    session: Session,
    now: datetime,
    retention_months: int,
    order_days: int,
    *,
    dry_run: bool = False,
    hand_off: bool = False,
) -> Purged:
    """Erase what `purge_due` finds, each with its audit entry (actor "purge", reason "retention"),
    and commit: all or nothing (a refused commit is rolled back and raised). A dry run changes nothing.
    With `hand_off`, the other CRM is told of each household. The caller scrubs the files after it."""
    due = purge_due(session, now, retention_months, order_days)
    purged = Purged([h.reference for h in due.households], [o.reference for o in due.orders])
    if dry_run:
        return purged
    for h in due.households:
        erasure.erase_household(session, h, now, reason=REASON, actor=ACTOR, hand_off=hand_off)
    for o in due.orders:
        erasure.erase_order(session, o, now, reason=REASON, actor=ACTOR)
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise
    return purged
