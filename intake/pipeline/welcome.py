"""A moved household's welcome: the checklist of its first months (the content's `welcome` of the
municipality it moved to), ticked off by its guide or by the household itself, and the next event
for newcomers it is invited to.

Nothing is created when a household moves: its checklist is the content's list, and a tick is a row
keyed by the step's key (`WelcomeTick`), so a step the communicators add later appears at once and
one they remove is simply no longer shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.models import Household, User, WelcomeTick
from intake.pipeline.timeline import add_event

KIND = "welcome"  # the timeline's step: "welcome checklist: ticked off <the step's title>"
WELCOMED = ("moved", "settled")  # the statuses that have a welcome
NEWCOMER_AUDIENCES = ("newcomers", "both")


class NotOnTheList(ValueError):
    """The step is not on the household's checklist (or the household has none: it has not moved)."""


@dataclass(frozen=True)
class Step:
    """A step of the checklist with its tick, if it has one."""

    item: object  # tasteget.content.schema.WelcomeItem
    tick: WelcomeTick | None


def checklist(household: Household, site) -> list:
    """The steps of the household's welcome: the municipality's list once it has moved there, else none."""
    if household.status not in WELCOMED or not household.moved_to:
        return []
    municipality = site.municipalities.get(household.moved_to)
    return list(municipality.welcome) if municipality else []


def ticks(session: Session, household: Household) -> dict[str, WelcomeTick]:
    return {t.key: t for t in session.scalars(select(WelcomeTick).where(WelcomeTick.household_id == household.id))}


def steps(session: Session, household: Household, site) -> list[Step]:
    """The checklist in the content's order, each step with its tick."""
    ticked = ticks(session, household) if household.id is not None else {}
    return [Step(item, ticked.get(item.key)) for item in checklist(household, site)]


def completed(keys: list[str], ticked: set[str]) -> bool:
    """Whether a checklist of `keys` is done: it has steps and every one is ticked off."""
    return bool(keys) and set(keys) <= ticked


def tick(session: Session, household: Household, user: User | None, key: str, site) -> bool:
    """Tick the step `key` off the household's checklist (by `user`; None: the household itself), with
    the step on its timeline; False if it already was. NotOnTheList when the step is not on its list."""
    item = next((i for i in checklist(household, site) if i.key == key), None)
    if item is None or household.erased_at is not None:
        raise NotOnTheList(key)
    if session.get(WelcomeTick, (household.id, key)) is not None:
        return False
    session.add(WelcomeTick(household_id=household.id, key=key, user_id=user.id if user else None))
    add_event(session, household, user, KIND, None, item.title.sv[:200])  # as staff read it, in Swedish
    return True


def save(session: Session) -> None:
    """Commit a tick; one the guide and the household (or a double click) made at the same moment is
    kept once, the other's commit rolled back rather than answered with an error."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def next_event(events: dict, municipality: str | None, now: datetime):
    """(slug, event) of the first event for newcomers (or everyone) not yet over at `now` (an aware
    time) in `municipality` or for the whole region, in the order events start; None when there is none."""
    for slug, event in sorted(events.items(), key=lambda kv: (kv[1].starts_at(), kv[0])):
        if event.audience not in NEWCOMER_AUDIENCES or event.is_past(now):
            continue
        if not event.municipalities or municipality in event.municipalities:
            return slug, event
    return None
