"""`tasteget export` and `tasteget purge`: one household's data, and erasure when retention says so."""

from __future__ import annotations

from pathlib import Path

import click

from intake.cli import intake_app


@click.command("export")
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
    history, its messages, its sign-ups to events and its consent record with the privacy notice's
    text. The same export as on the household's page in the back office; recorded in the audit log.
    A sign-up to an event by someone with no household is exported by its own reference (E-…)."""
    from sqlalchemy import select

    from intake import db
    from intake.models import EventSignUp, Household
    from intake.ops import private_files
    from intake.privacy import export

    app = intake_app()
    wanted = reference.strip().upper()
    with app.app_context():
        session = db.session()
        household = session.scalar(select(Household).where(Household.reference == wanted))
        sign_up = None
        if household is None:  # a sign-up to an event, by its own reference (E-…)
            sign_up = session.scalar(select(EventSignUp).where(EventSignUp.reference == wanted))
        if household is None and sign_up is None:
            what = "event sign-up" if wanted.startswith("E-") else "household"
            raise click.ClickException(f"no {what} with the reference {reference}")
        if household is not None:
            data = export.export_json(session, household, reason=reason)
        else:
            data = export.export_sign_up_json(session, sign_up, reason=reason)
        session.commit()
    if output:
        private_files.write(output, (data + "\n").encode())
        what = f"household {household.reference}" if household is not None else f"sign-up {sign_up.reference}"
        click.echo(f"Wrote {what} to {output}.", err=True)
    else:
        click.echo(data)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase what the retention rules say is due (run it daily, e.g. from cron or a systemd timer).

    Households with no activity for RETENTION_MONTHS (default 24; withdrawn ones count from their
    withdrawal) and magazine orders ORDER_RETENTION_DAYS (default 90) after they were sent lose their
    personal data; so do sign-ups to events RETENTION_MONTHS after the event, and their needs for the
    day EVENT_NEEDS_DAYS (default 30) after it. An anonymous row stays, so the figures do not change.
    Once an event is over, the text of the e-mails sent about it (with their cancel links) is blanked.
    Records are named by reference.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from intake import db
    from intake.builtsite import content
    from intake.models import utcnow
    from intake.notify import webhook
    from intake.privacy import erasure, retention

    app = intake_app()
    config = app.config
    months, days = config["RETENTION_MONTHS"], config["ORDER_RETENTION_DAYS"]
    with app.app_context():
        session = db.session()
        try:  # all or nothing: what is listed below was erased
            purged = retention.purge(
                session,
                utcnow(),
                months,
                days,
                dry_run=dry_run,
                hand_off=webhook.enabled(config),
                events=content.site().events,
                needs_days=config["EVENT_NEEDS_DAYS"],
            )
        except SQLAlchemyError as exc:
            raise click.ClickException(f"nothing was erased: the database refused ({type(exc).__name__})") from None
        if not dry_run:
            session.close()
            # Every day, even with nothing due: it also clears what an earlier, busy scrub left.
            db.scrub(db.engine(), erasure.ERASED_TABLES)
    listed = [("household", ref, f"no activity for {months} months") for ref in purged.households]
    listed += [("order", ref, f"sent over {days} days ago") for ref in purged.orders]
    listed += [("sign-up", ref, f"the event was over {months} months ago") for ref in purged.sign_ups]
    needs_days = config["EVENT_NEEDS_DAYS"]
    listed += [("sign-up", ref, f"needs for the day, {needs_days} days after the event") for ref in purged.needs]
    for record, ref, why in listed:
        click.echo(f"{record} {ref}: {'would erase' if dry_run else 'erased'} ({why})")
    if purged.event_mails:
        done = "would blank" if dry_run else "blanked"
        click.echo(f"e-mails about events that are over: {done} the text of {purged.event_mails}")
    summary = f"{len(purged.households)} household(s) and {len(purged.orders)} order(s)"
    if purged.sign_ups or purged.needs:
        summary += f", {len(purged.sign_ups)} event sign-up(s) and the needs of {len(purged.needs)} more"
    click.echo(f"Dry run: {summary} would be erased; nothing changed." if dry_run else f"Erased {summary}.")
