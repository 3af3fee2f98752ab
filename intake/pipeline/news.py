"""Telling whoever must hear of a change to a household: one function, `tell`, queues it in the
caller's transaction, so what is committed is never left untold and nothing is told of what is not.

- a status change goes to the other CRM (`handoff.status_changed`), when a webhook is configured;
- a household marked moved (from a status before the move) is welcomed: the worker writes the e-mail
  from the `household_moved` event (`emails.for_moved_household`);
- municipalities added to a household: their guides are told by e-mail (`emails.for_guides`);
- a household released from the quarantine is told as if it had just come in (the worker writes
  the guides' e-mails, the mover's confirmation and the hand-off from the `household_registered` event).

Nothing is told of a household in the quarantine: it is told once released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from intake.models import Household, OutboxMessage
from intake.notify import emails, handoff, outbox, webhook


@dataclass(frozen=True)
class StatusChanged:
    old: str
    new: str
    at: datetime


@dataclass(frozen=True)
class MunicipalitiesAdded:
    municipalities: list[str]
    site: (
        object  # the content (`intake.builtsite.content.site()`): the municipalities' names, the guides of the content
    )


@dataclass(frozen=True)
class Released:
    """Out of the quarantine: a person after all."""


News = StatusChanged | MunicipalitiesAdded | Released


def tell(session: Session, household: Household, news: News) -> list[OutboxMessage]:
    """Queue what must be told of `news` about `household` (added to the session for the caller to
    commit) and return it."""
    if household.quarantine_reason is not None:
        return []
    if isinstance(news, StatusChanged):
        queued = (
            [handoff.status_changed(household, news.old, news.new, news.at)]
            if webhook.enabled(current_app.config)
            else []
        )
        if news.new == "moved" and news.old not in ("moved", "settled"):
            queued.append(outbox.event(outbox.HOUSEHOLD_MOVED, household=household))
    elif isinstance(news, MunicipalitiesAdded):
        queued = emails.for_guides(session, household, news.site, news.municipalities) if news.municipalities else []
    elif isinstance(news, Released):
        queued = [outbox.event(outbox.HOUSEHOLD_REGISTERED, household=household)]
    else:
        raise TypeError(f"no one to tell of {news!r}")
    session.add_all(queued)
    return queued
