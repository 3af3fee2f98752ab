"""`tasteget import households|orders`: records from the previous CRM (IMPORT.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from intake.cli import intake_app


@click.group("import")
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

    from sqlalchemy.exc import SQLAlchemyError

    from intake import db, importer
    from intake.builtsite import content
    from intake.importer.run import run

    kind = importer.KINDS[kind_name]
    try:
        table = importer.read_table(kind, file.read_bytes())
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    except importer.FileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    app = intake_app()
    config = app.config
    with app.app_context():
        try:
            result = run(
                db.session(),
                kind,
                table,
                today=dt.date.today(),
                municipalities=content.site().municipalities,
                follow_up_days=(
                    config["REMINDER_WORKING_DAYS"],
                    config["ESCALATION_DAYS"],
                    config["SETTLED_CHECK_DAYS"],
                ),
                dry_run=dry_run,
                progress=_progress(kind_name),
            )
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise click.ClickException(
                f"cannot write to the database: {reason} (the rows written before stay; run the import again)"
            ) from None
    for problem in result.problems:
        click.echo(str(problem))
    created = "would be created" if dry_run else "created"
    click.echo(
        f"{'Dry run, nothing written. ' if dry_run else ''}{kind_name.capitalize()}: {result.created} {created}, "
        f"{result.present} already imported, {result.rejected} rejected ({result.total} rows)."
    )
    if result.rejected:
        if not dry_run:
            click.echo("Fix the rejected rows and import the file again: rows already imported are skipped.")
        sys.exit(1)


def _progress(label: str):
    """A progress line on standard error for files of more than one batch; small files stay quiet."""
    from intake.importer.save import BATCH

    overwrite = sys.stderr.isatty()  # on a terminal one line counts up; in a log, a line per batch

    def show(done: int, total: int) -> None:
        if total <= BATCH:
            return
        line = f"{label}: {done} of {total} rows…"
        click.echo(f"\r{line}" if overwrite else line, err=True, nl=not overwrite or done == total)

    return show
