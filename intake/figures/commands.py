"""`tasteget report`: the campaign's figures as text or CSV."""

from __future__ import annotations

import sys

import click

from intake.cli import intake_app


@click.command("report")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Figures as they stood at the end of this day (YYYY-MM-DD); default today.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def report_command(as_of, fmt) -> None:
    """The campaign's figures: households registered and moved, magazine orders, and their breakdowns;
    households with a skill the region needs, and each municipality's target for the year."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from intake import db, spreadsheet
    from intake.builtsite import content
    from intake.figures import competence, counts

    app = intake_app()
    with app.app_context():
        # Today in the region's time zone, as the dashboard's default day.
        day = as_of.date() if as_of else dt.datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()
        plan = competence.plan_of(content.site())
        result = counts.figures_of(counts.load(db.session(), plan.needs.all_codes), day, plan)
    if fmt == "csv":
        spreadsheet.write(sys.stdout, counts.REPORT_HEADER, result.rows())
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
