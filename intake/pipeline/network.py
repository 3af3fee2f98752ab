"""The partner network's contacts changed: edited or removed, each change keeping what the contact
said before (`ContactChange`), so staff can see what an introduction was made to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from intake.models import CONTACT_FIELDS, Contact, ContactChange, User, utcnow


def snapshot(contact: Contact) -> dict:
    return {name: getattr(contact, name) for name in CONTACT_FIELDS}


def edit(session: Session, contact: Contact, user: User, values: dict) -> bool:
    """Set the contact's fields to `values` (CONTACT_FIELDS, empty as None); what it said before is
    kept. False if nothing changed."""
    before = snapshot(contact)
    after = {name: (values.get(name) or "").strip() or None for name in CONTACT_FIELDS}
    if after == before:
        return False
    session.add(ContactChange(contact_id=contact.id, user_id=user.id, kind="edited", before=before))
    for name, value in after.items():
        setattr(contact, name, value)
    return True


def remove(session: Session, contact: Contact, user: User) -> None:
    """No longer listed nor offered for introductions; its page, its links to households and what it
    said stay, for the households' history."""
    if contact.removed_at is None:
        session.add(ContactChange(contact_id=contact.id, user_id=user.id, kind="removed", before=snapshot(contact)))
        contact.removed_at = utcnow()
