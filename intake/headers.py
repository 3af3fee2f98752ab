"""Security headers on every response of the intake and the back office.

The policy is the site's own (`tasteget.site.csp`): the form pages are filled into the built page
shell, which carries Material's inline scripts, so their hashes come from the built site, never
from the response being sent (hashing the response would allow a script an attacker slipped in).
Not flask-talisman: its policy is fixed when the app starts, while ours follows each rebuild of the
site without a restart, and the same function writes the web server's headers for the static site.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, request

from tasteget.site import csp

from .pages import shell_path


def current_policy() -> str:
    """The site's policy, worked out again whenever the site is rebuilt (its shell changes)."""
    site_dir = Path(current_app.config["SITE_DIR"])
    try:
        built = shell_path(site_dir, "sv").stat().st_mtime_ns
    except FileNotFoundError:
        built = None  # no site yet: no inline script is allowed at all
    cached = current_app.extensions.get("csp_policy")
    if cached is None or cached[0] != built:
        hashes = csp.site_script_hashes(site_dir) if built is not None else set()
        cached = current_app.extensions["csp_policy"] = (built, csp.policy(hashes))
    return cached[1]


def add_headers(response: Response) -> Response:
    # request.is_secure is the client's scheme when TRUSTED_PROXIES lets ProxyFix read X-Forwarded-Proto.
    for name, value in csp.headers(current_policy(), https=request.is_secure).items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
