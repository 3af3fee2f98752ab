"""The competence matches of `matches` as SQL conditions on households, for the back office's list
and the page of households that match the needs: the database picks the households, never Python
reading every row.

Pure functions: each takes plain values (a `Needs`, a code) and returns an SQLAlchemy condition on
`Household`, the same rule as `matches.matches` (tested against it on SQLite and PostgreSQL): an
adult's SSYK-4 group among the groups a chosen municipality needs, or, for a household that chose
none (not sure yet where to live), among the region's groups.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, exists, false, or_

from intake.competence.matches import Needs
from intake.models import Household, HouseholdMunicipality
from tasteget.content.needs import SSYK4

FIELD = re.compile(r"^[0-9]$")


def has_group(codes) -> ColumnElement[bool]:
    """The contact person's or the partner's occupation group is one of `codes`."""
    codes = sorted(codes)
    if not codes:
        return false()
    return or_(Household.occupation_ssyk.in_(codes), Household.partner_occupation_ssyk.in_(codes))


def in_group(code: str) -> ColumnElement[bool]:
    """An adult's occupation is in SSYK-4 group `code` (four digits; anything else matches nothing)."""
    if not SSYK4.match(code or ""):
        return false()
    return or_(Household.occupation_ssyk == code, Household.partner_occupation_ssyk == code)


def in_field(digit: str) -> ColumnElement[bool]:
    """An adult's occupation group lies in SSYK-1 field `digit` (the code's first digit)."""
    if not FIELD.match(digit or ""):
        return false()
    # Codes are four digits, so the prefix needs no escaping.
    return or_(Household.occupation_ssyk.startswith(digit), Household.partner_occupation_ssyk.startswith(digit))


# As a correlated EXISTS: tested only for the households that passed the occupation test before
# them, each by a look-up in the (household, municipality) key, rather than first listing the
# municipalities of every household (140 000 rows at 100 000 households, for every query).


def chose_one_of(slugs) -> ColumnElement[bool]:
    """The household chose at least one of these municipalities."""
    return exists().where(
        HouseholdMunicipality.household_id == Household.id,
        HouseholdMunicipality.municipality.in_(sorted(slugs)),
    )


def chose_none() -> ColumnElement[bool]:
    """The household chose no municipality (not sure yet where): matched against the region.

    Its own column, which every writer keeps as "no municipality chosen" (the form, the import,
    triage and merging): a test of the row itself, where a second look-up in the municipalities
    cost every household tested (PostgreSQL hashed all 140 000 of them, per query)."""
    return Household.unsure.is_(True)


def by_codes(needs: Needs, slugs=None) -> list[tuple[frozenset[str], tuple[str, ...]]]:
    """The municipalities (of `slugs`, default all) grouped by the set of groups they need: most
    share the region's, so the condition has one term per distinct set, not one per municipality."""
    grouped: dict[frozenset[str], list[str]] = {}
    for slug, found in sorted(needs.by_municipality.items()):
        if (slugs is None or slug in slugs) and found.codes:
            grouped.setdefault(found.codes, []).append(slug)
    return [(codes, tuple(chosen)) for codes, chosen in grouped.items()]


def matches_a_need(needs: Needs) -> ColumnElement[bool]:
    """The household brings a group that a municipality it chose needs, or (not sure where yet) a
    group the region needs: `matches.matches(...) != []` as one condition."""
    terms = [and_(has_group(codes), chose_one_of(slugs)) for codes, slugs in by_codes(needs)]
    if needs.region:
        terms.append(and_(has_group(needs.region), chose_none()))
    return or_(*terms) if terms else false()
