"""Moving households and magazine orders in from the previous CRM, from CSV files (see IMPORT.md).

Reading and checking the file are pure functions (`read_table`, `check`); `apply` writes to the CRM.
Each kind (`households`, `orders`) is a module with the same names: COLUMNS, check, unique_keys,
same_as, taken, build and after_insert.
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
