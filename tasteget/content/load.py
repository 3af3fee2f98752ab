"""Load and validate every content file into one `Site`, collecting every problem in one pass."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from ..occupations import barometer
from ..site import routes
from . import needs, pictures, yamlfile
from .errors import Problem, field_path, problems_from
from .schema import (
    PLACEHOLDER_DOMAINS,
    WEB_ADDRESS_CHECKS,
    AltText,
    Event,
    Image,
    Localized,
    Magazine,
    Message,
    Municipality,
    Page,
    Photo,
    Region,
    Story,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGS = ("sv", "en")
REQUIRED_PAGES = ("privacy", "accessibility")
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


@dataclass
class Body:
    """Long Markdown text per language, e.g. a municipality's `<slug>.md` and `<slug>.en.md`."""

    sv: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str | None:
        return self.en if lang == "en" and self.en else self.sv

    def is_fallback(self, lang: str) -> bool:
        return lang == "en" and bool(self.sv) and not self.en


@dataclass
class TextPage:
    """A Markdown page per language (privacy notice, accessibility statement)."""

    meta: dict[str, Page] = field(default_factory=dict)
    body: Body = field(default_factory=Body)

    def get(self, lang: str) -> tuple[Page, str]:
        use = lang if lang in self.meta else "sv"
        return self.meta[use], self.body.get(use) or ""


@dataclass
class Site:
    region: Region
    municipalities: dict[str, Municipality]
    bodies: dict[str, Body]
    stories: dict[str, Story]
    pages: dict[str, TextPage]
    # The messages a guide starts from when writing to a household (`content/messages/<slug>.yml`).
    messages: dict[str, Message] = field(default_factory=dict)
    # Events (`content/events/<slug>.yml`) by slug, in the order they start; past ones are kept.
    events: dict[str, Event] = field(default_factory=dict)


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def shown_percent(self) -> int:
        """The percentage rounded down: 100 only when every text has English."""
        return self.translated * 100 // self.total if self.total else 100


@dataclass
class Report:
    site: Site | None
    errors: list[Problem]
    warnings: list[Problem]  # every warning, those in `launch` included
    coverage: Coverage
    # What a launch cannot have (placeholders, a municipality without a photo or needs, no stories):
    # warnings for `tasteget check`, errors for `tasteget check --launch` and `build --launch`.
    launch: list[Problem] = field(default_factory=list)


