"""Reading the back office's query strings: a value that does not parse is treated as not given."""

from __future__ import annotations

from datetime import date


def day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def number(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError:
        return default
