"""Storing checked rows: new ones are created, ones an earlier run imported are left as they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.builtsite.content import Notice
from intake.importer.rows import Row
from intake.importer.table import Problem
from intake.privacy.consent import PURPOSES
from intake.public.saving import record_notice

# Imported records were consented to under the previous CRM's notice, whose text this database does
# not have. They point to this marker instead of pretending to have seen one of ours; its version is
# not a SHA-256, so it cannot be mistaken for a text the forms showed.
PREVIOUS_NOTICE = Notice(
    version="previous-crm",
    language="en",
    text=(
        "Registered in the previous CRM and moved here by `tasteget import`. Consent was given under the "
        "previous CRM's privacy notice, which is kept with that system's records, not here. The time of "
        "consent is the date given in the import file (or the date of registering or ordering)."
    ),
)
BATCH = 500  # rows per transaction: SQLite's write lock is held briefly, so the live forms are not kept waiting


@dataclass
class Outcome:
    created: int = 0  # or, in a dry run, that would be
    present: int = 0  # imported by an earlier run: left as they are
    problems: list[Problem] = field(default_factory=list)  # conflicts with what the CRM already holds


def apply(
    session: Session,
    kind,
    rows: list[Row],
    *,
    today: date,
    follow_up_days: tuple[int, int, int],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Create what is new, batch by batch; a dry run reads the CRM the same way and writes nothing."""
    outcome = Outcome()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        present = set(
            session.scalars(
                select(kind.MODEL.submission_id).where(kind.MODEL.submission_id.in_([r.submission_id for r in batch]))
            )
        )
        fresh = [r for r in batch if r.submission_id not in present]
        conflicts = kind.taken(session, fresh) if fresh else {}
        outcome.problems += [Problem(number, column, reason) for number, (column, reason) in conflicts.items()]
        fresh = [r for r in fresh if r.number not in conflicts]
        outcome.present += len(present)
        outcome.created += len(fresh)
        if fresh and not dry_run:
            record_notice(session, PREVIOUS_NOTICE)
            records = [kind.build(r, PREVIOUS_NOTICE.version) for r in fresh]
            for record in records:  # the consent record: given under the previous CRM's notice
                record.legal_basis, record.purpose = "consent", PURPOSES[kind.RECORD]
            session.add_all(records)
            session.flush()
            kind.after_insert(session, records, today, follow_up_days)
            session.commit()
        if progress:
            progress(start + len(batch))
    outcome.problems.sort(key=lambda p: p.row)
    return outcome
