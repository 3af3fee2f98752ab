"""Which build of the site a request sees: the page shell, the content and the security policy all
follow it, so the forms' choices and the page around them change together, without a restart."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request

from tasteget.site import stamp

_KEY = "tasteget.site_build"


def current() -> tuple[int, int] | None:
    """The build's stamp (None while a build is being written): one `stat`, asked once per request
    (kept in the request's environ, not on `g`, which a test's app context shares between requests)."""
    if not has_request_context():
        return stamp.read(Path(current_app.config["SITE_DIR"]))
    environ = request.environ
    if _KEY not in environ:
        environ[_KEY] = stamp.read(Path(current_app.config["SITE_DIR"]))
    return environ[_KEY]
