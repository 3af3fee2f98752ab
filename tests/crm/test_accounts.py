"""Admins manage staff accounts in the back office."""

from __future__ import annotations

from intake.models import OutboxMessage, User

from tests.support.intake_helpers import (
    STAFF_PASSWORD,
    hidden_fields,
    staff_login,
)

PASSWORD = STAFF_PASSWORD
login = staff_login


def test_admins_manage_accounts_in_the_back_office(app, staff, rows):
    admin = app.test_client()
    response = login(admin, staff("admin"))
    assert response.headers["Location"] == "/crm/"
    page = admin.get("/crm/accounts/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    added = admin.post(
        "/crm/accounts/",
        data={
            "csrf_token": token,
            "email": "ny@are.example",
            "name": "Ny Guide",
            "role": "guide",
            "municipality": ["are"],
        },
    )
    assert added.status_code == 303
    assert '<p class="saved" role="status">Sparat.</p>' in admin.get("/crm/accounts/").get_data(as_text=True)
    [user] = rows(User, User.email == "ny@are.example")
    assert user.municipality_slugs == ["are"] and user.password_hash is None
    [invite] = [m for m in rows(OutboxMessage) if m.kind == "password_reset"]
    assert invite.to_address == "ny@are.example" and "/crm/password/reset/" in invite.body_text
    bad = admin.post(
        "/crm/accounts/", data={"csrf_token": token, "email": "x@are.example", "name": "X", "role": "guide"}
    )
    assert bad.status_code == 422 and "a guide needs at least one" in bad.get_data(as_text=True)
    assert admin.post(f"/crm/accounts/{user.id}/deactivate/", data={"csrf_token": token}).status_code == 303
    assert not rows(User, User.email == "ny@are.example")[0].active
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    assert coordinator.get("/crm/accounts/").status_code == 404
