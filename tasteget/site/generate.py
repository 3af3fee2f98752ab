"""Generate one language's pages as a folder a static-site engine builds: no MkDocs here.

`generate(content_dir, docs_dir, out_dir, lang)` checks the content, renders every page and writes
it into `out_dir` as Markdown with its meta as YAML front matter, beside a copy of `docs_dir` (the
styles, scripts and pictures), so `out_dir` is a complete `docs_dir` for MkDocs or another engine.
Files from an earlier run that are no longer generated are removed; a file whose bytes have not
changed is not written again, so a watcher sees only what an edit changed. `docs_dir` is only read.
Each event's calendar file and the calendar of every event (`ical.py`) are written beside the events'
pages, in the page's language; their links and identities need the site's address, `site_url`.
The content's photos are encoded into `cache_dir` once (`photos.py`) and copied in beside the root
language's pages only: the other languages' pages point up to them (`pages.UP_TO_PHOTOS`), so a
visitor switching language does not download the same picture again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from ..content.errors import Problem
from ..content.load import Site, check
from ..content.schema import Photo
from . import ical, photos, routes
from .pages import GeneratedPage, render


class ContentErrors(Exception):
    """The content has errors, so nothing was written; `problems` lists them."""

    def __init__(self, problems: list[Problem], heading: str = "the content has errors; fix them and build again"):
        self.problems = problems
        super().__init__(f"{heading}:\n" + "\n".join(map(str, problems)))


NOT_READY = "the content is not ready for launch (a build for launch was asked for); fill these in first"


@dataclass
class Generated:
    site: Site
    pages: list[GeneratedPage]
    out_dir: Path


def front_matter(page: GeneratedPage) -> dict:
    """The page's meta as the engine reads it: the page's own, its translation and its content file."""
    meta = {**page.meta, "alternate": page.alternate}
    if page.source:
        meta["source"] = page.source
    return meta


def page_text(page: GeneratedPage) -> str:
    meta = yaml.safe_dump(front_matter(page), allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{meta}---\n\n{page.markdown}"


def generate(
    content_dir: Path,
    docs_dir: Path,
    out_dir: Path,
    lang: str,
    *,
    launch: bool = False,
    cache_dir: Path | None = None,
    site_url: str = "http://127.0.0.1:8000/",
    now: datetime | None = None,
) -> Generated:
    """Write `lang`'s pages, their photos, the events' calendars and a copy of `docs_dir` into
    `out_dir`; raise ContentErrors instead if the content has errors, or with `launch` anything a
    launch cannot have (then `out_dir` is left as it was). Photos are encoded into `cache_dir`
    (default: `photos/` beside `out_dir`); `now` (the build's moment) tells upcoming events from past."""
    docs_dir, out_dir = Path(docs_dir).resolve(), Path(out_dir).resolve()
    if out_dir == docs_dir or docs_dir in out_dir.parents or out_dir in docs_dir.parents:
        raise ValueError(f"the pages are generated outside the docs folder, not in {out_dir}")
    report = check(Path(content_dir), docs_dir)
    if report.errors:
        raise ContentErrors(report.errors)
    if launch and report.launch:
        raise ContentErrors(report.launch, NOT_READY)
    wanted: dict[str, bytes | Path] = {}
    prepared: dict[str, photos.Prepared] = {}
    for photo in site_photos(report.site):
        if photo.file not in prepared:
            source = Path(content_dir) / photo.file
            prepared[photo.file], files = photos.prepare(source, Path(cache_dir or out_dir.parent / "photos"))
            if routes.PREFIX[lang] == "/":  # once, at the site's root: the other languages point there
                wanted.update(files)
    now = now or datetime.now(UTC).replace(microsecond=0)
    pages = render(report.site, lang, prepared, now)
    calendars = event_calendars(report.site, lang, site_url, now)
    for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(docs_dir).as_posix()
        if rel in wanted:
            raise ValueError(f"{path} has the path of a generated photo; remove it")
        wanted[rel] = path
    for page in pages:
        if page.src_path in wanted:
            raise ValueError(f"{docs_dir / page.src_path} has the path of a generated page; remove it")
        wanted[page.src_path] = page_text(page).encode("utf-8")
    for rel, data in calendars.items():
        if rel in wanted:
            raise ValueError(f"{rel}: a calendar file has the path of another file; rename the event's file")
        wanted[rel] = data
    _sync(out_dir, wanted)
    return Generated(report.site, pages, out_dir)


def event_calendars(site: Site, lang: str, site_url: str, now: datetime) -> dict[str, bytes]:
    """Each event's calendar file beside its page, and the calendar of every event, by path; none
    without events (a calendar holds at least one, RFC 5545, and the events page links none then)."""
    if not site.events:
        return {}
    root = site_url.rstrip("/")
    files = {routes.events_feed(lang): ical.feed(site.events, site_url, lang, now=now)}
    for slug, event in site.events.items():
        rel = routes.event_ics(lang, slug)
        if rel in files:
            raise ValueError(
                f'events/{slug}.yml: "{slug}" is the name of the calendar of every event; give the file another name'
            )
        files[rel] = ical.event_calendar(event, slug, root + routes.url("events", lang, slug), lang, now=now)
    return files


def site_photos(site: Site) -> list[Photo]:
    """Every photo the pages show: the municipalities', their coworking spaces', the stories' and the events'."""
    out = []
    for m in site.municipalities.values():
        out += m.photos
        for space in m.coworking:
            out += space.photos
    for story in site.stories.values():
        out += story.photos
    for event in site.events.values():
        out += event.photos
    return out


def _sync(out_dir: Path, wanted: dict[str, bytes | Path]) -> None:
    """Make `out_dir` hold exactly `wanted` (relative path -> bytes, or a file to copy)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(out_dir.rglob("*"), reverse=True):  # children before their folders
        rel = path.relative_to(out_dir).as_posix()
        if path.is_symlink() or (path.is_file() and rel not in wanted):
            path.unlink()
        elif path.is_dir() and (rel in wanted or not any(path.iterdir())):
            shutil.rmtree(path)
    for rel, data in wanted.items():
        target = out_dir / rel
        if isinstance(data, Path):
            data = data.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
