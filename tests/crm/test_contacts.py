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
