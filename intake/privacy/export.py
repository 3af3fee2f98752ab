"""Export: everything held about one household, its history and its consent record, as the JSON a
request for access gets; every export is recorded in the audit log."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from intake.models import (
    EventSignUp,
    Household,
    HouseholdContact,
    HouseholdEvent,
    OutboxMessage,
    PrivacyNotice,
    Visit,
    WelcomeTick,
)
from intake.notify.mime import WRITTEN_BY_STAFF
from intake.privacy import audit

PERSONAL_FIELDS = (
    "name",
    "email",
    "phone",
    "contact_channel",
    "contact_language",
    "country",
    "place",
    "occupation",
    "occupation_concept",
    "occupation_ssyk",
    "occupation_situation",
    "work_sought",
    "partner_occupation",
    "partner_occupation_concept",
    "partner_occupation_ssyk",
    "partner_occupation_situation",
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


def sign_up_record(s: EventSignUp) -> dict:
    """One sign-up to an event as its person gets it: the needs for the day included (their own words)."""
    return {
        "reference": s.reference,
        "event": s.event,
        "name": s.name,
        "email": s.email,
        "people": s.people,
        "status": s.status,
        "signed_up_at": _plain(s.created_at),
        "form_language": s.form_language,
        "needs": s.needs,
        "needs_consented_at": _plain(s.needs_consented_at),
        "needs_erased_at": _plain(s.needs_erased_at),
        "erased_at": _plain(s.erased_at),
        "consent": {
            "legal_basis": s.legal_basis,
            "purpose": s.purpose,
            "privacy_notice_version": s.privacy_version,
            "acknowledged_at": _plain(s.consented_at),
        },
    }


def sign_ups_of(session: Session, h: Household) -> list[EventSignUp]:
    """A household's sign-ups: those linked to it, and those made with its address."""
    same_address = func.lower(EventSignUp.email) == h.email.lower() if h.email else EventSignUp.id.is_(None)
    return list(
        session.scalars(
            select(EventSignUp)
            .where(or_(EventSignUp.household_id == h.id, same_address))
            .order_by(EventSignUp.created_at, EventSignUp.id)
        )
    )


def export_sign_up_json(session: Session, s: EventSignUp, *, reason: str, actor: str | None = None) -> str:
    """One sign-up by someone with no household, as `export_json` exports a household (audited)."""
    data = json.dumps({"event_sign_ups": [sign_up_record(s)]}, ensure_ascii=False, indent=2, sort_keys=True)
    audit.record(session, "export", "sign_up", s.reference, reason, actor=actor)
    return data


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
    visits = session.scalars(select(Visit).where(Visit.household_id == h.id).order_by(Visit.starts_on)).all()
    ticks = session.scalars(
        select(WelcomeTick).where(WelcomeTick.household_id == h.id).order_by(WelcomeTick.ticked_at, WelcomeTick.key)
    ).all()
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
                # What a guide wrote to them, in full (what the system wrote is the same for everyone).
                **({"text": m.body_text, "reply_to": m.reply_to} if m.kind in WRITTEN_BY_STAFF else {}),
            }
            for m in messages
        ],
        "introduced_to": [
            {"organisation": c.contact.organisation, "kind": c.contact.kind, "linked_at": _plain(c.linked_at)}
            for c in contacts
        ],
        "visits": [
            {
                "starts_on": _plain(v.starts_on),
                "ends_on": _plain(v.ends_on),
                "arranged": v.arranged,
                "note": v.note,
                "planned_at": _plain(v.created_at),
                "state": v.state,
                "municipality": v.municipality,
                "flexible_month": v.flexible_month,
                "wishes": v.wishes or [],
                "message": v.message,
                "requested_at": _plain(v.requested_at),
                "confirmed_at": _plain(v.confirmed_at),
            }
            for v in visits
        ],
        "event_sign_ups": [sign_up_record(s) for s in sign_ups_of(session, h)],
        # The welcome checklist's steps ticked off, by key: by a member of staff, or by the household itself.
        "welcome_ticks": [
            {"key": t.key, "ticked_at": _plain(t.ticked_at), "by": t.user.name if t.user else "household"}
            for t in ticks
        ],
    }


def export_json(session: Session, h: Household, *, reason: str, actor: str | None = None) -> str:
    """`export_household` as the JSON file people get (the back office's download, `tasteget export`),
    with the audit entry that says why (`reason`) and by whom (`actor`; by default the logged-in staff
    member, else "command"), for the caller to commit."""
    data = json.dumps(export_household(session, h), ensure_ascii=False, indent=2, sort_keys=True)
    audit.record(session, "export", "household", h.reference, reason, actor=actor)
    return data
