"""Arbetsförmedlingen's Yrkesbarometer: for each occupation it assesses, the recruitment situation
(brist, balans, paradox, överskott), the job chances and the five-year outlook, for the country
(län "00") and, once imported, the region's län.

One SSYK-4 group can have several rows, with different statuses (an occupation of the barometer
may cover part of a group, or a group may hold several of its occupations), and many groups have
none: `rows_for` returns them all, and an empty list means "no assessment". `load()` reads
`data/barometer.json` once per folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_NAME = "barometer.json"
NATIONAL = "00"
STATUSES = ("brist", "balans", "paradox", "överskott")  # the publisher's words, shortage to surplus


@dataclass(frozen=True)
class Row:
    """One assessment: an occupation of the barometer in one area (a län, or "00" for Sweden)."""

    occupation: str  # the barometer's occupation name, e.g. "Grundutbildade sjuksköterskor"
    ssyk: tuple[str, ...]  # the SSYK-4 group(s) it belongs to
    area: str  # län code, "00" for Sweden as a whole
    status: str  # rekryteringssituation: brist, balans, paradox or överskott
    job_chances: str  # jobbmojligheter: stora, medelstora, små (as published)
    outlook: str  # prognos: the five-year outlook, e.g. "öka", "vara oförändrad", "minska"
    round: str  # omgang, e.g. "2026-1"
    occupational_area: str = ""  # yrkesomrade, the publisher's grouping
    concept_id: str | None = None  # yb_concept_id, where the file gives it
    assessed_at: str | None = None  # hogsta_bedomningsniva: "nationellt", "län" or "nuts2"
    basis: str | None = None  # delvis_helt: "helt", or "delvis" (partly from a larger area)

    @property
    def national(self) -> bool:
        return self.area == NATIONAL

    @property
    def partly_from_larger_area(self) -> bool:
        return self.basis == "delvis"


@dataclass(frozen=True)
class Barometer:
    rows: tuple[Row, ...]
    about: str = ""
    retrieved: dict | None = None

    @property
    def round(self) -> str | None:
        """The (latest) round of the rows, e.g. "2026-1"."""
        return max((row.round for row in self.rows), default=None)

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas with rows: "00" (Sweden) and any län imported."""
        return tuple(sorted({row.area for row in self.rows}))

    def area_for(self, lan: str | None) -> str:
        """The area to show for a region: its län when rows for it exist, else Sweden ("00")."""
        return lan if lan and lan in self.areas else NATIONAL

    def rows_for(self, ssyk4: str, area: str = NATIONAL) -> list[Row]:
        """Every row for this SSYK-4 group in this area (a län code, "00" for Sweden), in the file's
        order; [] when the group has no assessment there."""
        return [row for row in self.rows if ssyk4 in row.ssyk and row.area == area]

    def in_area(self, area: str = NATIONAL, status: str | None = None) -> list[Row]:
        """All rows of an area, optionally only those with one status (e.g. "brist")."""
        return [row for row in self.rows if row.area == area and (status is None or row.status == status)]


def row_from(item: dict) -> Row:
    """A Row from one vendored row (the publisher's field names)."""
    ssyk = item.get("ssyk") or []
    return Row(
        occupation=item["yb_yrke"],
        ssyk=tuple([ssyk] if isinstance(ssyk, str) else ssyk),
        area=item["lan"],
        status=item["rekryteringssituation"],
        job_chances=item.get("jobbmojligheter") or "",
        outlook=item.get("prognos") or "",
        round=item["omgang"],
        occupational_area=item.get("yrkesomrade") or "",
        concept_id=item.get("yb_concept_id"),
        assessed_at=item.get("hogsta_bedomningsniva"),
        basis=item.get("delvis_helt"),
    )


def from_data(data: dict) -> Barometer:
    return Barometer(tuple(row_from(item) for item in data["rows"]), data.get("about", ""), data.get("retrieved"))


@cache
def load(data_dir: Path = DATA_DIR) -> Barometer:
    """The barometer in `data_dir` (the vendored one by default), read once per folder."""
    with (Path(data_dir) / FILE_NAME).open(encoding="utf-8") as handle:
        return from_data(json.load(handle))
