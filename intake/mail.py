"""Sending e-mail: SMTP from MAIL_URL, or .eml files in instance/mail/ when it is unset.

Messages are built with the standard library's `email` package under the SMTP policy, which
refuses line breaks in header values: nothing typed into a form can add a header.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import private_files
from .models import utcnow

log = logging.getLogger(__name__)


class MailConfigError(ValueError):
    """MAIL_URL cannot be understood."""


@dataclass(frozen=True)
class Outgoing:
    to_address: str
    to_name: str | None
    subject: str
    body_text: str
    body_html: str
    message_id: str
    language: str


def build(outgoing: Outgoing, sender: str) -> EmailMessage:
    """The MIME message: plain text and HTML, marked as automatic, with a stable Message-ID."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = Address(display_name=name, addr_spec=address)
    message["To"] = Address(display_name=outgoing.to_name or "", addr_spec=outgoing.to_address)
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = outgoing.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(outgoing.body_text)
    message.add_alternative(outgoing.body_html, subtype="html")
    message["Content-Language"] = outgoing.language  # after the body: set_content clears Content-* headers
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    ssl: bool
    starttls: bool
    timeout: float = 20.0


def parse_url(url: str) -> SmtpSettings:
    """smtp://user:password@host:587?starttls=true, or smtps://user:password@host:465."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError(
            f"MAIL_URL must look like smtp://user:password@host:587?starttls=true, got {parts.scheme}://…"
        )
    options = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise MailConfigError("MAIL_URL has a port that is not a number") from None
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=parts.scheme == "smtps",
        starttls=options.get("starttls") in ("1", "true", "yes", "on"),
        timeout=float(options.get("timeout", 20)),
    )


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __init__(self, settings: SmtpSettings, sender: str):
        self.settings, self.sender = settings, sender
        self.connection: smtplib.SMTP | None = None

    def __enter__(self):
        s = self.settings
        context = ssl.create_default_context()
        if s.ssl:
            self.connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            self.connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                self.connection.starttls(context=context)
        if s.user:
            self.connection.login(s.user, s.password or "")
        return self

    def send(self, outgoing: Outgoing) -> str:
        self.connection.send_message(build(outgoing, self.sender))
        return "sent"

    def __exit__(self, *exc):
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                self.connection.close()
            except OSError:
                pass


class FileTransport:
    """Development: each message is written as an .eml file to open in any mail program."""

    def __init__(self, folder: Path, sender: str):
        self.folder, self.sender = Path(folder), sender

    def __enter__(self):
        private_files.folder(self.folder)
        return self

    def send(self, outgoing: Outgoing) -> str:
        name = outgoing.message_id.strip("<>").split("@")[0] + ".eml"
        private_files.write(self.folder / name, bytes(build(outgoing, self.sender)))  # names and addresses
        return "written"

    def __exit__(self, *exc):
        return None


def redacted(url: str) -> str:
    """MAIL_URL without its password, for messages."""
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    return f"{parts.scheme}://{host}"


def transport(config: dict):
    """The transport MAIL_URL asks for: SMTP, or files in MAIL_DIR when it is unset."""
    sender = config["MAIL_FROM"]
    if config.get("MAIL_URL"):
        return SmtpTransport(parse_url(config["MAIL_URL"]), sender)
    return FileTransport(Path(config["MAIL_DIR"]), sender)


ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def describe_error(exc: BaseException) -> str:
    """One readable line for a failed send, with any e-mail address the server echoed removed."""
    return ADDRESS.sub("<address>", _describe(exc))[:500]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code}: {' '.join(text.split())}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "SMTP: the recipient was refused"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError | smtplib.SMTPServerDisconnected):
        return f"{type(exc).__name__}: {exc}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
