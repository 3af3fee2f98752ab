"""The SQL conditions pick the same households as the pure matching rule, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from intake import db
from intake.competence import conditions, matches
from intake.models import Household, HouseholdMunicipality, PrivacyNotice
from tasteget.site import skills

NEEDS = matches.Needs(
    {
        "are": skills.MunicipalityNeeds("are", frozenset({"2221", "5321"}), True),
        "krokom": skills.MunicipalityNeeds("krokom", frozenset({"2221"}), True),
        "berg": skills.MunicipalityNeeds("berg", frozenset({"7111", "2341"}), False),
        "bracke": skills.MunicipalityNeeds("bracke", frozenset({"7111", "2341"}), False),
    },
    frozenset({"7111", "2341"}),
    "00",
    "2026-1",
)

# (contact's group, partner's group, chosen municipalities)
HOUSEHOLDS = [
    ("2221", None, ["are"]),  # matches Åre
    (None, "5321", ["are", "berg"]),  # the partner matches Åre
    ("5321", None, ["krokom"]),  # Krokom does not need 5321
    ("2341", "9999", ["bracke"]),  # the region's groups, which Bräcke stands on
    ("2341", None, []),  # not sure where: the region needs 2341
    ("2221", None, []),  # not sure where: the region does not need 2221
    (None, None, ["are"]),  # no occupation group
    ("7111", None, ["gone"]),  # a municipality no longer in the content: no need
    ("1111", "7111", ["krokom", "berg"]),  # the partner matches Berg
]


@pytest.fixture
def stored(app):
    """The households above in the CRM: {id: (contact, partner, chosen)}."""
    now = datetime.now(UTC)
    with app.app_context():
        session = db.session()
        session.add(PrivacyNotice(version="v1", language="sv", text="x"))
        session.flush()
        ids = {}
        for i, (contact, partner, chosen) in enumerate(HOUSEHOLDS):
            h = Household(
                reference=f"H-COMP-{i:04d}",
                submission_id=f"c{i:016d}",
                form_language="sv",
                privacy_version="v1",
                consented_at=now,
                name="X",
                email=f"c{i}@example.com",
                contact_channel="email",
                contact_language="sv",
                country="SE",
                place="P",
                timeframe="6m",
                occupation_ssyk=contact,
                partner_occupation_ssyk=partner,
                unsure=not chosen,
                municipalities=[HouseholdMunicipality(municipality=m) for m in chosen],
            )
            session.add(h)
            session.flush()
            ids[h.id] = (contact, partner, chosen)
        session.commit()
    return ids


def picked(app, condition) -> set[int]:
    with app.app_context():
        return set(db.session().scalars(select(Household.id).where(condition)))


def test_matches_a_need_picks_what_the_matching_rule_matches(app, stored):
    expected = {i for i, (c, p, chosen) in stored.items() if matches.matches(c, p, chosen, NEEDS)}
    assert picked(app, conditions.matches_a_need(NEEDS)) == expected
    assert len(expected) == 5  # the dataset covers both sides


def test_no_needs_at_all_matches_nobody(app, stored):
    assert picked(app, conditions.matches_a_need(matches.Needs({}, frozenset(), "00", None))) == set()


def test_a_group_and_a_field_match_either_adult(app, stored):
    def ids(where):
        return {i for i, (c, p, _) in stored.items() if where(c) or where(p)}

    assert picked(app, conditions.in_group("7111")) == ids(lambda code: code == "7111")
    assert picked(app, conditions.in_field("2")) == ids(lambda code: (code or "").startswith("2"))
    assert picked(app, conditions.in_field("5")) == ids(lambda code: (code or "").startswith("5"))
    for nonsense in ("", "22", "2%", "abcd", "12345", "_"):
        assert picked(app, conditions.in_group(nonsense)) == set()
        assert picked(app, conditions.in_field(nonsense)) == set()


def test_municipalities_sharing_needs_make_one_term():
    grouped = dict(conditions.by_codes(NEEDS))
    assert grouped[frozenset({"7111", "2341"})] == ("berg", "bracke")
    assert len(grouped) == 3
