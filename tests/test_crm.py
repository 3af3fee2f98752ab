"""The back office: staff accounts, logging in and out, who sees what, and following a household up."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import update

from intake import db
from intake.accounts import users
from intake.models import Household, HouseholdEvent, OutboxMessage, PasswordReset, StaffSession, User, utcnow
from intake.privacy import consent

from helpers import tasteget
from intake_helpers import (
    STAFF_PASSWORD,
    emails,
    expand_events,
    hidden_fields,
    make_staff,
    register,
    staff_login,
)

PASSWORD = STAFF_PASSWORD


@pytest.fixture
def staff(app):
    """Make staff accounts: staff("guide", "are") -> the user's e-mail address."""
    made = []

    def make(role, *municipalities, email=None):
        email = email or f"{role}-{'-'.join(municipalities) or 'all'}-{len(made)}@staff.example"
        made.append(make_staff(app, email, role, municipalities))
        return email

    return make


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


def test_a_guide_sees_only_their_municipalities(app, client, staff, rows):
    are_and_berg = register(client, municipalities=["are", "berg"])
    berg_only = register(client, email="b@example.com", municipalities=["berg"])
    unsure = register(client, email="u@example.com", municipalities=["unsure"])
    quarantined = register(client, email="q@example.com", municipalities=["are"], website="spam")
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    listing = guide.get("/crm/households/").get_data(as_text=True)
    assert are_and_berg in listing
    for hidden in (berg_only, unsure, quarantined):
        assert hidden not in listing
        assert guide.get(f"/crm/households/{hidden}/").status_code == 404
        assert guide.post(f"/crm/households/{hidden}/notes/", data={"text": "x"}).status_code == 404
    assert guide.get(f"/crm/households/{are_and_berg}/").status_code == 200
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    everything = coordinator.get("/crm/households/").get_data(as_text=True)
    assert all(ref in everything for ref in (are_and_berg, berg_only, unsure, quarantined))
    admin = app.test_client()
    login(admin, staff("admin"))
    assert admin.get("/crm/households/").status_code == 404
    assert admin.get(f"/crm/households/{are_and_berg}/").status_code == 404


def test_the_back_office_needs_a_login(client):
    for path in ("/crm/", "/crm/households/", "/crm/households/H-2222-2222/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/crm/login/")


def action(client, reference, what, **data):
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    return client.post(f"/crm/households/{reference}/{what}/", data={"csrf_token": token, **data})


def test_a_guide_works_a_household_through_the_pipeline(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    email = staff("guide", "are")
    login(guide, email)
    assert action(guide, reference, "status", status="contacted").status_code == 303
    [h] = rows(Household)
    owner = rows(User, User.email == email)[0]
    assert h.status == "contacted" and h.first_contacted_at is not None and h.owner_id == owner.id
    assert action(guide, reference, "notes", text="Ringde, de vill besöka i mars.").status_code == 303
    assert action(guide, reference, "follow-up", follow_up_on="2027-03-01").status_code == 303
    missing = action(guide, reference, "status", status="moved")
    assert missing.status_code == 422 and "Välj vart hushållet flyttade." in missing.get_data(as_text=True)
    assert action(guide, reference, "status", status="moved", moved_to="are", moved_on="2027-06-01").status_code == 303
    [h] = rows(Household)
    assert (h.status, h.moved_to, str(h.moved_on), str(h.follow_up_on)) == ("moved", "are", "2027-06-01", "2027-03-01")
    kinds = [e.kind for e in rows(HouseholdEvent)]
    assert sorted(kinds) == ["follow_up", "note", "owner", "status", "status"]
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Ringde, de vill besöka i mars." in page and "Anna Andersson" in page


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("status", {"status": "moved", "moved_to": "are", "moved_on": "0001-01-01"}),
        ("status", {"status": "moved", "moved_to": "are", "moved_on": "9999-12-31"}),
        ("follow-up", {"follow_up_on": "0001-01-01"}),
        ("follow-up", {"follow_up_on": "9999-12-31"}),
    ],
)
def test_a_date_outside_the_campaign_is_refused_not_stored(app, client, staff, rows, what, data):
    """A slip of the keyboard (year 0001 or 9999) would stretch the figures over centuries."""
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    response = action(guide, reference, what, **data)
    assert response.status_code == 422
    assert "Ange ett datum från 2000-01-01 till" in response.get_data(as_text=True)
    [h] = rows(Household)
    assert (h.status, h.moved_on, h.follow_up_on) == ("new", None, None)


