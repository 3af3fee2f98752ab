"""The `tasteget` command line: check content, build the site, write the field reference."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from .content import reference
from .content.load import Report, check
from .site.build import BuildFailed, build_site, preview


def print_report(report: Report, verbose: bool = True) -> None:
    for problem in report.errors:
        click.echo(str(problem))
    for problem in report.warnings:
        click.echo(f"warning: {problem}")
    cov = report.coverage
    click.echo(f"Translation coverage: {cov.translated} of {cov.total} texts have English ({cov.percent:.0f} %).")
    if verbose and cov.missing:
        click.echo("Missing English (shown in Swedish with a note):")
        for item in cov.missing:
            click.echo(f"  {item}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Ta Steget: the relocation campaign's site, content and CRM."""


@main.command("check")
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder.",
)
@click.option(
    "--docs",
    "docs_dir",
    default="docs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that pictures are relative to.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not list each untranslated text.")
def check_command(content_dir: Path, docs_dir: Path, quiet: bool) -> None:
    """Validate all content; list every error, warning and untranslated text.

    Exits 1 when there is an error. Placeholder contacts are warnings: fill them in before launch.
    """
    if not content_dir.is_dir():
        raise click.ClickException(
            f"no content folder at {content_dir}/ (run from the project folder or pass --content)"
        )
    report = check(content_dir, docs_dir)
    print_report(report, verbose=not quiet)
    if report.errors:
        click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s).")
        sys.exit(1)
    site = report.site
    spaces = sum(len(m.coworking) for m in site.municipalities.values())
    click.echo(
        f"OK: {len(site.municipalities)} municipalities, {spaces} coworking spaces, "
        f"{len(site.stories)} stories; {len(report.warnings)} warning(s)."
    )


@main.command("build")
@click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder with mkdocs.yml and mkdocs.en.yml.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site_dir in mkdocs.yml); English goes in its en/.",
)
def build_command(root: Path, site_dir: Path | None) -> None:
    """Check the content and build the site in both languages into site/ (English in site/en/)."""
    _mkdocs_logging()
    try:
        build_site(root, site_dir, progress=click.echo)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


@main.command("csp")
@click.option(
    "--site-dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site.",
)
def csp_command(site_dir: Path) -> None:
    """Print the built site's Content-Security-Policy (its inline scripts by hash), for any web server or CDN.

    `tasteget build` also writes it as nginx lines to _shell/headers.nginx.conf in the site.
    """
    from .site import csp

    if not any(site_dir.glob("*.html")):
        raise click.ClickException(f"no built site in {site_dir}/: run `tasteget build` first")
    click.echo(csp.policy(csp.site_script_hashes(site_dir)))


