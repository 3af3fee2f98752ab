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

# Reasons a form is held in the quarantine although a person may well have sent it (every field
# valid, only quicker than MIN_FILL_SECONDS): the sender is confirmed at once, as anyone is (the
# per-address daily limit protects a stranger whose address a robot typed), and the guides are told
# only when the coordinator releases it. A honeypot filled in, a missing or replayed start time: no
# person sent that, and nobody is told.
CONFIRMED_WHILE_HELD = ("too-fast",)


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


def start_token(submission_id: str, started: float | None = None) -> str:
    """A signed note of when the form was shown, bound to that page's own submission id: the page
    can be accepted once (the id is unique in the database, across every process), so its start
    time cannot be replayed for other submissions."""
    return _signer().dumps([time.time() if started is None else started, submission_id])


def renewed_token(token: str | None, submission_id: str) -> str:
    """The start note for a renewed form (a new submission id), keeping when it was first shown."""
    started = _read(token)
    return start_token(submission_id, None if started is None else started[0])


def _read(token: str | None) -> tuple[float, str | None] | None:
    try:
        note = _signer().loads(token or "")
    except BadSignature:
        return None
    if isinstance(note, list) and len(note) == 2 and isinstance(note[1], str):
        return float(note[0]), note[1]
    # A page shown before start times were bound to their page, while such a page can still be sent.
    if isinstance(note, (int, float)) and time.time() - note < (current_app.config["WTF_CSRF_TIME_LIMIT"] or 3600):
        return float(note), None
    return None


def quarantine_reason(form) -> str | None:
    """Why this submission looks automated, or None when it looks like a person."""
    if form.website.data:
        return "honeypot"
    try:
        started = _read(form.started.data)
    except (TypeError, ValueError):
        started = None
    if started is None:
        return "no-start-time"
    if started[1] is not None and started[1] != form.submission_id.data:
        return "replayed"  # another page's start time
    if time.time() - started[0] < current_app.config["MIN_FILL_SECONDS"]:
        return "too-fast"
    return None
