"""Sending undelivered messages again: the coordinator's buttons and `tasteget outbox`, against a real
SMTP server and a real HTTP receiver on loopback; what was withdrawn or erased never goes out."""

from __future__ import annotations

from collections import Counter

import pytest

from intake import db
from intake.models import AuditEntry, Household, OutboxMessage, utcnow
from intake.notify import worker
from intake.privacy import consent, erasure

from tests.support.helpers import tasteget
from tests.support.intake_helpers import (
    REGISTRATION,
    app_env,
    deliver_all,
    emails,
    expand_events,
    hidden_fields,
    make_staff,
    staff_login,
    submit,
)

W = "test-worker"


@pytest.fixture
def coordinator(app):
    """A logged-in coordinator's browser."""
    browser = app.test_client()
    staff_login(browser, make_staff(app, "samordnare@staff.example", "coordinator"))
    return browser


def register(client, **changes) -> str:
    response = submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"], **changes})
    assert response.status_code == 303
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def send_again(browser, **data):
    """Press a button on the page of undelivered messages (with its CSRF token); return the page after."""
    token = hidden_fields(browser.get("/crm/messages/").get_data(as_text=True))["csrf_token"]
    answer = browser.post("/crm/messages/send-again/", data={"csrf_token": token, **data})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/crm/messages/")
    return browser.get("/crm/messages/").get_data(as_text=True)


def one(rows, kind, *where) -> OutboxMessage:
    [message] = rows(OutboxMessage, OutboxMessage.kind == kind, *where)
    return message


def test_a_refused_email_is_sent_again_by_the_coordinator_and_arrives_once(mail_app, client, rows, smtp, coordinator):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp.refuse.add("anna@example.com")
    reference = register(client)
    deliver_all(mail_app)
    dead = one(rows, "mover_confirmation")
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 2, "SMTP: the recipient was refused")
    assert smtp.to("anna@example.com") == []
    page = coordinator.get("/crm/messages/").get_data(as_text=True)
    assert f'name="message" value="{dead.id}"' in page and "Skicka alla igen" in page
    assert "anna@example.com" not in page and "Anna" not in page

    smtp.refuse.clear()  # the mail server is fixed
    page = send_again(coordinator, message=str(dead.id))
    assert "1 meddelande ligger i kön för att skickas igen." in page
    queued = one(rows, "mover_confirmation")
    assert (queued.status, queued.attempts, queued.claimed_by) == ("pending", 0, None)
    assert queued.next_attempt_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)
    assert queued.last_error == "SMTP: the recipient was refused"  # still shown until it is sent
    assert "Väntar på ett nytt försök" in page and "SMTP: the recipient was refused" in page
    [entry] = [e for e in rows(AuditEntry) if e.action == "resend"]
    assert (entry.actor, entry.record, entry.reference) == ("staff", "household", reference)
    assert entry.detail == f"message {dead.id} (mover_confirmation)"

    assert worker.send_due(mail_app, W) >= 1  # the worker's next round, with no waiting
    deliver_all(mail_app)
    [arrived] = smtp.to("anna@example.com")
    assert arrived["Message-ID"] == dead.message_id
    sent = one(rows, "mover_confirmation")
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    page = coordinator.get("/crm/messages/").get_data(as_text=True)
    assert "Väntar på ett nytt försök" not in page and "SMTP: the recipient was refused" not in page


def test_after_the_mail_server_was_down_send_all_again_delivers_each_once(mail_app, client, rows, smtp, coordinator):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp.stop()
    register(client)
    register(client, email="bertil@example.com", name="Bertil Berg")
    deliver_all(mail_app)
    dead = emails(rows(OutboxMessage))
    assert dead and {m.status for m in dead} == {"dead"}

    smtp.start()
    page = send_again(coordinator, all="1")
    assert f"{len(dead)} meddelanden ligger i kön för att skickas igen." in page
    worker.send_due(mail_app, W)
    deliver_all(mail_app)
    assert Counter(m["Message-ID"] for m in smtp.received) == {m.message_id: 1 for m in dead}
    assert {m.status for m in emails(rows(OutboxMessage))} == {"sent"}
    assert len([e for e in rows(AuditEntry) if e.action == "resend"]) == len(dead)
    assert "Det fanns inget att skicka igen." in send_again(coordinator, all="1")


def erase(app, reference, withdraw=False):
    with app.app_context():
        session = db.session()
        household = session.query(Household).filter_by(reference=reference).one()
        if withdraw:
            consent.withdraw(session, household, utcnow())
        else:
            erasure.erase_household(session, household, utcnow(), reason="test")
        session.commit()


@pytest.mark.parametrize("ending", ["erased", "withdrawn under public task"])
def test_a_message_about_an_erased_or_withdrawn_household_is_never_sent_again(
    mail_app, client, rows, smtp, coordinator, ending
):
    mail_app.config.update(MAIL_MAX_ATTEMPTS=1, LEGAL_BASIS="public_task")
    smtp.refuse.add("anna@example.com")
    reference = register(client)
    deliver_all(mail_app)
    dead = one(rows, "mover_confirmation")
    erase(mail_app, reference, withdraw=ending != "erased")
    smtp.refuse.clear()

    page = coordinator.get("/crm/messages/").get_data(as_text=True)
    assert "Återkallat eller raderat: skickas inte igen" in page
    assert f'name="message" value="{dead.id}"' not in page
    for data in ({"message": str(dead.id)}, {"all": "1"}):
        page = send_again(coordinator, **data)
        assert '<div class="error-summary" role="alert"><p>1 meddelande skickades inte igen' in page
    deliver_all(mail_app)
    assert smtp.to("anna@example.com") == []
    assert one(rows, "mover_confirmation").status == "dead"
    assert [e for e in rows(AuditEntry) if e.action == "resend"] == []


