"""Running the service: `tasteget serve` for development, `tasteget db upgrade`, `backup` and `restore`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from intake.cli import app_logging, intake_app, upgrade


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, envvar="PORT", type=int, help="Port (or PORT).")
@click.option("--worker/--no-worker", default=True, show_default=True, help="Also send mail in the background.")
def serve_command(host: str, port: int, worker: bool) -> None:
    """Run the intake and the built site on one port, for development (migrates the database first).

    The outbox worker runs alongside, so mail appears (in instance/mail/ unless MAIL_URL is set).
    In production run gunicorn (`gunicorn -c python:intake.gunicorn_conf intake.wsgi:app`) and `tasteget worker`; see the README.
    """
    import threading

    from intake import settings
    from intake.builtsite.shell import SiteNotBuilt, check_site
    from intake.notify import worker as outbox_worker
    from intake.web.redaction import DevRequestHandler

    app = intake_app(migrated=False)
    if "SESSION_COOKIE_SECURE" not in os.environ:
        app.config["SESSION_COOKIE_SECURE"] = False  # this development server speaks plain http
    if "PUBLIC_URL" not in os.environ:
        # Links in e-mails (the worker below shares this app) point at this server, on whatever port.
        app.config["PUBLIC_URL"] = settings.local_url(host, port)
    try:
        check_site(Path(app.config["SITE_DIR"]))
    except SiteNotBuilt as exc:
        raise click.ClickException(str(exc)) from None
    upgrade(app)
    app_logging()
    stop = threading.Event()
    if worker:
        threading.Thread(target=outbox_worker.run, args=(app, stop), daemon=True, name="outbox-worker").start()
        where = app.config["MAIL_URL"] and "by SMTP" or f"to {app.config['MAIL_DIR']}/"
        click.echo(f"The outbox worker sends mail {where}.")
    click.echo(f"Serving the site, the forms and /healthz at http://{host}:{port}/ (Ctrl-C stops).")
    try:
        # Its request log leaves out tokens and searches, by the same rule as gunicorn's.
        app.run(host=host, port=port, threaded=True, load_dotenv=False, request_handler=DevRequestHandler)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        stop.set()


@click.group("db")
def db_group() -> None:
    """The CRM database."""


@db_group.command("upgrade")
def db_upgrade_command() -> None:
    """Apply the database migrations (DATABASE_URL; default an SQLite file in instance/)."""
    app = intake_app(migrated=False)
    upgrade(app)
    click.echo("The database is up to date.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH (a new file) while the service runs, and check the copy.

    For PostgreSQL use pg_dump (see the README).
    """
    from intake.ops import backup

    app = intake_app(migrated=False)
    try:
        result = backup.backup(app.config["DATABASE_URL"], path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        app.extensions["db_engine"].dispose()
    click.echo(f"Backed up {result.describe()} to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore_command(path: Path, force: bool) -> None:
    """Replace the SQLite database with the backup at PATH, after checking it is whole and ours.

    Stop the service (web app and worker) first. A database that holds data is replaced only with
    --force. For PostgreSQL use pg_restore (see the README).
    """
    from intake import db
    from intake.ops import backup

    app = intake_app(migrated=False)
    try:
        result = backup.restore(path, app.config["DATABASE_URL"], force=force)
        current = db.is_current(app.extensions["db_engine"])
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        app.extensions["db_engine"].dispose()
    click.echo(f"Restored {result.describe()} from {path}.")
    if not current:
        click.echo("The backup predates this version: run `tasteget db upgrade` before starting the service.")
