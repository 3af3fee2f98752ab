"""Logging in and out: sessions kept on the server, idle and absolute timeouts, bounded guessing.

The cookie holds only a random session id (signed); logging out, a timeout, a new password or a
deactivated account ends the session row, so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from urllib.parse import urlsplit

import pyotp
from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from intake import db
from intake.accounts import passwords, users
from intake.builtsite.shell import render_staff
from intake.crm import bp
from intake.models import StaffSession, User, utcnow
from intake.public import abuse

login_manager = LoginManager()


class Staff(UserMixin):
    """The logged-in user, as Flask-Login sees them: identified by their session, not their id."""

    def __init__(self, user: User, session_row: StaffSession):
        self.user, self.session_row = user, session_row

    def get_id(self) -> str:
        return self.session_row.id

    def __getattr__(self, name):
        return getattr(self.user, name)


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


@login_manager.user_loader
def _load(token: str):
    s = db.session()
    row = s.get(StaffSession, token)
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    now, config = utcnow(), current_app.config
    idle = now - _aware(row.last_seen_at) > timedelta(minutes=config["STAFF_IDLE_MINUTES"])
    too_old = now - _aware(row.created_at) > timedelta(hours=config["STAFF_SESSION_HOURS"])
    if idle or too_old:
        row.ended_at = now
        s.commit()
        return None
    if now - _aware(row.last_seen_at) > timedelta(seconds=30):
        row.last_seen_at = now
        s.commit()
    return Staff(row.user, row)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(_l("Fill in this field.")), Length(max=254)])
    password = PasswordField(_l("Password"), [InputRequired(_l("Fill in this field.")), Length(max=1024)])


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _account_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str:
    """Only paths inside the back office; never another site."""
    if target and target.startswith("/crm/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("crm.home")


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "crm.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session row is the protection


@bp.route("/login/", methods=["GET", "POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        s = db.session()
        try:
            user = users.find(s, form.email.data)
        except users.AccountError:
            user = None
        usable = user is not None and user.active
        if passwords.verify(user.password_hash if usable else None, form.password.data):
            target = _safe_next(request.args.get("next"))
            if user.totp_secret or user.role in _totp_roles():
                # The password was right; a second factor still stands between them and the session.
                pending = users.begin_second_factor(s, user)
                session.clear()
                session["pending"] = {"user": user.id, "id": pending, "at": utcnow().timestamp(), "next": target}
                return redirect(url_for("crm.login_code"), 303)
            return _start_session(user, target)
        error = _("The e-mail address or the password is wrong.")  # the same for both
    return render_staff("crm/login.html", _("Log in"), form=form, error=error, status=401 if error else 200)


def _start_session(user: User, target: str):
    s = db.session()
    row = StaffSession(id=secrets.token_urlsafe(32), user_id=user.id)
    user.last_login_at = utcnow()
    s.add(row)
    s.commit()
    session.clear()
    login_user(Staff(user, row))
    return redirect(target, 303)


def _totp_roles() -> set[str]:
    return {r.strip() for r in current_app.config["TOTP_REQUIRED_ROLES"].split(",") if r.strip()}


class CodeForm(FlaskForm):
    code = StringField(
        _l("Six-digit code from your authenticator app"),
        [
            InputRequired(_l("Fill in this field.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Enter the six digits.")),
        ],
    )


def _pending_user() -> User | None:
    """The user who gave the right password in the last five minutes, if their login still waits
    for its code (the database says so: a copied cookie does not bring back a login that is over)."""
    pending = session.get("pending")
    if not pending or utcnow().timestamp() - pending["at"] > 300:
        return None
    user = db.session().get(User, pending["user"])
    usable = user is not None and user.active and users.is_pending(user, pending.get("id"))
    return user if usable else None


def _pending_account_key() -> str:
    """Codes are limited per account too, however many addresses or logins they come from."""
    return f"code:{(session.get('pending') or {}).get('user', '')}"


def _password_again():
    """The login page, for someone whose login no longer waits for a code."""
    session.pop("pending", None)
    error = _("Your login has ended (too many wrong codes, or a long wait). Enter your password again.")
    return render_staff("crm/login.html", _("Log in"), form=LoginForm(formdata=None), error=error, status=401)


@bp.route("/login/code/", methods=["GET", "POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"])
@abuse.limiter.limit(_login_limit, methods=["POST"], key_func=_pending_account_key)
def login_code():
    """The second factor: a TOTP code; the first time, the user sets up their app here."""
    user = _pending_user()
    if user is None:
        if session.get("pending") and request.method == "POST":
            return _password_again()
        return redirect(url_for("crm.login"), 303)
    setup = user.totp_secret is None
    if setup:
        session["pending"].setdefault("secret", pyotp.random_base32())
        session.modified = True
    secret = user.totp_secret or session["pending"]["secret"]
    pending = session["pending"]["id"]
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        s = db.session()
        tried = users.take_code_try(s, user, pending)
        if tried is None:
            return _password_again()
        step = users.totp_step(secret, form.code.data.replace(" ", ""), utcnow())
        if step is not None and users.use_totp_step(s, user, step):
            if setup:
                user.totp_secret = secret
            users.end_second_factor(s, user, pending)
            return _start_session(user, session["pending"]["next"])
        if tried >= users.WRONG_CODES_ALLOWED:
            users.end_second_factor(s, user, pending)
            return _password_again()
        error = _("The code is wrong or too old. Enter the code your app shows now.")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])
    return render_staff(
        "crm/code.html",
        _("Set up your second factor") if setup else _("Second factor"),
        form=form,
        error=error,
        setup=setup,
        secret=secret if setup else None,
        uri=uri if setup else None,
        status=401 if error else 200,
    )


@bp.post("/logout/")
def logout():
    form = FlaskForm()
    if current_user.is_authenticated:
        if not form.validate_on_submit():
            abort(400)  # a forged logout from another site
        s = db.session()
        row = s.get(StaffSession, current_user.get_id())
        row.ended_at = utcnow()
        s.commit()
    logout_user()
    session.clear()
    return redirect(url_for("crm.login"), 303)
