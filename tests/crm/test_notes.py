"""A household's notes edited and removed: the timeline keeps what they said before, only the author
(or the coordinator) changes a note, and erasure removes the old texts with the rest."""

from __future__ import annotations

from intake.models import AuditEntry, Household, HouseholdEvent

from tests.support.intake_helpers import hidden_fields, register, staff_login


def note_action(client, reference, note_id, what="", **data):
    page = client.get(f"/crm/households/{reference}/notes/{note_id}/")
    assert page.status_code == 200
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post(f"/crm/households/{reference}/notes/{note_id}/{what}", data={"csrf_token": token, **data})


def write_note(client, reference, text):
    token = hidden_fields(client.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    assert (
        client.post(f"/crm/households/{reference}/notes/", data={"csrf_token": token, "text": text}).status_code == 303
    )


def test_a_note_edited_then_removed_keeps_its_old_texts_on_the_timeline(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    write_note(guide, reference, "Ringde Anna, vill besöka i mars.")
    [note] = rows(HouseholdEvent, HouseholdEvent.kind == "note")
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert f"/crm/households/{reference}/notes/{note.id}/" in page
    edited = note_action(guide, reference, note.id, text="Ringde Anna, vill besöka i april.")
    assert edited.status_code == 303 and edited.headers["Location"].endswith("#timeline")
    assert rows(HouseholdEvent, HouseholdEvent.id == note.id)[0].text == "Ringde Anna, vill besöka i april."
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "anteckningen ändrad" in page and "Ringde Anna, vill besöka i mars." in page
    empty = note_action(guide, reference, note.id, text="  ")
    assert empty.status_code == 422 and "Fyll i det här fältet." in empty.get_data(as_text=True)
    assert note_action(guide, reference, note.id, "remove/").status_code == 303
    assert rows(HouseholdEvent, HouseholdEvent.kind == "note") == []
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "anteckningen borttagen" in page and "Ringde Anna, vill besöka i april." in page
    kinds = [e.detail for e in rows(AuditEntry, AuditEntry.action == "change")]
    assert kinds == ["note", "note_edited", "note_removed"]
    assert guide.get(f"/crm/households/{reference}/notes/{note.id}/").status_code == 404

    # Erasure takes every text, the old ones too.
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    token = hidden_fields(coordinator.get(f"/crm/households/{reference}/erase/").get_data(as_text=True))["csrf_token"]
    erased = coordinator.post(
        f"/crm/households/{reference}/erase/", data={"csrf_token": token, "reason": "Begäran", "confirm": reference}
    )
    assert erased.status_code == 303 and rows(Household)[0].erased_at is not None
    assert all(e.text is None for e in rows(HouseholdEvent))
    assert "Ringde Anna" not in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)


def test_only_the_author_or_the_coordinator_changes_a_note(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    author, colleague, stranger = app.test_client(), app.test_client(), app.test_client()
    staff_login(author, staff("guide", "are"))
    staff_login(colleague, staff("guide", "are"))
    staff_login(stranger, staff("guide", "berg"))
    write_note(author, reference, "Min anteckning.")
    [note] = rows(HouseholdEvent, HouseholdEvent.kind == "note")
    page = colleague.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert f"/notes/{note.id}/" not in page
    for client_ in (colleague, stranger):
        assert client_.get(f"/crm/households/{reference}/notes/{note.id}/").status_code == 404
        token = hidden_fields(client_.get("/crm/contacts/").get_data(as_text=True))["csrf_token"]
        removed = client_.post(f"/crm/households/{reference}/notes/{note.id}/remove/", data={"csrf_token": token})
        assert removed.status_code == 404
    assert len(rows(HouseholdEvent, HouseholdEvent.kind == "note")) == 1
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    assert note_action(coordinator, reference, note.id, text="Rättat av samordnaren.").status_code == 303
    assert rows(HouseholdEvent, HouseholdEvent.id == note.id)[0].text == "Rättat av samordnaren."
