"""An example receiver of Ta Steget's webhook, for the system at the other end (see WEBHOOKS.md).

It checks each delivery's signature and timestamp, and handles each idempotency key once. It needs
nothing but Python's standard library, so it can be copied as it is:

    WEBHOOK_SECRET=... python examples/webhook_receiver.py --port 8090

and Ta Steget's worker pointed at it with WEBHOOK_URL=http://127.0.0.1:8090/ and the same secret.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300  # older (or later) timestamps are refused, so a captured request cannot be replayed
MAX_BODY = 1024 * 1024


def verify(secret: bytes, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None) -> bool:
    """True when the delivery was signed with `secret` within the last five minutes.

    `body` must be the raw bytes received (not parsed and serialised again), `timestamp` and
    `signature` the X-TaSteget-Timestamp and X-TaSteget-Signature headers as received."""
    if not (timestamp and timestamp.isascii() and timestamp.isdigit()):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = "sha256=" + hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")  # constant time: the comparison leaks nothing


class Receiver:
    """What the receiving system does with a delivery; `handle` returns the HTTP status to answer.

    2xx tells the sender it is done; 5xx (or no answer) makes it try again later with the same
    idempotency key; any other 4xx makes it give up and tell its coordinator."""

    def __init__(self, secret: bytes):
        self.secret = secret
        # A real receiver keeps the keys in its database (a unique column), written in the same
        # transaction as the delivery's effect, so a repeat is recognised even after a restart.
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def handle(self, headers, body: bytes) -> int:
        if not verify(self.secret, body, headers.get("X-TaSteget-Timestamp"), headers.get("X-TaSteget-Signature")):
            return 401
        try:
            event = json.loads(body)
        except ValueError:
            return 400
        key = headers.get("Idempotency-Key")
        if not key or not isinstance(event, dict) or event.get("id") != key:
            return 400
        with self.lock:
            if key in self.seen:
                return 200  # delivered again (our answer was lost, or the sender retried): already done
            self.process(event)
            self.seen.add(key)
        return 200

    def process(self, event: dict) -> None:
        """Store the delivery in your CRM. Deliveries can arrive out of order: compare `occurred_at`."""
        print(event["occurred_at"], event["type"], event["id"], flush=True)  # never the personal data


def make_server(receiver: Receiver, host: str = "127.0.0.1", port: int = 8090) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length") or "")
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self._answer(400 if length < 0 else 413)
                return
            self._answer(receiver.handle(self.headers, self.rfile.read(length)))

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):  # quiet: `process` says what arrived, without personal data
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    secret = os.environ.get("WEBHOOK_SECRET")
    if not secret:
        raise SystemExit("set WEBHOOK_SECRET to the secret Ta Steget signs with")
    server = make_server(Receiver(secret.encode("utf-8")), args.host, args.port)
    print(f"Receiving at http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()
