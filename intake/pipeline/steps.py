"""What staff do as they follow a household up: its status, the next follow-up, its owner, notes,
and the contacts it was introduced to; and handing every household of one person to another."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from intake.models import (
    PIPELINE,
    Contact,
    Household,
    HouseholdContact,
    HouseholdEvent,
    HouseholdMunicipality,
    User,
    utcnow,
)
from intake.pipeline import news
from intake.pipeline.timeline import add_event, claim_if_unowned, set_owner_field
from intake.privacy import audit

# A household taken back to one of these was not moved after all: its move is forgotten (on its
# timeline), so the list and the figures never call it moved. Settled and closed keep the move.
BEFORE_THE_MOVE = PIPELINE[: PIPELINE.index("moved")]
FUTURE_MOVE = "a move is recorded once it has happened; use a follow-up until then"
PAST_FOLLOW_UP = "a follow-up is planned for today or later, never in the past"


def change_status(
    session: Session,
    household: Household,
    user: User,
    status: str,
    moved_to: str | None = None,
    moved_on: date | None = None,
    closed_reason: str | None = None,
    today: date | None = None,
) -> None:
    """Set the status. "moved" takes where to and when (not after `today`: a move is recorded once
    it has happened), "settled" a move already recorded, "closed" a reason (the timeline keeps it
    as given, the household without surrounding spaces). Where and when it moved, set, changed or
    forgotten (taken back before the move), is a step on the timeline too. A household leaving
    "new" is first contacted now, and a guide who does so becomes its owner if it has none; a
    change is told (`news`)."""
    if status not in PIPELINE:
        raise ValueError(f"unknown status {status!r}")
    if status == "moved" and not (moved_to and moved_on):
        raise ValueError('"moved" needs where to and when')
    if status == "moved" and moved_on > (today or date.today()):
        raise ValueError(FUTURE_MOVE)
    if status == "settled" and household.moved_on is None:
        raise ValueError('"settled" needs the move recorded first')
    if status == "closed" and not (closed_reason or "").strip():
        raise ValueError('"closed" needs a reason')
    old = household.status
    if status != old:
        add_event(session, household, user, "status", old, status, closed_reason if status == "closed" else None)
        household.status, household.status_changed_at = status, utcnow()
        if status != "new" and household.first_contacted_at is None:
            household.first_contacted_at = utcnow()
            claim_if_unowned(session, household, user)
    corrected = False
    if status == "moved":
        corrected = _set_move(session, household, user, moved_to, moved_on) and status == old
    elif status in BEFORE_THE_MOVE:
        _set_move(session, household, user, None, None)
    if status == "closed":
        household.closed_reason = closed_reason.strip()
    if status != old:
        news.tell(session, household, news.StatusChanged(old, status, household.status_changed_at))
    elif corrected:  # where or when it moved was corrected: told as a change from moved to moved
        news.tell(session, household, news.StatusChanged(old, status, utcnow()))


def _move(moved_to: str | None, moved_on: date | None) -> str | None:
    return f"{moved_to}, {moved_on.isoformat()}" if moved_to and moved_on else None


def _set_move(session: Session, household: Household, user: User, moved_to: str | None, moved_on: date | None) -> bool:
    """Where and when the household moved (None, None: it has not), with the change on its timeline
    ("slug, YYYY-MM-DD" from and to); True when it changed."""
    before, after = _move(household.moved_to, household.moved_on), _move(moved_to, moved_on)
    if (household.moved_to, household.moved_on) == (moved_to, moved_on):
        return False
    if before != after:
        add_event(session, household, user, "move", before, after)
    household.moved_to, household.moved_on = moved_to, moved_on
    return True


def set_follow_up(session: Session, household: Household, user: User, day: date | None, *, today: date) -> None:
    """The day to follow the household up next (None: none planned); never before `today`, the
    region's day (a caller must say which: the server's own date may be another)."""
    if day is not None and day < today:
        raise ValueError(PAST_FOLLOW_UP)
    if day != household.follow_up_on:
        add_event(session, household, user, "follow_up", str(household.follow_up_on or ""), str(day or ""))
        household.follow_up_on = day


def set_owner(session: Session, household: Household, user: User, owner: User | None) -> None:
    """Who follows the household up (None: nobody)."""
    if (owner.id if owner else None) != household.owner_id:
        old = household.owner.name if household.owner else None
        add_event(session, household, user, "owner", old, owner.name if owner else None)
        set_owner_field(household, owner)


def add_note(session: Session, household: Household, user: User, text: str) -> None:
    add_event(session, household, user, "note", text=text.strip())


def _written(note: HouseholdEvent) -> str:
    return note.at.strftime("%Y-%m-%d %H:%M")


def edit_note(session: Session, household: Household, user: User, note: HouseholdEvent, text: str) -> bool:
    """The note now says `text`; its timeline keeps what it said before ("note_edited": the old text,
    and when the note was written). False if nothing changed. Erasure removes both texts."""
    _check_note(household, note)
    text = text.strip()
    if text == (note.text or ""):
        return False
    add_event(session, household, user, "note_edited", old=_written(note), text=note.text)
    note.text = text
    return True


def remove_note(session: Session, household: Household, user: User, note: HouseholdEvent) -> None:
    """The note is gone from the timeline; in its place "note_removed" keeps what it said."""
    _check_note(household, note)
    add_event(session, household, user, "note_removed", old=_written(note), text=note.text)
    session.delete(note)


def _check_note(household: Household, note: HouseholdEvent) -> None:
    if note.kind != "note" or note.household_id != household.id:
        raise ValueError("not a note of this household")


def link_contact(session: Session, household: Household, user: User, contact: Contact) -> bool:
    """Record that the household was introduced to `contact` (shown on both); False if it already was."""
    if session.get(HouseholdContact, (household.id, contact.id)) is not None:
        return False
    session.add(HouseholdContact(household_id=household.id, contact_id=contact.id))
    add_event(session, household, user, "contact", None, contact.label)
    return True


class NotTheirs(ValueError):
    """Some of the households are of no municipality the new owner is a guide of."""

    def __init__(self, count: int):
        super().__init__(f"{count} of the households are not in the new owner's municipalities")
        self.count = count


def hand_over_all(session: Session, source: User, target: User, user: User) -> int:
    """Every household `source` owns goes to `target` (a guide leaving), each with the step on its
    timeline; how many moved."""
    if source.id == target.id or not target.active:
        raise ValueError("hand over to another, active account")
    if target.role == "guide":  # a guide owns only households of their municipalities (as on the list)
        theirs = select(HouseholdMunicipality.household_id).where(
            HouseholdMunicipality.municipality.in_(target.municipality_slugs)
        )
        misfits = session.scalar(
            select(func.count(Household.id)).where(Household.owner_id == source.id, Household.id.not_in(theirs))
        )
        if misfits:
            raise NotTheirs(misfits)
    found = session.execute(select(Household.id, Household.reference).where(Household.owner_id == source.id)).all()
    ids = [i for i, _ in found]
    if ids:
        session.execute(update(Household).where(Household.id.in_(ids)).values(owner_id=target.id))
        session.add_all(
            HouseholdEvent(household_id=i, user_id=user.id, kind="owner", old=source.name, new=target.name) for i in ids
        )
        for _, reference in found:  # in the audit log like every change, by reference
            audit.record(session, "change", "household", reference, "owner", user=user)
    return len(ids)
