"""The campaign's content as the intake needs it: municipalities, contacts, the privacy notice.

Loaded at start-up and again whenever the site is rebuilt (its stamp changes), so the forms, the
receipts and who the worker tells follow the content without a restart."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from intake.builtsite import current
from tasteget.content.load import Site, check
from tasteget.site import stamp

log = logging.getLogger("intake.content")  # a log name operators filter on: it stays when the module moves


class ContentError(RuntimeError):
    """The content folder has errors; the message lists them."""

    def __init__(self, message: str, first: str = "", more: int = 0):
        super().__init__(message)
        self.first, self.more = first, more


@dataclass(frozen=True)
class Notice:
    version: str  # sha256 of the text
    language: str
    text: str


@dataclass(frozen=True)
class _Loaded:
    build: tuple[int, int] | None  # the site build this content was (last tried to be) loaded for
    site: Site


def load(content_dir: Path) -> Site:
    report = check(content_dir)
    if report.errors:
        lines = "\n".join(str(e) for e in report.errors)
        raise ContentError(
            f"the content in {content_dir} has errors; run `tasteget check`:\n{lines}",
            str(report.errors[0]),
            len(report.errors) - 1,
        )
    return report.site


def privacy_notice(site: Site, lang: str) -> Notice:
    """The notice the form links to, in the form's language, with its version."""
    meta, body = site.pages["privacy"].get(lang)
    language = lang if lang in site.pages["privacy"].meta else "sv"
    text = f"# {meta.title}\n\n{body}"
    return Notice(hashlib.sha256(text.encode("utf-8")).hexdigest(), language, text)


def init_app(app: Flask) -> None:
    build = stamp.read(Path(app.config["SITE_DIR"]))  # before loading: a build finishing meanwhile is seen
    app.extensions["site_content"] = _Loaded(build, load(Path(app.config["CONTENT_DIR"])))
    app.extensions["site_content_lock"] = threading.Lock()


def site() -> Site:
    """The content of the site's latest build (the last good content, if that build's is broken)."""
    loaded = current_app.extensions["site_content"]
    build = current.current()
    if build is not None and build != loaded.build:
        loaded = _reload(build)
    return loaded.site


def _reload(build: tuple[int, int]) -> _Loaded:
    app = current_app
    with app.extensions["site_content_lock"]:  # one thread loads; the others then find it loaded
        loaded = app.extensions["site_content"]
        if loaded.build == build:
            return loaded
        content_dir = Path(app.config["CONTENT_DIR"])
        try:
            site = load(content_dir)
        except ContentError as exc:
            more = f" (and {exc.more} more; run `tasteget check`)" if exc.more else ""
            log.error("content not reloaded, the last good content is kept: %s%s", exc.first, more)
            site = loaded.site
        except Exception as exc:  # noqa: BLE001 - whatever it is, the intake keeps serving the old content
            log.error("content in %s not reloaded, the last good content is kept: %s", content_dir, exc)
            site = loaded.site
        else:
            log.info("content reloaded from %s", content_dir)
        # Recorded even when broken: tried again at the next build, not on every request.
        loaded = app.extensions["site_content"] = _Loaded(build, site)
        return loaded
