"""Retention: when records are erased without anyone asking, and the daily purge that erases them.

Households are kept while there is activity and `RETENTION_MONTHS` after the last (withdrawn ones
from their withdrawal); magazine orders `ORDER_RETENTION_DAYS` after they were sent; sign-ups to
events `RETENTION_MONTHS` after the event, and their needs for the day `EVENT_NEEDS_DAYS` after it
(a sign-up whose event is gone from the content counts from when it was made, and its needs go at once).
Once an event is over (or gone from the content), the text of the e-mails sent about it goes: it
holds the cancel link, whose token is stored nowhere else; nothing is left to cancel by then.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from intake.models import EventSignUp, Household, HouseholdEvent, MagazineOrder, OutboxMessage
from intake.notify import outbox
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
    sign_ups: list[EventSignUp] = field(default_factory=list)
    needs: list[EventSignUp] = field(default_factory=list)  # sign-ups whose needs alone are due


def sign_ups_due(
    session: Session, now: datetime, events: dict, retention_months: int, needs_days: int
) -> tuple[list[EventSignUp], list[EventSignUp]]:
    """(sign-ups to erase, sign-ups whose needs for the day to erase): see the module's docstring."""
    kept = select(EventSignUp).where(EventSignUp.erased_at.is_(None)).order_by(EventSignUp.id)
    erase, needs = [], []
    for s in session.scalars(kept):
        event = events.get(s.event)
        if event is None:
            over, needs_over = s.created_at, s.created_at
        else:
            over = needs_over = event.ends_at()
        if add_months(_aware(over), retention_months) <= now:
            erase.append(s)
        elif s.needs is not None and (event is None or _aware(needs_over) + timedelta(days=needs_days) <= now):
            needs.append(s)
    return erase, needs


def _event_mails_over(events: dict, now: datetime):
    """The outbox's sent e-mails about events that are over or gone from the content, text not yet blanked."""
    running = [slug for slug, event in events.items() if _aware(event.ends_at()) > now]
    return (
        OutboxMessage.kind.in_(outbox.EVENT_MAIL_KINDS),
        OutboxMessage.status == "sent",
        OutboxMessage.body_text != "",
        OutboxMessage.sign_up_id.in_(select(EventSignUp.id).where(EventSignUp.event.not_in(running))),
    )


def blank_event_mails(session: Session, events: dict, now: datetime, dry_run: bool = False) -> int:
    """Blank the text (the cancel link's token with it) of the e-mails sent about events that are over;
    the subject, the address and the calendar file stay until the sign-up itself is erased. How many."""
    where = _event_mails_over(events, now)
    count = session.scalar(select(func.count(OutboxMessage.id)).where(*where))
    if count and not dry_run:
        session.execute(update(OutboxMessage).where(*where).values(body_text="", body_html=""))
    return count


def _aware(moment: datetime) -> datetime:
    """SQLite gives stored times back without their zone: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def purge_due(
    session: Session,
    now: datetime,
    retention_months: int,
    order_days: int,
    events: dict | None = None,
    needs_days: int = 30,
) -> Due:
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
    sign_ups, needs = sign_ups_due(session, now, events or {}, retention_months, needs_days)
    return Due(list(households), list(orders), sign_ups, needs)


@dataclass(frozen=True)
class Purged:
    """The references of what was erased (or, in a dry run, would be)."""

    households: list[str]
    orders: list[str]
    sign_ups: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # sign-ups whose needs for the day were erased
    event_mails: int = 0  # sent e-mails about events now over whose text was blanked


def purge(
    session: Session,
    now: datetime,
    retention_months: int,
    order_days: int,
    *,
    dry_run: bool = False,
    hand_off: bool = False,
    events: dict | None = None,
    needs_days: int = 30,
) -> Purged:
    """Erase what `purge_due` finds, each with its audit entry (actor "purge", reason "retention"),
    and commit: all or nothing (a refused commit is rolled back and raised). A dry run changes nothing.
    With `hand_off`, the other CRM is told of each household. The caller scrubs the files after it."""
    due = purge_due(session, now, retention_months, order_days, events, needs_days)
    purged = Purged(
        [h.reference for h in due.households],
        [o.reference for o in due.orders],
        [s.reference for s in due.sign_ups],
        [s.reference for s in due.needs],
    )
    if events is not None:  # only with the content's events can it tell which are over
        purged = replace(purged, event_mails=blank_event_mails(session, events, now, dry_run))
    if dry_run:
        return purged
    for h in due.households:
        erasure.erase_household(session, h, now, reason=REASON, actor=ACTOR, hand_off=hand_off)
    for o in due.orders:
        erasure.erase_order(session, o, now, reason=REASON, actor=ACTOR)
    for s in due.sign_ups:
        if s.erased_at is None:  # not already with its household above
            erasure.erase_sign_up(session, s, now, reason=REASON, actor=ACTOR)
    for s in due.needs:
        if s.erased_at is None:
            erasure.erase_needs(session, s, now, reason=REASON, actor=ACTOR)
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise
    return purged
