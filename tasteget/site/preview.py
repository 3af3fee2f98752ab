"""The live preview (`tasteget preview`, `make preview`): both languages, rebuilt on every save, and
the content's errors on every page while a file is broken.

MkDocs' LiveReloadServer serves the built pages and reloads the browser after each rebuild; this
subclass puts the banner of errors (`banner.py`, in Swedish) at the top of every page it serves while
the last build failed, above the last good page, or alone when no build has worked yet. The errors
come from the content check as data, never from the log.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from ..content.errors import Problem
from ..content.load import check
from ..editor import local
from . import banner, csp
from .build import HOOK, LANG_CONFIGS, BuildFailed, build_site
from .hook import THEME, content_dir

log = logging.getLogger("mkdocs.tasteget")
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
Wsgi = Callable[[dict, Callable], Iterable[bytes]]


_request = threading.local()  # what the request this thread serves is for (the server runs one thread each)


class PreviewServer(LiveReloadServer):
    """LiveReloadServer that shows the last build's problems above every page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: Sequence[Problem] = ()
        self.failure = ""
        # More applications on this server, by path prefix, served before the site: the editor's API.
        self.apps: dict[str, Wsgi] = {}

    def failed(self, problems: Sequence[Problem], failure: str = "") -> None:
        """Record the last build's outcome: its content problems, or another reason it failed."""
        self.problems, self.failure = tuple(problems), failure

    def _serve_request(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        # The editor's own page is left as it is: live reload would reload it after every save (each
        # save rebuilds the site), and it shows the check's problems itself.
        _request.editor = csp.is_editor(path)
        for prefix, app in self.apps.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        if _request.editor:
            # Under the policy it has in production (its git host aside: here it saves to this server),
            # so what the editing screens need and the policy forbids shows up here first.
            policy = list(csp.editor_headers(csp.editor_policy(), https=False).items())

            def with_policy(status, headers, *exc_info, start_response=start_response):
                return start_response(status, [*headers, *policy], *exc_info)

            return super()._serve_request(environ, with_policy)
        if path == banner.CSS_PATH:
            body = banner.CSS.encode()
            start_response("200 OK", [("Content-Type", "text/css; charset=utf-8"), ("Content-Length", str(len(body)))])
            return [body]
        served = super()._serve_request(environ, start_response)
        if served is None and self._broken() and not Path(self.root, "index.html").is_file():
            # No build has worked yet: every page is the list of problems, reloaded when they are fixed.
            body = self._inject_js_into_html(banner.page(self.problems, self.failure).encode(), self._visible_epoch)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
            return [body]
        return served

    @classmethod
    def _guess_type(cls, path: str) -> str:
        # The editor's configuration and the events' calendars, as the intake and nginx send them
        # (Python's own table knows neither, so MkDocs would send them as bytes of no kind).
        for ending, kind in ((".yml", "text/yaml"), (".ics", "text/calendar")):
            if path.endswith(ending):
                return kind
        return super()._guess_type(path)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        if getattr(_request, "editor", False):
            return content
        return self.with_banner(super()._inject_js_into_html(content, epoch))

    def with_banner(self, content: bytes | None) -> bytes | None:
        """The page with the banner at the top of its body while the last build failed."""
        body = _BODY.search(content) if content else None
        if not self._broken() or body is None or b"tasteget-problems" in content:
            return content
        content = content[: body.end()] + banner.banner(self.problems, self.failure).encode() + content[body.end() :]
        head = content.find(b"</head>")
        at = head if 0 <= head < body.start() else body.end()  # the stylesheet in the head, where it belongs
        return content[:at] + banner.stylesheet().encode() + content[at:]

    def _broken(self) -> bool:
        return bool(self.problems or self.failure)


def preview(root: Path, host: str, port: int) -> None:
    """Serve both languages at http://host:port/ and rebuild when content, theme or config change."""
    site_dir = Path(tempfile.mkdtemp(prefix="tasteget-preview-"))
    url = f"http://{host}:{port}/"
    config = load_config(config_file=str(root / LANG_CONFIGS["sv"]), hooks=[str(HOOK)])
    content, docs = content_dir(config), Path(config.docs_dir)
    server = PreviewServer(builder=lambda: None, host=host, port=port, root=str(site_dir), mount_path="/")
    server.apps[local.PREFIX] = local.app(root, content=content)

    def builder() -> None:
        try:
            # Served uncompressed; the editor saves through this server (`tasteget.editor.local`).
            build_site(root, site_dir, url, progress=log.info, compress=False, editor_backend="local")
        except BuildFailed as exc:
            # The last good build stays; each page says why it is not the newest.
            log.error(str(exc))
            server.failed(check(content, docs).errors, str(exc))
        else:
            server.failed(())

    server.builder = builder
    server.error_handler = lambda code: server.with_banner(_error_page(site_dir, code))
    builder()
    watched = {root / name for name in LANG_CONFIGS.values()} | {content, docs, THEME}
    watched |= {Path(path) for path in config.watch}
    for path in sorted(watched):
        server.watch(str(path))
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Stopped.")
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if page.is_file() else None
