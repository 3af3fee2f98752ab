"""The region's skill needs as the site shows them: occupation groups by field, each with its
Yrkesbarometer rows and the taxonomy's occupation names, from the vendored data in
`tasteget/occupations/`. Plain Python: the templates render what `region_needs` returns.

Until communicators list their own needs (and while the barometer holds no rows for the region's
län) the groups shown are the ones with a shortage ("brist") or paradox row in Sweden as a whole,
attributed to no municipality. Every row of a shown group is listed with its own status: one group
can have several rows, and not all of them need be a shortage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..occupations import barometer as yrkesbarometer
from ..occupations import taxonomy as ssyk

# The statuses that make a group a need: employers find it hard to recruit.
SHOWN = ("brist", "paradox")

# Platsbanken's search filtered by an occupation group (`p=5:` and the SSYK-4 group's concept id).
PLATSBANKEN = "https://arbetsformedlingen.se/platsbanken/annonser?p=5:{concept_id}"


@dataclass(frozen=True)
class Demand:
    """One occupation group in demand, with every barometer row for it in the area shown."""

    group: ssyk.Group
    rows: tuple[yrkesbarometer.Row, ...]
    municipalities: tuple[str, ...] = ()  # slugs of the municipalities that listed the group, in content order

    @property
    def assessed(self) -> bool:
        """The barometer puts the group in demand in the area shown (a shortage or paradox row)."""
        return any(row.status in SHOWN for row in self.rows)

    @property
    def anchor(self) -> str:
        return f"ssyk-{self.group.code}"

    @property
    def vacancies(self) -> str:
        """Current vacancies for the group on Platsbanken: a link out, nothing fetched by the page."""
        return PLATSBANKEN.format(concept_id=self.group.concept_id)

    @property
    def shortage(self) -> bool:
        return any(row.status == "brist" for row in self.rows)


@dataclass(frozen=True)
class FieldNeeds:
    field: ssyk.Group  # the SSYK-1 group
    demands: tuple[Demand, ...]


@dataclass(frozen=True)
class Needs:
    area: str  # "00" for Sweden as a whole, else the län's code
    round: str | None
    fields: tuple[FieldNeeds, ...]
    shortages: int  # how many barometer occupations in the area have the status "brist"

    @property
    def national(self) -> bool:
        return self.area == yrkesbarometer.NATIONAL

    @property
    def demands(self) -> list[Demand]:
        return [d for f in self.fields for d in f.demands]

    @property
    def listed(self) -> bool:
        """Some municipality listed needs of its own: the page names who needs what."""
        return any(d.municipalities for d in self.demands)

    @property
    def statuses(self) -> list[str]:
        """The statuses the shown rows use, shortage to surplus."""
        used = {row.status for d in self.demands for row in d.rows}
        return [s for s in yrkesbarometer.STATUSES if s in used]

    def highlights(self, n: int = 6) -> list[Demand]:
        """A few groups for the home page: those municipalities listed, then shortage groups; the
        first (by code) of each field in turn, so they span the fields rather than one field's first few."""
        queues = [
            sorted((d for d in f.demands if d.municipalities or d.shortage), key=lambda d: not d.municipalities)
            for f in self.fields
        ]
        chosen: list[Demand] = []
        while len(chosen) < n and any(queues):
            for queue in queues:
                if queue and len(chosen) < n:
                    chosen.append(queue.pop(0))
        return chosen


def region_needs(
    lan: str | None,
    taxonomy: ssyk.Taxonomy | None = None,
    barometer=None,
    listed: dict[str, tuple[str, ...]] | None = None,
) -> Needs:
    """The groups in demand: those the municipalities listed (`listed`: SSYK-4 code → slugs), and
    those the barometer puts in demand in the region's län if it has its rows, else in Sweden."""
    taxonomy = taxonomy or ssyk.load()
    barometer = barometer or yrkesbarometer.load()
    listed = listed or {}
    area = barometer.area_for(lan)
    codes = {code for status in SHOWN for row in barometer.in_area(area, status) for code in row.ssyk}
    by_field: dict[str, list[Demand]] = {}
    for code in sorted(codes | set(listed)):
        group = taxonomy.group(code)
        if group is None:  # a code the taxonomy lacks: nothing to name it by
            continue
        demand = Demand(group, tuple(barometer.rows_for(code, area)), tuple(listed.get(code, ())))
        by_field.setdefault(group.field, []).append(demand)
    fields = tuple(
        FieldNeeds(taxonomy.group(code), tuple(demands))
        for code, demands in sorted(by_field.items())
        if taxonomy.group(code)
    )
    rows = barometer.in_area(area)
    shortages = len(barometer.in_area(area, "brist"))
    return Needs(area, max((r.round for r in rows), default=None), fields, shortages)