def test_closing_needs_a_reason(app, client, staff):
    reference = register(client, municipalities=["berg"])
    guide = app.test_client()
    login(guide, staff("guide", "berg"))
    response = action(guide, reference, "status", status="closed")
    assert response.status_code == 422 and "Ange ett skäl" in response.get_data(as_text=True)


def test_ownership_can_be_handed_over(app, client, staff, rows):
    reference = register(client, municipalities=["krokom"])
    first, second = staff("guide", "krokom"), staff("guide", "krokom")
    guide = app.test_client()
    login(guide, first)
    action(guide, reference, "status", status="contacted")
    other = rows(User, User.email == second)[0]
    assert action(guide, reference, "owner", owner=str(other.id)).status_code == 303
    assert rows(Household)[0].owner_id == other.id


def test_posts_without_csrf_token_change_nothing(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    response = guide.post(f"/crm/households/{reference}/status/", data={"status": "contacted"})
    assert response.status_code == 422
    assert rows(Household)[0].status == "new"


def test_search_and_filters(app, client, staff):
    anna = register(client, municipalities=["are"], name="Anna Andersson")
    bo = register(client, municipalities=["are"], name="Bo Berg", email="bo@example.com", seeks=["housing"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))

    def listed(**params):
        html = coordinator.get("/crm/households/", query_string=params).get_data(as_text=True)
        return {ref for ref in (anna, bo) if ref in html}

    assert listed(q="bo berg") == {bo}
    for page, shown in ((1, {anna, bo}), (2, set())):  # the count stays right on a page past the last
        html = coordinator.get("/crm/households/", query_string={"q": "example.com", "page": page}).get_data(
            as_text=True
        )
        assert {ref for ref in (anna, bo) if ref in html} == shown and "2 hushåll" in html
    assert listed(q=anna.lower()) == {anna}
    assert listed(q="BO BERG") == {bo} and listed(q="ANDERSSON") == {anna}  # case does not matter
    assert listed(q="%") == set() and listed(q="_") == set()  # typed characters, not wildcards
    assert listed(seeks="visit") == {anna}
    assert listed(status="new") == {anna, bo}
    assert listed(status="moved") == set()
    assert listed(municipality="berg") == set()
    today = datetime.now(UTC).date().isoformat()  # registered just now
    assert listed(**{"from": today, "to": today}) == {anna, bo}
    assert listed(**{"from": "2000-01-01", "to": "2000-12-31"}) == set()


@pytest.mark.parametrize(
    "query",
    [
        "/crm/households/?page=1e20",
        "/crm/households/?page=100000000000000000000",
        "/crm/households/?page=-5",
        "/crm/households/?page=%C2%B2",
        "/crm/audit/?page=100000000000000000000",
        "/crm/audit/?user=1e20",
        "/crm/audit/?user=99999999999999999999",
        "/crm/audit/?user=%C2%B2",
        "/crm/contacts/?page=99999999999999999999",
        "/crm/audit/?to=9999-12-31",
        "/crm/audit/?from=0001-01-01&to=0001-01-01",
        "/crm/households/?to=9999-12-31",
    ],
)
def test_numbers_out_of_range_in_the_query_are_treated_as_not_given(app, client, staff, query):
    login(client, staff("coordinator"))
    assert client.get(query).status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/crm/households/{reference}/contacts/", "contact"),
        ("/crm/staff/reassign/", "from"),
        ("/crm/messages/send-again/", "message"),
    ],
)
@pytest.mark.parametrize("value", ["99999999999999999999", "1e20", "\u00b2"])
def test_numbers_out_of_range_in_a_form_are_refused_not_a_500(app, client, staff, path, field, value):
    reference = register(client, municipalities=["are"])
    login(client, staff("coordinator"))
    form = hidden_fields(client.get(f"/crm/households/{reference}/").get_data(as_text=True))
    response = client.post(path.format(reference=reference), data={"csrf_token": form["csrf_token"], field: value})
    assert response.status_code == 422


