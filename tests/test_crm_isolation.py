"""Isolation matrix: eight guides x every other municipality's households x every back-office route."""

from __future__ import annotations

from intake import accounts, db
from intake.models import Household, HouseholdEvent

from intake_helpers import REGISTRATION, hidden_fields, submit

PASSWORD = "fjällbjörk och midnattssol"
SLUGS = ["are", "berg", "bracke", "harjedalen", "krokom", "ostersund", "ragunda", "stromsund"]
ACTIONS = [
    ("GET", "", {}),
    ("POST", "status/", {"status": "contacted"}),
    ("POST", "notes/", {"text": "leak?"}),
    ("POST", "follow-up/", {"follow_up_on": "2030-01-01"}),
    ("POST", "owner/", {"owner": ""}),
]


def test_no_guide_reaches_another_municipalitys_household(app, client, rows):
    references = {}
    for i, slug in enumerate(SLUGS):
        response = submit(
            client, "/registrera/", {**REGISTRATION, "email": f"m{i}@example.com", "municipalities": [slug]}
        )
        references[slug] = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    guides = {}
    with app.app_context():
        s = db.session()
        for slug in SLUGS:
            user = accounts.add(s, f"guide@{slug}.example", f"Guide {slug}", "guide", [slug], set(SLUGS))
            accounts.set_password(s, user, PASSWORD)
    leaks = []
    checked = 0
    for slug in SLUGS:
        guide = app.test_client()
        form = hidden_fields(guide.get("/crm/login/").get_data(as_text=True))
        assert (
            guide.post("/crm/login/", data={**form, "email": f"guide@{slug}.example", "password": PASSWORD}).status_code
            == 303
        )
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
            for path in ("/crm/orders/", "/crm/orders/export.csv"):
                if guide.get(path).status_code != 404:
                    leaks.append(f"{slug} {path}")
        guides[slug] = guide
    assert leaks == []
    assert checked == 8 * 7 * len(ACTIONS)
    assert all(h.status == "new" and h.follow_up_on is None for h in rows(Household))
    assert rows(HouseholdEvent) == []
