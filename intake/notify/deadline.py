"""A total time limit for each attempt over the network: an SMTP session's start, one message, one
webhook POST.

smtplib and http.client take a timeout per socket operation only, so a server that sends a byte
every second never trips it and holds the worker for as long as it likes. Here a timer shuts the
connection down when the attempt's time is up, which ends whatever read or write is waiting, in
whichever library and under TLS too. That is simpler and surer than shrinking the socket's timeout
before every read, which would mean reaching into each library's reads, and into TLS sockets that
do not let us; and unlike running the attempt in a thread that is abandoned, it leaves nothing
behind still talking to the server.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager, suppress


class Deadline:
    """Watches one connection; each `attempt()` over it may take at most `seconds` in all."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._ends = time.monotonic() + seconds
        self._attempt = 0  # which attempt the running timer belongs to
        self._watched: socket.socket | None = None

    def connect(self, address, source_address=None) -> socket.socket:
        """socket.create_connection within what is left of the attempt, watched from then on."""
        sock = socket.create_connection(address, max(self._ends - time.monotonic(), 0.01), source_address)
        sock.settimeout(self.seconds)  # for each read and write; the timer bounds the whole attempt
        # A second descriptor of the same connection: shutting it down ends the connection however it
        # is wrapped later (STARTTLS, HTTPS), even while a TLS handshake has the first one detached.
        watched = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        with self._lock:
            self._close_watched()
            self._watched = watched
            if self.expired:
                self._shut_down()
        return sock

    @contextmanager
    def attempt(self):
        """Shut the connection down once `seconds` have passed; what that breaks is a TimeoutError."""
        with self._lock:
            self._attempt += 1
            self._ends, self.expired = time.monotonic() + self.seconds, False
            timer = threading.Timer(self.seconds, self._expire, args=(self._attempt,))
        timer.daemon = True
        timer.start()
        try:
            yield self
            # A library may take the cut-off answer as a whole one (smtplib reads "22" as a reply code).
            if self.expired:
                raise TimeoutError(f"timed out after {self.seconds:g} s")
        except Exception as exc:
            if self.expired and not isinstance(exc, TimeoutError):
                raise TimeoutError(f"timed out after {self.seconds:g} s") from exc
            raise
        finally:
            with self._lock:
                self._attempt += 1  # a timer that fires now finds its attempt over and leaves the connection be
            timer.cancel()

    def close(self) -> None:
        """Let go of the watched descriptor; the connection itself is its owner's to close, and only
        ends once both are closed, so every user closes its Deadline with its connection."""
        with self._lock:
            self._close_watched()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _expire(self, attempt: int) -> None:
        with self._lock:
            if attempt == self._attempt:
                self.expired = True
                self._shut_down()

    def _shut_down(self) -> None:
        if self._watched is not None:
            with suppress(OSError):  # already closed by the other side
                self._watched.shutdown(socket.SHUT_RDWR)

    def _close_watched(self) -> None:
        if self._watched is not None:
            self._watched.close()
            self._watched = None
