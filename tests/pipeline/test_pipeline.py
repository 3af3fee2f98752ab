"""A household's way through the campaign, called as the views, the commands and the worker call it:
plain functions over the real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), no
request, form or logged-in user. The back office's pages over them are tested in test_crm*.py."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select, update

from intake import db
from intake.accounts import users
from intake.builtsite import content
from intake.models import (
    AuditEntry,
    Contact,
    Household,
    HouseholdContact,
    HouseholdEvent,
    OutboxMessage,
    User,
    utcnow,
)
from intake.notify import outbox
from intake.pipeline import duplicates, steps, triage

from tests.support.intake_helpers import MUNICIPALITIES, emails, make_staff, register


@contextmanager
def acting(app, role: str, *municipalities):
    """An application context (no request), its session, and a staff user of `role` (made on first use)."""
    email = f"{role}-{'-'.join(municipalities) or 'all'}@staff.example"
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = users.add(session, email, email.split("@")[0].title(), role, list(municipalities), MUNICIPALITIES)
            session.commit()
        yield session, user


def household(session, reference: str) -> Household:
    return session.scalar(select(Household).where(Household.reference == reference))


def hand_offs(rows, kind: str = "household.status_changed") -> list[dict]:
    return [
        json.loads(m.body_text)
        for m in rows(OutboxMessage, OutboxMessage.kind == outbox.WEBHOOK, OutboxMessage.subject == kind)
    ]


def test_a_status_change_is_told_to_the_other_crm_once_and_the_first_guide_to_call_owns_it(webhook_app, client, rows):
    reference = register(client, municipalities=["are"])
    with acting(webhook_app, "guide", "are") as (session, guide):
        h = household(session, reference)
        steps.change_status(session, h, guide, "contacted")
        steps.change_status(session, h, guide, "contacted")  # no change: nothing recorded, nothing told
        session.commit()
        assert (h.owner_id, h.first_contacted_at is not None) == (guide.id, True)
        guide_id, guide_name = guide.id, guide.name
    [told] = hand_offs(rows)
    assert (told["type"], told["data"]["old_status"], told["data"]["new_status"]) == (
        "household.status_changed",
        "new",
        "contacted",
    )
    events = rows(HouseholdEvent)
    assert [(e.kind, e.old, e.new) for e in events] == [("status", "new", "contacted"), ("owner", None, guide_name)]
    assert all(e.user_id == guide_id for e in events)
    changes = rows(AuditEntry, AuditEntry.action == "change")
    assert [(a.reference, a.detail) for a in changes] == [(reference, "status"), (reference, "owner")]

    with acting(webhook_app, "coordinator") as (session, coordinator):
        h = household(session, reference)
        steps.change_status(session, h, coordinator, "moved", moved_to="are", moved_on=date(2026, 5, 1))
        steps.change_status(session, h, coordinator, "closed", closed_reason="  Flyttade inte. ")
        session.commit()
        assert (h.owner_id, h.closed_reason) == (guide_id, "Flyttade inte.")  # a coordinator never claims it
    moved, closed = hand_offs(rows)[1:]
    assert (moved["data"]["moved_to"], moved["data"]["moved_on"]) == ("are", "2026-05-01")
    assert (closed["data"]["old_status"], closed["data"]["closed_reason"]) == ("moved", "Flyttade inte.")
    assert rows(HouseholdEvent, HouseholdEvent.kind == "status")[-1].text == "  Flyttade inte. "  # as given


def test_a_status_without_what_it_needs_is_refused_before_anything_changes(app, client, rows):
    reference = register(client, municipalities=["are"])
    with acting(app, "coordinator") as (session, coordinator):
        h = household(session, reference)
        for status, values in (("gone", {}), ("moved", {"moved_to": "are"}), ("closed", {"closed_reason": "  "})):
            with pytest.raises(ValueError):
                steps.change_status(session, h, coordinator, status, **values)
        session.commit()
    assert rows(HouseholdEvent) == [] and rows(Household)[0].status == "new"


def test_without_a_webhook_or_in_the_quarantine_no_one_is_told_until_it_is_released(webhook_app, client, rows):
    url, webhook_app.config["WEBHOOK_URL"] = webhook_app.config["WEBHOOK_URL"], ""
    plain = register(client, municipalities=["are"])
    with acting(webhook_app, "coordinator") as (session, coordinator):
        steps.change_status(session, household(session, plain), coordinator, "contacted")
        session.commit()
    assert hand_offs(rows) == []

    webhook_app.config["WEBHOOK_URL"] = url
    held = register(client, municipalities=["berg"], website="http://spam.example")
    before = len(rows(OutboxMessage))
    with acting(webhook_app, "coordinator") as (session, coordinator):
        h = household(session, held)
        steps.change_status(session, h, coordinator, "contacted")
        triage.assign_municipalities(session, h, coordinator, ["berg", "are"], content.site())
        session.commit()
        assert len(rows(OutboxMessage)) == before  # the quarantine hears nothing
        triage.release(session, h, coordinator)
        with pytest.raises(ValueError):
            triage.release(session, h, coordinator)  # only once
        session.commit()
        held_id = h.id
    [registered] = rows(OutboxMessage)[before:]
    assert (registered.kind, registered.household_id) == (outbox.HOUSEHOLD_REGISTERED, held_id)
    assert hand_offs(rows) == []  # the worker hands it off as a new household, status and all
    assert rows(HouseholdEvent)[-1].kind == "quarantine" and rows(Household)[-1].quarantine_reason is None


def test_triage_tells_the_guides_of_the_added_municipalities_only(app, client, rows):
    reference = register(client, municipalities=["unsure"])
    make_staff(app, "guide-are@staff.example", "guide", ["are"])
    make_staff(app, "guide-berg@staff.example", "guide", ["berg"])
    told = len(rows(OutboxMessage))
    with acting(app, "coordinator") as (session, coordinator):
        h = household(session, reference)
        assert triage.assign_municipalities(session, h, coordinator, ["are", "are"], content.site()) == ["are"]
        session.commit()
        first = rows(OutboxMessage)[told:]
        assert triage.assign_municipalities(session, h, coordinator, ["berg", "are"], content.site()) == ["berg"]
        session.commit()
        second = rows(OutboxMessage)[told + len(first) :]
        with pytest.raises(ValueError):
            triage.assign_municipalities(session, h, coordinator, ["atlantis"], content.site())
    assert [(m.kind, m.to_address) for m in emails(first)] == [("guide_new_household", "guide-are@staff.example")]
    assert [(m.kind, m.to_address) for m in emails(second)] == [("guide_new_household", "guide-berg@staff.example")]
    steps_taken = rows(HouseholdEvent, HouseholdEvent.kind == "municipalities")
    # Stored as staff read it (Swedish), though no request chose the language.
    assert [(e.old, e.new) for e in steps_taken] == [("Vet inte än", "are"), ("are", "berg, are")]
    assert sorted(rows(Household)[0].municipality_slugs) == ["are", "berg"] and not rows(Household)[0].unsure


@pytest.mark.parametrize("ending", ["erased_at", "withdrawn_at"])
def test_a_merge_refuses_a_household_that_ended_after_it_was_read(app, client, rows, ending):
    """The withdrawal or erasure is committed by someone else after the merge read both households:
    the merge reads them again under lock, refuses, and nothing moves."""
    keep, other = register(client, municipalities=["are"]), register(client, municipalities=["berg"])
    messages = len(rows(OutboxMessage))
    with acting(app, "coordinator") as (session, coordinator):
        kept, duplicate = household(session, keep), household(session, other)
        assert not duplicates.ended(duplicate)
        with db.engine().begin() as elsewhere:
            elsewhere.execute(update(Household).where(Household.reference == other).values({ending: utcnow()}))
        with pytest.raises(duplicates.Refused) as refused:
            duplicates.merge(session, kept, duplicate, coordinator)
        assert refused.value.household.reference == other
        session.rollback()
        with pytest.raises(duplicates.Refused):  # either way round
            duplicates.merge(session, household(session, other), household(session, keep), coordinator)
        session.rollback()
    assert sorted(h.reference for h in rows(Household)) == sorted([keep, other])
    assert rows(HouseholdEvent) == [] and len(rows(OutboxMessage)) == messages


def test_a_merge_brings_the_duplicates_history_contacts_and_municipalities_along(app, client, rows):
    keep = register(client, municipalities=["are"])
    other = register(client, municipalities=["berg"], message="Vi anmälde oss igen, ursäkta!")
    with acting(app, "coordinator") as (session, coordinator):
        both, only = Contact(kind="employer", organisation="Åre Skidskola"), Contact(kind="landlord", person="Bo")
        session.add_all([both, only])
        session.flush()
        kept, duplicate = household(session, keep), household(session, other)
        assert steps.link_contact(session, kept, coordinator, both)
        assert steps.link_contact(session, duplicate, coordinator, both)
        assert steps.link_contact(session, duplicate, coordinator, only)
        assert not steps.link_contact(session, duplicate, coordinator, only)  # once
        session.commit()
        with pytest.raises(ValueError):
            duplicates.merge(session, kept, kept, coordinator)
        kept_id, contact_ids = kept.id, sorted([both.id, only.id])
        duplicates.merge(session, kept, duplicate, coordinator)
        session.commit()
    [h] = rows(Household)
    assert h.reference == keep and sorted(h.municipality_slugs) == ["are", "berg"]
    assert sorted(link.contact_id for link in rows(HouseholdContact)) == contact_ids
    assert {m.household_id for m in rows(OutboxMessage)} == {kept_id}
    events = rows(HouseholdEvent)
    assert {e.household_id for e in events} == {kept_id}
    assert [e.kind for e in events] == ["contact", "contact", "contact", "merge"]
    assert (events[-1].old, events[-1].new, events[-1].text) == (other, keep, "Vi anmälde oss igen, ursäkta!")


def test_follow_up_owner_and_notes_are_steps_in_the_timeline(app, client, rows):
    reference = register(client, municipalities=["are"])
    make_staff(app, "guide-are@staff.example", "guide", ["are"])
    with acting(app, "coordinator") as (session, coordinator):
        h = household(session, reference)
        guide = session.scalar(select(User).where(User.email == "guide-are@staff.example"))
        steps.set_follow_up(session, h, coordinator, date(2026, 3, 2), today=date(2026, 3, 1))
        steps.set_follow_up(session, h, coordinator, date(2026, 3, 2), today=date(2026, 3, 1))  # unchanged: no step
        steps.set_owner(session, h, coordinator, guide)
        steps.set_owner(session, h, coordinator, guide)
        steps.add_note(session, h, coordinator, "  Ringde, inget svar. ")
        session.commit()
        steps.set_owner(session, h, coordinator, None)
        session.commit()
    assert [(e.kind, e.old, e.new, e.text) for e in rows(HouseholdEvent)] == [
        ("follow_up", "", "2026-03-02", None),
        ("owner", None, "Guide-Are", None),
        ("note", None, None, "Ringde, inget svar."),
        ("owner", "Guide-Are", None, None),
    ]
    assert rows(Household)[0].owner_id is None
    # Outside a request the audit log still names who acted, as the timeline does.
    changes = [e for e in rows(AuditEntry) if e.action == "change"]
    assert [(e.detail, e.actor, e.user_id) for e in changes] == [
        (kind, "staff", coordinator.id) for kind in ("follow_up", "owner", "note", "owner")
    ]


def test_a_note_edited_or_removed_keeps_its_old_text_and_only_a_note_of_its_own_household(app, client, rows):
    reference = register(client, municipalities=["are"])
    other = register(client, email="other@example.com", municipalities=["are"])
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        steps.add_note(session, h, guide, "  Första texten. ")
        session.commit()
        note = session.scalar(select(HouseholdEvent).where(HouseholdEvent.kind == "note"))
        assert steps.edit_note(session, h, guide, note, "Första texten.") is False  # the same after trimming
        assert steps.edit_note(session, h, guide, note, "Andra texten.") is True
        with pytest.raises(ValueError):
            steps.remove_note(session, household(session, other), guide, note)
        steps.remove_note(session, h, guide, note)
        session.commit()
    events = [(e.kind, e.text) for e in rows(HouseholdEvent)]
    assert events == [("note_edited", "Första texten."), ("note_removed", "Andra texten.")]


def test_a_contact_edited_or_removed_keeps_what_it_said(app, rows):
    from intake.models import ContactChange
    from intake.pipeline import network

    with acting(app, "coordinator") as (session, coordinator):
        contact = Contact(kind="employer", organisation="Skistar", person="Sara Sund")
        session.add(contact)
        session.commit()
        values = {**network.snapshot(contact), "person": " Per Pers "}
        assert network.edit(session, contact, coordinator, network.snapshot(contact)) is False
        assert network.edit(session, contact, coordinator, values) is True
        network.remove(session, contact, coordinator)
        network.remove(session, contact, coordinator)  # removed once
        session.commit()
    [kept] = rows(Contact)
    assert kept.person == "Per Pers" and kept.removed_at is not None
    changes = rows(ContactChange)
    assert [(c.kind, c.before["person"]) for c in changes] == [("edited", "Sara Sund"), ("removed", "Per Pers")]
