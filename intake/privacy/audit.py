"""The audit log: who viewed, changed, exported or erased which record, and when.

Entries name records by reference, never by personal data, and are written in the same
transaction as what they record (a view is recorded on its own).
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from intake.models import AuditEntry


def record(
    session: Session,
    action: str,
    record: str,
    reference: str | None,
    detail: str | None = None,
    actor: str | None = None,
    user=None,
) -> None:
    """Add an entry for the caller to commit. The staff member is `user` when the caller knows it
    (a domain operation acting for someone), else the logged-in user, if any."""
    user_id = user.id if user is not None else None
    if user_id is None and has_request_context() and current_user and current_user.is_authenticated:
        user_id = current_user.id
    session.add(
        AuditEntry(
            user_id=user_id,
            actor=actor or ("staff" if user_id else "command"),
            action=action,
            record=record,
            reference=reference,
            detail=(detail or "")[:500] or None,
        )
    )
