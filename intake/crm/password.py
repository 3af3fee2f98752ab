"""A forgotten password: a single-use link, valid for PASSWORD_RESET_MINUTES, sent by e-mail.

The answer to "send me a link" is the same whether or not the address has an account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta

from flask import abort, current_app, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from .. import abuse, accounts, db, passwords, redaction
from ..messages import GUIDE_LANGUAGE, compose, public_url
from ..models import PasswordReset, utcnow
from ..pages import render_staff
from . import bp


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(_l("Fill in this field.")), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), [InputRequired(_l("Fill in this field.")), Length(max=1024)])
    confirm = PasswordField(
        _l("The new password again"),
        [InputRequired(_l("Fill in this field.")), EqualTo("password", _l("The two passwords are not the same."))],
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def send_link(session, user, minutes: int) -> None:
    """Queue a single-use link for `user` to choose a password, valid for `minutes`."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(token_hash=_hash(token), user_id=user.id, expires_at=utcnow() + timedelta(minutes=minutes))
    )
    with force_locale(GUIDE_LANGUAGE):
        subject = _("Choose a new password")
    session.add(
        compose(
            "password_reset",
            user.email,
            user.name,
            GUIDE_LANGUAGE,
            subject,
            "password_reset",
            link=public_url(url_for("crm.reset_password", token=token)),
            minutes=minutes,
        )
    )


@bp.route("/password/forgot/", methods=["GET", "POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            user = accounts.find(session, form.email.data)
        except accounts.AccountError:
            user = None
        if user is not None and user.active:
            send_link(session, user, current_app.config["PASSWORD_RESET_MINUTES"])
            session.commit()
        return render_staff(
            "crm/message.html",
            _("Check your e-mail"),
            text=_("If there is an account for that address, we have sent it a link to choose a new password."),
        )
    return render_staff("crm/forgot.html", _("Forgotten password"), form=form)


def _valid(session, token: str) -> PasswordReset:
    reset = session.get(PasswordReset, _hash(token))
    expires = reset.expires_at if reset is None or reset.expires_at.tzinfo else reset.expires_at.replace(tzinfo=UTC)
    if reset is None or reset.used_at is not None or expires < utcnow() or not reset.user.active:
        abort(404)
    return reset


@bp.route("/password/reset/<token>/", methods=["GET", "POST"])
@redaction.private
def reset_password(token: str):
    session = db.session()
    reset = _valid(session, token)
    form = ResetForm()
    error = None
    if form.validate_on_submit():
        try:
            passwords.check_strength(form.password.data, (reset.user.email, reset.user.name))
            accounts.set_password(session, reset.user, form.password.data)
        except passwords.WeakPassword as exc:
            error = {
                "short": _("Use at least 12 characters."),
                "long": _("Use at most 1024 characters."),
                "common": _("This password is too common or too easy to guess; try a few unrelated words."),
            }[exc.reason]
        else:
            reset.used_at = utcnow()
            session.commit()
            return redirect(url_for("crm.login"), 303)
    return render_staff(
        "crm/reset.html", _("Choose a new password"), form=form, error=error, status=422 if error else 200
    )
