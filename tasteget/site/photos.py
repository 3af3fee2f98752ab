"""Content photos made ready for the web: responsive sizes in AVIF, WebP and JPEG, and their markup.

`prepare(source, cache_dir)` encodes one photo at every width up to its own (never larger) in every
format, without the camera's data (EXIF with its GPS position, XMP, comments), colours converted to
sRGB. Each file is named for a hash of the source's bytes and of the settings below, so a browser may
cache it forever and an unchanged photo is never encoded again: the files wait in `cache_dir`
(`build/photos/` under the project) from one build to the next. `picture()` writes the `<picture>`
element with `srcset`, `sizes`, width and height, lazily loaded unless it is the page's hero.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, features

# Widths in CSS pixels times the screen's density: a phone (375 px at 2x-3x) takes 800 or 1200,
# the desktop column (about 37rem) 800, and 1600 serves wide screens at 2x.
WIDTHS = (480, 800, 1200, 1600)
# Smallest first in <picture>'s order of preference; JPEG is the <img> every browser shows.
FORMATS = [
    *([("avif", "image/avif", {"quality": 55, "speed": 6})] if features.check("avif") else []),
    ("webp", "image/webp", {"quality": 78, "method": 5}),
    ("jpg", "image/jpeg", {"quality": 82, "progressive": True, "optimize": True}),
]
FALLBACK = "jpg"
SHARE_WIDTH = 1200  # the picture of shared links (Open Graph), a JPEG every service reads
FOLDER = "assets/photos"  # inside each language's site
# Part of every name: change it when the encoding changes, so browsers fetch the new files.
VERSION = "2:" + repr((WIDTHS, FORMATS))
# The width the picture takes on the page, so the browser picks a size before the styles arrive:
# Material's content column at 76.25em and wider (the navigation and table of contents beside it),
# the column without the table of contents from 60em, and the whole width less its margins below.
ORIENTATION = 0x0112  # the EXIF tag
SIZES = "(min-width: 76.25em) 37rem, (min-width: 60em) 46rem, calc(100vw - 2.4rem)"
# A coworking space's photo in its card: at most 24rem wide (tasteget.css), less the card's margins on a phone.
SPACE_SIZES = "(min-width: 30em) 24rem, calc(100vw - 4.8rem)"


@dataclass(frozen=True)
class Rendition:
    path: str  # inside the site, e.g. assets/photos/are-storsjon-3f2a9c1d0b7e-800.webp
    width: int
    height: int
    ext: str


@dataclass(frozen=True)
class Prepared:
    """One photo's renditions, each format's from smallest to largest."""

    width: int  # of the largest rendition: the <img>'s width and height attributes
    height: int
    renditions: tuple[Rendition, ...]

    def of(self, ext: str) -> list[Rendition]:
        return [r for r in self.renditions if r.ext == ext]

    @property
    def fallback(self) -> Rendition:
        """The JPEG the <img> names as its `src`: the one closest to the desktop column's 2x."""
        jpegs = self.of(FALLBACK)
        return next((r for r in jpegs if r.width >= 800), jpegs[-1])

    @property
    def share(self) -> Rendition:
        jpegs = self.of(FALLBACK)
        return next((r for r in jpegs if r.width >= SHARE_WIDTH), jpegs[-1])


def widths(width: int) -> list[int]:
    """The widths to make of a photo `width` pixels wide: the standard ones below it, and its own."""
    out = [w for w in WIDTHS if w < width]
    return [*out, min(width, WIDTHS[-1])]


def key(data: bytes) -> str:
    return hashlib.sha256(VERSION.encode() + b"\0" + data).hexdigest()[:12]


def stem(source: Path) -> str:
    """A name a URL carries as it is: lower case a-z, digits and hyphens (å, ä, ö as a, a, o)."""
    plain = unicodedata.normalize("NFKD", source.stem.lower())
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in plain if not unicodedata.combining(c))
    return "-".join(part for part in name.split("-") if part) or "photo"


def clean(image: Image.Image) -> Image.Image:
    """Upright, in sRGB, RGB without transparency, and nothing but pixels (no EXIF, XMP or ICC)."""
    image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    if image.mode.startswith("I") or image.mode == "F":  # 16-bit greyscale (PNG): to 8 bits, not clipped
        high = image.getextrema()[1]
        image = image.convert("I").point(lambda v: v * (1 / 256 if high > 255 else 1)).convert("L")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: the pixels as they are
    if image.mode in ("RGBA", "LA"):
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image.convert("RGBA"))
    rgb = image.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())  # a new image: no info carried over


def prepare(source: Path, cache_dir: Path) -> tuple[Prepared, dict[str, Path]]:
    """The photo's renditions, and the files to copy into the site (site path -> cached file)."""
    data = source.read_bytes()
    name = f"{stem(source)}-{key(data)}"
    with Image.open(io.BytesIO(data)) as opened:
        full_width, full_height = opened.size
        if opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):  # turned a quarter: upright, it is the other way
            full_width, full_height = full_height, full_width
    picture = None
    renditions, files = [], {}
    for width in widths(full_width):
        height = max(1, round(full_height * width / full_width))
        for ext, _, options in FORMATS:
            rel = f"{FOLDER}/{name}-{width}.{ext}"
            cached = cache_dir / rel
            if not cached.is_file():
                if picture is None:
                    with Image.open(io.BytesIO(data)) as opened:
                        picture = clean(opened)
                _encode(picture.resize((width, height), Image.Resampling.LANCZOS), ext, options, cached)
            renditions.append(Rendition(rel, width, height, ext))
            files[rel] = cached
    largest = renditions[-1]
    return Prepared(largest.width, largest.height, tuple(renditions)), files


def _encode(image: Image.Image, ext: str, options: dict, target: Path) -> None:
    """Write the file whole or not at all, so a build stopped halfway leaves no broken picture."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    image.save(partial, {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[ext], **options)
    os.replace(partial, target)


def srcset(renditions: list[Rendition], base: str) -> str:
    return ", ".join(f"{base}{r.path} {r.width}w" for r in renditions)


def picture(prepared: Prepared, alt: str, base: str, *, hero: bool = False, sizes: str = SIZES) -> str:
    """The `<picture>` element; `base` leads from the page to the site's root (e.g. `../../`) and
    `sizes` says how wide it is shown."""
    sources = [
        f'<source type="{mime}" srcset="{srcset(prepared.of(ext), base)}" sizes="{sizes}">'
        for ext, mime, _ in FORMATS
        if ext != FALLBACK
    ]
    # The hero loads at once, at the browser's own priority: `fetchpriority="high"` made it share a
    # slow link with the stylesheets and held the first paint back (bench/SLOW_LINK_RESULTS.md).
    loading = 'loading="eager"' if hero else 'loading="lazy"'
    img = (
        f'<img src="{base}{prepared.fallback.path}" srcset="{srcset(prepared.of(FALLBACK), base)}" '
        f'sizes="{sizes}" width="{prepared.width}" height="{prepared.height}" alt="{escape(alt)}" '
        f'{loading} decoding="async">'
    )
    return "<picture>" + "".join(sources) + img + "</picture>"
