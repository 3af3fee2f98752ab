"""The partner network: contacts kept, searched, and linked to the households introduced to them."""

from __future__ import annotations

from intake.models import Contact, HouseholdContact

from tests.support.intake_helpers import REGISTRATION, hidden_fields, make_staff, staff_login, submit


def logged_in(app, email, role, *places):
    client = app.test_client()
    staff_login(client, make_staff(app, email, role, places))
    return client


def add_contact(client, **data):
    token = hidden_fields(client.get("/crm/contacts/").get_data(as_text=True))["csrf_token"]
    return client.post("/crm/contacts/", data={"csrf_token": token, "kind": "employer", **data})


def test_contacts_are_kept_searched_and_linked(app, client, rows):
    reference = (
        submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]}).headers["Location"].split("/")[-2]
    )
    guide = logged_in(app, "guide@are.example", "guide", "are")
    response = add_contact(guide, organisation="Lundhags", person="Lisa Lind", role="HR", municipality="are")
    assert response.status_code == 303
    assert add_contact(guide, municipality="are").status_code == 422  # neither organisation nor person
    [contact] = rows(Contact)
    listing = guide.get("/crm/contacts/", query_string={"q": "lundh"}).get_data(as_text=True)
    assert "Lundhags – Lisa Lind" in listing
    assert "Lundhags" not in guide.get("/crm/contacts/", query_string={"q": "nothing"}).get_data(as_text=True)
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    linked = guide.post(f"/crm/households/{reference}/contacts/", data={"csrf_token": token, "contact": contact.id})
    assert linked.status_code == 303
    assert len(rows(HouseholdContact)) == 1
    assert "Lundhags – Lisa Lind" in guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert reference in guide.get(f"/crm/contacts/{contact.id}/").get_data(as_text=True)


def test_a_guide_sees_the_network_of_their_municipalities_only(app, client, rows):
    are = logged_in(app, "guide@are.example", "guide", "are")
    add_contact(are, organisation="Åre Bostäder", municipality="are")
    coordinator = logged_in(app, "samordnare@region.example", "coordinator")
    add_contact(coordinator, organisation="Regionens nätverk", municipality="")
    berg = logged_in(app, "guide@berg.example", "guide", "berg")
    ids = {c.organisation: c.id for c in rows(Contact)}
    listing = berg.get("/crm/contacts/").get_data(as_text=True)
    assert "Regionens nätverk" in listing and "Åre Bostäder" not in listing
    assert berg.get(f"/crm/contacts/{ids['Åre Bostäder']}/").status_code == 404
    # Nor can they link it to one of their own households, or add contacts for another municipality.
    reference = (
        submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]}).headers["Location"].split("/")[-2]
    )
    token = hidden_fields(berg.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    response = berg.post(
        f"/crm/households/{reference}/contacts/", data={"csrf_token": token, "contact": ids["Åre Bostäder"]}
    )
    assert response.status_code == 422
    assert add_contact(berg, organisation="Smygare", municipality="are").status_code == 422


def test_a_contact_edited_and_removed_keeps_what_it_said_before(app, client, rows):
    from intake.models import ContactChange

    reference = (
        submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]}).headers["Location"].split("/")[-2]
    )
    guide = logged_in(app, "guide@are.example", "guide", "are")
    add_contact(guide, organisation="Lundhags", person="Lisa Lind", role="HR", municipality="are", phone="070-1")
    [contact] = rows(Contact)
    token = hidden_fields(guide.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    guide.post(f"/crm/households/{reference}/contacts/", data={"csrf_token": token, "contact": contact.id})
    page = f"/crm/contacts/{contact.id}/"
    token = hidden_fields(guide.get(page).get_data(as_text=True))["csrf_token"]
    form = {
        "csrf_token": token,
        "kind": "employer",
        "organisation": "Lundhags AB",
        "person": "Per Persson",
        "role": "HR",
        "municipality": "are",
        "phone": "070-2",
    }
    assert guide.post(page, data={**form, "organisation": "", "person": ""}).status_code == 422
    assert guide.post(page, data=form).status_code == 303
    [changed] = rows(Contact)
    assert (changed.organisation, changed.person) == ("Lundhags AB", "Per Persson")
    [edit] = rows(ContactChange)
    assert edit.kind == "edited" and edit.before["person"] == "Lisa Lind" and edit.before["phone"] == "070-1"
    shown = guide.get(page).get_data(as_text=True)
    history = shown.split('id="history"')[1]
    assert "Lisa Lind" in history and "070-1" in history and "HR" not in history  # what changed, as it was
    assert guide.post(f"{page}remove/", data={"csrf_token": token}).status_code == 303
    assert rows(Contact)[0].removed_at is not None and [c.kind for c in rows(ContactChange)] == ["edited", "removed"]
    # No longer listed nor offered; its page, history and the household's link stay.
    assert "Lundhags AB" not in guide.get("/crm/contacts/").get_data(as_text=True)
    household = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Lundhags AB – Per Persson" in household and "borttagen ur nätverket" in household
    assert f'<option value="{contact.id}">Lundhags' not in household
    assert "Lisa Lind" in guide.get(page).get_data(as_text=True)
    # A guide of another municipality neither sees nor changes it.
    berg = logged_in(app, "guide@berg.example", "guide", "berg")
    assert berg.get(page).status_code == 404
    assert berg.post(f"{page}remove/", data={"csrf_token": token}).status_code in (400, 404)
