"""What is due in a stretch of days for one member of staff: the follow-ups and visits that the week
view and the calendar feed show, under the one rule of who sees which household (`access`).

A guide's are the households they own and the unowned ones of their municipalities (someone has to
pick those up); the coordinator's are everyone's, or one guide's, or the unowned ones. A closed,
withdrawn, erased or quarantined household has nothing due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, load_only

from intake.crm.access import visible_households
from intake.models import Household, User, Visit
from intake.notify import followup

OVERDUE_SHOWN = 50  # the overdue follow-ups listed (nearest first); the page says how many there are
MOST = 5000  # follow-ups or visits in one answer at most: a guard, far above a real week's
# What the week shows of a household (its owner and municipalities come with it): loading the whole
# wide row for a few hundred of them took a third of the page's time.
SHOWN = load_only(Household.reference, Household.name, Household.status, Household.follow_up_on, Household.owner_id)
NOBODY = "nobody"  # the coordinator's choice: the households nobody owns
MINE = "mine"  # what a guide always gets: the households they own and those nobody owns


def local_today() -> date:
    """Today in the region's time zone (`TIMEZONE`): the day a guide's follow-ups fall due."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def start_of(day: date) -> datetime:
    """When `day` begins in the region's time zone, in UTC as times are stored: whole local days as a
    range on a stored time, on both databases (a day of a clock change is 23 or 25 hours)."""
    return datetime.combine(day, time.min, ZoneInfo(current_app.config["TIMEZONE"])).astimezone(UTC)


def conditions_for(user: User, owner: int | str | None):
    """The rule as conditions on Household: whose follow-ups and visits `user` gets."""
    conditions = []
    if user.role != "coordinator" or owner == MINE:
        # The reminders' rule, as "My follow-ups due" on the list: their own, and for a guide those
        # with no active owner (none, or one whose account was deactivated).
        conditions.append(followup.falls_to(user))
    elif owner == NOBODY:
        conditions.append(followup.without_active_owner())
    elif owner is not None:
        conditions.append(Household.owner_id == owner)
    conditions += [
        Household.status != "closed",
        Household.quarantine_reason.is_(None),
        Household.withdrawn_at.is_(None),
        Household.erased_at.is_(None),
    ]
    # Written for checking each household the date index finds (`few`), after the cheaper tests
    # above, which ix_households_due answers without reading the row.
    rule = visible_households(user, few=True).whereclause
    return conditions + ([] if rule is None else [rule])


@dataclass
class Day:
    day: date
    follow_ups: list[Household]
    visits: list[Visit]


@dataclass
class Agenda:
    first: date
    last: date
    follow_ups: list[Household] = field(default_factory=list)  # due from `first` to `last`, by day
    visits: list[Visit] = field(default_factory=list)  # on at least one of those days
    overdue: list[Household] = field(default_factory=list)  # due before `first`, nearest first
    overdue_total: int = 0
    requested: list[Visit] = field(default_factory=list)  # try-out visits asked for, waiting for a guide

    def days(self) -> list[Day]:
        """Each day from `first` to `last` with what falls on it (a visit on each of its days)."""
        out, day = [], self.first
        while day <= self.last:
            out.append(
                Day(
                    day,
                    [h for h in self.follow_ups if h.follow_up_on == day],
                    [v for v in self.visits if v.starts_on <= day <= v.ends_on],
                )
            )
            day += timedelta(days=1)
        return out

    @property
    def empty(self) -> bool:
        return not (self.follow_ups or self.visits or self.overdue_total or self.requested)


def agenda(
    session: Session, user: User, first: date, last: date, *, owner: int | str | None = None, overdue: bool = True
) -> Agenda:
    """The follow-ups and visits from `first` to `last` that `user` gets (the coordinator: everyone's,
    or only `owner`'s: a user id, NOBODY or MINE), and with `overdue` the follow-ups due before `first`."""
    conditions = conditions_for(user, owner)
    found = Agenda(first, last)
    found.follow_ups = list(
        session.scalars(
            select(Household)
            .options(SHOWN)
            .where(*conditions, Household.follow_up_on >= first, Household.follow_up_on <= last)
            .order_by(Household.follow_up_on, Household.reference)
            .limit(MOST)
        )
    )
    found.visits = list(
        session.scalars(
            select(Visit)
            .join(Visit.household)
            .options(contains_eager(Visit.household).options(SHOWN))
            .where(*conditions, Visit.state == "planned", Visit.ends_on >= first, Visit.starts_on <= last)
            .order_by(Visit.starts_on, Visit.id)
            .limit(MOST)
        ).unique()
    )
    found.requested = requested(session, conditions)
    if overdue:
        late = [*conditions, Household.follow_up_on < first]
        found.overdue_total = session.scalar(select(func.count(Household.id)).where(*late)) or 0
        if found.overdue_total:
            found.overdue = list(
                session.scalars(
                    select(Household)
                    .options(SHOWN)
                    .where(*late)
                    .order_by(Household.follow_up_on.desc(), Household.reference)
                    .limit(OVERDUE_SHOWN)
                )
            )
    return found


def requested(session: Session, conditions) -> list[Visit]:
    """The try-out visits households asked for that no guide has confirmed yet, oldest request first:
    whatever days they wished, they wait on the week until someone answers."""
    return list(
        session.scalars(
            select(Visit)
            .join(Visit.household)
            .options(contains_eager(Visit.household).options(SHOWN))
            .where(*conditions, Visit.state == "requested")
            .order_by(Visit.requested_at, Visit.id)
            .limit(MOST)
        ).unique()
    )


@dataclass
class Counts:
    """One person's follow-ups (or nobody's): overdue, and due on each day; and their visits."""

    overdue: int = 0
    days: dict[date, int] = field(default_factory=dict)
    visits: int = 0


def by_owner(session: Session, user: User, first: date, last: date) -> dict[int | None, Counts]:
    """The coordinator's week by owner (None: nobody yet), counted in the database: how many
    follow-ups are overdue and fall due on each day, and how many visits are on, from `first` to `last`."""
    conditions = conditions_for(user, None)
    counts: dict[int | None, Counts] = {}
    overdue = select(Household.owner_id, func.count()).where(*conditions, Household.follow_up_on < first)
    for owner, n in session.execute(overdue.group_by(Household.owner_id)):
        counts.setdefault(owner, Counts()).overdue = n
    due = select(Household.owner_id, Household.follow_up_on, func.count()).where(
        *conditions, Household.follow_up_on >= first, Household.follow_up_on <= last
    )
    for owner, day, n in session.execute(due.group_by(Household.owner_id, Household.follow_up_on)):
        counts.setdefault(owner, Counts()).days[day] = n
    visits = (
        select(Household.owner_id, func.count())
        .select_from(Visit)
        .join(Household, Visit.household_id == Household.id)
        .where(*conditions, Visit.state == "planned", Visit.ends_on >= first, Visit.starts_on <= last)
        .group_by(Household.owner_id)
    )
    for owner, n in session.execute(visits):
        counts.setdefault(owner, Counts()).visits = n
    # A deactivated account's households are nobody's now (`followup.unowned`): counted as such.
    gone = set(session.scalars(select(User.id).where(User.active.is_(False), User.id.in_(list(counts)))))
    for owner in gone:
        moved, nobody = counts.pop(owner), counts.setdefault(None, Counts())
        nobody.overdue += moved.overdue
        nobody.visits += moved.visits
        for day, n in moved.days.items():
            nobody.days[day] = nobody.days.get(day, 0) + n
    return counts
