"""The competence-attraction figures: households with a needed skill, registered and moved, and each
municipality's target against what happened, the same from the database as from the records."""

from __future__ import annotations

from datetime import date

from intake import db
from intake.competence import matches
from intake.figures import competence
from intake.figures.counts import compute, load, tally
from tasteget.site import skills

from tests.support.figures_data import DATASET, ORDERS, h, store

SLUGS = ("are", "berg", "krokom", "ostersund")


def plan(by: dict[str, set[str]], region: set[str], targets=None) -> competence.Plan:
    needs = matches.Needs(
        {slug: skills.MunicipalityNeeds(slug, frozenset(codes), True) for slug, codes in by.items()},
        frozenset(region),
        "00",
        "2026-1",
    )
    return competence.Plan(needs, tuple(by), targets or {})


NEEDS = {"are": {"2221", "5321"}, "berg": {"2221", "2512"}, "krokom": {"2512"}, "ostersund": {"5321"}}
REGION = {"2512", "7411"}


def test_a_household_counts_once_in_totals_and_once_under_each_group_field_and_municipality():
    records = [
        # Nurse and software developer choosing three: Åre needs the nurse, Berg both, Krokom the developer.
        h("2026-01-10", ["are", "berg", "krokom"], ssyk="2221", partner_ssyk="2512"),
        # Two nurses in one household: one group, one field, once.
        h("2026-01-11", ["berg"], ssyk="2221", partner_ssyk="2221"),
        # Not sure where: matched against the region's groups, under "not sure yet".
        h("2026-01-12", [], ssyk="7411", partner_ssyk="2221"),
        # A group nobody needs, or none at all: not counted.
        h("2026-01-13", ["are"], ssyk="1111"),
        h("2026-01-14", ["ostersund"], ssyk="2221"),  # Östersund does not need nurses
        h("2026-01-15", ["are"]),
    ]
    c = compute(records, [], date(2026, 12, 31), plan(NEEDS, REGION)).competence
    assert c.registered == 3
    assert c.registered_by_group == {"2221": 2, "2512": 1, "7411": 1}
    assert c.registered_by_field == {"2": 2, "7": 1}
    assert c.registered_by_municipality == {"are": 1, "berg": 2, "krokom": 1, "unsure": 1}
    assert (c.moved, c.moved_by_group) == (0, {})


def test_a_move_counts_with_a_needed_skill_of_the_municipality_moved_to():
    records = [
        # Chose Åre (where nurses are needed) but moved to Krokom, which needs developers only.
        h("2026-01-10", ["are"], status="moved", moved_to="krokom", moved_on="2026-03-01", ssyk="2221"),
        # Chose nothing, moved to Krokom as a developer: a needed skill there.
        h("2026-01-10", [], status="moved", moved_to="krokom", moved_on="2026-04-01", ssyk="2512"),
        # Moved where nobody recorded: matched against nothing.
        h("2026-01-10", ["berg"], status="moved", moved_on="2026-04-01", ssyk="2221"),
        # Moved to Berg last year as a nurse and a developer: counts in totals, not in this year's target.
        h(
            "2025-01-10",
            ["berg"],
            status="moved",
            moved_to="berg",
            moved_on="2025-06-01",
            ssyk="2221",
            partner_ssyk="2512",
        ),
        # Moves after the day: not yet.
        h("2026-01-10", ["are"], status="moved", moved_to="are", moved_on="2027-01-02", ssyk="2221"),
    ]
    targets = {"krokom": {2026: competence.Target(5, 2)}, "berg": {2025: competence.Target(None, 1)}}
    c = compute(records, [], date(2026, 12, 31), plan(NEEDS, REGION, targets)).competence
    assert c.moved == 2
    assert c.moved_by_group == {"2512": 2, "2221": 1}
    assert c.moved_by_field == {"2": 2}
    assert c.moved_by_municipality == {"krokom": 1, "berg": 1}
    assert c.year == 2026
    assert c.targets == [
        competence.TargetRow("are", None, 0, None, 0),
        competence.TargetRow("berg", None, 0, None, 0),
        competence.TargetRow("krokom", 5, 2, 2, 1),
        competence.TargetRow("ostersund", None, 0, None, 0),
    ]
    last_year = compute(records, [], date(2025, 12, 31), plan(NEEDS, REGION, targets)).competence
    assert last_year.moved == 1
    assert [r for r in last_year.targets if r.municipality == "berg"] == [competence.TargetRow("berg", None, 1, 1, 1)]


