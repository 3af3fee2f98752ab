"""Reading the back office's query strings: a value that does not parse is treated as not given."""

from __future__ import annotations

import re
from datetime import date

# Digits 0-9 only (int() also reads "١٢" and "1_000"), and few enough for any database's integer.
_NUMBER = re.compile(r"[0-9]{1,9}")


def day(value: str | None) -> date | None:
    """A day written YYYY-MM-DD, with a day on either side of it (filters count to the next day)."""
    try:
        found = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return found if found is not None and date.min < found < date.max else None


def number(value: str | None, default: int | None = None) -> int | None:
    """A whole number from 0 to 999 999 999, or `default`."""
    return int(value) if value and _NUMBER.fullmatch(value) else default


def numbers(values: list[str]) -> list[int]:
    """The whole numbers among `values` (the ids of ticked rows), the rest left out."""
    return [int(value) for value in values if _NUMBER.fullmatch(value)]
