"""Links to choose a password: for a forgotten one, and a new account's first.

A link is single-use and short-lived, and only its hash is stored. "Send me a link" does the same
work for every address (the worker looks it up), so neither its answer nor its time tells who has
an account. A link works once even when two requests bring it at the same moment, and a new
password, however it is set, ends every link still open (`users.set_password`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from intake.accounts import users
from intake.models import OutboxMessage, PasswordReset, User, utcnow
from intake.notify import outbox
from intake.notify.emails import GUIDE_LANGUAGE, compose, public_url


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(session: Session, user: User, minutes: int) -> None:
    """Queue a single-use link for `user` to choose a password, valid for `minutes`; the caller commits."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(token_hash=_hash(token), user_id=user.id, expires_at=utcnow() + timedelta(minutes=minutes))
    )
    # Built without a request: the worker sends these too.
    path = current_app.url_map.bind("").build("crm.reset_password", {"token": token})
    with force_locale(GUIDE_LANGUAGE):
        subject = _("Choose a new password")
    session.add(
        compose(
            "password_reset",
            user.email,
            GUIDE_LANGUAGE,
            subject,
            "password_reset",
            link=public_url(path),
            minutes=minutes,
        )
    )


def request_link(address: str) -> OutboxMessage:
    """The outbox event for "send me a link": the same row whatever the address."""
    return OutboxMessage(**{**outbox.event_row(outbox.PASSWORD_RESET_REQUESTED), "to_address": address[:254]})


def answer_request(session: Session, event: OutboxMessage) -> None:
    """The worker's part of "send me a link": a link to an active account, nothing otherwise; the
    typed address is not kept afterwards. The caller commits."""
    try:
        user = users.find(session, event.to_address)
    except users.AccountError:
        user = None
    if user is not None and user.active:
        send_link(session, user, current_app.config["PASSWORD_RESET_MINUTES"])
    event.to_address = ""


def find(session: Session, token: str) -> PasswordReset | None:
    """The link's row while it can still be used: not used, not expired, its account active."""
    reset = session.get(PasswordReset, _hash(token))
    if reset is None or reset.used_at is not None or not reset.user.active:
        return None
    expires = reset.expires_at if reset.expires_at.tzinfo else reset.expires_at.replace(tzinfo=UTC)
    return reset if expires >= utcnow() else None


def redeem(session: Session, reset: PasswordReset, password: str) -> bool:
    """Set the password through the link, once: the link is claimed by a conditional UPDATE in the
    same transaction as the new password, so of two requests bringing it at once (any instance,
    either database) one wins and the other finds it used. False when it was used already."""
    now = utcnow()
    claimed = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == reset.token_hash,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at >= now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return False
    try:
        users.set_password(session, reset.user, password)  # commits, and ends every other link
    except users.AccountError:
        session.rollback()  # the link stays usable
        raise
    return True
