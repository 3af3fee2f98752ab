"""Content problems in Swedish, for those who edit in Swedish: the preview's banner and the editor.

The command line keeps English (`Problem.message`); each problem also carries its Swedish wording
(`Problem.message_sv`) when one exists, and `in_swedish` shows a problem with where it is, in *du*
form. The check's messages are keyed (`errors.explain`), so both languages say the same thing.
"""

from __future__ import annotations

from typing import Any

SWEDISH = {
    "missing": "fältet saknas men måste finnas med",
    "did_you_mean": 'okänt fält; menade du "{name}"?',
    "unknown_field": "okänt fält (tillåtna fält här: {allowed})",
    "whole_number": "här ska det stå ett heltal, men det står {value}",
    "true_false": "här ska det stå true eller false, men det står {value}",
    "text_not_number": (
        "här ska det stå text, men det står talet {value}: sätt det inom citattecken så att det blir kvar som du "
        "skrev det"
    ),
    "text": "här ska det stå text, men det står {value}",
    "date": "här ska det stå ett datum som ÅÅÅÅ-MM-DD, men det står {value}",
    "per_language": "här ska det stå en text per språk (sv: …, en: …), men det står {value}",
    "mapping": "här ska det stå fält (namn: värde) på egna rader, men det står {value}",
    "list": "här ska det stå en lista (rader som börjar med ”- ”), men det står {value}",
    "one_of": "här ska det stå något av {expected}, men det står {value}",
    "too_short": "här ska det finnas minst {min}, men det finns inget",
    "greater_than": "här ska det stå ett tal större än {limit}, men det står {value}",
    "greater_than_equal": "här ska det stå ett tal som är minst {limit}, men det står {value}",
    "less_than": "här ska det stå ett tal mindre än {limit}, men det står {value}",
    "less_than_equal": "här ska det stå ett tal som är högst {limit}, men det står {value}",
    "value_error": "{sv}",
    "other": "",
}


def describe(key: str, values: dict[str, Any]) -> str:
    """A validation error (`errors.explain`'s key and values, the file's value named in Swedish by
    `errors.shown`) in Swedish, or "" when not translated."""
    if "expected" in values:  # pydantic's list of choices: 'public', 'private' or 'both'
        values = {**values, "expected": str(values["expected"]).replace(" or ", " eller ")}
    return SWEDISH.get(key, "").format(**values)


def message(problem) -> str:
    """The problem's message in Swedish, or in English where no Swedish wording exists yet."""
    return problem.message_sv or problem.message


def where(problem) -> str:
    """`content/region.yml, rad 12, kolumn 31`: where the problem is, in Swedish."""
    out = f"{problem.path}, rad {problem.line}"
    return f"{out}, kolumn {problem.column}" if problem.column else out


def in_swedish(problem) -> str:
    """The whole problem on one line in Swedish: where, the field and what to do."""
    field = f"fältet {problem.field}: " if problem.field else ""
    return f"{where(problem)}: {field}{message(problem)}"
