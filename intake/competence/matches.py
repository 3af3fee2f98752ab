"""A household's occupations matched against the skill needs of the municipalities it chose.

Pure functions over plain values, shared by the back office, the guides' notification and the
figures, so the three can never disagree. A household matches a need when the SSYK-4 group of the
contact person's or the partner's occupation is among the groups a municipality it chose needs
(`tasteget.site.skills.needs_by_municipality`: the groups the municipality listed, else the
region's); a household not sure yet where to live is matched against the region's groups.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasteget.occupations import taxonomy
from tasteget.site import skills

CONTACT, PARTNER = "contact", "partner"
REGION = ""  # in `Match.municipalities`: the region's needs (the household is not sure where yet)


@dataclass(frozen=True)
class Needs:
    """The needs the content in force defines: per municipality, and the region's."""

    by_municipality: dict[str, skills.MunicipalityNeeds]
    region: frozenset[str]
    area: str  # the barometer area shown: the län's code, or "00" for Sweden as a whole
    round: str | None

    def codes(self, slug: str) -> frozenset[str]:
        found = self.by_municipality.get(slug)
        return found.codes if found else frozenset()

    def matching(self, code: str, chosen: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The chosen municipalities (slugs) whose needs include group `code`; (REGION,) when none
        was chosen and the region needs it; () when it matches no need."""
        if not chosen:
            return (REGION,) if code in self.region else ()
        return tuple(skills.needing(code, self.by_municipality, chosen))

    @property
    def all_codes(self) -> frozenset[str]:
        """Every group any municipality (or the region) needs."""
        return self.region.union(*(n.codes for n in self.by_municipality.values()))


# The last content's needs: the content is reloaded as a new `Site` object when the site is rebuilt.
# The site itself is kept and compared (an id alone could be reused by the next one once freed).
_last: tuple[object, Needs] | None = None


def needs_of(site) -> Needs:
    """The needs a content `Site` defines, computed once per loaded content."""
    global _last  # noqa: PLW0603 - a one-entry cache; a race only computes the same value twice
    last = _last
    if last is not None and last[0] is site:
        return last[1]
    region = skills.site_needs(site)
    found = Needs(skills.needs_by_municipality(site, region), skills.region_codes(region), region.area, region.round)
    _last = (site, found)
    return found


@dataclass(frozen=True)
class Match:
    """One adult's occupation group and the chosen municipalities that need it."""

    who: str  # CONTACT or PARTNER
    ssyk: str
    municipalities: tuple[str, ...]  # slugs, or (REGION,)


def adults(contact_ssyk: str | None, partner_ssyk: str | None) -> list[tuple[str, str]]:
    """(who, SSYK-4) for each adult whose occupation maps to a group."""
    return [(who, code) for who, code in ((CONTACT, contact_ssyk), (PARTNER, partner_ssyk)) if code]


def matches(
    contact_ssyk: str | None, partner_ssyk: str | None, chosen: list[str] | tuple[str, ...], needs: Needs
) -> list[Match]:
    """The adults whose occupation group a chosen municipality (or the region) needs."""
    found = []
    for who, code in adults(contact_ssyk, partner_ssyk):
        where = needs.matching(code, chosen)
        if where:
            found.append(Match(who, code, where))
    return found


def group_label(code: str, lang: str) -> str:
    """`2221 Grundutbildade sjuksköterskor` in Swedish, `2221 Professional nurses` in English."""
    group = taxonomy.load().group(code)
    return f"{code} {group.name(lang)}" if group else code


def field_of(code: str) -> str:
    """The SSYK-1 field of a group: its first digit."""
    return code[:1]
