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


def write_photo(root: Path, rel: str, size: tuple[int, int] = (1600, 1067), gps: bool = True, fmt: str = "") -> Path:
    """A generated photo-like picture (soft shapes and grain, never a real photo) at `root / rel`,
    carrying camera data a published picture must not: EXIF with a GPS position and a camera model."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    sky = Image.new("RGB", size, (96, 150, 200))
    image = Image.blend(image, sky, 0.6)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, height), (width * 0.3, height * 0.35), (width * 0.6, height), (0, height)], fill=(70, 90, 80))
    draw.polygon(
        [(width * 0.4, height), (width * 0.75, height * 0.25), (width, height * 0.7), (width, height)],
        fill=(55, 75, 60),
    )
    draw.ellipse([width * 0.75, height * 0.08, width * 0.85, height * 0.08 + width * 0.1], fill=(240, 220, 150))
    grain = Image.effect_noise(size, 40).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    image = Image.blend(image, grain, 0.15)
    exif = Image.Exif()
    exif[0x0110] = "Test Camera Model"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (63.0, 10.0, 30.0), 3: "E", 4: (13.0, 4.0, 55.0)}  # GPSInfo
    path = Path(root) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = fmt or {"png": "PNG", "webp": "WEBP"}.get(path.suffix.lower().lstrip("."), "JPEG")
    image.save(path, kind, exif=exif.tobytes(), **({"quality": 90} if kind == "JPEG" else {}))
    return path


PHOTO_YAML = """\
  - file: {file}
    alt:
      sv: "{alt_sv}"
      en: "{alt_en}"
    credit: "{credit}"
"""


def photo_yaml(file: str, indent: str = "", alt: str = "Fjäll och sjö i kvällsljus") -> str:
    text = PHOTO_YAML.format(
        file=file, alt_sv=alt, alt_en=f"{alt} (English)", credit="Foto: Testbild genererad av testerna, CC0"
    )
    return "".join(indent + line + "\n" for line in text.splitlines())


def add_photos(root: Path, slug: str = "kommun-0000", hero: str = "photos/hero.jpg", space: str | None = None) -> None:
    """Give municipality `slug` a hero photo (and its first coworking space one), generated."""
    root = Path(root)
    write_photo(root, hero)
    path = root / "municipalities" / f"{slug}.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("guides:\n", "photos:\n" + photo_yaml(hero) + "guides:\n", 1)
    if space:
        write_photo(root, space, size=(1200, 800))
        text = text.replace(
            "    trial_living:",
            "    photos:\n" + photo_yaml(space, "  ", "Skrivbord vid ett fönster") + "    trial_living:",
            1,
        )
    path.write_text(text, encoding="utf-8")


WELCOME = """\
welcome:
  - key: folkbokforing
    title: {sv: Folkbokför dig, en: Register your address}
    link: https://provregionen.se/folkbokforing
"""


def make_launch_ready(root: Path) -> Path:
    """Everything a launch needs in a sample folder: named people at real-looking addresses, a photo
    needs and a welcome checklist for every municipality, a story (all generated) and the invitation to tell one."""
    root = Path(root)
    region = root / "region.yml"
    text = region.read_text(encoding="utf-8").replace("samordnare@prov.example", "samordnare@provregionen.se")
    text = text.replace("  placeholder: true\n", "  name: Sam Ordnare\n")
    text += (
        "stories:\n  invite:\n    text:\n      sv: Berätta din historia.\n      en: Tell your story.\n"
        "    link: https://provregionen.se/berattelser/tipsa\n"
    )
    region.write_text(text, encoding="utf-8")
    for path in sorted((root / "municipalities").glob("*.yml")):
        slug = path.stem
        path.write_text(path.read_text(encoding="utf-8").replace(f"@{slug}.example", f"@{slug}.se"), encoding="utf-8")
        add_photos(root, slug, hero=f"photos/{slug}.jpg")
        with path.open("a", encoding="utf-8") as file:
            file.write(WELCOME)
    write_story(root, "anna", path.stem)
    return root
