"""Who may see which household: the one rule, in the query layer, used by every back-office view.

A guide sees the households that chose one of their municipalities (never the quarantine, nor
what was withdrawn or erased); the coordinator sees everything; an admin manages accounts only. Anything else is a 404.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, false, or_, select

from intake.models import Contact, Household, HouseholdMunicipality, User


def visible_households(user: User, few: bool = False) -> Select:
    """The households `user` may see. With `few`, the same rule written for checking a handful of
    known households (each looked up by its index) rather than for listing a whole area."""
    query = select(Household)
    if user.role == "coordinator":
        return query
    if user.role == "guide":
        if few:
            chosen = exists().where(
                HouseholdMunicipality.household_id == Household.id,
                HouseholdMunicipality.municipality.in_(user.municipality_slugs),
            )
        else:
            chosen = Household.id.in_(
                select(HouseholdMunicipality.household_id).where(
                    HouseholdMunicipality.municipality.in_(user.municipality_slugs)
                )
            )
        return query.where(
            Household.quarantine_reason.is_(None),
            Household.withdrawn_at.is_(None),  # withdrawn by the mover: gone from the guides at once
            Household.erased_at.is_(None),
            chosen,
        )
    return query.where(false())


def household_or_404(session, user: User, reference: str) -> Household:
    household = session.scalar(visible_households(user).where(Household.reference == reference))
    if household is None:
        abort(404)
    return household


def visible_contacts(user: User, removed: bool = False) -> Select:
    """Guides see their municipalities' contacts and the region-wide ones; the coordinator all. With
    `removed`, those removed from the network too (their page keeps their history)."""
    query = select(Contact) if removed else select(Contact).where(Contact.removed_at.is_(None))
    if user.role == "coordinator":
        return query
    if user.role == "guide":
        return query.where(or_(Contact.municipality.is_(None), Contact.municipality.in_(user.municipality_slugs)))
    return query.where(false())


def require_role(*roles: str) -> None:
    """Pages for some roles only: to anyone else they do not exist (404)."""
    if current_user.role not in roles:
        abort(404)
