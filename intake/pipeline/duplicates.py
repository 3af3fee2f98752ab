"""Duplicates: the same people registered twice are merged into one household, counted once."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake.models import (
    Household,
    HouseholdContact,
    HouseholdEvent,
    HouseholdMunicipality,
    OutboxMessage,
    User,
    Visit,
    WelcomeTick,
)
from intake.pipeline.timeline import add_event

# A household withdrawn by its mover or erased is never offered as a duplicate nor merged: a merge
# would carry what it sent back to the guides and end the withdrawal.
STILL_HELD = (Household.withdrawn_at.is_(None), Household.erased_at.is_(None))


def ended(household: Household) -> bool:
    """Withdrawn by the mover or erased: never a duplicate, never merged."""
    return household.withdrawn_at is not None or household.erased_at is not None


class Refused(Exception):
    """Not merged: `household` (one of the two) has been withdrawn or erased."""

    def __init__(self, household: Household):
        super().__init__(f"{household.reference} has been withdrawn or erased and is never merged")
        self.household = household


def merge(session: Session, keep: Household, other: Household, user: User) -> None:
    """Merge `other` into `keep`: its timeline, messages, contacts, visits and municipalities come along, the
    merge is a step in `keep`'s timeline, and `other` is deleted. Raises `Refused` (and changes
    nothing) if either has been withdrawn or erased, including by a transaction committed meanwhile."""
    if other.id == keep.id:
        raise ValueError("a household is not merged into itself")
    # Both rows locked and read again (PostgreSQL; SQLite has one writer at a time), in id order, so a
    # withdrawal or erasure committed meanwhile is seen here rather than undone by the merge.
    ids = sorted((keep.id, other.id))
    session.execute(select(Household.id).where(Household.id.in_(ids)).order_by(Household.id).with_for_update())
    session.refresh(keep)
    session.refresh(other)
    gone = next((h for h in (keep, other) if ended(h)), None)
    if gone is not None:
        raise Refused(gone)
    session.execute(update(HouseholdEvent).where(HouseholdEvent.household_id == other.id).values(household_id=keep.id))
    session.execute(update(OutboxMessage).where(OutboxMessage.household_id == other.id).values(household_id=keep.id))
    session.execute(update(Visit).where(Visit.household_id == other.id).values(household_id=keep.id))
    for link in session.scalars(select(HouseholdContact).where(HouseholdContact.household_id == other.id)):
        if session.get(HouseholdContact, (keep.id, link.contact_id)) is None:
            session.add(HouseholdContact(household_id=keep.id, contact_id=link.contact_id, linked_at=link.linked_at))
    for tick in session.scalars(select(WelcomeTick).where(WelcomeTick.household_id == other.id)):
        if session.get(WelcomeTick, (keep.id, tick.key)) is None:
            session.add(WelcomeTick(household_id=keep.id, key=tick.key, ticked_at=tick.ticked_at, user_id=tick.user_id))
    for slug in other.municipality_slugs:
        if slug not in keep.municipality_slugs:
            keep.municipalities.append(HouseholdMunicipality(municipality=slug))
            keep.unsure = False
    add_event(session, keep, user, "merge", other.reference, keep.reference, other.message)
    session.delete(other)
