"""The household's timeline: each step staff take (or the mover, on their own page), with the same
change in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from intake.models import Household, HouseholdEvent, User
from intake.privacy import audit


def add_event(
    session: Session, household: Household, user: User | None, kind: str, old=None, new=None, text=None
) -> None:
    """A step in the household's timeline, and the same change in the audit log (by reference); with
    no `user`, a step the mover took on their own page."""
    user_id = user.id if user is not None else None
    session.add(HouseholdEvent(household_id=household.id, user_id=user_id, kind=kind, old=old, new=new, text=text))
    audit.record(session, "change", "household", household.reference, kind, user=user, actor=None if user else "mover")


def claim_if_unowned(session: Session, household: Household, user: User) -> None:
    """The first guide to contact a household becomes its owner."""
    if household.owner_id is None and user.role == "guide":
        set_owner_field(household, user)
        add_event(session, household, user, "owner", None, user.name)


def set_owner_field(household: Household, owner: User | None) -> None:
    """The owner's id and the owner itself together, so the household reads right before a flush
    (the session keeps what it loaded: its objects do not expire on commit)."""
    household.owner_id, household.owner = (owner.id if owner else None), owner
