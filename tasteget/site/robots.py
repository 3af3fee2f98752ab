"""robots.txt: where each language's sitemap is, and what is not a page of its own."""

from __future__ import annotations

from tasteget.site import routes
from tasteget.site.shell import SHELL_DIR


def robots_txt(site_url: str) -> str:
    """The file for the site at `site_url` (the root language's address, as the build's `site_url`).

    The sitemaps are the only place the pages' language pairs (hreflang) are given, so search engines
    are told where both are; robots.txt must name them by full address. The page shells are templates
    the intake fills, not pages."""
    root = site_url.rstrip("/")
    lines = ["User-agent: *"]
    lines += [f"Disallow: {routes.PREFIX[lang]}{SHELL_DIR}/" for lang in routes.LANGS]
    lines += [f"Sitemap: {root}{routes.PREFIX[lang]}sitemap.xml" for lang in routes.LANGS]
    return "\n".join(lines) + "\n"
