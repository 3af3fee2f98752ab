"""A record's life under data protection: its consent record, withdrawal, export, erasure, retention.

Erasure removes every personal detail but keeps an anonymous row (reference, municipalities,
status, dates, campaign source but not the link's other campaign parameters), so the campaign's
figures are the same before and after.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from intake.models import (
    UTM_FIELDS,
    Household,
    HouseholdContact,
    HouseholdEvent,
    MagazineOrder,
    OutboxMessage,
    PrivacyNotice,
)
from intake.notify import handoff
from tasteget.site import routes

LEGAL_BASES = ("consent", "public_task")
PURPOSES = {"household": "relocation_guidance", "order": "magazine_delivery"}
ERASED_MARK = "(erased)"
# The figures break down by the campaign's source, so erasure keeps it; the rest of a link's campaign
# parameters counts in no figure and may name the person (a mailing's per-recipient term or content).
CAMPAIGN_DETAIL = tuple(name for name in UTM_FIELDS if name != "utm_source")
# The tables an erasure rewrites, whose old row versions `db.scrub` clears out after it.
ERASED_TABLES = ("households", "household_events", "household_contacts", "outbox", "magazine_orders")


# --- the withdrawal link in the mover's confirmation ---------------------------------------------


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="withdraw-registration")


def withdrawal_token(secret: str, reference: str) -> str:
    """A link token naming one household, unguessable without the secret key; it does not expire
    (the right to withdraw does not), and it works once the household is withdrawn only to show so."""
    return _signer(secret).dumps(reference)


WITHDRAW = {"sv": "aterkalla", "en": "withdraw"}  # under the registration form's path


def withdraw_path(lang: str, token: str) -> str:
    return f"{routes.url('register', lang)}{WITHDRAW[lang]}/{token}/"


def reference_from_token(secret: str, token: str) -> str | None:
    try:
        reference = _signer(secret).loads(token)
    except BadSignature:
        return None
    return reference if isinstance(reference, str) else None


# --- erasure -------------------------------------------------------------------------------------


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


def _forget_campaign_detail(record: Household | MagazineOrder) -> None:
    for name in CAMPAIGN_DETAIL:
        setattr(record, name, None)


def erase_household(session: Session, h: Household, now: datetime, hand_off: bool = False) -> None:
    """Remove the household's personal data, keeping what the figures count. With `hand_off` (a
    webhook is configured), the other CRM is told to erase its copy."""
    for name in ("name", "email", "place", "occupation"):
        setattr(h, name, "")
    for name in ("phone", "work_sought", "partner_occupation", "partner_work_sought", "message", "closed_reason"):
        setattr(h, name, None)
    h.country = ""
    h.children_count, h.children_ages = 0, []
    h.housing_tenure, h.housing_types, h.housing_setting = None, [], None
    _forget_campaign_detail(h)
    h.erased_at = now
    # Staff's notes may name people; the pipeline's steps (status, owner, dates) stay.
    session.execute(update(HouseholdEvent).where(HouseholdEvent.household_id == h.id).values(text=None))
    session.execute(delete(HouseholdContact).where(HouseholdContact.household_id == h.id))
    _erase_messages(session, OutboxMessage.household_id == h.id)  # a registration not yet handed off never will be
    if hand_off and h.quarantine_reason is None:  # the quarantine was never handed off
        session.add(handoff.erased(h, now))


def erase_order(session: Session, o: MagazineOrder, now: datetime) -> None:
    """Remove the orderer's name and address, keeping the order's date, country and campaign source."""
    o.name = o.street = o.postal_code = o.city = ""
    o.email = None
    o.address_key = None
    _forget_campaign_detail(o)
    o.erased_at = now
    _erase_messages(session, OutboxMessage.order_id == o.id)


def withdraw(session: Session, h: Household, now: datetime, hand_off: bool = False) -> bool:
    """The mover withdraws: hidden from the guides at once; erased at once where the basis is
    consent (returns True), else at the end of the retention period (see `purge_due`). With
    `hand_off`, the other CRM is told."""
    h.withdrawn_at = h.withdrawn_at or now
    _forget_campaign_detail(h)  # not part of the official record kept under public task
    if h.legal_basis == "consent":
        erase_household(session, h, now, hand_off=hand_off)
        return True
    if hand_off and h.quarantine_reason is None:
        session.add(handoff.withdrawn(h, now))
    return False


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier), on the month's last day where it is shorter."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def erased_by(withdrawn_at: datetime, retention_months: int) -> date:
    """The day a withdrawn household kept under public task is erased at the latest (by the daily purge)."""
    return add_months(withdrawn_at, retention_months).date() + timedelta(days=1)


# --- retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    households: list[Household]
    orders: list[MagazineOrder]


def purge_due(session: Session, now: datetime, retention_months: int, order_days: int) -> Due:
    """What retention says must be erased now: households with no activity for `retention_months`
    (registered, contacted, a status change, anything staff recorded; withdrawn ones count from their
    withdrawal), orders `order_days` after they were sent."""
    cutoff = add_months(now, -retention_months)
    recent_event = select(HouseholdEvent.household_id).where(HouseholdEvent.at >= cutoff)
    households = session.scalars(
        select(Household)
        .where(
            Household.erased_at.is_(None),
            Household.created_at < cutoff,
            or_(Household.status_changed_at.is_(None), Household.status_changed_at < cutoff),
            or_(Household.first_contacted_at.is_(None), Household.first_contacted_at < cutoff),
            or_(Household.withdrawn_at.is_(None), Household.withdrawn_at < cutoff),
            Household.id.not_in(recent_event),
        )
        .order_by(Household.id)
    ).all()
    orders = session.scalars(
        select(MagazineOrder)
        .where(MagazineOrder.erased_at.is_(None), MagazineOrder.sent_at < now - timedelta(days=order_days))
        .order_by(MagazineOrder.id)
    ).all()
    return Due(list(households), list(orders))


# --- export --------------------------------------------------------------------------------------

PERSONAL_FIELDS = (
    "name",
    "email",
    "phone",
    "contact_channel",
    "contact_language",
    "country",
    "place",
    "occupation",
    "work_sought",
    "partner_occupation",
    "partner_work_sought",
    "children_count",
    "children_ages",
    "seeks",
    "housing_tenure",
    "housing_types",
    "housing_setting",
    "timeframe",
    "message",
    "heard_from",
)
RECORD_FIELDS = (
    "reference",
    "created_at",
    "form_language",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "status",
    "first_contacted_at",
    "status_changed_at",
    "moved_to",
    "moved_on",
    "closed_reason",
    "follow_up_on",
    "withdrawn_at",
    "erased_at",
)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_household(session: Session, h: Household) -> dict:
    """Everything held about one household, its history and its consent record, as plain JSON."""
    notice = session.get(PrivacyNotice, h.privacy_version)
    events = session.scalars(
        select(HouseholdEvent).where(HouseholdEvent.household_id == h.id).order_by(HouseholdEvent.at)
    ).all()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.household_id == h.id).order_by(OutboxMessage.created_at)
    ).all()
    contacts = session.scalars(select(HouseholdContact).where(HouseholdContact.household_id == h.id)).all()
    return {
        "household": {name: _plain(getattr(h, name)) for name in PERSONAL_FIELDS + RECORD_FIELDS},
        "municipalities": h.municipality_slugs,
        "unsure": h.unsure,
        "owner": h.owner.name if h.owner else None,
        "consent": {
            "legal_basis": h.legal_basis,
            "purpose": h.purpose,
            "privacy_notice_version": h.privacy_version,
            "acknowledged_at": _plain(h.consented_at),
            "privacy_notice_language": notice.language if notice else None,
            "privacy_notice_text": notice.text if notice else None,
        },
        "history": [
            {
                "at": _plain(e.at),
                "kind": e.kind,
                "old": e.old,
                "new": e.new,
                "text": e.text,
                "by": e.user.name if e.user else None,
            }
            for e in events
        ],
        "messages": [
            {
                "kind": m.kind,
                "to": m.to_address,
                "subject": m.subject,
                "created_at": _plain(m.created_at),
                "status": m.status,
                "sent_at": _plain(m.sent_at),
            }
            for m in messages
        ],
        "introduced_to": [
            {"organisation": c.contact.organisation, "kind": c.contact.kind, "linked_at": _plain(c.linked_at)}
            for c in contacts
        ],
    }


def export_json(session: Session, h: Household) -> str:
    """`export_household` as the JSON file people get (the back office's download, `tasteget export`)."""
    return json.dumps(export_household(session, h), ensure_ascii=False, indent=2, sort_keys=True)
