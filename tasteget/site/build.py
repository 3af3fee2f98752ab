"""Build the site in every language (the live preview, `preview.py`, rebuilds with this too).

Each language is its own MkDocs build (its own search language and navigation): Swedish from
mkdocs.yml into the site folder, English from mkdocs.en.yml into its `en/`. Before each build the
hook generates that language's pages into `build/pages/<lang>/` and the build reads them from there
(`hook.py`, `generate.py`); a rebuild in the preview generates them again from the edited content.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from ..editor import config as editor_config
from ..editor import page as editor_page
from . import precompress
from .csp import write_snippet
from .routes import PREFIX
from .stamp import write as write_stamp

LANG_CONFIGS = {"sv": "mkdocs.yml", "en": "mkdocs.en.yml"}
# This package's hook, whatever path the configuration names: outside the checkout (a copy of
# mkdocs.yml beside the installed package) that path is not there.
HOOK = Path(__file__).resolve().with_name("hook.py")
log = logging.getLogger("mkdocs.tasteget")
COMPRESSED = Path("build") / "compressed"  # the copies' bytes by content, kept for the next build


class BuildFailed(Exception):
    """The site was not built; the reason has been logged or is the message."""


def build_site(
    root: Path,
    site_dir: Path | None = None,
    site_url: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
    launch: bool = False,
    compress: bool = True,
    editor_backend: str | None = None,
) -> list[MkDocsConfig]:
    """Build every language; return the configurations used (they list what to watch). With `launch`
    the build fails while the content has anything a launch cannot have (`tasteget check --launch`);
    with `compress` every text file gets its gzip and Brotli copies (`precompress`). The editor at
    /redigera/ saves to the git host in mkdocs.yml's `extra.editor`, or with `editor_backend="local"`
    to the preview's own local backend on the same origin."""
    if editor_backend not in (None, "local"):
        raise BuildFailed(f'editor_backend: expected "local" or nothing, got {editor_backend!r}')
    configs = []
    # Swedish first: its build empties the site folder, then English fills its en/.
    for lang, name in LANG_CONFIGS.items():
        config_file = root / name
        if not config_file.is_file():
            raise BuildFailed(f"no {name} in {root.resolve()} (run from the project folder or pass --root)")
        overrides = {"hooks": [str(HOOK)]}
        if site_dir is not None:
            overrides["site_dir"] = str(site_dir / PREFIX[lang].strip("/"))
        if site_url is not None:
            overrides["site_url"] = site_url
        started = time.perf_counter()
        try:
            config = load_config(config_file=str(config_file), **overrides)
            if launch:
                config.extra["launch"] = True
            build(config)
        except Abort:
            raise BuildFailed(f"{name}: the site was not built; see the messages above") from None
        except ConfigurationError as exc:
            raise BuildFailed(f"{name}: {exc}") from None
        configs.append(config)
        progress(f"Built the {lang} site from {name} in {time.perf_counter() - started:.1f} s.")
    editor = _write_editor(configs[0], local=editor_backend == "local")
    progress(f"Wrote the editor to {editor}.")
    # The security headers need every language's pages, so they are written once both are built.
    snippet = write_snippet(Path(configs[0].site_dir), editor_page.hosts_of(Path(configs[0].site_dir)))
    progress(f"Wrote the security headers for the web server to {snippet}.")
    if compress:
        # Before the stamp: a running intake sends a new page's copies as soon as it sees the new build
        # (and never an old copy beside a new file: MkDocs empties the folder first, and a copy is
        # sent only while its time is its file's).
        started = time.perf_counter()
        written = precompress.compress_site(Path(configs[0].site_dir), root / COMPRESSED)
        progress(
            f"Compressed {written.files} text files ({written.copies} copies, "
            f"{written.original_bytes // 1024} KB to {written.smallest_bytes // 1024} KB) "
            f"in {time.perf_counter() - started:.1f} s."
        )
    # Last: a running intake reloads its page shell and content when this changes.
    write_stamp(Path(configs[0].site_dir))
    return configs


def _write_editor(config: MkDocsConfig, local: bool) -> Path:
    """Write /redigera/ after MkDocs (no sitemap or search entry); without a git host it says so."""
    settings = config.extra.get("editor") or {}
    try:
        if local:
            backend = editor_config.backend(None, local=True)
        else:
            backend = editor_config.backend(settings, local=False) if settings.get("backend") else None
    except ValueError as exc:
        raise BuildFailed(str(exc)) from None
    return editor_page.write(Path(config.site_dir), config.site_name, backend, config.site_url)
