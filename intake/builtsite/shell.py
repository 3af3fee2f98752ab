"""Intake pages inside the site's own layout: the page shell that the site build emits per language."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, render_template, request
from markupsafe import escape

from intake.builtsite import current
from tasteget.site import routes, stamp
from tasteget.site.shell import SHELL_DIR, Shell


class SiteNotBuilt(RuntimeError):
    """The built site (and so the page shell) is missing."""


def shell_path(site_dir: Path, lang: str) -> Path:
    return site_dir / routes.PREFIX[lang].lstrip("/") / SHELL_DIR / "index.html"


def check_site(site_dir: Path) -> None:
    needed = [*(shell_path(site_dir, lang) for lang in routes.LANGS), stamp.stamp_path(site_dir)]
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:
        raise SiteNotBuilt(f"the site is not built (no {missing[0]}): run `tasteget build` first")


def _shell(lang: str) -> Shell:
    """The shell, read again whenever the site is rebuilt, so the forms follow the site's layout.
    While a build is being written (no stamp yet) the last build's shells are kept."""
    build = current.current()
    shells = current_app.extensions.get("page_shells")
    if shells is None or (build is not None and shells["build"] != build):
        # A new dict rather than clearing the old one: other threads may be reading it.
        shells = current_app.extensions["page_shells"] = {"build": build}
    if lang not in shells:
        path = shell_path(Path(current_app.config["SITE_DIR"]), lang)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SiteNotBuilt(f"the site is not built (no {path}): run `tasteget build` first") from None
        shells[lang] = Shell(text, routes.PREFIX[lang] + SHELL_DIR + "/")
    return shells[lang]


def render_page(
    template: str,
    *,
    lang: str,
    title: str,
    description: str,
    alternate: str,
    status: int = 200,
    path: str | None = None,
    **context,
):
    """A whole page: the template's content in the site's layout, in `lang` (at `path`, by default
    the request's)."""
    content = render_template(template, lang=lang, title=title, **context)
    html = _shell(lang).fill(
        title=str(escape(title)),
        description=str(escape(description)),
        content=content,
        path=request.path if path is None else path,
        alternate=alternate,
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def cached(key: tuple, lang: str, make) -> str:
    """A page body made once and kept until the site is rebuilt (a new shell, and new content: the
    pages made from the old are dropped with the old shell)."""
    shell = _shell(lang)
    cache = current_app.extensions.setdefault("page_cache", {})
    hit = cache.get(key)
    if hit is None or hit[0] is not shell:
        hit = cache[key] = (shell, make())
    return hit[1]


def filled(key: tuple, lang: str, make, values: dict[str, str]) -> str:
    """A page that is the same for every visitor but for a few values (a form's hidden fields, a
    receipt's reference): made once with a marker in place of each value, by `make(markers)`, and
    each request's values joined in. Rendering a whole page costs more than the rest of such a
    request, and these pages are the public forms' busiest."""
    markers = {name: f"tsfill{name.replace('_', '')}x" for name in values}

    def make_pieces() -> list[str]:
        # Text, a value's name, text, a value's name, ..., text: one join fills them all.
        names = {marker: name for name, marker in markers.items()}
        pieces = re.split(f"({'|'.join(markers.values())})", make(markers))
        return [piece if i % 2 == 0 else names[piece] for i, piece in enumerate(pieces)]

    pieces = cached(key, lang, make_pieces)
    filling = {name: str(escape(value)) for name, value in values.items()}
    return "".join(piece if i % 2 == 0 else filling[piece] for i, piece in enumerate(pieces))


def render_staff(template: str, title: str, status: int = 200, **context):
    """A back-office page: its own plain layout (staff tools, not the public site)."""
    return render_template(template, title=title, **context), status, {"Content-Type": "text/html; charset=utf-8"}
