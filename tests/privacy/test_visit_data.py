"""A visit's note is personal data: the export includes it, erasure removes it (the days stay)."""

from __future__ import annotations

import json
from datetime import date

from intake.models import Visit

from tests.support.intake_helpers import hidden_fields, register, staff_login


def post(client, reference, what, **data):
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    return client.post(
        f"/crm/households/{reference}/{what}/", data={"csrf_token": hidden_fields(page)["csrf_token"], **data}
    )


def test_a_visits_note_is_exported_and_erased(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    note = "Visning hos Per Persson, Storgatan 4."
    planned = post(
        coordinator, reference, "visits", starts_on="2027-02-01", ends_on="2027-02-03", arranged=["viewings"], note=note
    )
    assert planned.status_code == 303
    exported = post(coordinator, reference, "export", reason="Begäran om registerutdrag")
    data = json.loads(exported.get_data(as_text=True))
    [visit] = data["visits"]
    assert (visit["starts_on"], visit["ends_on"], visit["arranged"], visit["note"]) == (
        "2027-02-01",
        "2027-02-03",
        ["viewings"],
        note,
    )
    assert post(coordinator, reference, "erase", reason="Begäran om radering", confirm=reference).status_code == 303
    [kept] = rows(Visit)
    assert kept.note is None and (kept.starts_on, kept.ends_on, kept.viewings) == (
        date(2027, 2, 1),
        date(2027, 2, 3),
        True,
    )
    assert "Per Persson" not in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)


def test_a_visit_requests_message_is_exported_and_erased(app, client, staff, rows):
    from tests.public.test_visit_request import request_data
    from tests.support.intake_helpers import submit

    app.config["TIMEZONE"] = "Europe/Stockholm"
    reference = register(client, municipalities=["are"], email="anna@example.com")
    assert submit(client, "/besok/", request_data(email="anna@example.com")).status_code == 303
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    exported = post(coordinator, reference, "export", reason="Begäran om registerutdrag")
    [visit] = json.loads(exported.get_data(as_text=True))["visits"]
    assert (visit["state"], visit["message"], visit["wishes"]) == (
        "requested",
        "Vi vill se skolan i Järpen.",
        ["homes", "schools", "trial_living"],
    )
    assert post(coordinator, reference, "erase", reason="Begäran om radering", confirm=reference).status_code == 303
    [kept] = rows(Visit)
    assert kept.message is None and kept.state == "requested"
    assert "Järpen" not in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
