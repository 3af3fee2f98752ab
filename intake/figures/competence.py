"""The campaign's competence-attraction figures: households with a skill the region needs, registered
and moved, by occupation group, by field and by municipality, and each municipality's yearly target
against what happened.

"A needed skill" is exactly `intake.competence.matches`: an adult's SSYK-4 group is among the needs
of a municipality the household chose (or the region's, when it chose none). A registered household
counts once in the totals, once under each needed group it brings, once under each field (SSYK-1)
of those groups and once under each chosen municipality whose need it matches (under "not sure
yet" when it was matched against the region's).

A moved household counts as moved *with a needed skill* when a group it brings is a need of the
municipality it moved to, whatever it chose when it registered: that is where its skills go to work,
and what a municipality's target (`households_with_needed_skills`, of the households moved there)
counts. It counts under that one municipality; a move without a recorded destination matches no need.

The tallies are `counts.Tallies.skilled` and `.skilled_moves`, counted by the database (or from
plain records) with each adult's group kept only when some need names it; the needs themselves come
from the content and are applied here, in Python. Everything is as it stood at the end of `as_of`;
the targets are for the year of `as_of`, against the moves of that year up to that day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from intake.competence import matches

UNSURE = "unsure"  # = counts.UNSURE: matched against the region's needs (no municipality chosen)
NO_TARGET = "no target set"


@dataclass(frozen=True)
class Target:
    """A municipality's target for one year (content `targets`); None: no figure set."""

    households_moved: int | None
    households_with_needed_skills: int | None


@dataclass(frozen=True)
class Plan:
    """What the content says the figures are measured against: the needs, the municipalities (slugs,
    in the content's order) and their targets by year."""

    needs: matches.Needs
    municipalities: tuple[str, ...]
    targets: dict[str, dict[int, Target]] = field(default_factory=dict)


def plan_of(site) -> Plan:
    """The plan of a loaded content `Site`."""
    return Plan(
        matches.needs_of(site),
        tuple(site.municipalities),
        {
            slug: {t.year: Target(t.households_moved, t.households_with_needed_skills) for t in m.targets}
            for slug, m in site.municipalities.items()
        },
    )


@dataclass(frozen=True)
class TargetRow:
    municipality: str
    target_moved: int | None  # None: no target set
    moved: int
    target_skilled: int | None
    skilled: int


@dataclass
class Competence:
    year: int
    registered: int = 0  # households registered with a needed skill
    moved: int = 0  # households moved with a needed skill (of the municipality moved to)
    registered_by_group: Counter = field(default_factory=Counter)
    registered_by_field: Counter = field(default_factory=Counter)
    registered_by_municipality: Counter = field(default_factory=Counter)
    moved_by_group: Counter = field(default_factory=Counter)
    moved_by_field: Counter = field(default_factory=Counter)
    moved_by_municipality: Counter = field(default_factory=Counter)
    targets: list[TargetRow] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, int | str]]:
        """(figure, breakdown, value), as `counts.Figures.rows` gives them."""
        out: list[tuple[str, str, int | str]] = [
            ("households registered with a needed skill", "", self.registered),
            ("households moved with a needed skill", "", self.moved),
        ]
        for name, counter in (
            ("households registered with a needed skill by occupation group", self.registered_by_group),
            ("households registered with a needed skill by field", self.registered_by_field),
            ("households registered with a needed skill by municipality", self.registered_by_municipality),
            ("households moved with a needed skill by occupation group", self.moved_by_group),
            ("households moved with a needed skill by field", self.moved_by_field),
            ("households moved with a needed skill by municipality", self.moved_by_municipality),
        ):
            out += [(name, key, counter[key]) for key in sorted(counter)]
        y = self.year
        for row in self.targets:
            out += [
                (f"target households moved in {y}", row.municipality, _target(row.target_moved)),
                (f"households moved in {y}", row.municipality, row.moved),
                (f"target households moved in {y} with a needed skill", row.municipality, _target(row.target_skilled)),
                (f"households moved in {y} with a needed skill", row.municipality, row.skilled),
            ]
        return out


def _target(value: int | None) -> int | str:
    return NO_TARGET if value is None else value


def competence_of(skilled: Counter, skilled_moves: Counter, moves: Counter, as_of: date, plan: Plan) -> Competence:
    """The competence figures from the tallies (`counts.Tallies`: `skilled` keyed (day registered,
    contact's group, partner's group, chosen municipalities), `skilled_moves` (day registered, moved
    on, moved to, contact's group, partner's group), `moves` (day registered, moved on, moved to,
    source)) as they stood at the end of `as_of`."""
    c = Competence(as_of.year)
    needs = plan.needs
    where: dict[tuple, tuple[str, ...]] = {}  # many households share an adult's group and a choice

    def matched(contact, partner, chosen) -> tuple[set[str], set[str]]:
        """The needed groups a household brings and the municipalities whose need they are (REGION:
        the region's): `matches.matches`, with each adult's group and choice looked up once."""
        groups, places = set(), set()
        for _who, code in matches.adults(contact, partner):
            if (code, chosen) not in where:
                where[code, chosen] = needs.matching(code, chosen)
            if where[code, chosen]:
                groups.add(code)
                places.update(where[code, chosen])
        return groups, places

    households: Counter = Counter()  # by groups and choice only: matched once each, not once a day
    for (day, contact, partner, chosen), n in skilled.items():
        if day <= as_of:
            households[contact, partner, chosen] += n
    for (contact, partner, chosen), n in households.items():
        groups, places = matched(contact, partner, chosen)
        if not groups:
            continue
        c.registered += n
        for code in groups:
            c.registered_by_group[code] += n
        for digit in {matches.field_of(code) for code in groups}:
            c.registered_by_field[digit] += n
        for slug in places:
            c.registered_by_municipality[slug or UNSURE] += n

    skilled_in_year: Counter = Counter()
    for (day, moved_on, moved_to, contact, partner), n in skilled_moves.items():
        if day > as_of or moved_on > as_of or not moved_to:
            continue
        groups, _places = matched(contact, partner, (moved_to,))
        if not groups:
            continue
        c.moved += n
        for code in groups:
            c.moved_by_group[code] += n
        for digit in {matches.field_of(code) for code in groups}:
            c.moved_by_field[digit] += n
        c.moved_by_municipality[moved_to] += n
        if moved_on.year == as_of.year:
            skilled_in_year[moved_to] += n

    moved_in_year: Counter = Counter()
    for (day, moved_on, moved_to, _source), n in moves.items():
        if day <= as_of and moved_on <= as_of and moved_on.year == as_of.year and moved_to:
            moved_in_year[moved_to] += n
    for slug in plan.municipalities:
        target = plan.targets.get(slug, {}).get(as_of.year) or Target(None, None)
        c.targets.append(
            TargetRow(
                slug,
                target.households_moved,
                moved_in_year[slug],
                target.households_with_needed_skills,
                skilled_in_year[slug],
            )
        )
    return c
