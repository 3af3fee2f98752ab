"""The shipped Yrkesbarometer: round 2026-1, national rows, by SSYK-4 group."""

from __future__ import annotations

import pytest

from tasteget.occupations import barometer, taxonomy


@pytest.fixture(scope="module")
def yb():
    return barometer.load()


def test_the_shipped_round_is_national(yb):
    assert yb.round == "2026-1" and yb.areas == ("00",)
    assert len(yb.rows) == 205
    assert {row.status for row in yb.rows} == set(barometer.STATUSES)
    known = {g.code for g in taxonomy.load().units()}
    assert all(row.ssyk and set(row.ssyk) <= known for row in yb.rows)


def test_a_group_with_one_row(yb):
    (nurses,) = yb.rows_for("2221")
    assert (nurses.occupation, nurses.status, nurses.job_chances, nurses.outlook, nurses.round) == (
        "Grundutbildade sjuksköterskor",
        "brist",
        "stora",
        "öka",
        "2026-1",
    )
    assert nurses.national and not nurses.partly_from_larger_area


def test_a_group_with_several_rows_and_statuses(yb):
    rows = yb.rows_for("8332")
    assert [(row.occupation, row.status) for row in rows] == [
        ("Bygg- och anläggningsförare", "balans"),
        ("Fjärrbilsförare", "brist"),
        ("Kranbilsförare", "brist"),
        ("Lastbilsförare", "brist"),
    ]
    # a row can cover several groups
    assert [row.occupation for row in yb.rows_for("2228")] == ["Sjuksköterskor inom akutsjukvård"]


def test_a_group_with_no_assessment(yb):
    assert yb.rows_for("0110") == []
    assert yb.rows_for("2221", area="23") == []  # no län rows shipped
    assert yb.area_for("23") == "00" and yb.area_for(None) == "00"
    assert len(yb.in_area("00", status="brist")) == 57
