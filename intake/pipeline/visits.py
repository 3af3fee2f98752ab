"""A household's planned visits: recorded on it with what is arranged, each step on its timeline.

The timeline and the audit log name a visit by its days only: its note is staff's free text (it may
name people), kept on the visit, where erasure removes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from intake.models import VISIT_ARRANGEMENTS, Household, User, Visit, utcnow
from intake.pipeline.timeline import add_event

# What the household wished to see, as the arrangement a guide would make for it (prefilled on confirming).
ARRANGES = {"homes": "viewings", "workplaces": "employer_meetings", "schools": "school", "coworking": "coworking"}


def days(visit: Visit) -> str:
    """A visit's days as the timeline shows them: `2027-03-01` or `2027-03-01 – 2027-03-04`."""
    return span(visit.starts_on, visit.ends_on)


def span(first: date, last: date) -> str:
    """Days from `first` to `last` as the timeline and e-mails write them (one day: just that day)."""
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def plan(
    session: Session,
    household: Household,
    user: User,
    starts_on: date,
    ends_on: date,
    arranged: Iterable[str] = (),
    note: str | None = None,
) -> Visit:
    """Record a planned visit from `starts_on` to `ends_on` (the same day for a day trip) with what is
    arranged for it (names from VISIT_ARRANGEMENTS) and an optional short note."""
    if ends_on < starts_on:
        raise ValueError("a visit ends on or after the day it starts")
    arranged = set(arranged)
    unknown = arranged - set(VISIT_ARRANGEMENTS)
    if unknown:
        raise ValueError(f"unknown arrangements {sorted(unknown)}")
    visit = Visit(
        household_id=household.id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip() or None,
        created_by=user.id,
        **{name: name in arranged for name in VISIT_ARRANGEMENTS},
    )
    session.add(visit)
    add_event(session, household, user, "visit", None, days(visit))
    return visit


def arranged_for(wishes: Iterable[str] | None) -> list[str]:
    """The arrangements that answer what a household wished to see (trial living has none of its own)."""
    return [ARRANGES[w] for w in wishes or () if w in ARRANGES]


def confirm(
    session: Session,
    household: Household,
    user: User,
    visit: Visit,
    starts_on: date,
    ends_on: date,
    arranged: Iterable[str] = (),
    note: str | None = None,
) -> Visit:
    """Turn the household's requested visit into a planned one, on the days and with the arrangements
    the guide settled; the household's wishes and message stay on it."""
    if visit.household_id != household.id:
        raise ValueError("the visit is another household's")
    if visit.state != "requested":
        raise ValueError("only a requested visit is confirmed")
    if ends_on < starts_on:
        raise ValueError("a visit ends on or after the day it starts")
    arranged = set(arranged)
    unknown = arranged - set(VISIT_ARRANGEMENTS)
    if unknown:
        raise ValueError(f"unknown arrangements {sorted(unknown)}")
    visit.state, visit.confirmed_at = "planned", utcnow()
    visit.starts_on, visit.ends_on = starts_on, ends_on
    visit.note = (note or "").strip() or None
    visit.created_by = user.id
    for name in VISIT_ARRANGEMENTS:
        setattr(visit, name, name in arranged)
    add_event(session, household, user, "visit_confirmed", None, days(visit))
    return visit


def cancel(session: Session, household: Household, user: User, visit: Visit) -> None:
    """A planned visit is off (or a requested one declined): removed, with the step on the timeline."""
    if visit.household_id != household.id:
        raise ValueError("the visit is another household's")
    add_event(session, household, user, "visit_requested" if visit.state == "requested" else "visit", days(visit), None)
    session.delete(visit)