@dataclass(frozen=True)
class ListedNeed:
    """A need a municipality listed in its content, as its page shows it: the group (and the
    occupation, when one was named), the barometer's rows for the group in the area shown (none:
    "no assessment"), where the group is on the skills page, and where its vacancies are."""

    group: ssyk.Group
    occupation: ssyk.Occupation | None
    rows: tuple[yrkesbarometer.Row, ...]
    on_skills_page: bool
    vacancies: str

    @property
    def anchor(self) -> str:
        return f"ssyk-{self.group.code}"


def listed_need(need, needs: Needs, taxonomy: ssyk.Taxonomy | None = None, barometer=None) -> ListedNeed:
    """`need` (a content `Need`) with what the page shows beside it; its own vacancy link wins over
    Platsbanken's search for the group."""
    taxonomy = taxonomy or ssyk.load()
    barometer = barometer or yrkesbarometer.load()
    group = taxonomy.group(need.group_code)
    occupation = taxonomy.occupation(need.occupation) if need.occupation else None
    shown = any(d.group.code == group.code for d in needs.demands)
    vacancies = need.vacancies or PLATSBANKEN.format(concept_id=group.concept_id)
    return ListedNeed(group, occupation, tuple(barometer.rows_for(group.code, needs.area)), shown, vacancies)


@dataclass(frozen=True)
class MunicipalityNeeds:
    """The SSYK-4 groups one municipality needs, as the back office and the figures match households
    against them: the groups its communicators listed in `work.in_demand`, or, while it lists none,
    the region's (the groups its skills page shows from the barometer), so that a household is
    matched the way the site told it its skills were wanted."""

    slug: str
    codes: frozenset[str]
    listed: bool  # True: from the municipality's own content; False: the region's stand in


def listed_by_group(site) -> dict[str, tuple[str, ...]]:
    """SSYK-4 code → the municipalities (slugs, in the site's order) that listed it in `work.in_demand`."""
    found: dict[str, list[str]] = {}
    for slug, municipality in site.municipalities.items():
        for need in municipality.work.in_demand:
            where = found.setdefault(need.group_code, [])
            if slug not in where:
                where.append(slug)
    return {code: tuple(slugs) for code, slugs in found.items()}


def site_needs(site) -> Needs:
    """The region's needs as the site's skills page shows them: listed groups and the barometer's."""
    return region_needs(site.region.lan, listed=listed_by_group(site))


def needs_by_municipality(site, needs: Needs | None = None) -> dict[str, MunicipalityNeeds]:
    """Every municipality's needs, by slug; `needs` is the site's (`site_needs`, computed when not given).
    A municipality that listed none stands on the groups the barometer puts in demand."""
    needs = needs or site_needs(site)
    assessed = frozenset(d.group.code for d in needs.demands if d.assessed)
    found = {}
    for slug, municipality in site.municipalities.items():
        listed = frozenset(need.group_code for need in municipality.work.in_demand)
        found[slug] = MunicipalityNeeds(slug, listed or assessed, bool(listed))
    return found


def region_codes(needs: Needs) -> frozenset[str]:
    """The groups the region as a whole needs (every group its skills page shows): what a household
    that is not sure yet where it wants to live is matched against."""
    return frozenset(d.group.code for d in needs.demands)


def needing(code: str, by_municipality: dict[str, MunicipalityNeeds], among: Iterable[str]) -> list[str]:
    """The municipalities of `among` (slugs) whose needs include group `code`, in `among`'s order."""
    return [slug for slug in among if slug in by_municipality and code in by_municipality[slug].codes]
