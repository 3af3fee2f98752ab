"""From cells to checked values: what both kinds of import share, as pure functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from intake.importer.cells import Invalid
from intake.importer.table import Problem, Table

KEY_MAX = 57  # stored as "import:<id>" in the 64 characters of submission_id
KEY_PREFIX = "import:"  # the forms' submission ids are [A-Za-z0-9_-] only, so these never collide


@dataclass(frozen=True)
class Context:
    """What checking a row needs from outside the file."""

    today: date
    municipalities: frozenset[str] = frozenset()
    staff: dict[str, int] = field(default_factory=dict)  # e-mail in lower case -> account id


@dataclass(frozen=True)
class Column:
    """One column of an import file: every row must fill in a required one; others have a default."""

    name: str
    read: Callable[[str, Context], Any]
    required: bool = False
    default: Any = None


@dataclass
class Row:
    number: int
    key: str  # the previous CRM's id
    values: dict[str, Any]

    @property
    def submission_id(self) -> str:
        return KEY_PREFIX + self.key


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0  # rows in the file, blank lines left out


def noon(day: date | None) -> datetime | None:
    """A date from the file as a time: noon UTC is the same calendar day in every time zone near Europe's."""
    return None if day is None else datetime.combine(day, time(12), UTC)


def check(table: Table, columns: list[Column], kind, ctx: Context) -> Checked:
    """Every row read and checked; of two good rows with the same key the first wins, the second is rejected.

    A rejected row holds no key, so its corrected twin further down the file (same id, same address)
    is imported instead of being turned away as its duplicate.
    """
    out = Checked(problems=list(table.problems), total=len(table.rows) + len(table.problems))
    first_seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        values, problems = read_cells(cells, columns, ctx)
        # Checks across columns run on the cells that could be read, so one pass reports everything.
        failed = {column for column, _ in problems}
        problems += [(column, reason) for column, reason in kind.check(values, ctx) if column not in failed]
        keys = kind.unique_keys(values)
        problems += [
            (column, kind.same_as(column, first_seen[column, key]))
            for column, key in keys
            if (column, key) in first_seen
        ]
        if problems:
            out.problems += [Problem(number, column, reason) for column, reason in problems]
        else:
            first_seen.update(dict.fromkeys(keys, number))
            out.rows.append(Row(number, values["id"], values))
    out.problems.sort(key=lambda p: p.row)
    return out


def read_cells(cells: dict[str, str], columns: list[Column], ctx: Context) -> tuple[dict, list[tuple[str, str]]]:
    """The value of every cell that could be read (others are left out), and what is wrong with the rest."""
    values, problems = {}, []
    for column in columns:
        raw = (cells.get(column.name) or "").strip()
        if not raw and column.required:
            problems.append((column.name, "fill in this column"))
        elif not raw:
            values[column.name] = column.default() if callable(column.default) else column.default
            continue
        try:
            values[column.name] = column.read(raw, ctx)
        except Invalid as exc:
            problems.append((column.name, str(exc)))
    return values, problems


def key(value: str, _ctx: Context) -> str:
    if len(value) > KEY_MAX:
        raise Invalid(f"use at most {KEY_MAX} characters")
    if not value.isprintable():
        raise Invalid("remove the invisible control characters")
    return value


def not_before(values: dict, start: str, *columns: str) -> list[tuple[str, str]]:
    return [
        (c, f"{values[c].isoformat()} is before {start} ({values[start].isoformat()})")
        for c in columns
        if values.get(start) and values.get(c) and values[c] < values[start]
    ]
