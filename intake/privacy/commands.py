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
    history, its messages and its consent record with the privacy notice's text. The same export as
    on the household's page in the back office; recorded in the audit log."""
    from sqlalchemy import select

    from intake import db
    from intake.models import Household
    from intake.ops import private_files
    from intake.privacy import audit, records

    app = intake_app()
    with app.app_context():
        session = db.session()
        household = session.scalar(select(Household).where(Household.reference == reference.strip().upper()))
        if household is None:
            raise click.ClickException(f"no household with the reference {reference}")
        data = records.export_json(session, household)
        audit.record(session, "export", "household", household.reference, reason)
        session.commit()
    if output:
        private_files.write(output, (data + "\n").encode())
        click.echo(f"Wrote household {household.reference} to {output}.", err=True)
    else:
        click.echo(data)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase what the retention rules say is due (run it daily, e.g. from cron or a systemd timer).

    Households with no activity for RETENTION_MONTHS (default 24; withdrawn ones count from their
    withdrawal) and magazine orders ORDER_RETENTION_DAYS (default 90) after they were sent lose their
    personal data. An anonymous row stays, so the figures do not change. Records are named by reference.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from intake import db
    from intake.models import utcnow
    from intake.notify import webhook
    from intake.privacy import audit, records

    app = intake_app()
    config = app.config
    now = utcnow()
    with app.app_context():
        session = db.session()
        due = records.purge_due(session, now, config["RETENTION_MONTHS"], config["ORDER_RETENTION_DAYS"])
        listed = [
            ("household", h.reference, f"no activity for {config['RETENTION_MONTHS']} months") for h in due.households
        ]
        listed += [("order", o.reference, f"sent over {config['ORDER_RETENTION_DAYS']} days ago") for o in due.orders]
        if not dry_run:
            for h in due.households:
                records.erase_household(session, h, now, hand_off=webhook.enabled(config))
                audit.record(session, "erase", "household", h.reference, "retention", actor="purge")
            for o in due.orders:
                records.erase_order(session, o, now)
                audit.record(session, "erase", "order", o.reference, "retention", actor="purge")
            try:
                session.commit()  # all or nothing: what is listed below was erased
            except SQLAlchemyError as exc:
                raise click.ClickException(f"nothing was erased: the database refused ({type(exc).__name__})") from None
            session.close()
            # Every day, even with nothing due: it also clears what an earlier, busy scrub left.
            db.scrub(db.engine(), records.ERASED_TABLES)
    for record, ref, why in listed:
        click.echo(f"{record} {ref}: {'would erase' if dry_run else 'erased'} ({why})")
    summary = f"{len(due.households)} household(s) and {len(due.orders)} order(s)"
    click.echo(f"Dry run: {summary} would be erased; nothing changed." if dry_run else f"Erased {summary}.")
