"""A forgotten password: single-use links, limited per address, the same work with or without an
account, ended by a new password, expiring."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from intake import db
from intake.accounts import users
from intake.models import OutboxMessage, PasswordReset, utcnow

from tests.support.intake_helpers import (
    STAFF_PASSWORD,
    expand_events,
    hidden_fields,
    staff_login,
)

PASSWORD = STAFF_PASSWORD
login = staff_login


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
