"""MkDocs hook: a thin adapter that checks the content and adds the generated pages to the build.

All loading, validation and rendering live in `tasteget.content` and `tasteget.site.pages`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from tasteget.content.load import check
from tasteget.site import routes
from tasteget.site.labels import LABELS
from tasteget.site.pages import GeneratedPage, render
from tasteget.site.robots import robots_txt

log = logging.getLogger("mkdocs.hooks.tasteget")
_pages: dict[str, GeneratedPage] = {}

LOCALES = {"sv": "sv_SE", "en": "en_GB"}

# The theme overrides come with the hook, from wherever the package is installed, so mkdocs.yml
# names no folder inside the code and a copy of it works beside the installed package.
THEME = Path(__file__).resolve().parent / "theme"


def content_dir(config) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("content_dir", "content")


def on_config(config):
    lang = config.theme["language"]
    if lang not in routes.LANGS:
        raise PluginError(f"theme.language must be one of {', '.join(routes.LANGS)}, got {lang!r}")
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME))  # before Material's own templates, as a custom_dir is
    content = content_dir(config)
    if str(content) not in config.watch:
        config.watch.append(str(content))  # `mkdocs serve` reloads on content edits
    report = check(content, Path(config.docs_dir))
    if report.errors:
        raise PluginError(
            "the content has errors; fix them and build again:\n" + "\n".join(str(e) for e in report.errors)
        )
    site = report.site
    _pages.clear()
    _pages.update({p.src_path: p for p in render(site, lang)})
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
    }
    return config


def on_files(files, config):
    for page in _pages.values():
        files.append(File.generated(config, page.src_path, content=page.markdown))
    if routes.PREFIX[config.theme["language"]] == "/" and config.site_url:  # only at the site's root
        files.append(File.generated(config, "robots.txt", content=robots_txt(config.site_url)))
    return files


def on_page_markdown(markdown, page, config, files):
    generated = _pages.get(page.file.src_uri)
    if generated is not None:
        page.meta.update(generated.meta, alternate=generated.alternate)
        if page.canonical_url:
            # Read by sitemap.xml, which MkDocs renders before the pages themselves.
            there = urljoin(page.canonical_url, generated.alternate)
            page.meta["hreflang"] = routes.versions(config.theme["language"], page.canonical_url, there)
        if config.repo_url and generated.source:
            page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/content/{generated.source}"
    return markdown
