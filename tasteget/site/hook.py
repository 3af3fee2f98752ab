"""MkDocs hook: a thin adapter that generates the pages before each build and builds from them.

Before each build (`mkdocs build`, `mkdocs serve` and its rebuilds, `tasteget build` and `preview`)
`tasteget.site.generate` checks the content and writes the pages, with their meta as front matter,
beside a copy of `docs/` into `build/pages/<lang>/` under the project; the build reads that folder
and `docs/` is only read. The hook sets the site's name and the theme's texts, each page's language
pair (hreflang, for the sitemap) and edit link, and `robots.txt`. All loading, validation and
rendering live in `tasteget.content` and `tasteget.site`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from tasteget.site import routes
from tasteget.site.generate import ContentErrors, generate
from tasteget.site.labels import LABELS
from tasteget.site.robots import robots_txt

try:
    import fcntl
except ImportError:  # not on Windows: builds there must not run at the same time
    fcntl = None

log = logging.getLogger("mkdocs.hooks.tasteget")

LOCALES = {"sv": "sv_SE", "en": "en_GB"}

# The theme overrides come with the hook, from wherever the package is installed, so mkdocs.yml
# names no folder inside the code and a copy of it works beside the installed package.
THEME = Path(__file__).resolve().parent / "theme"
PAGES = Path("build") / "pages"  # under the project, beside mkdocs.yml
PHOTOS = Path("build") / "photos"  # the photos' encoded sizes, kept from one build to the next

# The build's configuration and its own docs_dir while it reads the generated folder, and the lock
# that keeps two builds of one language (a preview and a test run, say) from writing it at once.
_building: tuple | None = None
_lock = None
_order: dict[str, int] = {}  # each generated page's place in the order it was generated


def content_dir(config) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("content_dir", "content")


def pages_dir(config, lang: str) -> Path:
    return Path(config.config_file_path).parent / PAGES / lang


def on_config(config):
    global _building, _order
    lang = config.theme["language"]
    if lang not in routes.LANGS:
        raise PluginError(f"theme.language must be one of {', '.join(routes.LANGS)}, got {lang!r}")
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME))  # before Material's own templates, as a custom_dir is
    content = content_dir(config)
    if str(content) not in config.watch:
        config.watch.append(str(content))  # `mkdocs serve` reloads on content edits
    out = pages_dir(config, lang)
    root_url = (config.site_url or "").rstrip("/").removesuffix(routes.PREFIX[lang].rstrip("/")) + "/"
    _acquire(out)
    try:
        generated = generate(
            content,
            Path(config.docs_dir),
            out,
            lang,
            launch=_yes(config.extra.get("launch")),
            cache_dir=Path(config.config_file_path).parent / PHOTOS,
            site_url=root_url,
        )
    except (ContentErrors, ValueError) as exc:
        raise PluginError(str(exc)) from None
    _order = {page.src_path: i for i, page in enumerate(generated.pages)}
    _building = (config, config.docs_dir)
    config.docs_dir = str(out)
    site = generated.site
    # The region's content owns the site's name; English is the same site under /en/.
    config.site_name = site.region.campaign
    if lang != "sv" and config.site_url and not config.site_url.endswith(routes.PREFIX[lang]):
        config.site_url = config.site_url.rstrip("/") + routes.PREFIX[lang]
    other = routes.other(lang)
    config.extra["ts"] = {
        "lang": lang,
        "other": other,
        "other_home": routes.url("home", other),
        "locale": LOCALES[lang],
        "labels": LABELS[lang],
        "privacy": routes.url("privacy", lang),
        "accessibility": routes.url("accessibility", lang),
        "home": routes.url("home", lang),
        "region": site.region.name,
        "root_url": root_url,  # the site's root, where the photos are (`pages.UP_TO_PHOTOS`)
    }
    return config


def _yes(value) -> bool:
    """`extra.launch`: true from `tasteget build --launch`, or TASTEGET_LAUNCH through mkdocs.yml."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def on_files(files, config):
    # The pages in the order they were generated (home, sections, municipalities, stories, texts),
    # which the sitemap and the search index follow, not the folder's alphabetical order.
    files = Files(sorted(files, key=lambda file: _order.get(file.src_uri, -1)))
    if routes.PREFIX[config.theme["language"]] == "/" and config.site_url:  # only at the site's root
        files.append(File.generated(config, "robots.txt", content=robots_txt(config.site_url)))
    return files


def on_page_markdown(markdown, page, config, files):
    alternate = page.meta.get("alternate")  # from the generated page's front matter
    if alternate and page.canonical_url:
        # Read by sitemap.xml, which MkDocs renders before the pages themselves.
        there = urljoin(page.canonical_url, alternate)
        page.meta["hreflang"] = routes.versions(config.theme["language"], page.canonical_url, there)
    source = page.meta.get("source")
    if config.repo_url and source:
        page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/content/{source}"
    return markdown


def on_post_build(config):
    _done()


def on_build_error(error):
    _done()


def _done() -> None:
    """Point the configuration at docs/ again, so `mkdocs serve` watches it rather than the generated
    folder (which each build rewrites), and let another build of this language start."""
    global _building, _lock
    if _building is not None:
        config, docs_dir = _building
        config.docs_dir = docs_dir
        _building = None
    if _lock is not None:
        _lock.close()  # releases the lock
        _lock = None


def _acquire(out: Path) -> None:
    global _lock
    _done()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is not None:
        _lock = open(out.parent / f".{out.name}.lock", "w")  # noqa: SIM115 - held until the build ends
        fcntl.flock(_lock, fcntl.LOCK_EX)
