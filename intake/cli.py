"""The `tasteget` command line: a thin root that loads each area's commands only when they run.

Each command lives beside what it works on (`tasteget/commands.py` for content and the site,
`intake/<area>/commands.py` for the rest), so `tasteget check` loads neither Flask nor the database.
The helpers below are what every intake command shares: the app from the environment, the
migration, the log lines.
"""

from __future__ import annotations

import importlib
import logging

import click

# Command name -> "module:object". Names, options, output and exit codes are a contract
# (tests/contracts/commands.txt): scripts and timers call them.
COMMANDS = {
    "backup": "intake.ops.commands:backup_command",
    "build": "tasteget.commands:build_command",
    "check": "tasteget.commands:check_command",
    "csp": "tasteget.commands:csp_command",
    "db": "intake.ops.commands:db_group",
    "export": "intake.privacy.commands:export_command",
    "import": "intake.importer.commands:import_group",
    "mail": "intake.notify.commands:mail_group",
    "occupations": "tasteget.commands:occupations_group",
    "outbox": "intake.notify.commands:outbox_group",
    "preview": "tasteget.commands:preview_command",
    "purge": "intake.privacy.commands:purge_command",
    "reference": "tasteget.commands:reference_command",
    "report": "intake.figures.commands:report_command",
    "restore": "intake.ops.commands:restore_command",
    "serve": "intake.ops.commands:serve_command",
    "user": "intake.accounts.commands:user_group",
    "worker": "intake.notify.commands:worker_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when asked for (Click's documented lazy-loading pattern)."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, name = self.lazy[cmd_name].partition(":")
        return getattr(importlib.import_module(module), name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Ta Steget: the relocation campaign's site, content and CRM."""


def intake_app(migrated: bool = True):
    """The intake app from the environment, or one readable line saying why it cannot start."""
    from sqlalchemy.exc import SQLAlchemyError

    from intake import create_app, db
    from intake.builtsite.content import ContentError

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


def upgrade(app) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from intake import db

    try:
        db.upgrade(app.extensions["db_engine"])
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot migrate the database: {reason}") from None


def app_logging() -> None:
    """The service's own log lines (no personal data is ever logged) on standard error."""
    logger = logging.getLogger("intake")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
