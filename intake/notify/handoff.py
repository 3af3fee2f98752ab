"""What the other CRM is told: a new household, a new order, a household's status change, and a
household withdrawn or erased (so that the other CRM can do the same with its copy).

Each becomes an outbox row of kind `webhook`, written in the caller's transaction: the JSON body in
`body_text`, the idempotency key in `message_id` (the same at every retry), the event type in
`subject` (shown in the back office; it holds no personal data). The worker sends it (`worker.send_webhooks`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from intake.models import UTM_FIELDS, Household, MagazineOrder, OutboxMessage
from intake.notify import outbox, webhook

KIND = outbox.WEBHOOK
HOUSEHOLD_REGISTERED, ORDER_PLACED, STATUS_CHANGED = "household.registered", "order.placed", "household.status_changed"
WITHDRAWN, ERASED = "household.withdrawn", "household.erased"


def delivery(kind: str, occurred_at: datetime, data: dict, household=None, order=None) -> OutboxMessage:
    key = str(uuid.uuid4())
    return OutboxMessage(
        kind=KIND,
        message_id=key,
        to_address="",  # sent to WEBHOOK_URL as configured when it goes out, so a moved endpoint gets the backlog
        language="",
        subject=kind,
        body_text=webhook.body(kind, key, occurred_at, data),
        body_html="",
        household=household,
        order=order,
    )


def household_registered(household: Household) -> OutboxMessage:
    return delivery(HOUSEHOLD_REGISTERED, household.created_at, household_data(household), household=household)


def order_placed(order: MagazineOrder) -> OutboxMessage:
    return delivery(ORDER_PLACED, order.created_at, order_data(order), order=order)


def status_changed(household: Household, old: str, new: str, at: datetime) -> OutboxMessage:
    data = {
        "reference": household.reference,
        "old_status": old,
        "new_status": new,
        "at": webhook.iso(at),
        "moved_to": household.moved_to if new == "moved" else None,
        "moved_on": household.moved_on.isoformat() if new == "moved" and household.moved_on else None,
        "closed_reason": household.closed_reason if new == "closed" else None,
    }
    return delivery(STATUS_CHANGED, at, data, household=household)


def withdrawn(household: Household, at: datetime) -> OutboxMessage:
    """The mover withdrew: the other CRM should stop using the household (erasure follows, at once
    under consent, at the end of retention under public task, each as its own `household.erased`)."""
    data = {"reference": household.reference, "at": webhook.iso(at), "legal_basis": household.legal_basis}
    return delivery(WITHDRAWN, at, data, household=household)


def erased(household: Household, at: datetime) -> OutboxMessage:
    """The household's personal data was erased here: the other CRM should erase its copy too."""
    data = {"reference": household.reference, "at": webhook.iso(at), "withdrawn": household.withdrawn_at is not None}
    return delivery(ERASED, at, data, household=household)


def household_data(h: Household) -> dict:
    """Everything the household sent, as the form's codes (the receiver maps them to its own lists)."""
    return {
        "reference": h.reference,
        "registered_at": webhook.iso(h.created_at),
        "status": h.status,
        "form_language": h.form_language,
        "contact": {
            "name": h.name,
            "email": h.email,
            "phone": h.phone,
            "channel": h.contact_channel,
            "language": h.contact_language,
            "country": h.country,
            "place": h.place,
        },
        "occupation": h.occupation,
        "occupation_ssyk": h.occupation_ssyk,
        "work_sought": h.work_sought,
        "partner": {
            "occupation": h.partner_occupation,
            "occupation_ssyk": h.partner_occupation_ssyk,
            "work_sought": h.partner_work_sought,
        },
        "children": {"count": h.children_count, "ages": list(h.children_ages or [])},
        "municipalities": sorted(h.municipality_slugs),
        "unsure": h.unsure,
        "seeks": list(h.seeks or []),
        "housing": {"tenure": h.housing_tenure, "types": list(h.housing_types or []), "setting": h.housing_setting},
        "timeframe": h.timeframe,
        "message": h.message,
        "heard_from": h.heard_from,
        **_submission(h),
    }


def order_data(o: MagazineOrder) -> dict:
    return {
        "reference": o.reference,
        "placed_at": webhook.iso(o.created_at),
        "form_language": o.form_language,
        "name": o.name,
        "email": o.email,
        "address": {"street": o.street, "postal_code": o.postal_code, "city": o.city, "country": o.country},
        **_submission(o),
    }


def _submission(record) -> dict:
    """What households and orders share: where they came from and what they agreed to."""
    return {
        "campaign": {name: getattr(record, name) for name in UTM_FIELDS},
        "consent": {"privacy_notice_version": record.privacy_version, "consented_at": webhook.iso(record.consented_at)},
    }
