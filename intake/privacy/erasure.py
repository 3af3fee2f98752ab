"""Erasure: a household's or an order's personal data removed, and the audit entry that says who
erased it and why, in one call for the caller to commit (then `db.scrub` on `ERASED_TABLES`).

Erasure keeps an anonymous row (reference, municipalities, status, dates, campaign source but not
the link's other campaign parameters), so the campaign's figures are the same before and after.
Only a quarantined robot's record is deleted outright (`delete_robot`).
"""

from __future__ import annotations

from datetime import datetime

from flask import has_app_context
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from intake.builtsite import content
from intake.models import (
    UTM_FIELDS,
    EventSignUp,
    Household,
    HouseholdContact,
    HouseholdEvent,
    MagazineOrder,
    OutboxMessage,
    Visit,
    WelcomeTick,
)
from intake.notify import handoff
from intake.privacy import audit, export

ERASED_MARK = "(erased)"
# The figures break down by the campaign's source, so erasure keeps it; the rest of a link's campaign
# parameters counts in no figure and may name the person (a mailing's per-recipient term or content).
CAMPAIGN_DETAIL = tuple(name for name in UTM_FIELDS if name != "utm_source")
# The tables an erasure rewrites, whose old row versions `db.scrub` clears out after it.
ERASED_TABLES = (
    "households",
    "household_events",
    "household_contacts",
    "outbox",
    "magazine_orders",
    "visits",
    "event_sign_ups",
    "welcome_ticks",
)


def _erase_messages(session: Session, owner) -> None:
    """Messages about the record (`owner`: a condition on the outbox, e.g. its household) lose their
    addresses and text; unsent ones will never be sent."""
    session.execute(
        update(OutboxMessage)
        .where(owner, OutboxMessage.status.in_(("pending", "sending")))
        .values(status="erased", lease_until=None)
    )
    session.execute(
        update(OutboxMessage)
        .where(owner)
        .values(to_address="", to_name=None, subject=ERASED_MARK, body_text="", body_html="", last_error=None)
    )


def forget_campaign_detail(record: Household | MagazineOrder) -> None:
    for name in CAMPAIGN_DETAIL:
        setattr(record, name, None)


def erase_household(
    session: Session,
    h: Household,
    now: datetime,
    *,
    reason: str,
    actor: str | None = None,
    hand_off: bool = False,
) -> None:
    """Remove the household's personal data, keeping what the figures count, and record why (`reason`)
    and by whom (`actor`; by default the logged-in staff member, else "command") in the audit log.
    With `hand_off` (a webhook is configured), the other CRM is told to erase its copy."""
    # Every sign-up the household's export shows (linked to it or made with its address), found
    # before the address goes: an erasure removes all that an export would give.
    sign_ups = [s for s in export.sign_ups_of(session, h) if s.erased_at is None]
    for name in ("name", "email", "place"):
        setattr(h, name, "")
    for name in ("phone", "work_sought", "partner_work_sought", "message", "closed_reason"):
        setattr(h, name, None)
    # The occupations as typed go, and so do the exact taxonomy concept and the situation; the SSYK-4
    # groups stay, like the other anonymous facts the figures count by (households with a needed
    # skill, by occupation group): a group of hundreds of occupations identifies nobody.
    for person in ("occupation", "partner_occupation"):
        for name in (person, f"{person}_concept", f"{person}_situation"):
            setattr(h, name, None)
    h.country = ""
    h.children_count, h.children_ages = 0, []
    h.housing_tenure, h.housing_types, h.housing_setting = None, [], None
    forget_campaign_detail(h)
    h.erased_at = now
    # Staff's notes may name people; the pipeline's steps (status, owner, dates) stay.
    session.execute(update(HouseholdEvent).where(HouseholdEvent.household_id == h.id).values(text=None))
    # A visit's days and what was arranged stay (like the follow-up dates); its note is free text.
    session.execute(update(Visit).where(Visit.household_id == h.id).values(note=None, message=None))
    session.execute(delete(HouseholdContact).where(HouseholdContact.household_id == h.id))
    # What the household did in its first months is about its life, not a figure of the campaign's.
    session.execute(delete(WelcomeTick).where(WelcomeTick.household_id == h.id))
    _erase_messages(session, OutboxMessage.household_id == h.id)  # a registration not yet handed off never will be
    for sign_up in sign_ups:  # they name the same people
        erase_sign_up(session, sign_up, now, reason=reason, actor=actor)
    if hand_off and h.quarantine_reason is None:  # the quarantine was never handed off
        session.add(handoff.erased(h, now))
    audit.record(session, "erase", "household", h.reference, reason, actor=actor)


def erase_order(session: Session, o: MagazineOrder, now: datetime, *, reason: str, actor: str | None = None) -> None:
    """Remove the orderer's name and address, keeping the order's date, country and campaign source;
    recorded in the audit log as `erase_household` is."""
    o.name = o.street = o.postal_code = o.city = ""
    o.email = None
    o.address_key = None
    forget_campaign_detail(o)
    o.erased_at = now
    _erase_messages(session, OutboxMessage.order_id == o.id)
    audit.record(session, "erase", "order", o.reference, reason, actor=actor)


def erase_sign_up(session: Session, s: EventSignUp, now: datetime, *, reason: str, actor: str | None = None) -> None:
    """Remove the name, address and needs of a sign-up to an event, keeping the event, how many
    people and whether they came (the figures of events); recorded in the audit log as
    `erase_household` is. Its e-mails lose their text, and unsent ones are never sent. A place held
    at an event still to come is given up (its link no longer works once the address is gone): the
    worker's next round gives it to the waiting list."""
    if s.status in ("confirmed", "waiting") and _still_to_come(s.event, now):
        s.status, s.queue_number = "cancelled", None
    s.name = s.email = ""
    if s.needs is not None:
        s.needs, s.needs_erased_at = None, now
    s.erased_at = now
    _erase_messages(session, OutboxMessage.sign_up_id == s.id)
    audit.record(session, "erase", "sign_up", s.reference, reason, actor=actor)


def _still_to_come(slug: str, now: datetime) -> bool:
    """Whether the event is in the content and not over. Outside a request or command (the retention's
    own runs in tests) there is no content, and nothing to give back: retention erases a sign-up only
    months after its event."""
    if not has_app_context():
        return False
    event = content.site().events.get(slug)
    return event is not None and not event.is_past(now)


def erase_needs(session: Session, s: EventSignUp, now: datetime, *, reason: str, actor: str | None = None) -> None:
    """Remove the needs for the day of a sign-up (they can reveal health or religion) once the event
    is over, keeping the rest; recorded in the audit log."""
    s.needs, s.needs_erased_at = None, now
    audit.record(session, "erase", "sign_up", s.reference, f"{reason}: needs for the day", actor=actor)


def delete_robot(session: Session, h: Household, *, actor: str | None = None) -> None:
    """The quarantine's verdict on a robot: its record is deleted outright (it never counted in a figure
    nor reached anyone), with an audit entry naming it by reference. Only a quarantined record."""
    if h.quarantine_reason is None:
        raise ValueError("only a quarantined household is deleted; any other is erased")
    audit.record(session, "erase", "household", h.reference, "quarantine: deleted as a robot", actor=actor)
    # One held only for being sent too fast had its confirmation, which names the mover: it goes too.
    _erase_messages(session, OutboxMessage.household_id == h.id)
    session.delete(h)