def test_order_numbers_in_other_digits_are_ignored(app, client, staff):
    login(client, staff("coordinator"))
    form = hidden_fields(client.get("/crm/orders/").get_data(as_text=True))
    assert client.post("/crm/orders/sent/", data={**form, "order": ["\u00b2", "\u0663"]}).status_code in (200, 302, 303)


def test_notifications_go_to_staff_accounts_once_they_exist(app, client, staff, rows):
    account = staff("guide", "are", email="anna.guide@are.example")
    register(client, municipalities=["are", "berg"])
    recipients = {m.to_address for m in rows(OutboxMessage) if m.kind == "guide_new_household"}
    assert recipients == {account, "inflytt@berg.example"}  # Berg has no account yet: the content's address


def test_user_commands(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x", "TASTEGET_PASSWORD": PASSWORD}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    added = tasteget("user", "add", "--email", "Guide@Are.example", "--role", "guide", "--municipality", "are", env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Created guide guide@are.example for are."
    listed = tasteget("user", "list", env=env).stdout
    assert "guide@are.example" in listed and "active" in listed
    weak = tasteget(
        "user", "set-password", "--email", "guide@are.example", env={**env, "TASTEGET_PASSWORD": "password1234"}
    )
    assert weak.returncode == 1
    assert (
        weak.stderr.strip()
        == "Error: password refused: this password is too common or too easy to guess; try a few unrelated words"
    )
    bad = tasteget("user", "add", "--email", "x@y.example", "--role", "guide", "--municipality", "atlantis", env=env)
    assert bad.returncode == 1 and "unknown municipality 'atlantis'" in bad.stderr
    assert tasteget("user", "deactivate", "--email", "guide@are.example", env=env).returncode == 0
    assert "deactivated" in tasteget("user", "list", env=env).stdout


@pytest.mark.parametrize("refused", ["short", "password1234"], ids=["too short", "too common"])
def test_a_refused_user_add_changes_nothing(tmp_path, refused):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x"}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    command = ("user", "add", "--email", "ny@are.example", "--role", "guide", "--municipality", "are")
    weak = tasteget(*command, env={**env, "TASTEGET_PASSWORD": refused})
    assert weak.returncode == 1 and weak.stderr.startswith("Error: password refused: ")
    assert len(weak.stderr.strip().splitlines()) == 1
    assert "ny@are.example" not in tasteget("user", "list", env=env).stdout  # no account was left behind
    again = tasteget(*command, env={**env, "TASTEGET_PASSWORD": PASSWORD})
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Created guide ny@are.example for are."


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("--email", "=?utf-8?q?x=0D=0ABcc:_y?=@example.com", "is not an e-mail address"),
        ("--email", "ny\x1b[31m@are.example", "is not an e-mail address"),
        ("--name", "=?utf-8?q?Kund=0D=0ASubject:_x?=", "the name may not hold"),
    ],
)
def test_user_add_refuses_what_mail_would_decode(tmp_path, option, value, error):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x", "TASTEGET_PASSWORD": PASSWORD}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    given = {"--email": "ny@are.example", "--name": "Ny Guide", option: value}
    added = tasteget(
        "user", "add", *[part for pair in given.items() for part in pair], "--role", "coordinator", env=env
    )
    assert added.returncode == 1 and error in added.stderr and len(added.stderr.strip().splitlines()) == 1
    assert tasteget("user", "list", env=env).stdout.startswith("No accounts yet.")


