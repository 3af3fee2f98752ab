"""The skill needs in the back office: each adult's occupation on a household's page, matched
against the needs of the municipalities it chose, and the page of households that match a
municipality's needs, for the guides' outreach. The matching itself is `intake.competence`'s; the
needs are the content's in force, so a need a municipality adds shows once the site is rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, literal, or_, select, true, union_all

from intake import db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.competence import conditions, matches
from intake.crm import bp
from intake.crm.access import require_role
from intake.models import Household, HouseholdMunicipality
from intake.public.occupations import situation_label
from tasteget.occupations import barometer as yrkesbarometer

# The Yrkesbarometer's recruitment situations, in the staff's language.
STATUS_NAMES = {
    "brist": _l("shortage"),
    "paradox": _l("paradox (hard to recruit although many seek work)"),
    "balans": _l("balance"),
    "överskott": _l("surplus"),
}
# The steps before a move: a household still to reach out to (moved, settled and closed are done).
OPEN = ("new", "contacted", "visiting", "decided")
SHOWN_PER_GROUP = 12  # references listed under a group; the rest are one link away in the list


def area_label(needs: matches.Needs, site) -> str:
    if needs.area == yrkesbarometer.NATIONAL:
        return _("Sweden as a whole")
    return _("%(region)s (county %(code)s)", region=site.region.name, code=needs.area)


def barometer_line(needs: matches.Needs, site) -> str:
    """Where and when the statuses are from, e.g. "…Yrkesbarometer, Sweden as a whole, round 2026-1"."""
    return _(
        "Arbetsförmedlingen's Yrkesbarometer, %(area)s, round %(round)s",
        area=area_label(needs, site),
        round=needs.round or "–",
    )


@dataclass(frozen=True)
class Adult:
    """One adult's occupation as the household's page shows it."""

    who: str  # "Contact person" or "Partner", translated
    typed: str | None  # as typed in the form
    group: str | None  # "2221 Grundutbildade sjuksköterskor"
    code: str | None
    situation: str | None  # "Studying", "Retired", "Not working now"
    needed_by: tuple[str, ...]  # municipality names; (the region's needs,) for a household not sure where
    rows: tuple[tuple[str, str], ...]  # (barometer occupation, status) in the area shown; () no assessment


def adults(h: Household, needs: matches.Needs, site) -> list[Adult]:
    """The contact person and the partner (when they gave anything), in the staff's language."""
    found = []
    for who, prefix in ((_("Contact person"), "occupation"), (_("Partner"), "partner_occupation")):
        typed, code = getattr(h, prefix), getattr(h, f"{prefix}_ssyk")
        situation = situation_label(getattr(h, f"{prefix}_situation"))
        if not (typed or code or situation):
            continue
        needed_by: tuple[str, ...] = ()
        rows: tuple[tuple[str, str], ...] = ()
        if code:
            where = needs.matching(code, h.municipality_slugs)
            needed_by = tuple(
                _("the region's needs") if slug == matches.REGION else site.municipalities[slug].name for slug in where
            )
            rows = tuple(
                (row.occupation, str(STATUS_NAMES.get(row.status, row.status)))
                for row in yrkesbarometer.load().rows_for(code, needs.area)
            )
        group = matches.group_label(code, g.lang) if code else None
        found.append(Adult(who, typed, group, code, situation, needed_by, rows))
    return found


def _open_households():
    return (
        Household.status.in_(OPEN),
        Household.quarantine_reason.is_(None),
        Household.withdrawn_at.is_(None),
        Household.erased_at.is_(None),
    )


def _adults(slugs: list[str], codes, region: bool):
    """One select per adult column and kind of household: (municipality, group, household) for the
    open households that chose one of `slugs`, or (with `region`) chose none ("" as municipality),
    where that adult's group is one of `codes`."""
    selects = []
    # The partner only when not in the contact person's group: a household once per group, with no
    # de-duplicating sort (UNION ALL).
    partner = or_(Household.occupation_ssyk.is_(None), Household.occupation_ssyk != Household.partner_occupation_ssyk)
    for column, also in ((Household.occupation_ssyk, true()), (Household.partner_occupation_ssyk, partner)):
        if slugs:
            selects.append(
                select(HouseholdMunicipality.municipality.label("municipality"), column.label("ssyk"), Household.id)
                .join(HouseholdMunicipality, HouseholdMunicipality.household_id == Household.id)
                .where(
                    HouseholdMunicipality.municipality.in_(slugs), column.in_(sorted(codes)), also, *_open_households()
                )
            )
        if region:
            selects.append(
                select(literal(matches.REGION).label("municipality"), column.label("ssyk"), Household.id).where(
                    conditions.chose_none(), column.in_(sorted(codes)), also, *_open_households()
                )
            )
    return selects


