"""The shipped taxonomy: every level, English names, ISCO codes, occupation names, and the lookups
the content check ("did you mean") and the registration (typed text) use."""

from __future__ import annotations

from collections import Counter

import pytest

from tasteget.occupations import taxonomy


@pytest.fixture(scope="module")
def tx():
    return taxonomy.load()


def test_the_shipped_taxonomy_has_every_level_with_both_languages_and_isco(tx):
    assert Counter(g.level for g in tx.groups.values()) == {1: 10, 2: 46, 3: 147, 4: 400}
    assert len(tx.occupations()) == 2412
    assert all(g.name_sv and g.name_en for g in tx.groups.values())
    assert all(g.isco and all(len(code) == 4 for code in g.isco) for g in tx.units())
    assert all(o.ssyk == g.code for g in tx.units() for o in g.occupations)
    assert taxonomy.load() is tx  # read once


def test_groups_by_code_and_concept_and_their_field(tx):
    nurses = tx.group("2221")
    assert (nurses.name_sv, nurses.name_en, nurses.isco) == (
        "Grundutbildade sjuksköterskor",
        "Professional nurses",
        ("2221",),
    )
    assert nurses.field == "2" and nurses.parent == "222"
    assert "Sjuksköterska, grundutbildad" in [o.name_sv for o in nurses.occupations]
    assert tx.by_concept("Z8ci_bBE_tmx") is nurses
    assert tx.by_concept("bXNH_MNX_dUR").name_sv == "Sjuksköterska, grundutbildad"
    assert tx.group("2220") is None and tx.by_concept("nope") is None
    assert [f.code for f in tx.fields()] == list("0123456789")
    assert tx.group(nurses.field).name_en == "Occupations requiring advanced level of higher education"
    assert tx.group("1210").name_en == "Finance managers"  # a merged manager code: its SCB parent's name


def test_an_unknown_code_gets_the_closest_groups(tx):
    suggestions = tx.suggest("2220")
    assert suggestions[0].label() == "2221 Grundutbildade sjuksköterskor (Professional nurses)"
    assert [g.code for g in suggestions] == ["2221", "2222", "2223"]


def test_a_text_gets_the_groups_that_name_it(tx):
    assert tx.suggest("nurse", lang="en")[0].code == "2221"
    assert tx.suggest("sjukskoterska")[0].code == "2221"  # without the diacritics
    assert {g.code for g in tx.suggest("undersköterska", n=2)} == {"5321", "5323"}
    assert tx.suggest("sjuksköterkor")  # a typo still finds something close
    assert tx.suggest("") == [] and tx.suggest("2221", n=0) == []


def test_typed_text_maps_to_an_occupation_or_group(tx):
    match = tx.match("sjuksköterska")  # the occupation name's part before its comma
    assert (match.ssyk, match.concept_id, match.occupation.name_sv) == (
        "2221",
        "bXNH_MNX_dUR",
        "Sjuksköterska, grundutbildad",
    )
    assert tx.match("  SJUKSKOTERSKA, grundutbildad ").concept_id == "bXNH_MNX_dUR"
    assert tx.match("Professional nurse", "en").ssyk == "2221"  # an English group name, singular
    assert tx.match("Professional nurses", "en").occupation is None
    assert tx.match("Grundutbildade sjuksköterskor", "en").ssyk == "2221"  # Swedish on the English page
    assert tx.match("2221").ssyk == "2221" and tx.match("Z8ci_bBE_tmx").ssyk == "2221"
    assert tx.match("nurse", "en") is None  # many groups: the autocomplete offers them (suggest)
    assert tx.match("undersköterska") is None  # two groups
    assert tx.match("") is None and tx.match("222") is None and tx.match("lorem ipsum") is None


def test_folding_ignores_case_diacritics_punctuation_and_english_plurals():
    assert taxonomy.fold("Sjuksköterska,  grundutbildad") == "sjukskoterska grundutbildad"
    assert taxonomy.fold("Nurses - school", "en") == "nurse school"
