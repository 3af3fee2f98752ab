"""The Flask intake service: registration, magazine orders, withdrawal, and the back office at /crm/."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel

from intake import (
    abuse,
    choices,
    content,
    crm,
    db,
    errors,
    headers,
    outbox,
    public,
    redaction,
    settings,
    site,
    webhook,
    withdrawal,
)


class Intake(Flask):
    def log_exception(self, exc_info) -> None:
        """Flask's own line, with the path as the access logs show it: a withdrawal or reset link's
        token stays out of the error log too (`redaction.path`)."""
        self.logger.error("Exception on %s [%s]", redaction.path(request.path), request.method, exc_info=exc_info)


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults, then the environment (or `test_config`), then the resources that need them."""
    app = Intake(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.update(settings.from_environment() if test_config is None else test_config)
    settings.require(app.config)
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.development_secret(instance)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = settings.sqlite_url(instance)
    if not app.config.get("MAIL_DIR"):
        app.config["MAIL_DIR"] = str(instance / "mail")
    webhook.check_config(app.config)
    outbox.check_lease(app.config)

    Babel(app, locale_selector=lambda: g.get("lang") or site.language_of(request.path))
    content.init_app(app)
    db.init_app(app)
    abuse.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals["country_options"] = choices.country_options
    app.register_blueprint(public.bp)
    app.register_blueprint(withdrawal.bp)
    crm.init_app(app)
    site.init_app(app)
    redaction.init_app(app)  # after every route is registered
    return app
