"""Which ambassadors to suggest to a household, and why: a pure ranking over plain facts, and the
introduction recorded on the household's timeline.

An ambassador is a network contact of kind "ambassador" who has agreed to it (`agreed_on`). A match
on language or country of origin counts most (someone who shares the newcomer's language and where
they come from), then the occupation field, then the municipality. The reasons are kept as data,
so the page words them in its own language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.languages import get_official_languages
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from intake.models import Contact, Household, HouseholdContact, User
from intake.pipeline.timeline import add_event

WEIGHTS = {"language": 3, "country": 3, "field": 2, "municipality": 1}
SHOWN = 5  # suggestions on a household's page
KIND = "ambassador"  # the timeline's step: "introduced to ambassador #<id>"
# Everyone here speaks the region's language: sharing it says nothing about who to meet.
COMMON = frozenset({"sv"})


@dataclass(frozen=True)
class Seeker:
    """What a household offers to match on: languages, the country it lives in, its adults' SSYK-1
    fields and the municipalities it is interested in."""

    languages: frozenset[str]
    country: str | None
    fields: frozenset[str]
    municipalities: frozenset[str]


@dataclass(frozen=True)
class Offer:
    """An agreed ambassador's offer, as plain data: its contact id and what it can match on."""

    id: int
    languages: frozenset[str]
    country: str | None
    field: str | None
    municipality: str | None


@dataclass(frozen=True)
class Suggestion:
    id: int
    score: int
    reasons: tuple[
        tuple[str, str], ...
    ]  # ("language", "ar"), ("country", "SY"), ("field", "2"), ("municipality", "are")


def seeker_of(household: Household) -> Seeker:
    """The household's facts: the official languages of the country it lives in (but the region's)."""
    country = (household.country or "").upper() or None
    spoken = set(get_official_languages(country, de_facto=True)) if country else set()
    fields = {code[0] for code in (household.occupation_ssyk, household.partner_occupation_ssyk) if code}
    return Seeker(frozenset(spoken - COMMON), country, frozenset(fields), frozenset(household.municipality_slugs))


def offer_of(contact: Contact) -> Offer:
    return Offer(
        contact.id,
        frozenset(contact.languages or ()),
        contact.origin_country if contact.origin_consent_on else None,
        contact.occupation_field,
        contact.municipality,
    )


def rank(seeker: Seeker, offers: Iterable[Offer], most: int = SHOWN) -> list[Suggestion]:
    """The offers with something in common with the seeker, best first (ties: the lower id, the
    longer-standing contact), each with why; at most `most`."""
    found = []
    for offer in offers:
        reasons = [("language", code) for code in sorted(seeker.languages & offer.languages)]
        if offer.country and offer.country == seeker.country:
            reasons.append(("country", offer.country))
        if offer.field and offer.field in seeker.fields:
            reasons.append(("field", offer.field))
        if offer.municipality and offer.municipality in seeker.municipalities:
            reasons.append(("municipality", offer.municipality))
        if reasons:
            # One language counts as much as the country: several shared languages do not outweigh the rest.
            kinds = {kind for kind, _ in reasons}
            score = sum(WEIGHTS[kind] for kind in kinds)
            found.append(Suggestion(offer.id, score, tuple(reasons)))
    found.sort(key=lambda s: (-s.score, s.id))
    return found[:most]


def candidates(session: Session, household: Household, contacts: Select | None = None) -> list[Contact]:
    """The agreed ambassadors still in the network (among `contacts`, a query of the contacts someone
    may see) that the household has not been introduced to."""
    introduced = select(HouseholdContact.contact_id).where(HouseholdContact.household_id == household.id)
    return list(
        session.scalars(
            (select(Contact) if contacts is None else contacts).where(
                Contact.kind == "ambassador",
                Contact.agreed_on.is_not(None),
                Contact.removed_at.is_(None),
                Contact.id.not_in(introduced),
            )
        )
    )


def introduce(session: Session, household: Household, user: User, contact: Contact) -> bool:
    """Record that the household was introduced to the ambassador (shown on both, like any contact
    link); the timeline names the ambassador by number only. False if it already was."""
    if contact.kind != "ambassador" or contact.agreed_on is None or contact.removed_at is not None:
        raise ValueError("not an agreed ambassador")
    if session.get(HouseholdContact, (household.id, contact.id)) is not None:
        return False
    session.add(HouseholdContact(household_id=household.id, contact_id=contact.id))
    add_event(session, household, user, KIND, None, f"#{contact.id}")
    return True
