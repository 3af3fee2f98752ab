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
from sqlalchemy import literal, select

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
    """"Yrkesbarometer, Sweden as a whole, round 2026-1": where and when the statuses are from."""
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
                _("the region's needs") if slug == matches.REGION else site.municipalities[slug].name
                for slug in where
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


def outreach(session, needs: matches.Needs, slugs: list[str], region: bool) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """{(municipality, group): (how many open households, the newest few references)}; municipality
    "" for the households not sure where yet (with `region`), matched against the region's groups.

    One pass over the open households that bring any needed group (the occupation index narrows
    them), newest first, with their chosen municipalities; grouped here by the same rule as
    `matches.matches`, each household counted once per group even when both adults are in it."""
    wanted = set().union(*(needs.codes(slug) for slug in slugs)) | (needs.region if region else set())
    if not wanted:
        return {}
    columns = (Household.id, Household.reference, Household.occupation_ssyk, Household.partner_occupation_ssyk)
    newest = (Household.created_at.desc(), Household.id.desc())
    chosen = session.execute(
        select(*columns, HouseholdMunicipality.municipality)
        .join(HouseholdMunicipality, HouseholdMunicipality.household_id == Household.id)
        .where(HouseholdMunicipality.municipality.in_(slugs), conditions.has_group(wanted), *_open_households())
        .order_by(*newest)
    ).all() if slugs else []
    unsure = session.execute(
        select(*columns, literal(matches.REGION))
        .where(conditions.has_group(needs.region), conditions.chose_none(), *_open_households())
        .order_by(*newest)
    ).all() if region and needs.region else []
    counts: dict[tuple[str, str], int] = {}
    shown: dict[tuple[str, str], list[str]] = {}
    for rows in (chosen, unsure):
        for _id, reference, contact, partner, slug in rows:
            codes = needs.region if slug == matches.REGION else needs.codes(slug)
            for code in {contact, partner} & codes:
                key = (slug, code)
                counts[key] = counts.get(key, 0) + 1
                if len(shown.setdefault(key, [])) < SHOWN_PER_GROUP:
                    shown[key].append(reference)
    return {key: (count, shown[key]) for key, count in counts.items()}


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
            Group(code, matches.group_label(code, g.lang), *counts.get((slug, code), (0, [])))
            for code in sorted(codes)
        ]
        result.append(
            Place(slug, name, listed, [x for x in groups if x.count], [x for x in groups if not x.count])
        )
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
