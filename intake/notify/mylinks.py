"""The worker's answer to "send me my link": a new link to the mover's own page, by e-mail.

Every household registered at the typed address (not withdrawn, erased or held as a robot's) gets a
link of its own, each raising its link number so that the older links stop working (see
`intake.public.mylink`); nothing is sent to an address we do not know, and nothing past the
address's daily share of messages (`MAIL_DAILY_LIMIT_PER_ADDRESS`). The typed address is not kept.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from intake.models import Household, OutboxMessage, utcnow
from intake.notify import emails, outbox
from intake.public import abuse, mylink
from tasteget.site import routes

MOST = 5  # links in answer to one request (an address shared by a few households)


def answer_request(session: Session, event: OutboxMessage, site) -> list[OutboxMessage]:
    """The e-mails for the request `event` (for the caller to add and commit); the event forgets the address."""
    address, lang = event.to_address, event.language if event.language in routes.LANGS else "sv"
    event.to_address = ""
    if not address:
        return []
    found = session.scalars(
        select(Household)
        .where(
            func.lower(Household.email) == address.lower(),
            Household.withdrawn_at.is_(None),
            Household.erased_at.is_(None),
            or_(
                Household.quarantine_reason.is_(None),
                Household.quarantine_reason.in_(abuse.CONFIRMED_WHILE_HELD),  # a person in a hurry, confirmed too
            ),
        )
        .order_by(Household.created_at.desc(), Household.id.desc())
        .limit(MOST)
    )
    messages = []
    sent = outbox.sent_recently(session, address, utcnow())
    for household in found:
        if sent >= current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
            break
        household.link_generation = (household.link_generation or 0) + 1
        messages.append(message(session, household, lang, site))
        sent += 1
    return messages


def message(session: Session, household: Household, lang: str, site) -> OutboxMessage:
    """The e-mail with the household's current link (see `answer_request`)."""
    subject = _l(
        "%(campaign)s: your link to your registration %(reference)s",
        campaign=site.region.campaign,
        reference=household.reference,
    )
    return emails.to_mover(
        session,
        site,
        "mover_link",
        lang,
        subject,
        household=household,
        reference=household.reference,
        link=mylink.url(household, lang),
        days=current_app.config["MY_REGISTRATION_LINK_DAYS"],
        ask_url=emails.public_url(mylink.ask_path(lang)),
        campaign=site.region.campaign,
    )
