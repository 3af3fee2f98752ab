"""Security headers on every response of the intake and the back office.

The policy is the site's own (`tasteget.site.csp`): the form pages are filled into the built page
shell, which carries Material's inline scripts, so their hashes come from the built site, never
from the response being sent (hashing the response would allow a script an attacker slipped in).
The editor at /redigera/ gets its own policy (`csp.editor_policy`), the one documented exception.
Not flask-talisman: its policy is fixed when the app starts, while ours follows each rebuild of the
site without a restart, and the same function writes the web server's headers for the static site.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, request

from intake.builtsite import current
from intake.builtsite.shell import shell_path
from intake.web import redaction
from tasteget.editor import page as editor_page
from tasteget.site import csp


def current_policy() -> str:
    """The site's policy, worked out again whenever the site is rebuilt (kept while a build is
    being written)."""
    return _policies()[0]


def editor_policy() -> str:
    """The editor's policy (/redigera/), for the git host the built editor was written for."""
    return _policies()[1]


def _policies() -> tuple[str, str]:
    built = current.current()
    cached = current_app.extensions.get("csp_policy")
    if cached is None or (built is not None and cached[0] != built):
        site_dir = Path(current_app.config["SITE_DIR"])
        # No site yet: the hashes of whatever shell is there, none if none (no inline script at all).
        hashes = csp.site_script_hashes(site_dir) if shell_path(site_dir, "sv").is_file() else set()
        editor = csp.editor_policy(*editor_page.hosts_of(site_dir))
        cached = current_app.extensions["csp_policy"] = (built, (csp.policy(hashes), editor))
    return cached[1]


def add_headers(response: Response) -> Response:
    # request.is_secure is the client's scheme when TRUSTED_PROXIES lets ProxyFix read X-Forwarded-Proto.
    if csp.is_editor(request.path):
        made = csp.editor_headers(editor_policy(), https=request.is_secure)
    else:
        made = csp.headers(current_policy(), https=request.is_secure)
    for name, value in made.items():
        response.headers.setdefault(name, value)
    if is_private():
        # No cache (a proxy's, or the browser's on a shared computer) keeps the page, and no Referer
        # carries its address (a token, a search) to the next request and into a log.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def is_private() -> bool:
    """Every back-office response (pages, exports, redirects, errors) but its static files, and the
    public pages reached by a token or a reference (receipts, withdrawal links)."""
    staff = request.path.startswith("/crm/") and request.endpoint != "crm.static"
    return staff or redaction.is_private(request)


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