def test_a_forgotten_password_is_reset_by_a_single_use_link(app, client, staff, rows):
    email = staff("guide", "are")
    page = client.get("/crm/password/forgot/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    same = "Om det finns ett konto för adressen"
    for address in (email, "nobody@staff.example"):
        response = client.post("/crm/password/forgot/", data={"csrf_token": token, "email": address})
        assert response.status_code == 200 and same in response.get_data(as_text=True)
    expand_events(app)
    [mail] = [m for m in rows(OutboxMessage) if m.kind == "password_reset"]
    assert mail.to_address == email
    link = re.search(r"http://\S+(/crm/password/reset/\S+/)", mail.body_text).group(1)
    new = "granskog vid sjön i juni"
    form = hidden_fields(client.get(link).get_data(as_text=True))
    weak = client.post(link, data={**form, "password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422 and "för vanligt" in weak.get_data(as_text=True)
    assert client.post(link, data={**form, "password": new, "confirm": new}).status_code == 303
    assert client.get(link).status_code == 404  # used once
    assert login(client, email, new).status_code == 303
    assert login(app.test_client(), email, PASSWORD).status_code == 401


def _reset_links(app, client, rows, email: str, times: int = 1) -> list[str]:
    """Ask for a link `times` times; the worker writes the e-mails; return their links, oldest first."""
    token = hidden_fields(client.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
    for _ in range(times):
        client.post("/crm/password/forgot/", data={"csrf_token": token, "email": email})
    expand_events(app)
    mails = sorted((m for m in rows(OutboxMessage) if m.kind == "password_reset"), key=lambda m: m.id)
    return [re.search(r"http://\S+(/crm/password/reset/\S+/)", m.body_text).group(1) for m in mails]


def test_links_for_one_address_are_limited_however_many_clients_ask(app, client, staff, rows, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "3 per day")
    email = staff("guide", "are")
    statuses = []
    for n in range(5):
        other = app.test_client()
        token = hidden_fields(other.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
        sent = {"csrf_token": token, "email": email.upper() if n % 2 else email}
        statuses.append(other.post("/crm/password/forgot/", data=sent, environ_base={"REMOTE_ADDR": f"10.0.2.{n}"}))
    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
    expand_events(app)
    assert len([m for m in rows(OutboxMessage) if m.kind == "password_reset"]) == 3


def _choose(client, link: str, password: str = "granskog vid sjön i juni"):
    form = hidden_fields(client.get(link).get_data(as_text=True))
    return client.post(link, data={**form, "password": password, "confirm": password})


def test_asking_for_a_link_does_the_same_work_whether_or_not_there_is_an_account(app, client, staff, rows):
    """The request only notes what was asked (the worker looks the address up and writes the
    e-mail), so neither its answer nor its time tells whether the address has an account."""
    email = staff("guide", "are")
    token = hidden_fields(client.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
    pages = [
        client.post("/crm/password/forgot/", data={"csrf_token": token, "email": address}).get_data(as_text=True)
        for address in (email, "nobody@staff.example")
    ]
    assert pages[0] == pages[1]
    asked = rows(OutboxMessage)
    assert [m.kind for m in asked] == ["password_reset_requested"] * 2 and rows(PasswordReset) == []
    expand_events(app)
    [mail] = [m for m in rows(OutboxMessage) if m.kind == "password_reset"]
    assert mail.to_address == email and len(rows(PasswordReset)) == 1
    # What someone typed is not kept once the worker has dealt with it.
    assert {m.to_address for m in rows(OutboxMessage) if m.kind == "password_reset_requested"} == {""}


def test_a_new_password_ends_every_older_link(app, client, staff, rows):
    email = staff("guide", "are")
    first, second = _reset_links(app, client, rows, email, times=2)
    assert _choose(client, second).status_code == 303
    assert client.get(first).status_code == 404  # an older link, never used, is over too
    [third] = _reset_links(app, client, rows, email)[2:]
    with app.app_context():  # as `tasteget user set-password` does
        s = db.session()
        users.set_password(s, users.find(s, email), "en helt annan fras i höst")
    assert client.get(third).status_code == 404


def test_a_link_sent_twice_at_once_works_once(app, staff, rows):
    email = staff("guide", "are")
    [link] = _reset_links(app, app.test_client(), rows, email)
    clients = [app.test_client(), app.test_client()]
    forms = [hidden_fields(c.get(link).get_data(as_text=True)) for c in clients]
    together = threading.Barrier(2)
    statuses = []

    def choose(client, form, password):
        together.wait()
        answer = client.post(link, data={**form, "password": password, "confirm": password})
        statuses.append((answer.status_code, password))

    threads = [
        threading.Thread(target=choose, args=(c, f, p))
        for c, f, p in zip(clients, forms, ("granskog vid sjön i juni", "en helt annan fras i höst"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in statuses) == [303, 404]
    [chosen] = [password for status, password in statuses if status == 303]
    assert login(app.test_client(), email, chosen).status_code == 303  # the other did not overwrite it


def test_a_reset_link_expires(app, client, staff, rows):
    email = staff("coordinator")
    token = hidden_fields(client.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
    client.post("/crm/password/forgot/", data={"csrf_token": token, "email": email})
    expand_events(app)
    [mail] = [m for m in rows(OutboxMessage) if m.kind == "password_reset"]
    link = re.search(r"http://\S+(/crm/password/reset/\S+/)", mail.body_text).group(1)
    with app.app_context():
        from intake.models import PasswordReset

        s = db.session()
        s.query(PasswordReset).update({"expires_at": utcnow() - timedelta(minutes=1)})
        s.commit()
    assert client.get(link).status_code == 404


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


def test_the_coordinator_triages_not_sure_households(app, client, staff, rows):
    reference = register(client, municipalities=["unsure"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    before = len(rows(OutboxMessage))
    assert action(coordinator, reference, "municipalities", municipality=["krokom", "atlantis"]).status_code == 303
    [h] = rows(Household)
    assert (h.unsure, h.municipality_slugs) == (False, ["krokom"])
    new = [m for m in rows(OutboxMessage)[before:]]
    assert [(m.kind, m.to_address) for m in new] == [("guide_new_household", "inflytt@krokom.example")]
    guide = app.test_client()
    login(guide, staff("guide", "krokom"))
    assert guide.get(f"/crm/households/{reference}/").status_code == 200
    assert action(guide, reference, "municipalities", municipality=["are"]).status_code == 404  # coordinator only


@pytest.mark.parametrize("choice", ["release", "delete"])
def test_the_coordinator_reviews_the_quarantine(app, client, staff, rows, choice):
    reference = register(client, municipalities=["berg"], website="http://spam.example")
    assert rows(OutboxMessage) == []
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    assert action(coordinator, reference, "quarantine", action=choice).status_code == 303
    if choice == "delete":
        assert rows(Household) == []
    else:
        [h] = rows(Household)
        assert h.quarantine_reason is None
        assert expand_events(app) == 1  # told now, as if it had just come in
        assert sorted(m.kind for m in emails(rows(OutboxMessage))) == ["guide_new_household", "mover_confirmation"]


def test_a_leaving_guides_households_are_handed_over_in_one_action(app, client, staff, rows):
    leaving, staying = staff("guide", "are"), staff("guide", "are")
    guide = app.test_client()
    login(guide, leaving)
    for i in range(3):
        reference = register(client, email=f"h{i}@example.com", municipalities=["are"])
        action(guide, reference, "status", status="contacted")
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    page = coordinator.get("/crm/staff/").get_data(as_text=True)
    source, target = (rows(User, User.email == e)[0].id for e in (leaving, staying))
    response = coordinator.post(
        "/crm/staff/reassign/", data={"csrf_token": hidden_fields(page)["csrf_token"], "from": source, "to": target}
    )
    assert response.status_code == 303
    assert [h.owner_id for h in rows(Household)] == [target] * 3
    assert guide.get("/crm/staff/").status_code == 404  # coordinator only


def test_duplicates_are_flagged_and_merged_keeping_both_histories(app, client, staff, rows):
    first = register(client, municipalities=["are"])
    second = register(client, municipalities=["berg"], message="Vi anmälde oss igen, ursäkta!")
    other = register(client, municipalities=["are"], email="annan@example.com", phone="", contact_channel="email")
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    action(guide, first, "notes", text="Första samtalet.")
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    listing = coordinator.get("/crm/households/").get_data(as_text=True)
    assert listing.count("Möjlig dubblett") == 2
    page = coordinator.get(f"/crm/households/{first}/").get_data(as_text=True)
    assert second in page and other not in page.split("Möjlig dubblett")[1].split("</div>")[0]
    assert action(guide, first, "merge", other=second).status_code == 404  # coordinator only
    assert action(coordinator, first, "merge", other=second).status_code == 303
    households = rows(Household)
    assert sorted(h.reference for h in households) == sorted([first, other])
    kept = next(h for h in households if h.reference == first)
    assert sorted(kept.municipality_slugs) == ["are", "berg"]
    kinds = sorted(e.kind for e in rows(HouseholdEvent, HouseholdEvent.household_id == kept.id))
    assert kinds == ["merge", "note"]
    assert {m.household_id for m in rows(OutboxMessage)} == {
        kept.id,
        next(h.id for h in households if h.reference == other),
    }
    assert "Vi anmälde oss igen, ursäkta!" in coordinator.get(f"/crm/households/{first}/").get_data(as_text=True)


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


def withdraw(app, reference):
    """The mover withdraws through the link in their confirmation."""
    visitor = app.test_client()
    link = consent.withdraw_path("sv", consent.withdrawal_token(app.secret_key, reference))
    assert visitor.post(link, data=hidden_fields(visitor.get(link).get_data(as_text=True))).status_code == 303


def test_a_withdrawal_committed_while_a_merge_runs_is_not_undone(app, client, staff, rows):
    """PostgreSQL runs them side by side: the merge waits for the withdrawal's row and then sees it."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    app.config["LEGAL_BASIS"] = "public_task"
    live = register(client, municipalities=["are"])
    other = register(client, municipalities=["are"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    form = hidden_fields(coordinator.get(f"/crm/households/{live}/").get_data(as_text=True))
    withdrawal = engine.connect()  # the mover's withdrawal, begun and not yet committed
    withdrawal.execute(update(Household).where(Household.reference == other).values(withdrawn_at=datetime.now(UTC)))
    answers = []
    merging = threading.Thread(
        target=lambda: answers.append(
            coordinator.post(f"/crm/households/{live}/merge/", data={"csrf_token": form["csrf_token"], "other": other})
        )
    )
    merging.start()
    time.sleep(1.0)  # the merge is now waiting for the withdrawal's row
    withdrawal.commit()
    withdrawal.close()
    merging.join(timeout=30)
    assert answers and answers[0].status_code == 409
    assert sorted(h.reference for h in rows(Household)) == sorted([live, other])


def test_a_withdrawn_or_erased_household_is_never_a_duplicate_nor_merged(app, client, staff, rows):
    app.config["LEGAL_BASIS"] = "public_task"  # withdrawn households stay, as official records
    live = register(client, municipalities=["are"])
    withdrawn = register(client, municipalities=["are"], message="Vi har ångrat oss, hör inte av er.")
    erased = register(client, municipalities=["are"], message="Radera oss.")
    withdraw(app, withdrawn)
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    assert action(coordinator, erased, "erase", reason="Begäran om radering").status_code == 303
    assert "Möjlig dubblett" not in coordinator.get("/crm/households/").get_data(as_text=True)
    for reference in (live, withdrawn, erased):
        assert "Möjlig dubblett" not in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    events = len(rows(HouseholdEvent))
    # A forged merge, either way round, is refused and says why; nothing moves.
    for keep, other, named in ((live, withdrawn, withdrawn), (withdrawn, live, withdrawn), (live, erased, erased)):
        answer = action(coordinator, keep, "merge", other=other)
        assert answer.status_code == 409
        assert f"Inte sammanslagna: {named} har återkallats" in answer.get_data(as_text=True)
    assert sorted(h.reference for h in rows(Household)) == sorted([live, withdrawn, erased])
    assert len(rows(HouseholdEvent)) == events
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    assert "ångrat oss" not in guide.get(f"/crm/households/{live}/").get_data(as_text=True)
