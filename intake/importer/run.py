"""One import run: a file's rows checked against the content and the CRM's staff, then stored.

What the `tasteget import` commands call; they only read the options and the file, and print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.importer.rows import Context, check
from intake.importer.save import apply
from intake.importer.table import Problem, Table
from intake.models import User


@dataclass
class Result:
    """What a run did (or, in a dry run, would do)."""

    created: int = 0  # or, in a dry run, would be
    present: int = 0  # imported by an earlier run: left as they are
    total: int = 0  # rows in the file, blank lines left out
    problems: list[Problem] = field(default_factory=list)  # by row: the file's own, then conflicts with the CRM

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems})


def run(
    session: Session,
    kind,
    table: Table,
    *,
    today: date,
    municipalities: Iterable[str],
    follow_up_days: tuple[int, int, int],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Check every row of `table` (read by `read_table`) and store the good ones, batch by batch.

    `progress(done, total)` is called after each batch with the good rows done so far. The rows a
    batch wrote stay when a later one fails (SQLAlchemyError): running the file again skips them.
    """
    staff = session.execute(select(User.email, User.id).where(User.role.in_(("guide", "coordinator"))))
    ctx = Context(today, frozenset(municipalities), {email: id_ for email, id_ in staff})
    checked = check(table, kind.COLUMNS, kind, ctx)
    total = len(checked.rows)
    outcome = apply(
        session,
        kind,
        checked.rows,
        today=today,
        follow_up_days=follow_up_days,
        dry_run=dry_run,
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    problems = sorted(checked.problems + outcome.problems, key=lambda p: p.row)
    return Result(created=outcome.created, present=outcome.present, total=checked.total, problems=problems)