class _Loader:
    def __init__(self, root: Path, docs_dir: Path | None):
        self.root = root
        self.docs_dir = docs_dir
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.launch: list[Problem] = []
        self.docs: dict[str, yamlfile.Document] = {}
        self.valid: dict[str, BaseModel] = {}
        self.bodies: dict[str, Body] = {}
        self.pages: dict[str, TextPage] = {}
        self.broken: list[str] = []  # files that were read but are not valid: their texts cannot be counted

    def rel(self, path: Path) -> str:
        """The path as the user typed it relative to here, or absolute when outside."""
        absolute = path.resolve()
        try:
            return str(absolute.relative_to(Path.cwd()))
        except ValueError:
            return str(absolute)

    def model(self, path: Path, cls: type[BaseModel], text: str | None = None, offset: int = 0):
        """Parse and validate one YAML document; record problems and return None on failure."""
        name = self.rel(path)
        try:
            doc = yamlfile.parse(path.read_text(encoding="utf-8") if text is None else text, offset)
        except yamlfile.YamlSyntaxError as exc:
            self.errors.append(Problem(name, exc.line, exc.field, exc.message, exc.column, exc.message_sv))
            self.broken.append(name)
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(
                Problem(name, 1, "", f"cannot read the file: {exc}", message_sv=f"filen kan inte läsas: {exc}")
            )
            self.broken.append(name)
            return None
        if not isinstance(doc.data, dict):
            self.errors.append(
                Problem(
                    name,
                    1 + offset,
                    "",
                    "expected a mapping of fields (name: value)",
                    message_sv="här ska det stå fält (namn: värde) på egna rader",
                )
            )
            self.broken.append(name)
            return None
        try:
            obj = cls.model_validate(doc.data)
        except ValidationError as exc:
            self.errors.extend(problems_from(exc, cls, doc, name))
            self.broken.append(name)
            return None
        self.docs[name] = doc
        self.valid[name] = obj
        return obj

    def slugged(self, folder: Path) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for path in [*sorted(folder.glob("*.yml")), *sorted(folder.glob("*.yaml"))]:
            slug = path.stem
            if not SLUG.match(slug):
                self.errors.append(
                    Problem(
                        self.rel(path),
                        1,
                        "",
                        f'file name "{slug}" is not a valid '
                        "slug: use lower-case a-z, digits and hyphens (e.g. are.yml)",
                        message_sv=f'filnamnet "{slug}" går inte att använda i en adress: använd små bokstäver '
                        "a-z, siffror och bindestreck (till exempel are.yml)",
                    )
                )
            elif slug in found:
                self.errors.append(
                    Problem(
                        self.rel(path),
                        1,
                        "",
                        f'duplicate slug "{slug}": also {self.rel(found[slug])}',
                        message_sv=f'namnet "{slug}" finns två gånger: också {self.rel(found[slug])}',
                    )
                )
            else:
                found[slug] = path
        return found

    def markdown(self, path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    def load(self) -> Site | None:
        region = None
        region_path = self.root / "region.yml"
        if region_path.exists():
            region = self.model(region_path, Region)
        else:
            self.errors.append(
                Problem(
                    self.rel(region_path),
                    1,
                    "",
                    "file is missing: region-wide settings are required",
                    message_sv="filen saknas: inställningarna för hela regionen måste finnas",
                )
            )

        municipalities, bodies = {}, self.bodies
        folder = self.root / "municipalities"
        for slug, path in self.slugged(folder).items():
            m = self.model(path, Municipality)
            if m is not None:
                municipalities[slug] = m
            bodies[slug] = Body(self.markdown(folder / f"{slug}.md"), self.markdown(folder / f"{slug}.en.md"))
        for md in sorted(folder.glob("*.md")):
            slug = md.name.split(".")[0]
            if slug not in bodies:
                self.errors.append(
                    Problem(
                        self.rel(md),
                        1,
                        "",
                        f"body text without a municipality: expected {slug}.yml beside it",
                        message_sv=f"brödtext utan kommun: {slug}.yml ska ligga bredvid",
                    )
                )
        if not municipalities and not any(e.path.startswith(self.rel(folder)) for e in self.errors):
            self.errors.append(Problem(self.rel(folder), 1, "", "no municipalities: expected <slug>.yml files"))

        stories = {}
        for slug, path in self.slugged(self.root / "stories").items():
            story = self.model(path, Story)
            if story is None:
                continue
            if story.municipality not in bodies:
                doc = self.docs[self.rel(path)]
                known = ", ".join(sorted(bodies)) or "none"
                self.errors.append(
                    Problem(
                        self.rel(path),
                        doc.line_of(("municipality",)),
                        "municipality",
                        f'unknown municipality "{story.municipality}" (expected one of: {known})',
                        message_sv=f'okänd kommun "{story.municipality}" (någon av: {known})',
                    )
                )
            else:
                stories[slug] = story

        messages = {}
        for slug, path in self.slugged(self.root / "messages").items():
            message = self.model(path, Message)
            if message is not None:
                messages[slug] = message

        events = {}
        reserved = routes.reserved_event_slugs()
        for slug, path in self.slugged(self.root / "events").items():
            if slug in reserved:
                names = ", ".join(sorted(reserved))
                self.errors.append(
                    Problem(
                        self.rel(path),
                        1,
                        "",
                        f'file name "{slug}" is reserved: {reserved[slug]} is a fixed address of the site '
                        f"and the event's address would clash with it; name the file otherwise, e.g. {slug}-2027.yml "
                        f"(reserved: {names})",
                        message_sv=f'filnamnet "{slug}" är upptaget: {reserved[slug]} är en fast adress på '
                        f"webbplatsen och evenemangets adress skulle krocka med den; döp filen till något annat, till "
                        f"exempel {slug}-2027.yml (upptagna: {names})",
                    )
                )
                continue
            event = self.model(path, Event)
            if event is None:
                continue
            unknown = [slug for slug in event.municipalities if slug not in bodies]
            if unknown:
                doc = self.docs[self.rel(path)]
                known = ", ".join(sorted(bodies)) or "none"
                index = event.municipalities.index(unknown[0])
                self.errors.append(
                    Problem(
                        self.rel(path),
                        doc.line_of(("municipalities", index)),
                        f"municipalities[{index}]",
                        f'unknown municipality "{unknown[0]}" (expected one of: {known})',
                        message_sv=f'okänd kommun "{unknown[0]}" (någon av: {known})',
                    )
                )
            else:
                events[slug] = event

        pages = self.pages = {name: self.page(name) for name in REQUIRED_PAGES}
        if self.errors or region is None:
            return None
        ordered = dict(sorted(municipalities.items(), key=lambda kv: kv[1].name))
        by_start = dict(sorted(events.items(), key=lambda kv: (kv[1].starts_at(), kv[0])))
        return Site(region, ordered, bodies, stories, pages, messages, by_start)

    def page(self, name: str) -> TextPage:
        page = TextPage()
        for lang in LANGS:
            path = self.root / "pages" / f"{name}.{lang}.md"
            if not path.exists():
                if lang == "sv":
                    self.errors.append(
                        Problem(
                            self.rel(path),
                            1,
                            "",
                            "file is missing: the site links to it from every page",
                            message_sv="filen saknas: varje sida på webbplatsen länkar till den",
                        )
                    )
                continue
            text = path.read_text(encoding="utf-8")
            match = FRONT_MATTER.match(text)
            if not match:
                self.errors.append(
                    Problem(
                        self.rel(path),
                        1,
                        "",
                        "expected front matter between --- lines with title and description",
                        message_sv="överst ska title och description stå mellan två rader med ---",
                    )
                )
                continue
            meta = self.model(path, Page, match.group(1), offset=1)
            if meta is not None:
                page.meta[lang] = meta
                setattr(page.body, lang, text[match.end() :])
        return page

    def review(self) -> Coverage:
        """Warnings (placeholders), picture files and translation coverage of every valid file."""
        coverage = Coverage()
        for name, obj in self.valid.items():
            if isinstance(obj, Page):
                continue
            doc = self.docs[name]
            for loc, value in _walk(obj):
                line = doc.line_of(loc)
                if isinstance(value, Localized) and not isinstance(value, AltText):
                    coverage.total += 1
                    if value.en:
                        coverage.translated += 1
                    else:
                        coverage.missing.append(f"{name}:{line}: {field_path(loc)}")
                elif isinstance(value, Image):
                    self.image(name, line, loc, value)
                elif isinstance(value, Photo):
                    self.photo(name, doc.line_of((*loc, "file")), loc, value)
                elif getattr(value, "placeholder", False) or _reserved(getattr(value, "email", None)):
                    self.not_for_launch(
                        Problem(name, line, field_path(loc), "placeholder contact: fill in before launch")
                    )
                for address in _web_addresses(value):
                    host = urlsplit(getattr(value, address)).hostname or ""
                    if _reserved(host):
                        where = (*loc, address)
                        self.not_for_launch(
                            Problem(
                                name,
                                doc.line_of(where),
                                field_path(where),
                                f'placeholder web address ("{host}"): fill in before launch',
                            )
                        )
        for slug, body in self.bodies.items():
            if body.sv:
                coverage.total += 1
                coverage.translated += bool(body.en)
                if not body.en:
                    coverage.missing.append(f"{self.rel(self.root / 'municipalities' / (slug + '.en.md'))}: body text")
        for name in self.broken:
            # A file with errors may hold any number of texts: it counts as one text not translated,
            # so coverage never reads 100 % while a file is broken.
            if not name.endswith(".md"):
                coverage.total += 1
                coverage.missing.append(f"{name}: has errors, so its translations cannot be counted")
        for name, page in self.pages.items():
            coverage.total += 1
            coverage.translated += "en" in page.meta
            if "en" not in page.meta:
                coverage.missing.append(f"{self.rel(self.root / 'pages' / (name + '.en.md'))}: page")
        return coverage

    def not_for_launch(self, problem: Problem) -> None:
        self.warnings.append(problem)
        self.launch.append(problem)

    def launch_ready(self, site: Site | None) -> None:
        """What a launch needs beyond valid content: a photo, needs and a welcome checklist per municipality, a story."""
        if site is None:
            return
        folder = self.root / "municipalities"
        for slug, m in site.municipalities.items():
            name = self.rel(folder / f"{slug}.yml")
            doc = self.docs.get(name)
            line = doc.line_of if doc else (lambda loc: 1)
            if not m.photos:
                self.not_for_launch(
                    Problem(name, line(("photos",)), "photos", "no photo: a launch needs one (file, alt, credit)")
                )
            if not m.work.in_demand:
                self.not_for_launch(
                    Problem(
                        name,
                        line(("work", "in_demand")),
                        "work.in_demand",
                        "no competence needs: a launch needs the occupations the municipality needs",
                    )
                )
            if not m.welcome:
                self.not_for_launch(
                    Problem(
                        name,
                        line(("welcome",)),
                        "welcome",
                        "no welcome checklist: a launch needs the steps a household takes once moved here",
                    )
                )
        if not site.stories:
            self.not_for_launch(
                Problem(
                    self.rel(self.root / "stories"),
                    1,
                    "",
                    "no stories: a launch needs at least one newcomer's story (<slug>.yml)",
                )
            )

    def magazine_facts(self) -> None:
        """Warn about what the magazine's order page cannot tell a reader (language, postage abroad,
        price, delivery time): never guessed, so left off the page until content states it."""
        for name, obj in self.valid.items():
            magazine = getattr(obj, "magazine", None)
            if isinstance(magazine, Magazine) and magazine.unstated():
                self.warnings.append(
                    Problem(
                        name,
                        self.docs[name].line_of(("magazine",)),
                        "magazine",
                        f"not stated: {', '.join(magazine.unstated())}; the order page leaves them out",
                    )
                )

    def event_dates(self, today: date) -> None:
        """Warn about what would surprise a reader of an event still to come: a sign-up that has
        already closed, places nobody is counted against, an online event whose link reaches no one.
        Past events are kept as the archive, without a word."""
        for name, obj in self.valid.items():
            if not isinstance(obj, Event) or obj.ends_at().date() < today:
                continue
            line = self.docs[name].line_of
            if obj.sign_up and obj.sign_up_until is not None and obj.sign_up_until < today:
                self.warnings.append(
                    Problem(
                        name,
                        line(("sign_up_until",)),
                        "sign_up_until",
                        f"the last day to sign up ({obj.sign_up_until}) has passed but the event is still to "
                        f"come ({obj.starts_on}): the page says sign-up is closed; move the date if that is a mistake",
                    )
                )
            if not obj.sign_up and obj.capacity is not None:
                self.warnings.append(
                    Problem(
                        name,
                        line(("capacity",)),
                        "capacity",
                        "capacity without sign-up (sign_up: false): nobody is counted against the places; "
                        "remove capacity or set sign_up: true",
                    )
                )
            if obj.online and not obj.sign_up:
                self.warnings.append(
                    Problem(
                        name,
                        line(("online",)),
                        "online",
                        "online without sign-up (sign_up: false): the link is sent to those signed up, so "
                        "nobody gets it; set sign_up: true or give the link in the description",
                    )
                )

    def barometer_age(self, today: date, data_dir: Path = barometer.DATA_DIR) -> None:
        """Warn when the vendored Yrkesbarometer's round is more than a year old."""
        problem = needs.stale_round_problem(barometer.load(data_dir).round, today)
        if problem:
            self.warnings.append(Problem(self.rel(data_dir / barometer.FILE_NAME), 1, "", problem))

    def image(self, name: str, line: int, loc, image: Image) -> None:
        if self.docs_dir is not None and not (self.docs_dir / image.src).is_file():
            self.errors.append(
                Problem(
                    name,
                    line,
                    field_path((*loc, "src")),
                    f'expected a file under {self.rel(self.docs_dir)}/, "{image.src}" does not exist',
                    message_sv=f'här ska det stå en fil i {self.rel(self.docs_dir)}/, men "{image.src}" finns inte',
                )
            )

    def photo(self, name: str, line: int, loc, photo: Photo) -> None:
        """The photo's file exists inside the content folder and is a picture of its kind."""
        where = field_path((*loc, "file"))
        path = self.root / photo.file
        if not path.is_file():
            self.errors.append(
                Problem(
                    name,
                    line,
                    where,
                    f'expected a file under {self.rel(self.root)}/, "{photo.file}" does not exist',
                    message_sv=f'här ska det stå en fil i {self.rel(self.root)}/, men "{photo.file}" finns inte',
                )
            )
            return
        problem = pictures.problem(path)
        if problem:
            english, swedish = problem
            self.errors.append(
                Problem(name, line, where, f'"{photo.file}" {english}', message_sv=f'"{photo.file}" {swedish}')
            )
        elif (width := pictures.width(path)) < pictures.SHARP_WIDTH:
            self.warnings.append(
                Problem(
                    name,
                    line,
                    where,
                    f'"{photo.file}" is {width} px wide: give at least {pictures.SHARP_WIDTH} px (1600 is best) '
                    "so it looks sharp on large screens",
                )
            )


def _reserved(address: str | None) -> bool:
    """Whether an e-mail address or a host name is in a domain reserved for examples and tests."""
    return bool(address) and address.lower().endswith(PLACEHOLDER_DOMAINS)


def _web_addresses(obj) -> list[str]:
    """The names of `obj`'s fields that hold a web address (`Url`, `HttpsUrl`) and have one."""
    if not isinstance(obj, BaseModel):
        return []
    return [
        name
        for name, info in type(obj).model_fields.items()
        if _checks(info.annotation, info.metadata) & set(WEB_ADDRESS_CHECKS) and getattr(obj, name)
    ]


def _checks(annotation, metadata=()) -> set:
    """The functions validating a field's value (`AfterValidator`s), however it is wrapped (`| None`)."""
    found = {m.func for m in metadata if hasattr(m, "func")}
    for inner in typing.get_args(annotation):
        if hasattr(inner, "func"):
            found.add(inner.func)
        elif inner is not annotation:
            found |= _checks(inner)
    return found


def _walk(obj, loc=()):
    """Yield (loc, value) for every model inside `obj`, depth first."""
    yield loc, obj
    if isinstance(obj, BaseModel) and not isinstance(obj, Localized):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        yield from _walk(item, (*loc, name, i))
            elif isinstance(value, BaseModel):
                yield from _walk(value, (*loc, name))


def check(root: Path, docs_dir: Path | None = None, today: date | None = None) -> Report:
    """Validate all content under `root`; the site is None when there are errors. `today` (the
    machine's date by default) is what the Yrkesbarometer round's age and the events' dates are
    measured against."""
    loader = _Loader(Path(root), Path(docs_dir) if docs_dir else None)
    site = loader.load()
    coverage = loader.review()
    loader.magazine_facts()
    loader.event_dates(today or date.today())
    loader.barometer_age(today or date.today())
    if loader.errors:
        site = None
    loader.launch_ready(site)
    return Report(site, sorted(set(loader.errors)), loader.warnings, coverage, sorted(loader.launch))
