"""Logging in and out: sessions kept on the server, idle and absolute timeouts, bounded guessing.

The cookie holds only a random session id (signed); logging out, a timeout, a new password or a
deactivated account ends the session row, so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from .. import abuse, accounts, db, passwords
from ..models import StaffSession, User, utcnow
from ..pages import render_staff
from . import bp

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
    return url_for("crm.households")


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
            user = accounts.find(s, form.email.data)
        except accounts.AccountError:
            user = None
        usable = user is not None and user.active
        if passwords.verify(user.password_hash if usable else None, form.password.data):
            row = StaffSession(id=secrets.token_urlsafe(32), user_id=user.id)
            user.last_login_at = utcnow()
            s.add(row)
            s.commit()
            session.clear()
            login_user(Staff(user, row))
            return redirect(_safe_next(request.args.get("next")), 303)
        error = _("The e-mail address or the password is wrong.")  # the same for both
    return render_staff("crm/login.html", _("Log in"), form=form, error=error, status=401 if error else 200)


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
