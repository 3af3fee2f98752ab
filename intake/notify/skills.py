"""What a guide's notification says about a household's skills: each adult's occupation group and
which of them the municipalities of the message need.

Only what the household's occupations were mapped to is named (the SSYK-4 group, or one of the fixed
answers "studying", "retired", "not working now"), never the text the mover typed: a group is not a
personal identifier, the typed words may be. The needs are those of the content the caller holds
(`needs_of(site)`), so a message composed by the worker, outside any request, reads the same content
as the back office.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from intake.competence import matches as competence
from intake.models import Household
from intake.public.occupations import situation_label


@dataclass(frozen=True)
class Skills:
    adults: list[str]  # e.g. "Kontaktpersonen: 2221 Grundutbildade sjuksköterskor"
    matched: list[str]  # e.g. "Matchar behoven i Åre: 2221 Grundutbildade sjuksköterskor"


def has_partner(household: Household) -> bool:
    """Whether the household told of a partner (the form's and the import's partner fields)."""
    return bool(household.partner_occupation or household.partner_occupation_ssyk or household.partner_work_sought)


def _group(ssyk: str | None, situation: str | None, lang: str) -> str:
    if ssyk:
        return competence.group_label(ssyk, lang)
    return situation_label(situation) or _("no occupation group")


def of(household: Household, site, municipalities: list[str], lang: str) -> Skills:
    """The adults' groups and, for each of `municipalities` (the region when there are none), the
    groups it needs, in `lang`."""
    with force_locale(lang):
        adults = [
            _(
                "Contact person: %(group)s",
                group=_group(household.occupation_ssyk, household.occupation_situation, lang),
            )
        ]
        if has_partner(household):
            adults.append(
                _(
                    "Partner: %(group)s",
                    group=_group(household.partner_occupation_ssyk, household.partner_occupation_situation, lang),
                )
            )
        chosen = list(dict.fromkeys(s for s in municipalities if s in site.municipalities))
        found = competence.matches(
            household.occupation_ssyk, household.partner_occupation_ssyk, chosen, competence.needs_of(site)
        )
        matched = []
        for slug in chosen or [competence.REGION]:
            place = site.municipalities[slug].name if slug else site.region.name
            groups = sorted({m.ssyk for m in found if slug in m.municipalities})
            if groups:
                labels = ", ".join(competence.group_label(code, lang) for code in groups)
                matched.append(_("Matches the needs of %(place)s: %(groups)s", place=place, groups=labels))
            elif household.occupation_ssyk or household.partner_occupation_ssyk:
                matched.append(_("Matches none of the needs of %(place)s.", place=place))
        return Skills(adults, matched)
