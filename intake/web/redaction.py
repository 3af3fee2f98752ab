"""What an access log may say about a request: the one rule for every log the product writes.

A view whose path carries a secret or points at a person (a reset or invite link, a withdrawal
link, the link to the mover's own page, a receipt's reference) is marked `@private` next to its route; its path is logged as the
route's pattern (`/crm/password/reset/<token>/`). A query string's values are never logged, on any
path: they are searches by name or e-mail, and the `next` link that carries them through a login.
The same rule serves the development server's log (`tasteget serve`) and gunicorn's
(`intake.gunicorn_conf`); the URLs themselves never change (they are in e-mails already sent).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from flask import Flask, Request, current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler

_MARK = "_tasteget_private"
HIDDEN = "<redacted>"
_PUBLIC = ""  # the endpoint, in `_routes`, of a route that is logged as it is
# The patterns of every private route this process serves, filled in by `init_app`: log lines are
# written outside the request (by gunicorn, by the development server), so they cannot ask the app.
_routes = Map(strict_slashes=False, merge_slashes=False)


def private(view):
    """Mark a view whose URL carries a secret or points at a person; put it next to `def`, under the
    route and any other decorator (they copy the mark when they wrap it)."""
    setattr(view, _MARK, True)
    return view


def is_private_view(view) -> bool:
    while view is not None:
        if getattr(view, _MARK, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def init_app(app: Flask) -> None:
    """Register the patterns of the app's private routes (call it after every blueprint), and of the
    other routes under their fixed starts (`/registrera/mitt/skickad/` beside `/registrera/mitt/<token>/`),
    which are logged as they are."""
    known = {rule.rule for rule in _routes.iter_rules()}
    rules = list(app.url_map.iter_rules())
    for rule in rules:
        if rule.rule not in known and is_private_view(app.view_functions.get(rule.endpoint)):
            _routes.add(Rule(rule.rule, endpoint=rule.rule))
            known.add(rule.rule)
    starts = _starts()
    for rule in rules:
        if rule.rule not in known and any(rule.rule.startswith(start) for start in starts):
            _routes.add(Rule(rule.rule, endpoint=_PUBLIC))
            known.add(rule.rule)


def is_private(request: Request) -> bool:
    """True when the request was routed to a private view."""
    rule = request.url_rule
    return rule is not None and is_private_view(current_app.view_functions.get(rule.endpoint))


def path(raw: str) -> str:
    """A path as it may be logged: a private route's pattern in place of its values."""
    try:
        rule, _args = _routes.bind("log").match(unquote(raw), method="GET", return_rule=True)
    except HTTPException:
        # A mistyped or lengthened link still carries its token: whatever follows a private
        # route's fixed start is left out.
        start = next((s for s in _starts() if raw.startswith(s)), None)
        return raw if start is None else start + HIDDEN
    return raw if rule.endpoint == _PUBLIC else rule.rule


def _starts() -> list[str]:
    return [rule.rule.split("<", 1)[0] for rule in _routes.iter_rules() if rule.endpoint != _PUBLIC]


def query(raw: str) -> str:
    """A query string as it may be logged: the names, never the values."""
    return "&".join(f"{name}={HIDDEN}" for name, _value in parse_qsl(raw, keep_blank_values=True))


def target(raw: str) -> str:
    """A request target (`/path?query`), or a whole URL such as a Referer, as it may be logged."""
    if not raw or raw == "-":
        return raw
    parts = urlsplit(raw)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    logged = origin + path(parts.path)
    return f"{logged}?{query(parts.query)}" if parts.query else logged


def request_line(line: str) -> str:
    """`GET /path?query HTTP/1.1` as it may be logged."""
    method, _, rest = line.partition(" ")
    uri, _, version = rest.rpartition(" ") if " " in rest else (rest, "", "")
    return " ".join(part for part in (method, target(uri), version) if part)


class DevRequestHandler(WSGIRequestHandler):
    """The development server's request log (`tasteget serve`), through the same rule."""

    def log_request(self, code="-", size="-") -> None:
        raw = getattr(self, "path", None)
        if raw is None:
            return super().log_request(code, size)
        self.path = target(raw)
        try:
            super().log_request(code, size)
        finally:
            self.path = raw
