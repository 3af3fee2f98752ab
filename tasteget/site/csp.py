"""The security headers of every page: a Content-Security-Policy that allows the built site's own
inline scripts by their SHA-256 hashes, and nothing inline besides.

Material for MkDocs puts a few small scripts inline in every page (its storage helpers, whose text
depends on the page's depth, and the tab fix-up). Their hashes are taken from the built pages, so
the policy stays true when Material changes; the site build writes it as a web server snippet and
the intake sends the same headers. The content editor at /redigera/ is the one documented exception
(`editor_policy`): Decap CMS needs eval and inline styles, and talks to the git host. Plain functions
over HTML text: no MkDocs, no Flask.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from .shell import SHELL_DIR

NGINX_SNIPPET = "headers.nginx.conf"  # in the site's _shell/, which the web server keeps internal
EDITOR_SNIPPET = "editor-headers.nginx.conf"  # the same for /redigera/, the editor's own policy
EDITOR_PATH = "/redigera/"
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other services may live under the domain

# A classic script is one without `src` whose type, if any, is JavaScript; JSON data blocks
# (Material's __config) are never executed, so CSP does not apply to them.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


def source_hash(script: str) -> str:
    """The CSP source expression for one inline script's exact text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(html: str) -> set[str]:
    """The hashes of the inline scripts a browser would run in this page."""
    hashes = set()
    for attrs, body in _SCRIPT.findall(html):
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        hashes.add(source_hash(body))
    return hashes


def site_script_hashes(site_dir: Path) -> set[str]:
    """The hashes of every inline script in every built page, both languages and the page shells."""
    hashes = set()
    for page in sorted(site_dir.rglob("*.html")):
        hashes |= inline_script_hashes(page.read_text(encoding="utf-8"))
    return hashes


def policy(script_hashes: Iterable[str]) -> str:
    """The Content-Security-Policy: everything from this origin, inline scripts only by hash."""
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *sorted(script_hashes)]),
        "style-src 'self'",
        "img-src 'self' data:",  # Material's icons are data: SVG masks in its stylesheet
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",  # the search runs in a worker loaded from the site
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def editor_policy(connect: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    """The editor's policy (/redigera/, the one exception): Decap CMS evaluates code and sets inline
    styles, loads its lazy chunks and WebAssembly from here, shows uploads as blob: pictures, and
    talks to the configured git host, and nothing else."""
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",  # Decap compiles code at run time (and its WebAssembly)
        "style-src 'self' 'unsafe-inline'",  # its components' styles are inline (emotion)
        " ".join(["img-src 'self' data: blob:", *images]),
        "font-src 'self' data:",
        " ".join(["connect-src 'self'", *connect]),
        "worker-src 'self' blob:",
        "frame-src 'self' blob:",  # the entry's preview frame
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def is_editor(path: str) -> bool:
    """Whether a request path is the editor's, which gets its own policy."""
    return path.startswith(EDITOR_PATH)  # as nginx's `location ^~ /redigera/`


def headers(csp: str, https: bool) -> dict[str, str]:
    """The security headers of one response; HSTS only when it travels over HTTPS."""
    out = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if https:
        out["Strict-Transport-Security"] = HSTS
    return out


def editor_headers(csp: str, https: bool) -> dict[str, str]:
    """The editor's headers: its policy, and no search engine indexes it (it is in no sitemap either)."""
    return {**headers(csp, https), "X-Robots-Tag": "noindex"}


def nginx_snippet(csp: str, editor: bool = False) -> str:
    """The headers as nginx `add_header` lines, for the HTTPS server that publishes the site."""
    lines = [
        "# Written by `tasteget build` from the built pages' inline scripts: include it where nginx",
        "# serves the site, and reload nginx after each build. `always` covers the 404 pages too.",
    ]
    if editor:
        lines[0] = "# Written by `tasteget build` from the editor's git host (mkdocs.yml, extra.editor): include it"
        lines[1] = "# in `location ^~ /redigera/` only, and reload nginx after each build."
    made = editor_headers(csp, https=True) if editor else headers(csp, https=True)
    lines += [f'add_header {name} "{value}" always;' for name, value in made.items()]
    return "\n".join(lines) + "\n"


def write_snippet(site_dir: Path, editor_hosts: tuple[Iterable[str], Iterable[str]] = ((), ())) -> Path:
    """Write the nginx snippets for the built site, and for its editor with the origins it talks to
    and shows pictures from, into its _shell/ folder; return the site's."""
    path = site_dir / SHELL_DIR / NGINX_SNIPPET
    path.write_text(nginx_snippet(policy(site_script_hashes(site_dir))), encoding="utf-8")
    editor = editor_policy(*editor_hosts)
    (site_dir / SHELL_DIR / EDITOR_SNIPPET).write_text(nginx_snippet(editor, editor=True), encoding="utf-8")
    return path
