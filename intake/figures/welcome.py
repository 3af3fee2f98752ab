"""The newcomers' first year in figures, per municipality moved to: households moved, those whose
welcome checklist is complete (every step of the municipality's list ticked off), those settled, and
those introduced to an ambassador. Pure counting over plain records (`tally`), and the query that
reads them (`load`); no name or personal detail is read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import Contact, Household, HouseholdContact, WelcomeTick
from intake.pipeline import welcome


@dataclass(frozen=True)
class Moved:
    """A household that moved, as the figures see it."""

    moved_to: str
    status: str
    ticked: frozenset[str]  # the keys of the steps it has ticked off
    introduced: bool  # to an ambassador


@dataclass
class Row:
    moved: int = 0
    completed: int = 0  # the welcome checklist: every step ticked off
    settled: int = 0
    introduced: int = 0  # to an ambassador

    @property
    def settled_share(self) -> int | None:
        """Of those moved, the share settled, in whole per cent (None: none moved)."""
        return round(100 * self.settled / self.moved) if self.moved else None


def tally(households: Iterable[Moved], checklists: dict[str, list[str]]) -> dict[str, Row]:
    """Counts per municipality moved to, from `checklists` (each municipality's step keys in the
    content): a municipality without a list has no checklist to complete."""
    rows: dict[str, Row] = {}
    for h in households:
        row = rows.setdefault(h.moved_to, Row())
        row.moved += 1
        row.completed += welcome.completed(checklists.get(h.moved_to, []), h.ticked)
        row.settled += h.status == "settled"
        row.introduced += h.introduced
    return rows


def load(session: Session, site, as_of: date) -> dict[str, Row]:
    """`tally` of the households (not quarantined) moved by the end of `as_of` (UTC), their ticks
    made by then, in their status of today."""
    end = datetime.combine(as_of + timedelta(days=1), time.min, UTC)
    found = session.execute(
        select(Household.id, Household.moved_to, Household.status).where(
            Household.status.in_(welcome.WELCOMED),
            Household.moved_to.is_not(None),
            Household.moved_on <= as_of,
            Household.quarantine_reason.is_(None),
        )
    ).all()
    ticked: dict[int, set[str]] = {}
    for household_id, key in session.execute(
        select(WelcomeTick.household_id, WelcomeTick.key).where(WelcomeTick.ticked_at < end)
    ):
        ticked.setdefault(household_id, set()).add(key)
    introduced = set(
        session.scalars(
            select(HouseholdContact.household_id)
            .join(Contact, Contact.id == HouseholdContact.contact_id)
            .where(Contact.kind == "ambassador", HouseholdContact.linked_at < end)
        )
    )
    checklists = {slug: [i.key for i in m.welcome] for slug, m in site.municipalities.items()}
    return tally(
        (Moved(to, status, frozenset(ticked.get(i, ())), i in introduced) for i, to, status in found), checklists
    )
