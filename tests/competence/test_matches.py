"""Matching a household's occupation groups against the needs of the municipalities it chose."""

from pathlib import Path

import pytest

from intake.competence import matches
from tasteget.content.load import check
from tasteget.site import skills

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def site():
    return check(CONTENT).site


def _needs(by: dict[str, set[str]], region: set[str]) -> matches.Needs:
    return matches.Needs(
        {slug: skills.MunicipalityNeeds(slug, frozenset(codes), True) for slug, codes in by.items()},
        frozenset(region),
        "00",
        "2026-1",
    )


def test_a_municipality_without_listed_needs_stands_on_the_regions(site):
    needs = matches.needs_of(site)
    assert needs.region, "the shipped barometer has shortage groups"
    for slug, found in needs.by_municipality.items():
        listed = {n.group_code for n in site.municipalities[slug].work.in_demand}
        assert found.listed == bool(listed)
        assert found.codes == (frozenset(listed) if listed else needs.region)
    assert matches.needs_of(site) is needs  # computed once per loaded content


def test_each_adult_matches_the_chosen_municipalities_that_need_their_group():
    needs = _needs({"are": {"2221", "5321"}, "krokom": {"2221"}, "berg": {"2341"}}, {"9999"})
    found = matches.matches("2221", "2341", ["are", "krokom"], needs)
    assert found == [matches.Match("contact", "2221", ("are", "krokom"))]
    found = matches.matches("2221", "2341", ["krokom", "berg"], needs)
    assert found == [matches.Match("contact", "2221", ("krokom",)), matches.Match("partner", "2341", ("berg",))]
    assert matches.matches(None, None, ["are"], needs) == []
    assert matches.matches("1111", None, ["are"], needs) == []


def test_a_household_not_sure_where_is_matched_against_the_region():
    needs = _needs({"are": {"2221"}}, {"9999"})
    assert matches.matches("9999", "2221", [], needs) == [matches.Match("contact", "9999", (matches.REGION,))]


def test_groups_are_named_in_the_readers_language():
    assert matches.group_label("2221", "sv") == "2221 Grundutbildade sjuksköterskor"
    assert matches.group_label("2221", "en").startswith("2221 ")
    assert matches.group_label("2221", "en") != matches.group_label("2221", "sv")
    assert matches.field_of("2221") == "2"