def test_as_of_an_earlier_day_and_the_report_rows():
    records = [
        h("2026-01-10", ["are"], ssyk="2221", status="moved", moved_to="are", moved_on="2026-02-01"),
        h("2026-03-10", ["krokom"], ssyk="2512"),
    ]
    targets = {"are": {2026: competence.Target(30, 10)}}
    f = compute(records, [], date(2026, 1, 31), plan(NEEDS, REGION, targets))
    assert (f.competence.registered, f.competence.moved) == (1, 0)
    rows = f.rows()
    assert ("households registered with a needed skill", "", 1) in rows
    assert ("households registered with a needed skill by occupation group", "2221", 1) in rows
    assert ("target households moved in 2026", "are", 30) in rows
    assert ("target households moved in 2026 with a needed skill", "are", 10) in rows
    assert ("households moved in 2026", "are", 0) in rows
    assert ("target households moved in 2026", "berg", competence.NO_TARGET) in rows
    later = compute(records, [], date(2026, 12, 31), plan(NEEDS, REGION, targets)).competence
    assert (later.registered, later.moved, later.targets[0]) == (2, 1, competence.TargetRow("are", 30, 1, 10, 1))


def test_without_a_plan_the_figures_are_as_before():
    assert compute(DATASET, ORDERS, date(2026, 12, 31)).competence is None
    assert tally(DATASET, ORDERS).skilled == {}  # no needs given: nothing counted


def test_the_database_counts_what_the_records_count(app):
    store(app)
    needed = frozenset(set().union(*NEEDS.values(), REGION))
    with app.app_context():
        counted = load(db.session(), needed)
    expected = tally(DATASET, ORDERS, needed)
    assert counted == expected
    assert sum(expected.skilled.values()) == 3 and sum(expected.skilled_moves.values()) == 1  # quarantine left out
    assert (date(2026, 1, 10), "2221", None, ("are", "berg", "krokom")) in counted.skilled
    assert (date(2026, 1, 20), None, "5321", ("are",)) in counted.skilled  # 1111: no need names it


def test_a_database_of_many_households_counts_what_the_records_count(app):
    """Many households, sets of municipalities in every order, groups needed and not: the grouped
    rows of the database, sorted and added up, are the records' tallies."""
    import random

    rng = random.Random(3)
    codes = ["2221", "5321", "2512", "7411", "1111", None]
    records = [
        h(
            f"2026-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}",
            rng.sample(SLUGS, rng.randint(0, 3)),
            status="moved",
            moved_to=rng.choice([*SLUGS, None]),
            moved_on="2026-05-01" if rng.random() < 0.3 else None,
            ssyk=rng.choice(codes),
            partner_ssyk=rng.choice(codes),
        )
        for _ in range(200)
    ]
    store(app, households=records, orders=[])
    p = plan(NEEDS, REGION)
    with app.app_context():
        counted = load(db.session(), p.needs.all_codes)
    assert counted == tally(records, [], p.needs.all_codes)
    from intake.figures.counts import figures_of

    assert figures_of(counted, date(2026, 12, 31), p).rows() == compute(records, [], date(2026, 12, 31), p).rows()


def test_the_figures_match_households_as_the_competence_core_does():
    """Random households against needs that differ by municipality: every count is what
    `matches.matches` says of each household, one by one."""
    import random
    from collections import Counter

    rng = random.Random(11)
    codes = ["2221", "5321", "2512", "7411", "1111", None]
    records = [
        h(
            "2026-01-10",
            rng.sample(SLUGS, rng.randint(0, 3)),
            ssyk=rng.choice(codes),
            partner_ssyk=rng.choice(codes),
            moved_to=rng.choice([*SLUGS, None]),
            moved_on="2026-06-01" if rng.random() < 0.4 else None,
        )
        for _ in range(300)
    ]
    p = plan(NEEDS, REGION)
    c = compute(records, [], date(2026, 12, 31), p).competence
    registered, by_group, by_place, moved, moved_by_group = 0, Counter(), Counter(), 0, Counter()
    for r in records:
        found = matches.matches(r.contact_ssyk, r.partner_ssyk, r.municipalities, p.needs)
        if found:
            registered += 1
            by_group.update({m.ssyk for m in found})
            by_place.update({slug or "unsure" for m in found for slug in m.municipalities})
        if r.moved_on and r.moved_to:
            found = matches.matches(r.contact_ssyk, r.partner_ssyk, (r.moved_to,), p.needs)
            if found:
                moved += 1
                moved_by_group.update({m.ssyk for m in found})
    assert registered and moved  # the data exercises both
    assert (c.registered, c.registered_by_group, c.registered_by_municipality) == (registered, by_group, by_place)
    assert (c.moved, c.moved_by_group) == (moved, moved_by_group)


def test_the_competence_page_counts_only_what_it_shows(app):
    """`load_competence` (the dashboard's competence page) counts the moves and the competence
    tallies as `load` does, and nothing else."""
    from intake.figures.counts import competence_figures, load_competence

    store(app)
    p = plan(NEEDS, REGION, {"are": {2026: competence.Target(3, 1)}})
    with app.app_context():
        alone = load_competence(db.session(), p.needs.all_codes)
        every = load(db.session(), p.needs.all_codes)
    assert (alone.moves, alone.skilled, alone.skilled_moves) == (every.moves, every.skilled, every.skilled_moves)
    assert not alone.registered and not alone.interest and not alone.orders
    day = date(2026, 12, 31)
    from intake.figures.counts import figures_of

    assert competence_figures(alone, day, p) == figures_of(every, day, p).competence
