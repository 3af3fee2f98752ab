"""The occupation columns of a households file: an SSYK-4 code checked against the taxonomy, and
the typed text mapped to it exactly as the registration form maps it (`intake.public.occupations`).

Stored per adult as the form stores it: the text as given (NULL when none), and what it maps to,
the concept id and SSYK-4 group, or one of the situations ("studying", "retired", "not working").
A code given in the file is the group, whatever the text says: the text's concept id is kept only
when it lies in that group, and a text that says "retired" beside a code leaves no situation.
A code with no text stores the group with a NULL text and concept id.
"""

from __future__ import annotations

import re

from intake.importer.cells import Invalid
from intake.public import occupations
from tasteget.content.needs import ssyk_problem
from tasteget.occupations import taxonomy

# What a spreadsheet does to a code typed as a number: 2221 becomes 2221.0, 0110 becomes 110.
CODE_MAX = 12  # longer is no code mistyped: the reason does not quote it

_AS_A_NUMBER = re.compile(r"^([0-9]{1,4})(?:[.,]0+)?$")


def ssyk(value: str) -> str:
    """A real SSYK-4 group of the taxonomy, or Invalid with the closest one."""
    if len(value) > CODE_MAX:
        raise Invalid(f'expected an SSYK-4 code, four digits like "2221" (this has {len(value)} characters)')
    problem = ssyk_problem(value, written='four digits like "2221"')
    if problem is None:
        return value
    if "did you mean" not in problem:
        meant = _as_typed_in_a_spreadsheet(value)
        if meant is not None:
            problem += f"; did you mean {meant.label()}? (format the column as text: a spreadsheet drops zeros)"
    raise Invalid(problem)


def _as_typed_in_a_spreadsheet(value: str) -> taxonomy.Group | None:
    found = _AS_A_NUMBER.match(value)
    if found is None:
        return None
    group = taxonomy.load().group(found.group(1).zfill(4))
    return group if group is not None and group.level == 4 else None


def stored(prefix: str, text: str | None, code: str | None, lang: str) -> dict:
    """The household's columns for one adult (`prefix` "occupation" or "partner_occupation")."""
    found = occupations.answer(text, lang)
    if code is None:
        concept, group, situation = found.concept, found.ssyk, found.situation
    else:
        concept, group, situation = (found.concept if found.ssyk == code else None), code, None
    return {
        prefix: text or None,
        f"{prefix}_concept": concept,
        f"{prefix}_ssyk": group,
        f"{prefix}_situation": situation,
    }