@main.command("preview")
@click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder with mkdocs.yml and mkdocs.en.yml.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, envvar="PORT", type=int, help="Port (or PORT).")
def preview_command(root: Path, host: str, port: int) -> None:
    """Serve both languages with live reload: pages rebuild when a content file changes."""
    _mkdocs_logging(logging.INFO)
    try:
        preview(root, host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def _intake_app(migrated: bool = True):
    """The intake app from the environment, or one readable line saying why it cannot start."""
    from sqlalchemy.exc import SQLAlchemyError

    from intake import create_app, db
    from intake.content import ContentError

    try:
        app = create_app()
        if migrated and not db.is_current(app.extensions["db_engine"]):
            raise click.ClickException("the database is not up to date: run `tasteget db upgrade` first")
    except (ContentError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot use the database: {reason}") from None
    return app


def _upgrade(app) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from intake import db

    try:
        db.upgrade(app.extensions["db_engine"])
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot migrate the database: {reason}") from None


@main.command("serve")
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
    from intake import worker as outbox_worker
    from intake.pages import SiteNotBuilt, check_site
    from intake.redaction import DevRequestHandler

    app = _intake_app(migrated=False)
    if "SESSION_COOKIE_SECURE" not in os.environ:
        app.config["SESSION_COOKIE_SECURE"] = False  # this development server speaks plain http
    if "PUBLIC_URL" not in os.environ:
        # Links in e-mails (the worker below shares this app) point at this server, on whatever port.
        app.config["PUBLIC_URL"] = settings.local_url(host, port)
    try:
        check_site(Path(app.config["SITE_DIR"]))
    except SiteNotBuilt as exc:
        raise click.ClickException(str(exc)) from None
    _upgrade(app)
    _app_logging()
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


@main.command("worker")
@click.option("--once", is_flag=True, help="Send what is due and run due jobs once, then exit.")
def worker_command(once: bool) -> None:
    """Send the outbox's messages (with retries) and run the scheduled jobs, until stopped.

    Run one next to the web app in production; more than one is safe (no message is sent twice).
    """
    import signal
    import threading

    from intake import worker as outbox_worker

    app = _intake_app()
    _app_logging()
    if once:
        events = outbox_worker.expand_events(app)
        sent = outbox_worker.send_due(app)
        hooks = outbox_worker.send_webhooks(app)
        jobs = outbox_worker.run_jobs(app)
        click.echo(
            f"Wrote the e-mails of {events} event(s); tried {sent} message(s) and {hooks} webhook(s); ran {len(jobs)} job(s)."
        )
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("The outbox worker is running (Ctrl-C stops).")
    try:
        outbox_worker.run(app, stop)
    except KeyboardInterrupt:
        stop.set()


@main.group("user")
def user_group() -> None:
    """Staff accounts for the back office (guides, the coordinator, admins)."""


def _accounts():
    """The app, a database session and the accounts module, or one readable line."""
    from intake import accounts, db

    app = _intake_app()
    return app, db, accounts


def _existing(session, accounts, email: str):
    """The account for `email`, or one readable line saying there is none."""
    try:
        user = accounts.find(session, email)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _prompt_password(email: str) -> str:
    return click.prompt(f"New password for {email}", hide_input=True, confirmation_prompt=True)


@user_group.command("add")
@click.option("--email", required=True, help="Their e-mail address (the login).")
@click.option("--name", default="", help="Their name, as shown in the back office.")
@click.option("--role", required=True, type=click.Choice(["guide", "coordinator", "admin"]))
@click.option("--municipality", "municipalities", multiple=True, help="A guide's municipality (slug); repeat for more.")
@click.option(
    "--password", envvar="TASTEGET_PASSWORD", help="Set a password now (or TASTEGET_PASSWORD); asked for if left out."
)
@click.option("--no-password", is_flag=True, help="Create the account without a password (set it later).")
def user_add_command(email, name, role, municipalities, password, no_password) -> None:
    """Create a staff account."""
    app, db, accounts = _accounts()
    with app.app_context():
        from intake import content

        session = db.session()
        known = set(content.site().municipalities)
        try:
            # Checked before the password is asked for, and created with it in one go: a refused
            # account or password leaves nothing behind.
            address = accounts.check_new(session, email, role, list(municipalities), known)
            if not no_password and not password:
                password = _prompt_password(address)
            user = accounts.add(
                session, email, name, role, list(municipalities), known, None if no_password else password
            )
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        where = f" for {', '.join(user.municipality_slugs)}" if user.municipality_slugs else ""
        click.echo(f"Created {user.role} {user.email}{where}.")


@user_group.command("set-password")
@click.option("--email", required=True)
@click.option(
    "--password", envvar="TASTEGET_PASSWORD", help="The new password (or TASTEGET_PASSWORD); asked for if left out."
)
def user_set_password_command(email, password) -> None:
    """Set a staff member's password (this ends their open sessions)."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        try:
            accounts.set_password(session, user, password or _prompt_password(user.email))
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Password set for {user.email}.")


@user_group.command("deactivate")
@click.option("--email", required=True)
def user_deactivate_command(email) -> None:
    """Stop an account from logging in (its history stays); ends its sessions at once."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        accounts.deactivate(session, user)
        click.echo(f"Deactivated {user.email}.")


@user_group.command("reset-totp")
@click.option("--email", required=True)
def user_reset_totp_command(email) -> None:
    """Remove a lost second factor; they set up a new one at their next login (if their role needs one)."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        user.totp_secret = None
        accounts.end_sessions(session, user)
        session.commit()
        click.echo(f"Second factor removed for {user.email}.")


@user_group.command("list")
def user_list_command() -> None:
    """List the staff accounts."""
    app, db, accounts = _accounts()
    with app.app_context():
        users = accounts.all_users(db.session())
        if not users:
            click.echo("No accounts yet. Create one with: tasteget user add --email … --role coordinator")
            return
        for u in users:
            state = "active" if u.active else "deactivated"
            places = ", ".join(u.municipality_slugs) or "-"
            click.echo(f"{u.email:40} {u.role:12} {state:12} {places}")


@main.command("report")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Figures as they stood at the end of this day (YYYY-MM-DD); default today.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def report_command(as_of, fmt) -> None:
    """The campaign's figures: households registered and moved, magazine orders, and their breakdowns."""
    import datetime as dt

    from intake import db, figures, spreadsheet

    app = _intake_app()
    day = as_of.date() if as_of else dt.date.today()
    with app.app_context():
        result = figures.figures_of(figures.load(db.session()), day)
    if fmt == "csv":
        spreadsheet.write(sys.stdout, figures.REPORT_HEADER, result.rows())
        return
    click.echo(f"Figures as of {day.isoformat()}")
    section = None
    for name, key, value in result.rows():
        if not key:
            click.echo(f"  {name}: {value}")
            continue
        if name != section:
            click.echo(f"{name}:")
            section = name
        click.echo(f"  {key}: {value}")


@main.command("export")
@click.argument("reference")
@click.option(
    "--reason", required=True, help="Why (goes to the audit log; no personal data), e.g. a request for access."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the JSON to this file (default: standard output).",
)
def export_command(reference: str, reason: str, output: Path | None) -> None:
    """Everything held about one household (by its reference) as JSON: every personal field, its
    history, its messages and its consent record with the privacy notice's text. The same export as
    on the household's page in the back office; recorded in the audit log."""
    from sqlalchemy import select

    from intake import audit, db, privacy, private_files
    from intake.models import Household

    app = _intake_app()
    with app.app_context():
        session = db.session()
        household = session.scalar(select(Household).where(Household.reference == reference.strip().upper()))
        if household is None:
            raise click.ClickException(f"no household with the reference {reference}")
        data = privacy.export_json(session, household)
        audit.record(session, "export", "household", household.reference, reason)
        session.commit()
    if output:
        private_files.write(output, (data + "\n").encode())
        click.echo(f"Wrote household {household.reference} to {output}.", err=True)
    else:
        click.echo(data)


@main.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase what the retention rules say is due (run it daily, e.g. from cron or a systemd timer).

    Households with no activity for RETENTION_MONTHS (default 24; withdrawn ones count from their
    withdrawal) and magazine orders ORDER_RETENTION_DAYS (default 90) after they were sent lose their
    personal data. An anonymous row stays, so the figures do not change. Records are named by reference.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from intake import audit, db, privacy, webhook
    from intake.models import utcnow

    app = _intake_app()
    config = app.config
    now = utcnow()
    with app.app_context():
        session = db.session()
        due = privacy.purge_due(session, now, config["RETENTION_MONTHS"], config["ORDER_RETENTION_DAYS"])
        listed = [
            ("household", h.reference, f"no activity for {config['RETENTION_MONTHS']} months") for h in due.households
        ]
        listed += [("order", o.reference, f"sent over {config['ORDER_RETENTION_DAYS']} days ago") for o in due.orders]
        if not dry_run:
            for h in due.households:
                privacy.erase_household(session, h, now, hand_off=webhook.enabled(config))
                audit.record(session, "erase", "household", h.reference, "retention", actor="purge")
            for o in due.orders:
                privacy.erase_order(session, o, now)
                audit.record(session, "erase", "order", o.reference, "retention", actor="purge")
            try:
                session.commit()  # all or nothing: what is listed below was erased
            except SQLAlchemyError as exc:
                raise click.ClickException(f"nothing was erased: the database refused ({type(exc).__name__})") from None
            session.close()
            # Every day, even with nothing due: it also clears what an earlier, busy scrub left.
            db.scrub(db.engine(), privacy.ERASED_TABLES)
    for record, ref, why in listed:
        click.echo(f"{record} {ref}: {'would erase' if dry_run else 'erased'} ({why})")
    summary = f"{len(due.households)} household(s) and {len(due.orders)} order(s)"
    click.echo(f"Dry run: {summary} would be erased; nothing changed." if dry_run else f"Erased {summary}.")


@main.group("import")
def import_group() -> None:
    """Move records in from the previous CRM, from CSV files (the columns are described in IMPORT.md).

    Rows already imported (the same id) are left as they are, so a file can be run again after fixing
    its rejected rows. Exits 1 when any row was rejected.
    """


def _import_options(command):
    command = click.option("--dry-run", is_flag=True, help="Check every row against the CRM; write nothing.")(command)
    return click.argument("file", type=click.Path(dir_okay=False, path_type=Path))(command)


@import_group.command("households")
@_import_options
def import_households_command(file: Path, dry_run: bool) -> None:
    """Import households (with their status, dates and owner) from FILE."""
    _import("households", file, dry_run)


@import_group.command("orders")
@_import_options
def import_orders_command(file: Path, dry_run: bool) -> None:
    """Import magazine orders from FILE (one per address, as the order form has it)."""
    _import("orders", file, dry_run)


def _import(kind_name: str, file: Path, dry_run: bool) -> None:
    import datetime as dt

    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from intake import content, db, importer
    from intake.models import User

    kind = importer.KINDS[kind_name]
    try:
        table = importer.read_table(kind, file.read_bytes())
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    except importer.FileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    app = _intake_app()
    today = dt.date.today()
    with app.app_context():
        session = db.session()
        staff = session.execute(select(User.email, User.id).where(User.role.in_(("guide", "coordinator"))))
        ctx = importer.Context(today, frozenset(content.site().municipalities), {email: id_ for email, id_ in staff})
        checked = importer.check(table, kind.COLUMNS, kind, ctx)
        config = app.config
        days = (config["REMINDER_WORKING_DAYS"], config["ESCALATION_DAYS"], config["SETTLED_CHECK_DAYS"])
        try:
            outcome = importer.apply(
                session,
                kind,
                checked.rows,
                today=today,
                follow_up_days=days,
                dry_run=dry_run,
                progress=_progress(kind_name, len(checked.rows)),
            )
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise click.ClickException(
                f"cannot write to the database: {reason} (the rows written before stay; run the import again)"
            ) from None
    problems = sorted(checked.problems + outcome.problems, key=lambda p: p.row)
    for problem in problems:
        click.echo(str(problem))
    rejected = len({p.row for p in problems})
    created = "would be created" if dry_run else "created"
    click.echo(
        f"{'Dry run, nothing written. ' if dry_run else ''}{kind_name.capitalize()}: {outcome.created} {created}, "
        f"{outcome.present} already imported, {rejected} rejected ({checked.total} rows)."
    )
    if rejected:
        if not dry_run:
            click.echo("Fix the rejected rows and import the file again: rows already imported are skipped.")
        sys.exit(1)


def _progress(label: str, total: int):
    """A progress line on standard error for files of more than one batch; small files stay quiet."""
    from intake.importer.save import BATCH

    if total <= BATCH:
        return None
    overwrite = sys.stderr.isatty()  # on a terminal one line counts up; in a log, a line per batch

    def show(done: int) -> None:
        line = f"{label}: {done} of {total} rows…"
        click.echo(f"\r{line}" if overwrite else line, err=True, nl=not overwrite or done == total)

    return show


@main.group("mail")
def mail_group() -> None:
    """E-mail."""


@mail_group.command("test")
@click.argument("address")
def mail_test_command(address: str) -> None:
    """Send a test message to ADDRESS now (not through the outbox) and report the result."""
    from intake import mail
    from intake.mime import Outgoing
    from intake.outbox import new_message_id

    app = _intake_app(migrated=False)
    config = app.config
    where = mail.redacted(config["MAIL_URL"]) if config["MAIL_URL"] else f"{config['MAIL_DIR']}/"
    message = Outgoing(
        to_address=address,
        subject="Test message from tasteget",
        body_text="This is a test message. Mail works.",
        body_html="<p>This is a test message. Mail works.</p>",
        message_id=new_message_id(config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >")),
        language="en",
    )
    try:
        with mail.transport(config) as transport:
            result = transport.send(message)
    except mail.MailConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any failure is reported as one line
        raise click.ClickException(f"could not send to {address} via {where}: {mail.describe_error(exc)}") from None
    click.echo(f"Test message {result}: to {address} via {where}")


@main.group("outbox")
def outbox_group() -> None:
    """Messages and hand-offs the worker gave up on (the back office's Undelivered messages)."""


@outbox_group.command("list-dead")
def outbox_list_dead_command() -> None:
    """List the undelivered messages: number, kind, created, attempts, last error, reference.

    No addresses or names are shown. Send them again with `tasteget outbox retry`.
    """
    from intake import db, dead_letters, outbox

    app = _intake_app()
    with app.app_context():
        dead = dead_letters.dead(db.session(), limit=None)
        if not dead:
            click.echo("No undelivered messages.")
            return
        click.echo(f"{'id':>6}  {'kind':32} {'created (UTC)':16}  {'tries':>5}  {'reference':11}  last error")
        for m in dead:
            kind = f"webhook {m.subject}" if m.kind == outbox.WEBHOOK else m.kind
            if dead_letters.refusal(m):
                kind += " (withdrawn/erased)"
            created = m.created_at.strftime("%Y-%m-%d %H:%M")
            ref = dead_letters.reference(m) or "-"
            click.echo(f"{m.id:>6}  {kind:32} {created:16}  {m.attempts:>5}  {ref:11}  {m.last_error or '-'}")
        click.echo(f"{len(dead)} undelivered message(s).")


@outbox_group.command("retry")
@click.option("--all-dead", is_flag=True, help="Send every undelivered message again.")
@click.option("--id", "ids", type=int, multiple=True, help="Send this message again (its id); repeat for more.")
def outbox_retry_command(all_dead: bool, ids: tuple[int, ...]) -> None:
    """Put undelivered messages back in the queue, due now: the worker sends them on its next round.

    Messages about a household or order that has been withdrawn or erased are refused. Each message
    sent again is recorded in the audit log. Exits 1 when any message was refused or not found.
    """
    from intake import db, dead_letters
    from intake.models import utcnow

    if all_dead == bool(ids):
        raise click.UsageError("give either --all-dead or one or more --id N")
    refusals = {
        dead_letters.NOT_DEAD: "it is not undelivered: already queued again, or sent",
        dead_letters.EVENT: "it is an event, which the worker turns into messages itself",
        dead_letters.GONE: "its household or order was withdrawn or erased, so it must not go out",
    }
    app = _intake_app()
    with app.app_context():
        session = db.session()
        outcome = dead_letters.send_again(session, utcnow(), None if all_dead else list(ids), actor="command")
        session.commit()
        for message, reason in outcome.refused:
            click.echo(f"message {message.id}: not sent again ({refusals[reason]})", err=True)
        for missing in outcome.missing:
            click.echo(f"message {missing}: not sent again (no such message)", err=True)
        for message in outcome.queued:
            click.echo(f"message {message.id}: queued to be sent again")
    click.echo(f"Queued {len(outcome.queued)} message(s) to be sent again.")
    if outcome.refused or outcome.missing:
        sys.exit(1)


@main.group("db")
def db_group() -> None:
    """The CRM database."""


@db_group.command("upgrade")
def db_upgrade_command() -> None:
    """Apply the database migrations (DATABASE_URL; default an SQLite file in instance/)."""
    app = _intake_app(migrated=False)
    _upgrade(app)
    click.echo("The database is up to date.")


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH (a new file) while the service runs, and check the copy.

    For PostgreSQL use pg_dump (see the README).
    """
    from intake import backup

    app = _intake_app(migrated=False)
    try:
        result = backup.backup(app.config["DATABASE_URL"], path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        app.extensions["db_engine"].dispose()
    click.echo(f"Backed up {result.describe()} to {path}.")


@main.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore_command(path: Path, force: bool) -> None:
    """Replace the SQLite database with the backup at PATH, after checking it is whole and ours.

    Stop the service (web app and worker) first. A database that holds data is replaced only with
    --force. For PostgreSQL use pg_restore (see the README).
    """
    from intake import backup, db

    app = _intake_app(migrated=False)
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


@main.command("reference")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of printing."
)
def reference_command(output: Path | None) -> None:
    """Print the content field reference (Markdown), generated from the schema."""
    text = reference.markdown()
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)


def _app_logging() -> None:
    """The service's own log lines (no personal data is ever logged) on standard error."""
    logger = logging.getLogger("intake")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _mkdocs_logging(level: int = logging.WARNING) -> None:
    """Show MkDocs' messages as `WARNING -  …` lines, as its own command does."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
