"""Write the editor into the built site: `redigera/` with its page, config.yml, our script and Decap's files.

The folder is written after MkDocs has built the site, so it is no page of MkDocs': not in a sitemap,
not in the search index. Without a git host configured (and not in the preview), the page says so
in Swedish instead of loading Decap.
"""

from __future__ import annotations

import io
import shutil
from html import escape
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from . import config

EDITOR_DIR = "redigera"
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = HERE / "vendor" / "decap-cms"


def decap_version() -> str:
    """The vendored Decap CMS's version (its one folder under vendor/decap-cms/)."""
    (folder,) = VENDOR.iterdir()
    return folder.name


def index_html(campaign: str, collections: list[str] | None) -> str:
    """The editor's page: Decap and our script, or, with no collections, a note that it is not set up."""
    title = f"Redigera – {campaign}"
    head = [
        "<!doctype html>",
        '<html lang="sv">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<title>{escape(title)}</title>",
    ]
    if collections is None:
        return "\n".join(
            [
                *head,
                '<link rel="stylesheet" href="editor.css">',
                "</head>",
                "<body>",
                '<main class="ts-editor-off">',
                f"<h1>{escape(title)}</h1>",
                "<p>Redigeraren är inte inställd på den här webbplatsen än. Den som driftar webbplatsen anger "
                "git-tjänsten under <code>extra.editor</code> i <code>mkdocs.yml</code> (se README, "
                "”Redigera i webbläsaren”).</p>",
                "<p>Under tiden ändrar du innehållet i filerna under <code>content/</code> och förhandsgranskar "
                "med <code>make preview</code>, där redigeraren alltid fungerar.</p>",
                "</main>",
                "</body>",
                "</html>",
                "",
            ]
        )
    version = decap_version()
    return "\n".join(
        [
            *head,
            '<meta name="ts-editor-collections" content="' + escape(" ".join(collections)) + '">',
            '<link href="config.yml" type="text/yaml" rel="cms-config-url">',
            '<link rel="stylesheet" href="editor.css">',
            "</head>",
            "<body>",
            f'<script src="decap-cms/{version}/decap-cms.js"></script>',
            '<script src="editor.js"></script>',
            "</body>",
            "</html>",
            "",
        ]
    )


def dump_yaml(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False
    out = io.StringIO()
    out.write("# Written by `tasteget build` from the content schema (tasteget/editor/config.py); do not edit.\n")
    yaml.dump(data, out)
    return out.getvalue()


def write(site_dir: Path, campaign: str, backend: dict[str, Any] | None, site_url: str | None = None) -> Path:
    """Write `redigera/` into the built site for this backend (None: not set up); return the folder."""
    out = site_dir / EDITOR_DIR
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy2(STATIC / "editor.css", out / "editor.css")
    if backend is None:
        (out / "index.html").write_text(index_html(campaign, None), encoding="utf-8")
        return out
    generated = config.config(backend, site_url)
    names = [collection["name"] for collection in generated["collections"]]
    (out / "index.html").write_text(index_html(campaign, names), encoding="utf-8")
    (out / "config.yml").write_text(dump_yaml(generated), encoding="utf-8")
    for name in ("editor.js", "preview.css"):
        shutil.copy2(STATIC / name, out / name)
    shutil.copytree(VENDOR, out / "decap-cms")
    return out


def backend_of(site_dir: Path) -> dict[str, Any] | None:
    """The backend the built editor was written for, from its config.yml (None: no editor set up)."""
    path = site_dir / EDITOR_DIR / "config.yml"
    if not path.is_file():
        return None
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))["backend"]


def hosts_of(site_dir: Path) -> tuple[list[str], list[str]]:
    """The origins the built editor talks to and shows pictures from, for its Content-Security-Policy."""
    backend = backend_of(site_dir)
    return (config.hosts(backend), config.image_hosts(backend)) if backend else ([], [])
