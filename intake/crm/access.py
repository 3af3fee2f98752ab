"""Who may see which household: the one rule, in the query layer, used by every back-office view.

A guide sees the households that chose one of their municipalities (never the quarantine); the
coordinator sees everything; an admin manages accounts only. Anything else is a 404.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false, select

from ..models import Household, HouseholdMunicipality, User


def visible_households(user: User) -> Select:
    query = select(Household)
    if user.role == "coordinator":
        return query
    if user.role == "guide":
        chosen = select(HouseholdMunicipality.household_id).where(
            HouseholdMunicipality.municipality.in_(user.municipality_slugs)
        )
        return query.where(Household.quarantine_reason.is_(None), Household.id.in_(chosen))
    return query.where(false())


def household_or_404(session, user: User, reference: str) -> Household:
    household = session.scalar(visible_households(user).where(Household.reference == reference))
    if household is None:
        abort(404)
    return household
