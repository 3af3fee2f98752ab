"""The partner network's contacts changed: edited or removed, each change keeping what the contact
said before (`ContactChange`), so staff can see what an introduction was made to.

An ambassador's country of origin can reveal ethnic origin: it is stored only with their opt-in,
and when the opt-in is withdrawn it goes from the contact and from every change that kept it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import AMBASSADOR_FIELDS, CONTACT_FIELDS, Contact, ContactChange, User, utcnow

ALL_FIELDS = CONTACT_FIELDS + AMBASSADOR_FIELDS


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def snapshot(contact: Contact) -> dict:
    """What the contact says, as JSON keeps it (days as ISO text)."""
    return {name: _plain(getattr(contact, name)) for name in ALL_FIELDS}


def offer(values: dict, today: date, consented_before: date | None) -> dict:
    """An ambassador's offer as stored (AMBASSADOR_FIELDS): nothing for another kind of contact; the
    country of origin only with `origin_consent` ticked (dated the day it was first given)."""
    if values.get("kind") != "ambassador":
        return dict.fromkeys(AMBASSADOR_FIELDS)
    consent = bool(values.get("origin_consent")) and bool(values.get("origin_country"))
    return {
        "agreed_on": values.get("agreed_on"),
        "languages": sorted(set(values.get("languages") or [])) or None,
        "occupation_field": values.get("occupation_field") or None,
        "interests": (values.get("interests") or "").strip() or None,
        "origin_country": values.get("origin_country") if consent else None,
        "origin_consent_on": (consented_before or today) if consent else None,
    }


def edit(session: Session, contact: Contact, user: User, values: dict, today: date | None = None) -> bool:
    """Set the contact's fields to `values` (CONTACT_FIELDS, empty as None; an ambassador's offer as
    `offer` reads it); what it said before is kept. False if nothing changed."""
    before = snapshot(contact)
    after = {name: (values.get(name) or "").strip() or None for name in CONTACT_FIELDS}
    after.update(offer(values, today or date.today(), contact.origin_consent_on))
    if {name: _plain(value) for name, value in after.items()} == before:
        return False
    if contact.origin_country and after["origin_country"] is None:
        forget_origin(session, contact)
        before["origin_country"] = before["origin_consent_on"] = None
    session.add(ContactChange(contact_id=contact.id, user_id=user.id, kind="edited", before=before))
    for name, value in after.items():
        setattr(contact, name, value)
    return True


def forget_origin(session: Session, contact: Contact) -> None:
    """The opt-in withdrawn: the country of origin is removed from what earlier changes kept too."""
    for change in session.scalars(select(ContactChange).where(ContactChange.contact_id == contact.id)):
        if change.before.get("origin_country"):
            change.before = {**change.before, "origin_country": None, "origin_consent_on": None}


def remove(session: Session, contact: Contact, user: User) -> None:
    """No longer listed nor offered for introductions; its page, its links to households and what it
    said stay, for the households' history."""
    if contact.removed_at is None:
        session.add(ContactChange(contact_id=contact.id, user_id=user.id, kind="removed", before=snapshot(contact)))
        contact.removed_at = utcnow()
