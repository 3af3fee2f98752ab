"""The campaign's content as the intake needs it: municipalities, contacts, the privacy notice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from tasteget.content.load import Site, check


class ContentError(RuntimeError):
    """The content folder has errors; the message lists them."""


@dataclass(frozen=True)
class Notice:
    version: str  # sha256 of the text
    language: str
    text: str


def load(content_dir: Path) -> Site:
    report = check(content_dir)
    if report.errors:
        lines = "\n".join(str(e) for e in report.errors)
        raise ContentError(f"the content in {content_dir} has errors; run `tasteget check`:\n{lines}")
    return report.site


def privacy_notice(site: Site, lang: str) -> Notice:
    """The notice the form links to, in the form's language, with its version."""
    meta, body = site.pages["privacy"].get(lang)
    language = lang if lang in site.pages["privacy"].meta else "sv"
    text = f"# {meta.title}\n\n{body}"
    return Notice(hashlib.sha256(text.encode("utf-8")).hexdigest(), language, text)


def init_app(app: Flask) -> None:
    app.extensions["site_content"] = load(Path(app.config["CONTENT_DIR"]))


def site() -> Site:
    return current_app.extensions["site_content"]
