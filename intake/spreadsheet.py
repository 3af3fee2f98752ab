"""CSV for spreadsheet programs: every CSV the service writes (the back office's downloads, `tasteget
report --format csv`) goes through `write`, so that no cell of it can run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

# A cell starting with one of these is a formula (or becomes one) when a spreadsheet opens the file
# (OWASP, "CSV Injection"): a name typed into a public form could otherwise run there.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A text that starts like a formula gets a leading apostrophe, which spreadsheets read as "this
    is text" and do not show. Numbers the service computed (a negative median too) stay numbers, so
    they can be added up; the same digits typed by someone are text and are guarded like any text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(out: TextIO, header: Sequence, rows: Iterable[Sequence]) -> None:
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
