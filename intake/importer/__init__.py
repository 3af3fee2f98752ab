"""Moving households and magazine orders in from the previous CRM, from CSV files (see IMPORT.md).

What it owns:

    table.py       reading a file into rows of cells (encoding, delimiter, header); FileError, Problem
    cells.py       reading one cell: dates, e-mails, postal codes, lists, numbers
    rows.py        from cells to checked rows, what both kinds share (`check`, Context, Row)
    households.py  the households kind: its columns, checks, duplicates and what it stores
    occupations.py the occupation columns: an SSYK-4 code checked, typed text mapped as the form maps it
    orders.py      the magazine orders kind, the same names
    save.py        storing checked rows batch by batch (`apply`) under the previous CRM's notice
    run.py         one import run (`run.run`): the file's rows checked against the content and the
                   staff accounts, then stored; what `tasteget import` calls
    commands.py    `tasteget import households|orders`: reads the options and the file, prints

Reading and checking the file are pure functions (`read_table`, `check`); `apply` and `run` write to
the CRM. Each kind (`households`, `orders`) is a module with the same names: COLUMNS, check,
unique_keys, same_as, taken, build and after_insert.
"""

from __future__ import annotations

from intake.importer import households, orders
from intake.importer.rows import Checked, Context, Row, check
from intake.importer.save import PREVIOUS_NOTICE, Outcome, apply
from intake.importer.table import FileError, Problem, Table, read

KINDS = {households.NAME: households, orders.NAME: orders}

__all__ = [
    "KINDS",
    "PREVIOUS_NOTICE",
    "Checked",
    "Context",
    "FileError",
    "Outcome",
    "Problem",
    "Row",
    "Table",
    "apply",
    "check",
    "read_table",
]


def read_table(kind, data: bytes) -> Table:
    """The file's rows, or FileError when its encoding or header is wrong."""
    return read(data, {column.name: column.required for column in kind.COLUMNS})
