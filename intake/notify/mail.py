"""Sending e-mail: SMTP from MAIL_URL, or .eml files in instance/mail/ when it is unset.

What is written or sent is built by `mime.build`, which checks every header first.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from intake.notify.deadline import Deadline
from intake.notify.mime import Outgoing, build
from intake.ops import private_files

log = logging.getLogger("intake.mail")  # a log name operators filter on: it stays when the module moves


class MailConfigError(ValueError):
    """MAIL_URL cannot be understood."""


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
    try:
        timeout = float(options.get("timeout", 20))
    except ValueError:
        timeout = 0
    if not 0 < timeout < float("inf"):
        raise MailConfigError("MAIL_URL's timeout= must be a number of seconds above 0")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=parts.scheme == "smtps",
        starttls=options.get("starttls") in ("1", "true", "yes", "on"),
        timeout=timeout,
    )


class _Smtp(smtplib.SMTP):
    """smtplib's client, its connection made (and watched) by a Deadline."""

    def __init__(self, deadline: Deadline, *args, **kwargs):
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def _get_socket(self, host, port, timeout):
        return self.deadline.connect((host, port), self.source_address)


class _SmtpSsl(smtplib.SMTP_SSL, _Smtp):
    """The same over TLS from the start: SMTP_SSL wraps the socket that _Smtp connects."""

    def __init__(self, deadline: Deadline, *args, **kwargs):
        self.deadline = deadline
        smtplib.SMTP_SSL.__init__(self, *args, **kwargs)


class SmtpTransport:
    """One SMTP connection for a batch of messages. Starting the session (greeting, STARTTLS, login)
    and then each message get `timeout` seconds each in all, however slowly the server answers."""

    def __init__(self, settings: SmtpSettings, sender: str, campaign: str = ""):
        self.settings, self.sender, self.campaign = settings, sender, campaign
        self.connection: smtplib.SMTP | None = None
        self.timeout = settings.timeout
        self.deadline = Deadline(settings.timeout)

    def __enter__(self):
        s = self.settings
        context = ssl.create_default_context()
        try:
            with self.deadline.attempt():
                if s.ssl:
                    self.connection = _SmtpSsl(self.deadline, s.host, s.port, timeout=s.timeout, context=context)
                else:
                    self.connection = _Smtp(self.deadline, s.host, s.port, timeout=s.timeout)
                    if s.starttls:
                        self.connection.starttls(context=context)
                if s.user:
                    self.connection.login(s.user, s.password or "")
        except BaseException:
            self._close()
            raise
        return self

    def send(self, outgoing: Outgoing) -> str:
        message = build(outgoing, self.sender, self.campaign)
        with self.deadline.attempt():
            self.connection.send_message(message)
        return "sent"

    def __exit__(self, *exc):
        try:
            with self.deadline.attempt():
                self.connection.quit()
        except (smtplib.SMTPException, OSError):
            pass  # every message is sent or marked failed already: a QUIT that goes wrong changes nothing
        finally:
            self._close()

    def _close(self):
        if self.connection is not None:
            self.connection.close()
        self.deadline.close()


class FileTransport:
    """Development: each message is written as an .eml file to open in any mail program."""

    timeout = 0.0  # no server to wait for

    def __init__(self, folder: Path, sender: str, campaign: str = ""):
        self.folder, self.sender, self.campaign = Path(folder), sender, campaign

    def __enter__(self):
        private_files.folder(self.folder)
        return self

    def send(self, outgoing: Outgoing) -> str:
        name = outgoing.message_id.strip("<>").split("@")[0] + ".eml"
        private_files.write(
            self.folder / name, bytes(build(outgoing, self.sender, self.campaign))
        )  # names and addresses
        return "written"

    def __exit__(self, *exc):
        return None


def redacted(url: str) -> str:
    """MAIL_URL without its password, for messages."""
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    return f"{parts.scheme}://{host}"


def transport(config: dict, campaign: str = ""):
    """The transport MAIL_URL asks for: SMTP, or files in MAIL_DIR when it is unset. Messages are
    From MAIL_FROM in the name of `campaign` (unless MAIL_FROM names itself; see `mime.sender_address`)."""
    sender = config["MAIL_FROM"]
    if config.get("MAIL_URL"):
        return SmtpTransport(parse_url(config["MAIL_URL"]), sender, campaign)
    return FileTransport(Path(config["MAIL_DIR"]), sender, campaign)


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
