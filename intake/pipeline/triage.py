"""Triage: the coordinator decides where a household belongs (its municipalities, when it was not
sure yet or they change) and whether one held in the quarantine is a person after all."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intake.models import Household, HouseholdMunicipality, User
from intake.notify import emails
from intake.pipeline import news
from intake.pipeline.timeline import add_event
from intake.privacy import erasure


def assign_municipalities(session: Session, household: Household, user: User, chosen: list[str], site) -> list[str]:
    """Give the household the municipalities `chosen` (known to `site`, at least one); the guides of
    those it did not have are told. Returns the added ones."""
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        raise ValueError("a household needs at least one municipality")
    unknown = [m for m in chosen if m not in site.municipalities]
    if unknown:
        raise ValueError(f"unknown municipalities: {', '.join(unknown)}")
    added = [m for m in chosen if m not in household.municipality_slugs]
    with force_locale(current_app.config["STAFF_LANGUAGE"]):  # stored in the timeline as staff read it
        old = ", ".join(household.municipality_slugs) or _("Not sure yet")
    household.municipalities = [m for m in household.municipalities if m.municipality in chosen] + [
        HouseholdMunicipality(municipality=m) for m in added
    ]
    household.unsure = False
    add_event(session, household, user, "municipalities", old, ", ".join(chosen))
    news.tell(session, household, news.MunicipalitiesAdded(added, site))
    return added


def release(session: Session, household: Household, user: User) -> None:
    """Let a quarantined household in: it is told as if it had just come in."""
    if household.quarantine_reason is None:
        raise ValueError(f"{household.reference} is not in the quarantine")
    add_event(session, household, user, "quarantine", household.quarantine_reason, None)
    household.quarantine_reason = None
    news.tell(session, household, news.Released())


def delete_robot(session: Session, household: Household, site) -> None:
    """Delete a quarantined household as a robot.

    One held only for being sent too fast had its confirmation at once, so whoever owns the address
    was told "we have your registration". Deleting it is allowed (refusing would leave the
    coordinator only a robot's release to its guides), but not silently: its messages are erased
    with it, and the address is told that the registration is gone and that a person who sent it
    may register again (within the per-address daily limit, like the confirmation). Nothing is sent
    when no confirmation went out (a pending one is erased unsent)."""
    told = emails.removal_notice(session, household, site) if emails.confirmed(session, household, True) else []
    erasure.delete_robot(session, household)
    session.add_all(told)
