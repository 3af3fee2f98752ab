"""Checks of competence needs against the vendored occupation data: SSYK codes and occupation concept
ids that exist, "did you mean" suggestions, and the age of the Yrkesbarometer round.

Each check returns the message of one problem (None when all is well); the schema's validators raise
it, so it becomes one line with file, line and field like every other content error.
"""

from __future__ import annotations

import difflib
import re
from datetime import date

from ..occupations import taxonomy
from ..occupations.taxonomy import Group, Occupation

SSYK4 = re.compile(r"^[0-9]{4}$")
ROUND = re.compile(r"^([0-9]{4})-([12])$")
EXAMPLE_CONCEPT = "bXNH_MNX_dUR"


def _or(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _occupation_label(occupation: Occupation) -> str:
    """`bXNH_MNX_dUR Sjuksköterska, grundutbildad (2221)`."""
    return f"{occupation.concept_id} {occupation.name_sv} ({occupation.ssyk})"


def ssyk_problem(code: str, written: str = 'four digits in quotes like "2221"') -> str | None:
    """Why `code` is not an SSYK-4 group of the taxonomy, or None when it is one; `written` says how
    a code is written where it was given (in YAML: in quotes)."""
    tx = taxonomy.load()
    if not SSYK4.match(code):
        message = f'expected an SSYK-4 code, {written}, got "{code}"'
        wider = tx.group(code) if code.isdigit() else None
        if wider is not None:
            units = [g.label() for g in tx.units() if g.code.startswith(wider.code)][:3]
            message += f" (the wider group {wider.label()}"
            message += f"; did you mean {_or(units)}?)" if units else ")"
        return message
    group = tx.group(code)
    if group is not None and group.level == 4:
        return None
    closest = tx.suggest(code, 1)
    hint = f"; did you mean {closest[0].label()}?" if closest else ""
    return f"{code}: no such occupation group{hint}"


def occupation_problem(concept_id: str) -> str | None:
    """Why `concept_id` is not an occupation name's concept id in the taxonomy, or None."""
    tx = taxonomy.load()
    found = tx.by_concept(concept_id)
    if isinstance(found, Occupation):
        return None
    if isinstance(found, Group):
        if found.level == 4:
            return f'{concept_id} is the concept id of the group {found.label()}, not of an occupation: write ssyk: "{found.code}"'
        return f"{concept_id} is the concept id of the wider group {found.label()}, not of an occupation"
    return f"{concept_id}: no such occupation in the taxonomy{_occupation_hint(tx, concept_id)}"


def _occupation_hint(tx: taxonomy.Taxonomy, value: str) -> str:
    """ "; did you mean …?" for a mistyped concept id or an occupation written by name, or a pointer."""
    ids = {o.concept_id: o for o in tx.occupations()}
    close = difflib.get_close_matches(value.strip(), list(ids), n=3, cutoff=0.75)
    if close:
        return f"; did you mean {_or([_occupation_label(ids[c]) for c in close])}?"
    folded = taxonomy.fold(value)
    named = [o for o in tx.occupations() if taxonomy.fold(o.name_sv) == folded]
    match = tx.match(value)
    if not named and match is not None and match.occupation is not None:
        named = [match.occupation]
    if named:
        return f"; did you mean {_or([_occupation_label(o) for o in named[:3]])}?"
    groups = tx.suggest(value, 3)
    if groups:
        return f"; did you mean one of the groups {_or([g.label() for g in groups])} (as ssyk)?"
    return f' (expected the concept id of an occupation name, like "{EXAMPLE_CONCEPT}")'


def mismatch_problem(concept_id: str, code: str) -> str | None:
    """Why occupation `concept_id` does not belong under group `code`, or None when it does."""
    tx = taxonomy.load()
    occupation = tx.occupation(concept_id)
    group = tx.group(code)
    if occupation is None or group is None or occupation.ssyk == code:
        return None
    return (
        f"{concept_id} {occupation.name_sv} is in the group {tx.group(occupation.ssyk).label()}, "
        f"not in {group.label()}: correct one of the two, or leave out ssyk"
    )


def round_date(round_name: str) -> date | None:
    """The date a Yrkesbarometer round is read as: "YYYY-1" is the first half-year and "YYYY-2" the
    second (the barometer is published twice a year), dated at the half-year's start: 2026-1 is
    2026-01-01 and 2026-2 is 2026-07-01. None when the round is not in that form."""
    match = ROUND.match(round_name or "")
    if not match:
        return None
    return date(int(match.group(1)), 1 if match.group(2) == "1" else 7, 1)


def stale_round_problem(round_name: str | None, today: date) -> str | None:
    """A warning when the round is more than a year old on `today` (or unreadable), else None."""
    refresh = "refresh it with `tasteget occupations refresh`"
    if not round_name:
        return f"the Yrkesbarometer has no rows, so no round: {refresh}"
    start = round_date(round_name)
    if start is None:
        return f'cannot date the Yrkesbarometer round "{round_name}" (expected YYYY-1 or YYYY-2): {refresh}'
    try:
        year_later = start.replace(year=start.year + 1)
    except ValueError:  # pragma: no cover - the start is always the 1st of January or July
        return None
    if today <= year_later:
        return None
    return (
        f"the Yrkesbarometer round {round_name} is more than a year old on {today.isoformat()} "
        f"(a round YYYY-1 is read as starting on 1 January of YYYY and YYYY-2 on 1 July, "
        f"so {round_name} as {start.isoformat()}): {refresh}"
    )
