"""The Flask intake service: registration, magazine orders, withdrawal, and the back office at /crm/.

Where things live (one rule: the root holds the app's plumbing and the vocabulary every area shares;
each area is a package that owns its models' rules, views, e-mails and commands):

    intake/            create_app (here), cli (the `tasteget` command), settings, db, models and
                       migrations/, wsgi and gunicorn_conf, choices, references, spreadsheet
      public/          the forms movers fill in, what they save, their defences, withdrawal
      events/          signing up to the content's events: places, waiting list, e-mails, cancel link
      notify/          the outbox and its worker, e-mails and their recipients, SMTP, the webhook
      privacy/         consent, erasure, retention, export, the audit log
      accounts/        staff accounts, passwords, reset links
      figures/         the campaign's figures and charts
      importer/        records from the previous CRM
      crm/             the back office's views, calling the packages above
      builtsite/       the static site as the intake serves and wraps it
      web/             what every request passes through: headers, errors, log redaction
      ops/             backups, owner-only files, the development server

Importing a module (say `intake.models`) loads only what it needs: the blueprints and Flask's
extensions are imported inside `create_app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults, then the environment (or `test_config`), then the resources that need them."""
    from flask import g, request
    from flask_babel import Babel

    from intake import choices, crm, db, settings
    from intake.builtsite import content, serving
    from intake.events import views as event_views
    from intake.notify import outbox, webhook
    from intake.public import abuse, forms, mine, views, withdrawal
    from intake.web import compression, errors, headers, redaction

    app = errors.Intake(__name__, instance_relative_config=True)
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

    Babel(
        app,
        locale_selector=lambda: g.get("lang") or serving.language_of(request.path),
        timezone_selector=lambda: app.config["TIMEZONE"],  # times are stored in UTC, shown in the region's
    )
    content.init_app(app)
    db.init_app(app)
    abuse.init_app(app)
    compression.init_app(app)  # before headers: after-request functions run last first, and it runs last
    headers.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals["country_options"] = choices.country_options
    app.jinja_env.globals["error_list"] = forms.error_list
    app.register_blueprint(views.bp)
    app.register_blueprint(withdrawal.bp)
    app.register_blueprint(mine.bp)
    app.register_blueprint(event_views.bp)
    crm.init_app(app)
    serving.init_app(app)
    redaction.init_app(app)  # after every route is registered
    return app
