"""Every CSV the service writes: a text a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from intake import spreadsheet


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+46 70 123 45 67", "'+46 70 123 45 67"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Anna-Karin = glad", "Anna-Karin = glad"),  # only the first character makes a formula
        ("'quoted", "'quoted"),
        ("", ""),
        (-5, "-5"),  # numbers the service computed are numbers, negative ones too
        (-2.5, "-2.5"),
        (0.4, "0.4"),
        (None, ""),
    ],
)
def test_a_cell_is_written_as_text_or_as_its_number(value, written):
    out = io.StringIO()
    spreadsheet.write(out, ["header"], [[value]])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["header"], [written]]