def test_a_refused_hand_off_is_sent_again_but_only_the_erasure_once_the_household_is_erased(
    webhook_app, client, rows, receiver, coordinator
):
    receiver.answer = 400  # the other CRM refuses everything until it is fixed
    reference = register(client)
    expand_events(webhook_app)
    worker.send_webhooks(webhook_app, W)
    registered = one(rows, "webhook")
    assert (registered.status, registered.subject) == ("dead", "household.registered")
    receiver.answer = None
    page = send_again(coordinator, message=str(registered.id))
    assert "1 meddelande ligger i kön för att skickas igen." in page
    assert worker.send_webhooks(webhook_app, W) == 1
    assert [e["type"] for e in receiver.processed] == ["household.registered"]
    assert worker.send_webhooks(webhook_app, W) == 0
    assert one(rows, "webhook").status == "sent"

    # Refused again: a status change, then the erasure. Only the erasure may be sent again: it
    # names the household by reference only, and the other CRM must erase its copy too.
    receiver.answer = 400
    token = hidden_fields(coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    coordinator.post(f"/crm/households/{reference}/status/", data={"csrf_token": token, "status": "contacted"})
    worker.send_webhooks(webhook_app, W)
    with webhook_app.app_context():
        session = db.session()
        household = session.query(Household).filter_by(reference=reference).one()
        erasure.erase_household(session, household, utcnow(), reason="test", hand_off=True)
        session.commit()
    worker.send_webhooks(webhook_app, W)
    dead = {m.subject: m for m in rows(OutboxMessage) if m.kind == "webhook" and m.status == "dead"}
    assert set(dead) == {"(erased)", "household.erased"}  # the status change's body was erased with the rest
    receiver.answer = None
    page = send_again(coordinator, all="1")
    assert "1 meddelande ligger i kön för att skickas igen." in page
    assert "1 meddelande skickades inte igen" in page
    worker.send_webhooks(webhook_app, W)
    assert [e["type"] for e in receiver.processed] == ["household.registered", "household.erased"]
    hand_offs = sorted((m.id, m.subject, m.status) for m in rows(OutboxMessage) if m.kind == "webhook")
    # Erasure blanked the registration's (sent) and the status change's (still dead) bodies alike.
    assert [(subject, status) for _, subject, status in hand_offs] == [
        ("(erased)", "sent"),
        ("(erased)", "dead"),
        ("household.erased", "sent"),
    ]


def test_events_are_neither_listed_nor_sent_again(app, client, rows, coordinator):
    register(client)
    [event] = rows(OutboxMessage)
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(OutboxMessage.__table__.update().values(status="dead", attempts=8, last_error="ValueError"))
    page = coordinator.get("/crm/messages/").get_data(as_text=True)
    assert "household_registered" not in page and "ValueError" not in page
    assert "Det fanns inget att skicka igen." in send_again(coordinator, all="1")
    result = tasteget("outbox", "retry", "--id", str(event.id), env=app_env(app))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"message {event.id}: not sent again (it is an event, which the worker turns into messages itself)"
    )
    assert rows(OutboxMessage)[0].status == "dead"


def test_the_command_line_lists_and_sends_again(mail_app, client, rows, smtp):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.refuse.update({"anna@example.com", "bertil@example.com"})
    kept = register(client)
    gone = register(client, email="bertil@example.com", name="Bertil Berg")
    deliver_all(mail_app)
    erase(mail_app, gone)
    env = app_env(mail_app)
    ids = {h.reference: h.id for h in rows(Household)}
    mine, theirs = (
        one(rows, "mover_confirmation", OutboxMessage.household_id == ids[reference]) for reference in (kept, gone)
    )

    listed = tasteget("outbox", "list-dead", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "mover_confirmation" in lines[str(mine.id)] and kept in lines[str(mine.id)]
    assert "SMTP: the recipient was refused" in lines[str(mine.id)]
    assert "(withdrawn/erased)" in lines[str(theirs.id)]
    assert "@" not in listed.stdout and "Anna" not in listed.stdout and "Bertil" not in listed.stdout

    smtp.refuse.clear()
    refused = tasteget("outbox", "retry", "--id", str(theirs.id), "--id", "999999", env=env)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"message {theirs.id}: not sent again (its household or order was withdrawn or erased, so it must not go out)",
        "message 999999: not sent again (no such message)",
    ]
    assert "Traceback" not in refused.stderr
    queued = tasteget("outbox", "retry", "--id", str(mine.id), env=env)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.splitlines() == [
        f"message {mine.id}: queued to be sent again",
        "Queued 1 message(s) to be sent again.",
    ]
    [entry] = [e for e in rows(AuditEntry) if e.action == "resend"]
    assert (entry.actor, entry.user_id, entry.reference) == ("command", None, kept)
    deliver_all(mail_app)
    assert len(smtp.to("anna@example.com")) == 1 and smtp.to("bertil@example.com") == []

    again = tasteget("outbox", "retry", "--id", str(mine.id), env=env)
    assert again.returncode == 1 and "it is not undelivered" in again.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "give either --all-dead or one or more --id N"),
        (["--all-dead", "--id", "1"], "give either --all-dead or one or more --id N"),
        (["--id", "x"], "'x' is not a valid integer"),
    ],
)
def test_retry_needs_all_dead_or_ids(app, args, expected):
    result = tasteget("outbox", "retry", *args, env=app_env(app))
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_outbox_commands_have_help():
    for command in (["outbox"], ["outbox", "retry"], ["outbox", "list-dead"]):
        result = tasteget(*command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout
