"""The back office at /crm/: staff log in and follow households up."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g
from flask_wtf.csrf import generate_csrf

bp = Blueprint(
    "crm",
    __name__,
    url_prefix="/crm",
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)


@bp.before_request
def _staff_language():
    g.lang = current_app.config["STAFF_LANGUAGE"]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = generate_csrf
    auth.init_app(app)
    app.register_blueprint(bp)


from intake.crm import (  # noqa: E402, F401 - they register their views on bp
    admin,
    auth,
    contacts,
    dashboard,
    households,
    orders,
    password_reset,
    privacy,
    staff,
    undelivered,
)
