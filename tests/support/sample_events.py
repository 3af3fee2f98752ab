"""Event files for tests (`content/events/<slug>.yml`): the shipped content has none, and never should
have made-up ones, so each test writes its own."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import yaml

from tests.support.helpers import ROOT


def write_event(root: Path, slug: str, starts_on: date, **fields) -> Path:
    """Write a valid event starting on `starts_on` at 18:00, in place in the sample's first
    municipality; `fields` override or add any field (None removes one)."""
    data = {
        "title": {"sv": f"Informationskväll {slug}", "en": f"Information evening {slug}"},
        "kind": "information_evening",
        "audience": "movers",
        "description": {
            "sv": "Vi berättar om **jobb**, boende och skola.\n\nFika finns.",
            "en": "We talk about **jobs**, housing and schools.\n\nCoffee is served.",
        },
        "starts_on": starts_on.isoformat(),
        "start": "18:00",
        "end": "20:00",
        "place": {"sv": "Biblioteket, Storgatan 1", "en": "The library, Storgatan 1"},
        "municipalities": ["kommun-0000"],
        "capacity": 40,
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    # Dates as YAML dates (the schema wants them unquoted), times quoted as the reference says.
    for key in ("starts_on", "ends_on", "sign_up_until"):
        if key in data:
            text = text.replace(f"{key}: '{data[key]}'", f"{key}: {data[key]}")
    folder = Path(root) / "events"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def content_with_event(folder: Path, slug: str, starts_on: date, **fields) -> Path:
    """A copy of the repository's real content in `folder`, with one event of the test's own."""
    shutil.copytree(ROOT / "content", folder)
    write_event(folder, slug, starts_on, **{"municipalities": ["are"], **fields})
    return folder
