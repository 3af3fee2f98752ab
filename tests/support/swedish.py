"""The Swedish forms of address: the campaign says *du* to the reader, never *ni* and its forms."""

from __future__ import annotations

import re

# Ni and its forms as whole words, in any case: ni, er, era, ert, eder (and a possessive such as
# "er's"). A word that only contains them ("eller", "perioder", "Nilsson", "Ernst") is not one, nor
# is a suffix after a colon ("CRM:er").
NI_FORMS = re.compile(r"(?<![\w:'’-])(?:ni|er|era|ert|eder|ers)(?:['’]s)?(?![\w-])", re.IGNORECASE)


def ni_forms(text: str) -> list[str]:
    """The ni forms in `text`, as written."""
    return NI_FORMS.findall(text)
