"""The MIME message an outbox message becomes, and the check every one passes before it is queued,
written or sent.

Address headers carry addresses only: no name typed into a form is ever written into a header. The
check holds whatever the Python version: before the fix for CVE-2024-6923 (3.11.7 has none), the
`email` package decodes an encoded-word in a display name while folding and writes the line breaks
it hides out raw, so its own refusal of line breaks in header values is not enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import Parser
from email.utils import format_datetime, parseaddr

from intake.models import utcnow

# Kinds of message a member of staff wrote (not marked as automatic, replies welcome).
WRITTEN_BY_STAFF = ("household_message",)


class UnsafeMessage(ValueError):
    """A message whose headers would not say exactly what was set: it is never sent. The reason
    names the header, never its value (which can be personal data)."""


@dataclass(frozen=True)
class Outgoing:
    to_address: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    language: str
    reply_to: str | None = None  # an address only, like To
    automatic: bool = True  # False: a person wrote it (a guide's message), so no Auto-Submitted
    calendar: str | None = None  # an iCalendar file to attach (an event's confirmation)

    @classmethod
    def of(cls, message) -> Outgoing:
        """The e-mail an outbox message holds."""
        return cls(
            message.to_address,
            message.subject,
            message.body_text,
            message.body_html,
            message.message_id,
            message.language,
            message.reply_to or None,
            message.kind not in WRITTEN_BY_STAFF,
            getattr(message, "calendar", None),
        )


def build(outgoing: Outgoing, sender: str, campaign: str = "") -> EmailMessage:
    """The MIME message: plain text and HTML, marked as automatic (unless staff wrote it), with a
    stable Message-ID and a Reply-To when one is set (an address only); From is `sender` (MAIL_FROM)
    in the campaign's name (see `sender_address`). Checked with `verify`, so it raises UnsafeMessage
    rather than return a message that says anything else."""
    message = EmailMessage()
    _set(message, "From", lambda: sender_address(sender, campaign))
    _set(message, "To", lambda: Address(addr_spec=outgoing.to_address))
    if outgoing.reply_to:
        _set(message, "Reply-To", lambda: Address(addr_spec=outgoing.reply_to))
    _set(message, "Subject", lambda: outgoing.subject)
    _set(message, "Date", lambda: format_datetime(utcnow()))
    _set(message, "Message-ID", lambda: outgoing.message_id)
    if outgoing.automatic:
        _set(message, "Auto-Submitted", lambda: "auto-generated")
    message.set_content(outgoing.body_text)
    message.add_alternative(outgoing.body_html, subtype="html")
    if outgoing.calendar:
        # METHOD:PUBLISH on the part too: mail programs offer "add to calendar", not a meeting reply.
        message.add_attachment(
            outgoing.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="event.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    # After the body: set_content clears Content-* headers.
    _set(message, "Content-Language", lambda: outgoing.language)
    verify(message)
    return message


def sender_address(sender: str, campaign: str) -> Address:
    """MAIL_FROM's address in the campaign's name (the `campaign` of the content, which the operator
    and the communicators choose, never a form): a display name written in MAIL_FROM itself wins.
    The headerregistry quotes or encodes the name as it needs (RFC 5322 / RFC 2047)."""
    name, address = parseaddr(sender)
    return Address(display_name=name or " ".join(campaign.split()), addr_spec=address)


def _set(message: EmailMessage, field: str, value) -> None:
    try:
        message[field] = value()
    except ValueError:  # a line break in the value, or an address that is not exactly one address
        raise UnsafeMessage(f"the {field} header cannot be written as it is; not sent") from None


# A header line: a field name and its colon, or the folding whitespace that continues the one above.
HEADER_LINE = re.compile(rb"[!-9;-~]+:|[ \t]+\S")


def verify(message: EmailMessage) -> None:
    """Raise UnsafeMessage unless the message's headers, as a file or SMTP writes them, are header
    lines and their folding only, and read back as exactly the headers set, each with the value set
    (for an address header, the same addresses)."""
    # As smtplib writes them: with SMTPUTF8 when an address is not ASCII.
    written = message.policy.clone(linesep="\r\n", utf8=_international(message))
    try:  # what the generator writes for each header, without the bodies
        head = b"".join(written.fold_binary(name, value) for name, value in message.raw_items())
    except (ValueError, UnicodeError, MessageError):
        raise UnsafeMessage("the headers cannot be written; not sent") from None
    for line in head.removesuffix(b"\r\n").split(b"\r\n"):
        if b"\r" in line or b"\n" in line or not HEADER_LINE.match(line):
            raise UnsafeMessage("a header line would be broken; not sent")
    parsed = Parser(policy=policy.default).parsestr(head.decode("utf-8") + "\r\n", headersonly=True)
    if [k.lower() for k in parsed] != [k.lower() for k in message]:  # iterating a message: its header names
        raise UnsafeMessage("the headers would not read back as they were set; not sent")
    for (field, value), (_, back) in zip(message.items(), parsed.items(), strict=True):
        if not _same(value, back):
            raise UnsafeMessage(f"the {field} header would not read back as it was set; not sent")


def _international(message: EmailMessage) -> bool:
    addresses = [a.addr_spec for _, value in message.items() for a in getattr(value, "addresses", ())]
    return not "".join(addresses).isascii()


def _same(value, back) -> bool:
    if hasattr(value, "addresses"):
        return _addresses(back) == _addresses(value)
    return _text(back) == _text(value)


def _addresses(header) -> list[tuple[str, str]]:
    return [(_text(a.display_name), a.addr_spec) for a in header.addresses]


def _text(value) -> str:
    """Text without its whitespace: folding long non-ASCII text can add or drop a space between
    encoded-words, and a line break in a value has failed the line checks before this compares."""
    return "".join(str(value).split())
