"""The built static site for every path the intake does not own, its 404 pages, and /healthz.

In production a web server serves the site itself; this keeps `make run` to one port, and sends the
build's gzip and Brotli copies (`tasteget.site.precompress`) as nginx's `gzip_static` would.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, request, send_file, send_from_directory
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from intake import db
from intake.builtsite.shell import render_page
from intake.public import abuse
from tasteget.site import precompress, routes
from tasteget.site.shell import SHELL_DIR

bp = Blueprint("site", __name__)
# Types the standard library does not know: the editor reads its config.yml as YAML (as nginx's
# `types` in deploy/nginx/tasteget.conf sends it).
TYPES = {".yml": "text/yaml; charset=utf-8"}


def language_of(path: str) -> str:
    return "en" if path == "/en" or path.startswith("/en/") else "sv"


@bp.get("/healthz")
def healthz():
    """Whether the service can take a form: the database answers, and takes a write."""
    try:
        db.ping()
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    try:
        db.check_writable()
    except SQLAlchemyError as error:
        return jsonify(status="error", database=_why_unwritable(error)), 503
    return jsonify(status="ok", database="ok")


def _why_unwritable(error: SQLAlchemyError) -> str:
    """One word for the operator, from the database's own error (SQLite's message, PostgreSQL's code)."""
    said = f"{getattr(error, 'orig', error)} {getattr(getattr(error, 'orig', None), 'sqlstate', '')}".lower()
    for word, signs in (
        ("locked", ("locked", "busy", "55p03", "57014")),
        ("full", ("full", "53100")),
        ("readonly", ("readonly", "read-only", "25006")),
    ):
        if any(sign in said for sign in signs):
            return word
    return "unwritable"


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def static_site(path: str):
    site_dir = Path(current_app.config["SITE_DIR"]).resolve()
    target = (site_dir / path).resolve()
    if not target.is_relative_to(site_dir) or SHELL_DIR in target.relative_to(site_dir).parts:
        return not_found()
    if target.is_dir():
        if path and not path.endswith("/"):
            return redirect(f"/{path}/", 308)
        target = target / "index.html"
    if not target.is_file():
        return not_found()
    if not precompress.is_text(target):
        kind = TYPES.get(target.suffix)  # None: guessed from the name
        return send_from_directory(site_dir, str(target.relative_to(site_dir)), mimetype=kind)
    response = _compressed(target) or send_from_directory(site_dir, str(target.relative_to(site_dir)))
    response.vary.add("Accept-Encoding")  # on the file itself too: a cache must ask again for another client
    return response


def _compressed(target: Path):
    """The build's copy of `target` in the best encoding the client accepts, or None: when it accepts
    none, when there is no copy, when the copy is not this file's (its time differs: left from another
    build), or for a Range request (a range is of the file itself, so that is what is sent)."""
    if request.range is not None or "Accept-Encoding" not in request.headers:
        return None
    try:
        mtime = target.stat().st_mtime_ns
        copies = {
            encoding: path
            for encoding in precompress.SUFFIXES
            if (path := precompress.copy_path(target, encoding)).is_file() and path.stat().st_mtime_ns == mtime
        }
    except OSError:  # a rebuild removing the files meanwhile: the file itself, or its 404
        return None
    encoding = precompress.negotiate(request.headers["Accept-Encoding"], copies)
    if encoding is None:
        return None
    # The copy's own ETag (its size and time), which the file's differs from, and conditional requests
    # answered as for the file; no ranges of the compressed bytes.
    response = send_file(copies[encoding], download_name=target.name, conditional=True)  # the file's type
    response.headers["Content-Encoding"] = encoding
    response.headers.pop("Accept-Ranges", None)
    return response


def not_found(_error=None):
    """The site's own 404 page in the language of the address."""
    lang = language_of(request.path)
    page = Path(current_app.config["SITE_DIR"]) / routes.PREFIX[lang].lstrip("/") / "404.html"
    if page.is_file():
        return page.read_text(encoding="utf-8"), 404, {"Content-Type": "text/html; charset=utf-8"}
    return _("Page not found"), 404


def error_page(status: int, title: str, text: str):
    """A short error page in the site's layout, in the language of the address."""
    lang = language_of(request.path)
    return render_page(
        "message.html",
        lang=lang,
        title=title,
        description=title,
        alternate=routes.url("home", routes.other(lang)),
        status=status,
        text=text,
        back_url=request.path if request.method == "POST" else routes.url("home", lang),
        back_text=_("Back to the form") if request.method == "POST" else _("Back to the home page"),
    )


def too_many(_error):
    html, status, headers = error_page(
        429,
        _("Too many attempts"),
        _("We have received many forms from your connection in a short time. Wait a while and try again."),
    )
    wait = abuse.retry_after()
    return html, status, headers if wait is None else {**headers, "Retry-After": str(wait)}


def too_large(_error):
    return error_page(
        413, _("Too much text"), _("The form contained more text than we can take. Shorten it and try again.")
    )


def bad_request(_error):
    return error_page(400, _("Something went wrong"), _("We could not read what was sent. Go back and try again."))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(404, not_found)
    app.register_error_handler(429, too_many)
    app.register_error_handler(413, too_large)
    app.register_error_handler(400, bad_request)
