"""Render the site's pages from validated content: plain Markdown per language, no MkDocs here.

`render(site, lang)` returns every generated page of one language's build; `generate.py` writes
them into a folder a static-site engine builds (MkDocs through its hook, or another).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..content.load import Body, Site
from ..content.schema import Localized, Photo
from . import events, photos, routes, shell, skills
from .labels import AMENITIES, EVENT_AUDIENCES, EVENT_KINDS, LABELS, OUTLOOKS, STATUSES


@dataclass
class GeneratedPage:
    src_path: str  # inside the language's build, e.g. "kommuner/are.md"
    markdown: str
    alternate: str  # the same page in the other language, an absolute path
    meta: dict = field(default_factory=dict)
    source: str | None = None  # the content file it comes from, for edit links


def number(value: int, lang: str) -> str:
    """12300 -> "12 300" (sv, narrow no-break space) or "12,300" (en)."""
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if lang == "sv" else text


class _Renderer:
    def __init__(
        self, site: Site, lang: str, prepared: dict[str, photos.Prepared] | None = None, now: datetime | None = None
    ):
        self.site, self.lang = site, lang
        self.prepared = prepared or {}
        self.now = now or datetime.now(UTC)
        self.upcoming, self.past = events.split(site.events, self.now)
        self.t = LABELS[lang]
        self.env = Environment(
            loader=PackageLoader("tasteget.site", "templates"),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["number"] = lambda v: number(v, lang)
        self.env.globals.update(
            site=site,
            region=site.region,
            lang=lang,
            t=self.t,
            amenities=AMENITIES[lang],
            statuses=STATUSES[lang],
            outlooks=OUTLOOKS[lang],
            text=self.text,
            inline=self.inline,
            url=self.url,
            link=self.link,
            asset=self.asset,
            picture=self.picture,
            event_kinds=EVENT_KINDS[lang],
            event_audiences=EVENT_AUDIENCES[lang],
            when=lambda event: events.when(event, lang),
            event_day=lambda event: events.date_only(event, lang),
            sign_up_day=lambda event: events.day(event.last_sign_up_day(), lang),
            municipality_names=lambda event: ", ".join(site.municipalities[s].name for s in event.municipalities),
            upcoming=self.upcoming,
            past=self.past,
        )
        self.src = "index.md"
        self.needs = skills.site_needs(site)
        self.env.globals.update(
            needs=self.needs, level=self.level(), listed=lambda need: skills.listed_need(need, self.needs)
        )

    def text(self, value: Localized | Body | None) -> str:
        """A block of prose; a missing English text shows the Swedish with a visible note."""
        if value is None:
            return ""
        body = value.get(self.lang) or ""
        if not value.is_fallback(self.lang):
            return body.strip()
        return (
            f'<div class="ts-untranslated" lang="sv" markdown="1">\n\n'
            f'<p class="ts-untranslated__note" lang="en">{self.t["untranslated"]}</p>\n\n'
            f"{body.strip()}\n\n</div>"
        )

    def inline(self, value: Localized | None) -> str:
        """A short text inside a sentence, list or table cell."""
        if value is None:
            return ""
        if not value.is_fallback(self.lang):
            return value.get(self.lang).strip()
        return (
            f'<span lang="sv">{value.sv.strip()}</span> '
            f'<span class="ts-untranslated__note">({self.t["untranslated"]})</span>'
        )

    def level(self) -> str:
        """The area the skill needs are shown for: Sweden as a whole, or the region's län."""
        if self.needs.national:
            return self.t["skills_level_national"]
        return self.t["skills_level_lan"].format(region=self.site.region.name, code=self.needs.area)

    def plain(self, value: Localized) -> str:
        """Text for meta tags: no Markdown, no notes."""
        return " ".join(value.get(self.lang).split())

    def url(self, section: str, slug: str | None = None) -> str:
        return routes.url(section, self.lang, slug)

    def link(self, section: str, slug: str | None = None) -> str:
        """A relative link to a generated page, checked by `mkdocs build --strict`."""
        return posixpath.relpath(routes.src_path(section, self.lang, slug), posixpath.dirname(self.src) or ".")

    def asset(self, path: str) -> str:
        return posixpath.relpath(path, posixpath.dirname(self.src) or ".")

    def root(self) -> str:
        """The way up from the page being rendered to its site's root, for links in raw HTML
        (MkDocs rewrites only Markdown's own): `kommuner/are.md` is served at `kommuner/are/`."""
        parts = [p for p in self.src.removesuffix(".md").split("/") if p != "index"]
        return "../" * len(parts)

    def picture(self, photo: Photo, hero: bool = False, space: bool = False) -> str:
        """The photo's `<picture>` with its sizes; the hero loads at once, every other one lazily, and
        a coworking space's is shown smaller, in its card."""
        if photo.file not in self.prepared:
            raise ValueError(f"the photo {photo.file} was not prepared: render(site, lang, prepared) needs it")
        sizes = photos.SPACE_SIZES if space else photos.SIZES
        base = self.root() + UP_TO_PHOTOS[self.lang]
        return photos.picture(self.prepared[photo.file], photo.alt.get(self.lang), base, hero=hero, sizes=sizes)

    def page(
        self,
        template: str,
        section: str,
        slug: str | None = None,
        *,
        description: str,
        image=None,
        source: str | None = None,
        searchable: bool = True,
        **context,
    ) -> GeneratedPage:
        self.src = routes.src_path(section, self.lang, slug)
        markdown = self.env.get_template(template).render(**context)
        meta = {"description": description, **self.image_meta(image)}
        if not searchable:
            meta["search"] = {"exclude": True}
        other = routes.other(self.lang)
        return GeneratedPage(self.src, markdown, routes.url(section, other, slug), meta, source)

    def image_meta(self, image=None) -> dict:
        """The picture a shared link shows: the page's own (its first photo), else the region's."""
        if isinstance(image, Photo) and image.file in self.prepared:
            # From the site's root, where the photos are (`UP_TO_PHOTOS`): the theme adds the root's address.
            return {"image": "/" + self.prepared[image.file].share.path, "image_alt": image.alt.get(self.lang)}
        image = self.site.region.image
        return {"image": image.src, "image_alt": image.alt.get(self.lang)} if image else {}

    def all(self) -> list[GeneratedPage]:
        site, region = self.site, self.site.region
        spaces = [(slug, m, c) for slug, m in site.municipalities.items() for c in m.coworking]
        pages = [
            self.page("home.md.j2", "home", description=self.plain(region.intro)[:200]),
            self.page("municipalities.md.j2", "municipalities", description=self.t["overview_description"]),
            self.page("skills.md.j2", "skills", description=self.t["skills_description"]),
            # Every space is also on its municipality's page, which search finds; indexing the overview
            # too would double the hits, and its heading per space makes the search plugin's indexing
            # quadratic in the number of spaces (bench/RESULTS.md).
            self.page(
                "coworking.md.j2",
                "coworking",
                description=self.t["coworking_description"],
                searchable=False,
                spaces=spaces,
            ),
            self.page("stories.md.j2", "stories", description=self.t["stories_description"]),
            self.page(
                "events.md.j2",
                "events",
                description=self.t["events_description"],
                feed=routes.PREFIX[self.lang] + routes.events_feed(self.lang),
            ),
        ]
        for slug, m in site.municipalities.items():
            stories = {s: st for s, st in site.stories.items() if st.municipality == slug}
            coming = {s: e for s, e in self.upcoming.items() if slug in e.municipalities}
            pages.append(
                self.page(
                    "municipality.md.j2",
                    "municipalities",
                    slug,
                    description=self.plain(m.summary),
                    image=next(iter(m.photos), None),
                    source=f"municipalities/{slug}.yml",
                    m=m,
                    m_slug=slug,
                    body=site.bodies.get(slug),
                    stories=stories,
                    events=coming,
                )
            )
        for slug, story in site.stories.items():
            pages.append(
                self.page(
                    "story.md.j2",
                    "stories",
                    slug,
                    description=self.plain(story.title),
                    image=next(iter(story.photos), None),
                    source=f"stories/{slug}.yml",
                    story=story,
                )
            )
        for slug, event in site.events.items():
            pages.append(
                self.page(
                    "event.md.j2",
                    "events",
                    slug,
                    description=self.plain(event.title) + ": " + events.when(event, self.lang),
                    image=next(iter(event.photos), None),
                    source=f"events/{slug}.yml",
                    event=event,
                    is_past=slug in self.past,
                    open_for_sign_up=event.open_for_sign_up(events.local_today(event, self.now)),
                    sign_up_url=routes.sign_up_url(self.lang, slug),
                    calendar=routes.PREFIX[self.lang] + routes.event_ics(self.lang, slug),
                )
            )
        for name, text_page in site.pages.items():
            meta, body = text_page.get(self.lang)
            fallback = self.lang == "en" and "en" not in text_page.meta
            pages.append(
                self.page(
                    "text.md.j2",
                    name,
                    description=meta.description,
                    source=f"pages/{name}.{'sv' if fallback else self.lang}.md",
                    meta=meta,
                    body=body,
                    fallback=fallback,
                )
            )
        pages.append(self.shell())
        return pages

    def shell(self) -> GeneratedPage:
        """The page the intake fills with its forms: the site's layout, markers for the rest."""
        meta = {
            "title": shell.TITLE,
            "description": shell.DESCRIPTION,
            "search": {"exclude": True},
            "hide": ["toc"],
            **self.image_meta(),
        }
        return GeneratedPage(f"{shell.SHELL_DIR}.md", shell.SHELL_MARKDOWN, shell.ALTERNATE, meta)


# The photos are written once, into the root language's site (`generate`), and every language's
# pages use those: from a language's root (e.g. `/en/`), the way up to the site's root.
UP_TO_PHOTOS = {lang: "../" * (routes.PREFIX[lang].count("/") - 1) for lang in routes.LANGS}


def render(
    site: Site, lang: str, prepared: dict[str, photos.Prepared] | None = None, now: datetime | None = None
) -> list[GeneratedPage]:
    """Every generated page of one language; `prepared` holds the photos' sizes by file (`photos.prepare`),
    `now` (the build's moment by default) tells upcoming events from past ones."""
    return _Renderer(site, lang, prepared, now).all()
