"""Reading an import file into rows of cells: UTF-8 with or without Excel's BOM; comma, semicolon or tab."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

# A reason may quote the cell: its control characters are shown as escapes, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FileError(Exception):
    """The file as a whole cannot be read; the message is one line saying why."""


@dataclass(frozen=True)
class Problem:
    """Why a row is rejected: its number as a spreadsheet shows it (the header is row 1), a column, a reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        reason = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", self.reason)
        return f"row {self.row}: {self.column}: {reason}" if self.column else f"row {self.row}: {reason}"


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, cells by column)
    problems: list[Problem] = field(default_factory=list)  # rows that are not even cells
    blank: int = 0


def delimiter(first_line: str) -> str:
    """Swedish Excel writes semicolons, most other programs commas: the header line tells which."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise FileError("this is not a CSV text file (it contains binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(f"this file is not UTF-8 text (line {line}); in Excel save it as “CSV UTF-8”") from None


def read(data: bytes, columns: dict[str, bool]) -> Table:
    """The file's rows; `columns` maps every known column to whether the header must have it."""
    text = decode(data)
    if not text.strip():
        raise FileError("the file is empty: it needs a header row naming the columns")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text.splitlines()[0]), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header, columns)
        table = Table()
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                table.blank += 1  # a blank line, as spreadsheets leave at the end
            elif len(cells) != len(header):
                table.problems.append(Problem(number, "", f"has {len(cells)} cells; the header has {len(header)}"))
            else:
                table.rows.append((number, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise FileError(f"this is not a readable CSV file (line {reader.line_num}: {exc})") from None
    return table


def _check_header(header: list[str], columns: dict[str, bool]) -> None:
    missing = [name for name, required in columns.items() if required and name not in header]
    # A misspelt optional column would otherwise be dropped without a word.
    unknown = [name for name in header if name not in columns]
    repeated = sorted({name for name in header if header.count(name) > 1})
    parts = [
        _listed("missing column", missing),
        _listed("unknown column", [_shown(name) for name in unknown]),
        _listed("column named twice", repeated),
    ]
    if any(parts):
        raise FileError(f"{'; '.join(p for p in parts if p)} (the columns are described in IMPORT.md)")


def _listed(what: str, names: list[str], most: int = 5) -> str:
    if not names:
        return ""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{what}{'s' if len(names) > 1 else ''}: {', '.join(names[:most])}{more}"


def _shown(name: str) -> str:
    if not name:
        return "(a column without a name)"
    return f'"{name[:40]}…"' if len(name) > 40 else f'"{name}"'
