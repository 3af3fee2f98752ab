"""Try-out visits in figures, per municipality: asked for by households (through `/besok/`, whether
confirmed since or not) and held (planned by a guide or confirmed, and over by the day). A visit a
guide planned without a municipality counts under NOT_GIVEN."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import Household, Visit

NOT_GIVEN = ""


@dataclass
class Row:
    requested: int = 0
    held: int = 0


def tally(visits: Iterable[tuple[str | None, bool, str, date]], as_of: date) -> dict[str, Row]:
    """Counts per municipality from (municipality, asked for by the household, state, last day) of each visit."""
    rows: dict[str, Row] = {}
    for municipality, asked, state, ends_on in visits:
        row = rows.setdefault(municipality or NOT_GIVEN, Row())
        row.requested += asked
        row.held += state == "planned" and ends_on < as_of
    return rows


def load(session: Session, as_of: date) -> dict[str, Row]:
    """`tally` of the visits of households not quarantined, asked for or planned by the end of `as_of` (UTC)."""
    end = datetime.combine(as_of + timedelta(days=1), time.min, UTC)
    found = session.execute(
        select(Visit.municipality, Visit.requested_at.is_not(None), Visit.state, Visit.ends_on)
        .join(Household, Household.id == Visit.household_id)
        .where(Household.quarantine_reason.is_(None), Visit.created_at < end)
    )
    return tally(found, as_of)
