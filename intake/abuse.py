"""Defences against robots and floods: a rate limit, a honeypot and a minimum time to fill in.

What trips the honeypot or the timer is not thrown away: it is stored in quarantine, for the
coordinator to review, and the sender sees the usual receipt.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

limiter = Limiter(get_remote_address)


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # The client's address is the one our own proxies saw, never what the client claims.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # No X-RateLimit-* headers on every answer: they are for API clients, and reading the window back
    # costs a second round trip to the limiter's storage on every POST. A refused request still
    # says when to come back (Retry-After, see retry_after).
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)


def retry_after() -> int | None:
    """Seconds until the limit that refused this request lets the client in again."""
    current = limiter.current_limit
    return None if current is None else max(1, int(current.reset_at - time.time()))


def form_limit() -> str:
    return current_app.config["RATELIMIT_FORMS"]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started")


def start_token() -> str:
    """A signed note of when the form was shown."""
    return _signer().dumps(time.time())


def quarantine_reason(form) -> str | None:
    """Why this submission looks automated, or None when it looks like a person."""
    if form.website.data:
        return "honeypot"
    try:
        started = float(_signer().loads(form.started.data or ""))
    except (BadSignature, TypeError, ValueError):
        return "no-start-time"
    if time.time() - started < current_app.config["MIN_FILL_SECONDS"]:
        return "too-fast"
    return None
