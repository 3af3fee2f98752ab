"""Isolation matrix: eight guides x every other municipality's households x every back-office route and action."""

from __future__ import annotations

from intake.models import AuditEntry, Household, HouseholdEvent, OutboxMessage

from tests.support.intake_helpers import REGISTRATION, hidden_fields, make_staff, staff_login, submit

SLUGS = ["are", "berg", "bracke", "harjedalen", "krokom", "ostersund", "ragunda", "stromsund"]
ACTIONS = [
    ("GET", "", {}),
    ("POST", "status/", {"status": "contacted"}),
    ("POST", "notes/", {"text": "leak?"}),
    ("POST", "follow-up/", {"follow_up_on": "2030-01-01"}),
    ("POST", "owner/", {"owner": ""}),
    ("POST", "municipalities/", {"municipality": "are"}),
    ("POST", "quarantine/", {"action": "delete"}),
    ("POST", "contacts/", {"contact": "1"}),
    ("POST", "merge/", {"other": "H-NONE-0000"}),
    ("POST", "export/", {"reason": "leak?"}),
    ("POST", "erase/", {"reason": "leak?"}),
]


def test_no_guide_reaches_another_municipalitys_household(app, client, rows):
    references = {}
    for i, slug in enumerate(SLUGS):
        response = submit(
            client, "/registrera/", {**REGISTRATION, "email": f"m{i}@example.com", "municipalities": [slug]}
        )
        references[slug] = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    for slug in SLUGS:
        make_staff(app, f"guide@{slug}.example", "guide", [slug])
    contacts = {}
    with app.app_context():
        from intake import db
        from intake.models import Contact

        s = db.session()
        for slug in SLUGS:
            contact = Contact(kind="employer", organisation=f"Arbetsgivare i {slug}", municipality=slug)
            s.add(contact)
            s.flush()
            contacts[slug] = contact.id
        s.commit()
    leaks = []
    checked = 0
    for slug in SLUGS:
        guide = app.test_client()
        assert staff_login(guide, f"guide@{slug}.example").status_code == 303
        own = guide.get(f"/crm/households/{references[slug]}/").get_data(as_text=True)
        token = hidden_fields(own)["csrf_token"]
        listing = guide.get("/crm/households/").get_data(as_text=True)
        for other, reference in references.items():
            if other == slug:
                assert reference in listing
                continue
            if reference in listing:
                leaks.append(f"{slug} lists {other}")
            for method, suffix, data in ACTIONS:
                url = f"/crm/households/{reference}/{suffix}"
                response = guide.get(url) if method == "GET" else guide.post(url, data={"csrf_token": token, **data})
                checked += 1
                if response.status_code != 404 or reference in response.get_data(as_text=True):
                    leaks.append(f"{slug} {method} {url}: {response.status_code}")
            if guide.get(f"/crm/contacts/{contacts[other]}/").status_code != 404:
                leaks.append(f"{slug} sees {other}'s network contact")
            if f"Arbetsgivare i {other}" in guide.get("/crm/contacts/").get_data(as_text=True):
                leaks.append(f"{slug} lists {other}'s network contact")
            for path in (
                "/crm/orders/",
                "/crm/orders/export.csv",
                "/crm/staff/",
                "/crm/messages/",
                "/crm/figures/",
                "/crm/figures/export.csv",
                "/crm/audit/",
                "/crm/privacy-notices/",
                "/crm/accounts/",
            ):
                if guide.get(path).status_code != 404:
                    leaks.append(f"{slug} {path}")
            for path, data in (
                ("/crm/orders/sent/", {"order": "1"}),
                ("/crm/staff/reassign/", {}),
                ("/crm/messages/send-again/", {"all": "1"}),
            ):
                if guide.post(path, data={"csrf_token": token, **data}).status_code != 404:
                    leaks.append(f"{slug} POST {path}")
    assert leaks == []
    assert checked == 8 * 7 * len(ACTIONS)
    households = rows(Household)
    assert len(households) == 8  # nothing deleted, merged...
    assert all(h.status == "new" and h.follow_up_on is None for h in households)
    assert all(h.erased_at is None and h.name == REGISTRATION["name"] for h in households)  # ...or erased
    assert rows(HouseholdEvent) == []


def test_only_the_coordinator_sends_undelivered_messages_again(app, client, rows):
    """Guides and admins get the same 404 as for the page itself, and nothing is queued or logged."""
    assert submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]}).status_code == 303
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(OutboxMessage.__table__.update().values(status="dead", attempts=8, last_error="down"))
    [message] = rows(OutboxMessage)
    make_staff(app, "guide@are.example", "guide", ["are"])
    make_staff(app, "admin@region.example", "admin")
    for email in ("guide@are.example", "admin@region.example"):
        staff = app.test_client()
        assert staff_login(staff, email).status_code == 303
        page = staff.get("/crm/households/" if email.startswith("guide") else "/crm/accounts/")
        token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
        assert staff.get("/crm/messages/").status_code == 404
        for data in ({"message": str(message.id)}, {"all": "1"}):
            answer = staff.post("/crm/messages/send-again/", data={"csrf_token": token, **data})
            assert answer.status_code == 404, email
    assert [m.status for m in rows(OutboxMessage)] == ["dead"]
    assert [e for e in rows(AuditEntry) if e.action == "resend"] == []
