"""Shared fixtures: generated content, the real site built once per run, the intake and its CRM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socketserver
import threading
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from intake import create_app, db
from intake.models import Base
from intake.public import abuse

from tests.support import installed
from tests.support.helpers import free_port, load_example_receiver, tasteget
from tests.support.intake_helpers import intake_config, make_staff
from tests.support.sample_content import write_sample


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A valid generated content folder with two municipalities and a coworking space each."""
    return write_sample(tmp_path / "content", municipalities=2, spaces=1)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real content built into a temporary folder, both languages."""
    out = tmp_path_factory.mktemp("site")
    result = tasteget("build", "--site-dir", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


# The intake and its CRM database ---------------------------------------------------------------
# Every test that uses `app` runs against SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


def _own_database(backend: str, folder: Path):
    """An SQLite file in `folder`, or a fresh PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'crm.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"tasteget_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A database of this run's own: an SQLite file, or a fresh PostgreSQL schema."""
    yield from _own_database(request.param, tmp_path_factory.mktemp("crm"))


@pytest.fixture(params=BACKENDS)
def unmigrated_database_url(request, tmp_path):
    """A database of this test's own with no tables yet, for a test of the migrations themselves."""
    yield from _own_database(request.param, tmp_path)


@pytest.fixture(scope="session")
def intake_app(database_url, built_site):
    app = create_app(intake_config(database_url, built_site))
    db.upgrade(app.extensions["db_engine"])
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def app(intake_app):
    """The intake with an empty CRM; settings a test changes are put back afterwards."""
    saved = dict(intake_app.config)
    yield intake_app
    intake_app.config.clear()
    intake_app.config.update(saved)
    abuse.limiter.reset()
    with intake_app.extensions["db_engine"].begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def rows(app):
    """Read the CRM directly: rows(Model) -> every row of that model, in the order they were written
    (by primary key: PostgreSQL returns rows in no set order, an updated one often last)."""

    def read(model, *where):
        with Session(app.extensions["db_engine"]) as session:
            return list(session.scalars(select(model).where(*where).order_by(*model.__table__.primary_key.columns)))

    return read


# A real SMTP server on loopback -------------------------------------------------------------------


class SmtpServer:
    """aiosmtpd on a fixed loopback port, which can be stopped and started like a real server."""

    def __init__(self):
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.refuse: set[str] = set()  # recipients the server answers 550
        self.delay = 0.0  # seconds each message takes to be accepted (a slow server)
        self.on_accept = None  # called with each message once it is kept, before the client hears 250
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
                if address in server.refuse:
                    return f"550 5.1.1 <{address}>: mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                if server.delay:
                    await asyncio.sleep(server.delay)
                message = BytesParser(policy=policy.default).parsebytes(envelope.content)
                message.envelope_to = list(envelope.rcpt_tos)
                message.accepted_at = time.time()
                server.received.append(message)
                if server.on_accept is not None:
                    server.on_accept(message)
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if address in m.envelope_to]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The intake sending through the test SMTP server."""
    app.config.update(MAIL_URL=smtp.url, MAIL_BACKOFF_SECONDS=30, MAIL_MAX_ATTEMPTS=8)
    return app


# The example webhook receiver on loopback ---------------------------------------------------------

WEBHOOK_SECRET = "test-webhook-secret-0123456789"


class WebhookServer:
    """The example receiver (signature, timestamp, dedup by idempotency key) served over real HTTP
    on a fixed loopback port; it records every request and can be stopped, started or made to fail."""

    def __init__(self, secret: str = WEBHOOK_SECRET):
        self.example = load_example_receiver()
        self.port = free_port()
        self.requests: list[tuple] = []  # (headers, body, status answered)
        self.processed: list[dict] = []  # what the receiver acted on: once per idempotency key
        self.answer: int | None = None  # answer this without looking (503: down for maintenance; 400: refused)
        self.answer_after: int | None = None  # answer this after processing (the answer is lost on the way)
        self.server = None
        self.receiver = self._receiver(secret.encode())

    def _receiver(self, secret: bytes):
        outer = self

        class Recording(self.example.Receiver):
            def handle(self, headers, body):
                status = outer.answer or super().handle(headers, body)
                if outer.answer is None and outer.answer_after is not None:
                    status = outer.answer_after
                outer.requests.append((headers, body, status))
                return status

            def process(self, event):
                outer.processed.append(event)

        return Recording(secret)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/tasteget"

    def start(self):
        self.server = self.example.make_server(self.receiver, "127.0.0.1", self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    server = WebhookServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhook_app(app, receiver):
    """The intake handing off to the example receiver."""
    app.config.update(WEBHOOK_URL=receiver.url, WEBHOOK_SECRET=WEBHOOK_SECRET, WEBHOOK_TIMEOUT_SECONDS=5)
    return app


# The package installed from its wheel, outside the checkout ------------------------------------


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built once per run from the checkout's files."""
    return installed.build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture
def installed_package(wheel, tmp_path) -> installed.Installed:
    """The wheel in a fresh virtualenv of this test's own (its instance folder is the test's too)."""
    return installed.install(wheel, tmp_path / "venv")


@pytest.fixture
def deployment(tmp_path) -> Path:
    """A copy of the repository's content, docs and MkDocs configurations, away from the checkout."""
    return installed.deployment(tmp_path / "srv")


# A server that answers slowly -----------------------------------------------------------------------


class SlowServer:
    """A TCP server on loopback that answers slowly: after `wait` seconds it sends `answer` one byte
    every `every` seconds (all at once when 0), then hangs up; it never takes more than `limit` seconds.
    As a webhook receiver it reads the request first (`reads_request`); as a mail server it does not."""

    def __init__(self):
        self.port = free_port()
        self.answer = b""
        self.wait = 0.0
        self.every = 1.0
        self.limit = 30.0
        self.reads_request = False
        self.converse = None  # called with the connection before the slow answer, to play a protocol
        self.connections = 0
        self.stopping = threading.Event()
        self.server = None

    def url(self, path: str = "/hooks/tasteget") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self, connection):
        self.connections += 1
        give_up = time.monotonic() + self.limit
        if self.reads_request:
            request = b""
            while b"\r\n\r\n" not in request and (chunk := connection.recv(65536)):
                request += chunk
            head, _, body = request.partition(b"\r\n\r\n")
            length = int((re.search(rb"(?im)^content-length:\s*(\d+)", head) or [0, b"0"])[1])
            while len(body) < length and (chunk := connection.recv(65536)):
                body += chunk
        if self.converse is not None:
            self.converse(connection)
        if self.stopping.wait(self.wait):
            return
        if not self.every:
            connection.sendall(self.answer)
            return
        for i in range(len(self.answer)):
            if time.monotonic() > give_up:
                return
            connection.sendall(self.answer[i : i + 1])
            if self.stopping.wait(self.every):
                return

    def start(self):
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                with contextlib.suppress(OSError):  # the client gave up and hung up
                    outer._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def slow_server():
    server = SlowServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def staff(app):
    """Make staff accounts: staff("guide", "are") -> the user's e-mail address."""
    made = []

    def make(role, *municipalities, email=None):
        email = email or f"{role}-{'-'.join(municipalities) or 'all'}-{len(made)}@staff.example"
        made.append(make_staff(app, email, role, municipalities))
        return email

    return make
