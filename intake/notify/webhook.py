"""The hand-off to another CRM: each delivery is a JSON body POSTed to WEBHOOK_URL, signed with
HMAC-SHA256 over the timestamp and the body, carrying an idempotency key. WEBHOOKS.md is the
receiving side's guide; `examples/webhook_receiver.py` verifies what `sign` makes here.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from intake.notify.deadline import Deadline

TIMESTAMP_HEADER = "X-TaSteget-Timestamp"
SIGNATURE_HEADER = "X-TaSteget-Signature"
KEY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300  # a receiver refuses older (or later) timestamps: a captured request cannot be replayed later
MIN_SECRET_LENGTH = 16


def enabled(config) -> bool:
    """Whether deliveries are written at all: nothing is handed off without WEBHOOK_URL."""
    return bool(config.get("WEBHOOK_URL"))


def check_config(config) -> None:
    """Refuse to start half-configured, with one readable line (a ValueError, as for other settings)."""
    url = config.get("WEBHOOK_URL")
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"WEBHOOK_URL must be an http:// or https:// address, got {parts.scheme or url!r}")
    if len(config.get("WEBHOOK_SECRET") or "") < MIN_SECRET_LENGTH:
        raise ValueError(
            f"WEBHOOK_SECRET must be set (at least {MIN_SECRET_LENGTH} characters) when WEBHOOK_URL is: "
            "the receiver checks every delivery's signature with it"
        )


def body(kind: str, key: str, occurred_at: datetime, data: dict) -> str:
    """The JSON a receiver gets, with sorted keys so the same delivery is always the same bytes."""
    envelope = {"type": kind, "id": key, "occurred_at": iso(occurred_at), "data": data}
    return json.dumps(envelope, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def iso(moment: datetime | None) -> str | None:
    """UTC, to the second, with a Z: what every language's date parser reads."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives naive datetimes back; they were stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret: str, timestamp: int | str, payload: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of "<timestamp>.<body>" with the shared secret."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + payload, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, payload: bytes, timestamp: str, signature: str, now: float, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What the receiver checks: a fresh timestamp and a signature over exactly these bytes (and
    the timestamp header exactly as received)."""
    if not (timestamp and timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, payload), signature or "")


def headers(secret: str, key: str, payload: bytes, now: float) -> dict[str, str]:
    """Signed anew at every attempt, so a retry hours later still carries a fresh timestamp."""
    timestamp = int(now)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "tasteget-webhook/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, payload),
        KEY_HEADER: key,
    }


@dataclass(frozen=True)
class Result:
    """How one attempt went: `status` is the HTTP status (None when no answer came)."""

    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def permanent(self) -> bool:
        """The receiver refused the request itself: sending it again would be refused again.
        408 (timeout) and 429 (slow down) are the 4xx answers that ask for a retry."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect answers the POST without receiving it (urllib would follow with a GET): an error."""

    def redirect_request(self, *args, **kwargs):
        return None


class _Watched:
    """Opens connections through a Deadline, before any proxy tunnel or TLS handshake."""

    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def do_open(self, http_class, request, **kwargs):
        def connection(*args, **kw):
            made = http_class(*args, **kw)
            # http.client makes every socket through this attribute, before a tunnel or TLS is set up.
            made._create_connection = lambda address, timeout, source=None: self.deadline.connect(address, source)
            return made

        return super().do_open(connection, request, **kwargs)


class _WatchedHttp(_Watched, urllib.request.HTTPHandler):
    pass


class _WatchedHttps(_Watched, urllib.request.HTTPSHandler):
    pass


def post(url: str, secret: str, key: str, payload: bytes, timeout: float, now: float | None = None) -> Result:
    """One attempt, given `timeout` seconds in all, however slowly the receiver answers. The error
    text never holds the body or the answer: they can carry personal data."""
    request = urllib.request.Request(url, data=payload, method="POST")
    for name, value in headers(secret, key, payload, time.time() if now is None else now).items():
        request.add_header(name, value)
    # The standard library's client: one POST with a timeout needs nothing more, and `requests` stays a
    # test-only dependency. Like any client it honours HTTPS_PROXY and NO_PROXY from the environment.
    with Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(_NoRedirects, _WatchedHttp(deadline), _WatchedHttps(deadline))
        try:
            with deadline.attempt(), opener.open(request, timeout=timeout) as response:
                return Result(response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return Result(exc.code, f"HTTP {exc.code} {exc.reason}".strip())
        except urllib.error.URLError as exc:
            return Result(None, f"no answer: {_reason(exc.reason)}")
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, or not HTTP at all
            return Result(None, f"no answer: {_reason(exc)}")


def _reason(exc) -> str:
    if isinstance(exc, TimeoutError):
        return str(exc) or "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
