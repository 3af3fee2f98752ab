"""Generated content for tests and benchmarks: fictional municipalities, never shipped in content/."""

from __future__ import annotations

import textwrap
from pathlib import Path

REGION = """\
name: Provregionen
campaign: Prova Här
centre: Storstad
tagline:
  sv: Flytta till Provregionen
  en: Move to Provregionen
intro:
  sv: Här finns jobb, natur och plats för hela familjen.
  en: There are jobs, nature and room for the whole family here.
facts:
  - value:
      sv: ca 50 000
      en: approx. 50,000
    label:
      sv: invånare (2024)
      en: inhabitants (2024)
coordinator:
  title: {sv: Regional samordnare, en: Regional coordinator}
  email: samordnare@prov.example
  placeholder: true
magazine:
  name: Prova Här
  description:
    sv: Ett tryckt magasin om livet här.
    en: A printed magazine about life here.
  languages: [sv, en]
  ships_abroad: false
  price: {sv: Gratis, en: Free}
  delivery: {sv: Inom två veckor, en: Within two weeks}
after_registering:
  sv: En inflyttarvägledare hör av sig.
  en: A relocation guide will get in touch.
response_days: 3
controller: Provregionen
"""

MUNICIPALITY = """\
name: {name}
summary:
  sv: {name} är en kommun med {spaces} coworkingplatser.
  en: {name} is a municipality with {spaces} coworking spaces.
population:
  count: {population}
  year: 2023
seat: {name}by
localities: [Norrby, Söderby]
travel:
  to_centre:
    sv: 40 minuter med buss
    en: 40 minutes by bus
  roads: [E14]
work:
  industries:
    sv: Skog och turism.
    en: Forestry and tourism.
  in_demand:
    - {{ssyk: "2221"}}
guides:
  - name: Guide {name}
    title: {{sv: Inflyttarvägledare, en: Relocation guide}}
    phone: "010-123 45 67"
    email: guide@{slug}.example
coworking:
{coworking}"""

SPACE = """\
  - name: Kontor {i} i {name}
    locality: {name}by
    desks: {desks}
    drop_in: {drop_in}
    amenities: [{amenities}]
    trial_living: {trial}
"""

PAGE = """\
---
title: {title}
description: {title} för Provregionen.
---
## Rubrik

Text om {title}.
"""

AMENITY_CYCLE = ["meeting_room", "wifi", "kitchen", "phone_room"]


def slug_for(i: int) -> str:
    return f"kommun-{i:04d}"


def write_sample(root: Path, municipalities: int = 2, spaces: int = 1) -> Path:
    """Write a complete, valid content folder under `root`; return it."""
    root = Path(root)
    (root / "municipalities").mkdir(parents=True, exist_ok=True)
    (root / "stories").mkdir(exist_ok=True)
    (root / "pages").mkdir(exist_ok=True)
    (root / "region.yml").write_text(REGION, encoding="utf-8")
    for i in range(municipalities):
        slug, name = slug_for(i), f"Kommun{i:04d}"
        coworking = (
            "".join(
                SPACE.format(
                    i=j,
                    name=name,
                    desks=j + 2,
                    drop_in=str(j % 2 == 0).lower(),
                    amenities=", ".join(AMENITY_CYCLE[: 1 + j % 4]),
                    trial=str(j % 3 == 0).lower(),
                )
                for j in range(spaces)
            )
            or "  []\n"
        )
        text = MUNICIPALITY.format(name=name, slug=slug, spaces=spaces, population=1000 + i, coworking=coworking)
        if not spaces:
            text = text.replace("coworking:\n  []\n", "coworking: []\n")
        (root / "municipalities" / f"{slug}.yml").write_text(text, encoding="utf-8")
    for name in ("privacy", "accessibility"):
        for lang in ("sv", "en"):
            (root / "pages" / f"{name}.{lang}.md").write_text(PAGE.format(title=name.title()), encoding="utf-8")
    return root


def write_story(root: Path, slug: str, municipality: str) -> None:
    (Path(root) / "stories" / f"{slug}.yml").write_text(
        textwrap.dedent(f"""\
        name: Anna och Ali
        moved_from: Göteborg
        municipality: {municipality}
        year: 2022
        title: {{sv: Vi tog steget, en: We took the step}}
        text:
          sv: Vi flyttade hit för naturens skull.
          en: We moved here for the nature.
        """),
        encoding="utf-8",
    )
