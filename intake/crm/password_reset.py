"""A forgotten password: "send me a link", and the page the link opens to choose a new one.

The answer to "send me a link" is the same, in words and in work, whether or not the address has
an account (see `intake.accounts.resets`).
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from intake import db
from intake.accounts import passwords, resets
from intake.builtsite.shell import render_staff
from intake.crm import bp
from intake.public import abuse
from intake.web import redaction


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(_l("Fill in this field.")), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), [InputRequired(_l("Fill in this field.")), Length(max=1024)])
    confirm = PasswordField(
        _l("The new password again"),
        [InputRequired(_l("Fill in this field.")), EqualTo("password", _l("The two passwords are not the same."))],
    )


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _address_key() -> str:
    """Links are limited per address asked for too, however many client addresses ask: else many
    could flood one person's inbox with links (and all of them would be valid)."""
    return "forgot:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/password/forgot/", methods=["GET", "POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"], key_func=_address_key)
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        session = db.session()
        # One row for the worker, whatever the address: looking it up here would take longer for
        # an address with an account (a token, an e-mail to write) and so tell that it has one.
        session.add(resets.request_link(form.email.data.strip().lower()))
        session.commit()
        return render_staff(
            "crm/message.html",
            _("Check your e-mail"),
            text=_("If there is an account for that address, we have sent it a link to choose a new password."),
        )
    return render_staff("crm/forgot.html", _("Forgotten password"), form=form)


@bp.route("/password/reset/<token>/", methods=["GET", "POST"])
@redaction.private
def reset_password(token: str):
    session = db.session()
    reset = resets.find(session, token)
    if reset is None:
        abort(404)
    form = ResetForm()
    error = None
    if form.validate_on_submit():
        try:
            passwords.check_strength(form.password.data, (reset.user.email, reset.user.name))
            if not resets.redeem(session, reset, form.password.data):
                abort(404)  # used a moment ago, by another request with the same link
        except passwords.WeakPassword as exc:
            error = {
                "short": _("Use at least 12 characters."),
                "long": _("Use at most 1024 characters."),
                "common": _("This password is too common or too easy to guess; try a few unrelated words."),
            }[exc.reason]
        else:
            return redirect(url_for("crm.login"), 303)
    return render_staff(
        "crm/reset.html", _("Choose a new password"), form=form, error=error, status=422 if error else 200
    )
