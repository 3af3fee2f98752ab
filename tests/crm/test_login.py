"""Logging in to the back office: sessions kept on the server, bounded guessing, timeouts, cookie
flags, and the second factor."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest

from intake import db
from intake.accounts import users
from intake.models import StaffSession, User, utcnow

from tests.support.intake_helpers import (
    STAFF_PASSWORD,
    hidden_fields,
    staff_login,
)

PASSWORD = STAFF_PASSWORD
login = staff_login


def test_login_and_logout_end_the_session_on_the_server(app, client, staff):
    email = staff("coordinator")
    response = login(client, email)
    assert response.status_code == 303 and response.headers["Location"] == "/crm/"
    assert client.get("/crm/households/").status_code == 200
    copied = client.get_cookie("session").value
    page = client.get("/crm/households/").get_data(as_text=True)
    logout = client.post("/crm/logout/", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert logout.status_code == 303
    # Replaying the old cookie does not bring the session back.
    client.set_cookie("session", copied)
    assert client.get("/crm/households/").status_code == 302
    with app.app_context():
        assert all(s.ended_at is not None for s in db.session().query(StaffSession))


def test_one_generic_error_for_unknown_user_and_wrong_password(client, staff):
    email = staff("coordinator")
    wrong = login(client, email, "not the password at all")
    unknown = login(client, "nobody@staff.example", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "E-postadressen eller lösenordet är fel." in response.get_data(as_text=True)


def test_guessing_is_bounded_per_account(app, client, staff):
    app.config["RATELIMIT_LOGIN"] = "3 per day"  # windows are aligned to the clock: a minute could end mid-test
    email = staff("coordinator")
    statuses = [login(client, email, f"guess number {i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert login(client, email).status_code == 429  # even the right password waits


def test_deactivated_accounts_cannot_log_in_and_lose_their_sessions(app, client, staff):
    email = staff("guide", "are")
    login(client, email)
    with app.app_context():
        s = db.session()
        users.deactivate(s, users.find(s, email))
    assert client.get("/crm/households/").status_code == 302
    assert login(client, email).status_code == 401


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"], ids=["idle timeout", "absolute timeout"])
def test_sessions_time_out(app, client, staff, column):
    login(client, staff("coordinator"))
    with app.app_context():
        s = db.session()
        row = s.query(StaffSession).one()
        setattr(row, column, utcnow() - timedelta(hours=13))
        s.commit()
    response = client.get("/crm/households/")
    assert response.status_code == 302 and "/crm/login/" in response.headers["Location"]


def test_session_cookie_flags(app, client, staff):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = login(client, staff("coordinator"), base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_back_office_needs_a_login(client):
    for path in ("/crm/", "/crm/households/", "/crm/households/H-2222-2222/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/crm/login/")


def test_a_role_can_be_required_to_use_a_second_factor(app, client, staff, rows):
    app.config["TOTP_REQUIRED_ROLES"] = "coordinator"
    email = staff("coordinator")
    response = login(client, email)
    assert response.headers["Location"] == "/crm/login/code/"
    assert client.get("/crm/households/").status_code == 302  # not logged in yet
    setup = client.get("/crm/login/code/").get_data(as_text=True)
    secret = re.search(r'<code class="key">([A-Z2-7]+)</code>', setup).group(1)
    token = hidden_fields(setup)["csrf_token"]
    wrong = client.post("/crm/login/code/", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 401
    code = pyotp.TOTP(secret).now()
    assert client.post("/crm/login/code/", data={"csrf_token": token, "code": code}).status_code == 303
    assert client.get("/crm/households/").status_code == 200
    assert rows(User, User.email == email)[0].totp_secret == secret
    # Next time the code is asked for, and the key is not shown again.
    other = app.test_client()
    login(other, email)
    page = other.get("/crm/login/code/").get_data(as_text=True)
    assert 'class="key"' not in page
    token = hidden_fields(page)["csrf_token"]
    # The code already used cannot be used again, even within its 30 seconds (seen over a shoulder)...
    assert other.post("/crm/login/code/", data={"csrf_token": token, "code": code}).status_code == 401
    # ...while the app's next code is accepted (one step of clock drift is allowed).
    following = pyotp.TOTP(secret).at(time.time() + 30)
    assert other.post("/crm/login/code/", data={"csrf_token": token, "code": following}).status_code == 303


def _with_second_factor(app, staff) -> tuple[str, str]:
    """A coordinator whose authenticator app is set up: (e-mail, its secret)."""
    app.config["TOTP_REQUIRED_ROLES"] = "coordinator"
    email, secret = staff("coordinator"), pyotp.random_base32()
    with app.app_context():
        s = db.session()
        users.find(s, email).totp_secret = secret
        s.commit()
    return email, secret


def _code(client, secret: str, address: str, right: bool = False):
    """Send the code page a code (the app's current one, or a wrong one) from `address`."""
    token = hidden_fields(client.get("/crm/login/code/").get_data(as_text=True)).get("csrf_token", "")
    code = pyotp.TOTP(secret).now()
    code = code if right else f"{(int(code) + 500_000) % 1_000_000:06d}"
    return client.post(
        "/crm/login/code/", data={"csrf_token": token, "code": code}, environ_base={"REMOTE_ADDR": address}
    )


def test_five_wrong_codes_end_the_pending_login_from_any_address(app, client, staff, rows):
    """The count is kept in the database with the account: neither other addresses nor a copied
    cookie (another browser, another instance) get more tries."""
    email, secret = _with_second_factor(app, staff)
    assert login(client, email).headers["Location"] == "/crm/login/code/"
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    for i in range(5):
        assert _code(copy if i % 2 else client, secret, f"10.0.0.{i}").status_code == 401
    over = _code(copy, secret, "10.0.0.9", right=True)  # even the right code: the password first
    assert over.status_code == 401 and "Ange lösenordet igen" in over.get_data(as_text=True)
    assert _code(client, secret, "10.0.0.8", right=True).headers["Location"] == "/crm/login/"
    assert rows(StaffSession) == []
    # Giving the password again starts a new pending login, with five tries of its own.
    assert login(client, email).headers["Location"] == "/crm/login/code/"
    assert _code(client, secret, "10.0.0.7").status_code == 401
    assert _code(client, secret, "10.0.0.7", right=True).status_code == 303
    assert client.get("/crm/households/").status_code == 200


def test_codes_are_limited_per_account_across_logins_and_addresses(app, staff):
    app.config["RATELIMIT_LOGIN"] = "4 per day"  # windows are aligned to the clock: a minute could end mid-test
    email, secret = _with_second_factor(app, staff)
    first, second = app.test_client(), app.test_client()
    login(first, email, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert [_code(first, secret, "10.0.1.1").status_code for _ in range(2)] == [401, 401]
    login(second, email, environ_base={"REMOTE_ADDR": "10.0.1.2"})  # a new login, with tries of its own...
    assert [_code(second, secret, "10.0.1.2").status_code for _ in range(2)] == [401, 401]
    # ...but not more of them for the account.
    assert _code(second, secret, "10.0.1.3", right=True).status_code == 429


def test_the_code_page_needs_the_password_first(client):
    response = client.get("/crm/login/code/")
    assert response.status_code == 303 and response.headers["Location"] == "/crm/login/"
