"""Rebuilding the vendored data (`data/taxonomy.json`, `data/barometer.json`) from the publishers'
own files: the JobTech taxonomy dump "the-ssyk-hierarchy-with-occupations" and the official
`yrkesbarometer.json`, downloaded from the publisher or given as files.

A file is read whole and checked (UTF-8, JSON, the publisher's shape) before anything is written; a
problem is one readable line (`RefreshError`) and leaves the vendored files as they were. The new
file is written beside the old one and renamed over it, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tasteget.occupations import barometer, taxonomy

TAXONOMY_URL = (
    "https://data.jobtechdev.se/taxonomy/version/latest/query/"
    "the-ssyk-hierarchy-with-occupations/the-ssyk-hierarchy-with-occupations.json"
)
BAROMETER_URL = "https://data.arbetsformedlingen.se/prognoser/yrkesbarometer.json"
TIMEOUT = 60  # seconds without an answer before a download gives up
LEVELS = {"ssyk-level-1": 1, "ssyk-level-2": 2, "ssyk-level-3": 3, "ssyk-level-4": 4}
KEPT = (  # the barometer fields kept, as the publisher names them
    "yrkesomrade",
    "yb_yrke",
    "yb_concept_id",
    "lan",
    "ssyk",
    "ssyk_text",
    "rekryteringssituation",
    "jobbmojligheter",
    "prognos",
    "hogsta_bedomningsniva",
    "delvis_helt",
    "omgang",
    "taxonomi_version",
)


class RefreshError(Exception):
    """A file or download the refresh cannot use, in one readable line."""


def read_json(raw: bytes, source: str) -> object:
    """`raw` as JSON, or a RefreshError naming `source` and what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefreshError(f"{source}: not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RefreshError(f"{source}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


def taxonomy_data(raw: bytes, source: str, previous: taxonomy.Taxonomy | None, retrieved: dict) -> dict:
    """The vendored taxonomy's content from a "the-ssyk-hierarchy-with-occupations" dump.

    The dump is Swedish only: English names and ISCO-08 codes are carried over from `previous` (the
    data being replaced) by SSYK code; a group new to the dump has none until they are added."""
    dump = read_json(raw, source)
    try:
        concepts = dump["data"]["concepts"]
        if not isinstance(concepts, list) or not concepts:
            raise TypeError
    except (KeyError, TypeError):
        raise RefreshError(
            f"{source}: not the taxonomy dump the-ssyk-hierarchy-with-occupations (no data.concepts list)"
        ) from None
    groups: list[dict] = []
    occupations: list[dict] = []

    def walk(concept: object, depth: int, parent: str) -> None:
        if not isinstance(concept, dict):
            raise RefreshError(f"{source}: a concept is not an object ({json.dumps(concept)[:40]})")
        where = f"{source}: concept {concept.get('id', '?')}"
        kind, label, cid = concept.get("type"), concept.get("preferred_label"), concept.get("id")
        if not isinstance(label, str) or not isinstance(cid, str) or not label.strip() or not cid.strip():
            raise RefreshError(f"{where}: needs an id and a preferred_label")
        if kind == "occupation-name":
            if depth != 5:
                raise RefreshError(f"{where}: an occupation name outside an SSYK-4 group")
            occupations.append({"id": cid, "sv": label.strip(), "ssyk": parent})
            return
        code = concept.get("ssyk_code_2012")
        if LEVELS.get(kind) != depth or not isinstance(code, str) or len(code) != depth or not code.isdigit():
            raise RefreshError(f"{where}: expected an ssyk-level-{depth} concept with a {depth}-digit ssyk_code_2012")
        if not code.startswith(parent):
            raise RefreshError(f"{where}: code {code} is not under {parent}")
        old = previous.group(code) if previous else None
        group = {"code": code, "id": cid, "sv": label.strip(), "en": old.name_en if old else None}
        if depth == 4:
            group["isco"] = list(old.isco) if old else []
        groups.append(group)
        for child in concept.get("narrower") or []:
            walk(child, depth + 1, code)

    for concept in concepts:
        walk(concept, 1, "")
    if not any(len(g["code"]) == 4 for g in groups) or not occupations:
        raise RefreshError(f"{source}: no SSYK-4 groups with occupation names in the dump")
    groups.sort(key=lambda g: g["code"])
    occupations.sort(key=lambda o: (o["ssyk"], o["sv"], o["id"]))
    return {
        "about": (
            "SSYK 2012 groups and occupation names from Arbetsförmedlingen's JobTech taxonomy (CC0); "
            "English group names from Statistics Sweden (SCB, CC0); ISCO-08 codes from the taxonomy's "
            "SSYK-4 to ISCO-4 relation. See SOURCES.md."
        ),
        "retrieved": retrieved,
        "groups": groups,
        "occupations": occupations,
    }


def barometer_data(raw: bytes, source: str, lan: str | None, retrieved: dict) -> dict:
    """The vendored barometer's content from the official `yrkesbarometer.json` (a list of rows, one
    per occupation and län): the national rows ("00") and those of `lan`, with the fields in KEPT."""
    rows = read_json(raw, source)
    if isinstance(rows, dict) and isinstance(rows.get("rows"), list):
        rows = rows["rows"]
    if not isinstance(rows, list) or not rows:
        raise RefreshError(f"{source}: not the Yrkesbarometer file (expected a list of rows)")
    kept = []
    for number, row in enumerate(rows, 1):
        where = f"{source}: row {number}"
        if not isinstance(row, dict):
            raise RefreshError(f"{where} is not an object")
        missing = [key for key in ("yb_yrke", "lan", "ssyk", "rekryteringssituation", "omgang") if key not in row]
        if missing:
            raise RefreshError(f"{where} has no {', '.join(missing)} (not the Yrkesbarometer's shape)")
        if row["rekryteringssituation"] not in barometer.STATUSES:
            raise RefreshError(
                f"{where}: rekryteringssituation {row['rekryteringssituation']!r} is none of "
                + ", ".join(barometer.STATUSES)
            )
        if row["lan"] not in (barometer.NATIONAL, lan):
            continue
        item = {key: row[key] for key in KEPT if row.get(key) is not None}
        codes = row["ssyk"]
        if isinstance(codes, str):
            codes = [code for code in codes.replace(";", ",").replace(" ", ",").split(",") if code]
        if not isinstance(codes, list) or not all(isinstance(c, str) and c.isdigit() and len(c) == 4 for c in codes):
            raise RefreshError(f"{where}: ssyk {row['ssyk']!r} is not an SSYK-4 code")
        item["ssyk"] = codes
        kept.append(item)
    if not any(item["lan"] == barometer.NATIONAL for item in kept):
        raise RefreshError(f'{source}: no national rows (lan "00")')
    return {
        "about": (
            "Arbetsförmedlingen's Yrkesbarometer (CC0): the national rows (lan 00)"
            + (f" and those of län {lan}" if lan else "")
            + ", with the fields the site uses. See SOURCES.md."
        ),
        "retrieved": retrieved,
        "rows": kept,
    }


def dumps(data: dict) -> str:
    """Compact JSON with one record per line, so a refresh's diff reads row by row."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            body = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in value)
            parts.append(f"{json.dumps(key)}:[\n{body}\n]")
        else:
            parts.append(f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def replace(path: Path, data: dict) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dumps(data))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def download(url: str, progress: Callable[[str], None], timeout: float = TIMEOUT) -> bytes:
    """The body at `url`, reporting the bytes received so far; a RefreshError when it cannot."""
    chunks, received = [], 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https addresses only)
            total = int(response.headers.get("Content-Length") or 0)
            while chunk := response.read(256 * 1024):
                chunks.append(chunk)
                received += len(chunk)
                of = f" of {total / 1e6:.1f}" if total else ""
                progress(f"Downloading {url}: {received / 1e6:.1f}{of} MB")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise RefreshError(f"cannot download {url}: {reason}") from None
    return b"".join(chunks)


def stamp(source: str) -> dict:
    return {"from": source, "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def rebuild(
    taxonomy_file: tuple[bytes, str] | None,
    barometer_file: tuple[bytes, str] | None,
    lan: str | None,
    data_dir: Path = taxonomy.DATA_DIR,
) -> dict[str, dict]:
    """Check the given files (each its content and where it came from), then replace the vendored
    files they rebuild in `data_dir`: all of them, or none when one is wrong. Returns the new data
    by file name."""
    new = {}
    if taxonomy_file:
        path = data_dir / taxonomy.FILE_NAME
        previous = taxonomy.load(data_dir) if path.exists() else None
        new[taxonomy.FILE_NAME] = taxonomy_data(*taxonomy_file, previous, stamp(taxonomy_file[1]))
    if barometer_file:
        new[barometer.FILE_NAME] = barometer_data(*barometer_file, lan, stamp(barometer_file[1]))
    for name, data in new.items():
        replace(data_dir / name, data)
    taxonomy.load.cache_clear()
    barometer.load.cache_clear()
    return new
