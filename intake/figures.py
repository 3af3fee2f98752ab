"""The campaign's figures, computed from plain records: the same numbers for the dashboard and
`tasteget report`. Quarantined submissions never count.

A household that chose three municipalities counts once in the totals and once under each of them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Household, HouseholdMunicipality, MagazineOrder

UNSURE = "unsure"
NO_SOURCE = "(none)"
UNKNOWN = "(unknown)"  # a move recorded without its destination
REPORT_HEADER = ("figure", "breakdown", "value")


@dataclass(frozen=True)
class HouseholdRecord:
    registered: date
    municipalities: tuple[str, ...]  # empty: not sure yet
    source: str | None
    status: str
    first_contact: date | None
    moved_to: str | None
    moved_on: date | None
    follow_up_on: date | None


@dataclass(frozen=True)
class OrderRecord:
    ordered: date
    source: str | None


@dataclass
class Figures:
    as_of: date
    registered: int = 0
    moved: int = 0
    orders: int = 0
    conversion: float = 0.0  # moved / registered
    median_days_to_first_contact: float | None = None
    open_follow_ups: int = 0
    by_municipality: Counter = field(default_factory=Counter)
    moves_by_destination: Counter = field(default_factory=Counter)
    registered_by_month: Counter = field(default_factory=Counter)
    moved_by_month: Counter = field(default_factory=Counter)
    orders_by_month: Counter = field(default_factory=Counter)
    registered_by_source: Counter = field(default_factory=Counter)
    moved_by_source: Counter = field(default_factory=Counter)
    orders_by_source: Counter = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, str, int | float | str]]:
        """(figure, breakdown, value): the flat form of the report and its CSV."""
        out: list[tuple[str, str, int | float | str]] = [
            ("households registered", "", self.registered),
            ("households moved", "", self.moved),
            ("magazine orders", "", self.orders),
            ("conversion registered to moved", "", round(self.conversion, 4)),
            (
                "median days to first contact",
                "",
                "" if self.median_days_to_first_contact is None else self.median_days_to_first_contact,
            ),
            ("open follow-ups", "", self.open_follow_ups),
        ]
        for name, counter in (
            ("households by municipality of interest", self.by_municipality),
            ("moves by destination", self.moves_by_destination),
            ("households registered by month", self.registered_by_month),
            ("households moved by month", self.moved_by_month),
            ("magazine orders by month", self.orders_by_month),
            ("households registered by source", self.registered_by_source),
            ("households moved by source", self.moved_by_source),
            ("magazine orders by source", self.orders_by_source),
        ):
            out += [(name, key, counter[key]) for key in sorted(counter)]
        return out


MOVED = ("moved", "settled")


def compute(households: list[HouseholdRecord], orders: list[OrderRecord], as_of: date) -> Figures:
    """Everything as it stood at the end of `as_of`."""
    f = Figures(as_of)
    contact_days = []
    for h in households:
        if h.registered > as_of:
            continue
        f.registered += 1
        month, source = h.registered.strftime("%Y-%m"), h.source or NO_SOURCE
        f.registered_by_month[month] += 1
        f.registered_by_source[source] += 1
        for slug in h.municipalities or (UNSURE,):
            f.by_municipality[slug] += 1
        moved_on = h.moved_on if h.status in MOVED or h.moved_on else None
        if moved_on and moved_on <= as_of:
            f.moved += 1
            f.moves_by_destination[h.moved_to or UNKNOWN] += 1
            f.moved_by_month[moved_on.strftime("%Y-%m")] += 1
            f.moved_by_source[source] += 1
        if h.first_contact and h.first_contact <= as_of:
            contact_days.append((h.first_contact - h.registered).days)
        if h.follow_up_on and h.follow_up_on <= as_of and h.status not in ("settled", "closed"):
            f.open_follow_ups += 1
    for o in orders:
        if o.ordered > as_of:
            continue
        f.orders += 1
        f.orders_by_month[o.ordered.strftime("%Y-%m")] += 1
        f.orders_by_source[o.source or NO_SOURCE] += 1
    f.conversion = f.moved / f.registered if f.registered else 0.0
    f.median_days_to_first_contact = statistics.median(contact_days) if contact_days else None
    return f


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def load(session: Session) -> tuple[list[HouseholdRecord], list[OrderRecord]]:
    """The records the figures are computed from (quarantine left out).

    Only the columns the figures need, in two plain selects: loading whole households through the
    ORM (with their owners and municipalities) takes seconds at a hundred thousand of them.
    """
    counted = Household.quarantine_reason.is_(None)
    chosen: dict[int, list[str]] = defaultdict(list)
    for household_id, slug in session.execute(
        select(HouseholdMunicipality.household_id, HouseholdMunicipality.municipality)
        .join(Household, Household.id == HouseholdMunicipality.household_id)
        .where(counted)
    ):
        chosen[household_id].append(slug)
    columns = (
        Household.id,
        Household.created_at,
        Household.utm_source,
        Household.status,
        Household.first_contacted_at,
        Household.moved_to,
        Household.moved_on,
        Household.follow_up_on,
    )
    households = [
        HouseholdRecord(
            registered=_day(created),
            municipalities=tuple(chosen.get(household_id, ())),
            source=source,
            status=status,
            first_contact=_day(contacted),
            moved_to=moved_to,
            moved_on=moved_on,
            follow_up_on=follow_up_on,
        )
        for household_id, created, source, status, contacted, moved_to, moved_on, follow_up_on in session.execute(
            select(*columns).where(counted)
        )
    ]
    orders = [
        OrderRecord(_day(created), source)
        for created, source in session.execute(
            select(MagazineOrder.created_at, MagazineOrder.utm_source).where(MagazineOrder.quarantine_reason.is_(None))
        )
    ]
    return households, orders