def outreach(
    session, needs: matches.Needs, slugs: list[str], region: bool
) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """{(municipality, group): (how many open households, the newest few references)}; municipality
    "" for the households not sure where yet (with `region`), matched against the region's groups.

    The counts come from the database (each household once per group, even when both adults are in
    it); the references from reading the matching households newest first, only until every group
    has its few (at 100 000 households, fetching every match took most of a second)."""
    wanted = set().union(*(needs.codes(slug) for slug in slugs)) | (needs.region if region else set())
    if not wanted:
        return {}
    needed = {slug: needs.codes(slug) for slug in slugs} | ({matches.REGION: needs.region} if region else {})
    found = union_all(*_adults(slugs, wanted, region)).subquery()
    counts = {
        (slug, code): n
        for slug, code, n in session.execute(
            select(found.c.municipality, found.c.ssyk, func.count()).group_by(found.c.municipality, found.c.ssyk)
        )
        if code in needed.get(slug, ())
    }
    missing = {key: min(n, SHOWN_PER_GROUP) for key, n in counts.items()}
    shown: dict[tuple[str, str], list[str]] = {key: [] for key in counts}
    newest = (Household.created_at.desc(), Household.id.desc())
    columns = (Household.reference, Household.occupation_ssyk, Household.partner_occupation_ssyk)
    streams = []  # (the municipalities whose groups it fills, its rows)
    if slugs:
        streams.append(
            (
                set(slugs),
                select(*columns, HouseholdMunicipality.municipality)
                .join(HouseholdMunicipality, HouseholdMunicipality.household_id == Household.id)
                .where(
                    HouseholdMunicipality.municipality.in_(slugs), conditions.has_group(wanted), *_open_households()
                ),
            )
        )
    if region:
        streams.append(
            (
                {matches.REGION},
                select(*columns, literal(matches.REGION)).where(
                    conditions.chose_none(), conditions.has_group(needs.region), *_open_households()
                ),
            )
        )
    for places, stream in streams:
        left = sum(n for (slug, _code), n in missing.items() if slug in places)
        if not left:
            continue
        rows = session.execute(stream.order_by(*newest), execution_options={"yield_per": 200})
        for reference, contact, partner, slug in rows:
            for code in {contact, partner} & needed.get(slug, frozenset()):
                key = (slug, code)
                if missing.get(key):
                    shown[key].append(reference)
                    missing[key] -= 1
                    left -= 1
            if not left:
                break
        rows.close()
    return {key: (n, shown[key]) for key, n in counts.items()}


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    count: int
    references: list[str]


@dataclass(frozen=True)
class Place:
    slug: str  # "" for the households not sure where yet
    name: str
    listed: bool  # the municipality listed these needs itself (else they are the region's)
    with_households: list[Group]
    without: list[Group]


def _places(needs: matches.Needs, site, slugs: list[str], region: bool, counts) -> list[Place]:
    wanted = [(slug, site.municipalities[slug].name, needs.by_municipality[slug]) for slug in slugs]
    places = [(slug, name, found.codes, found.listed) for slug, name, found in wanted]
    if region:
        places.append(("", _("Not sure yet where"), needs.region, False))
    result = []
    for slug, name, codes, listed in places:
        groups = [
            Group(code, matches.group_label(code, g.lang), *counts.get((slug, code), (0, []))) for code in sorted(codes)
        ]
        result.append(Place(slug, name, listed, [x for x in groups if x.count], [x for x in groups if not x.count]))
    return result


@bp.get("/needs/")
@login_required
def needs_page():
    """Households that match our needs: per municipality of the guide (the coordinator: all, and
    the households not sure where yet against the region's), each needed group with the open
    households that bring it."""
    require_role("guide", "coordinator")
    site = content.site()
    needs = matches.needs_of(site)
    coordinator = current_user.role == "coordinator"
    slugs = [
        slug
        for slug in site.municipalities
        if slug in needs.by_municipality and (coordinator or slug in current_user.municipality_slugs)
    ]
    counts = outreach(db.session(), needs, slugs, region=coordinator) if slugs or coordinator else {}
    return render_staff(
        "crm/needs.html",
        _("Households that match our needs"),
        places=_places(needs, site, slugs, coordinator, counts),
        barometer=barometer_line(needs, site),
        area=area_label(needs, site),
        needs=needs,
        shown=SHOWN_PER_GROUP,
    )
