"""The hand-off to another CRM: signed JSON deliveries through the outbox to a real HTTP receiver on
loopback (the documented example receiver), with the receiver down, refusing, or seeing a delivery twice."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

import pytest

from intake import create_app, db
from intake.models import Household, MagazineOrder, OutboxMessage, utcnow
from intake.notify import outbox, webhook, worker

from tests.support.helpers import load_example_receiver, tasteget
from tests.support.intake_helpers import (
    ORDER,
    REGISTRATION,
    emails,
    expand_events,
    intake_config,
    make_staff,
    staff_login,
    submit,
)
from tests.support.intake_helpers import hidden_fields as hidden

W = "test-worker"


def hand_off(app, rounds=20):
    """Expand events and send due webhooks, as if each round came after the retry wait."""
    for _ in range(rounds):
        now = utcnow() + timedelta(days=1)
        tried = 0
        while worker.expand_events(app, W, now=now) + worker.send_webhooks(app, W, now=now):
            tried += 1
            now = utcnow() + timedelta(seconds=1)  # deliveries that failed in this round wait for the next
        if not tried:
            return


def webhooks(rows):
    return rows(OutboxMessage, OutboxMessage.kind == "webhook")


def register(client, **changes) -> str:
    response = submit(client, "/registrera/", {**REGISTRATION, **changes})
    assert response.status_code == 303
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def coordinator(app):
    """A logged-in coordinator's browser."""
    browser = app.test_client()
    staff_login(browser, make_staff(app, "samordnare@staff.example", "coordinator"))
    return browser


def act(browser, reference, what, **data):
    """Post one of the household page's forms, with its CSRF token."""
    token = hidden(browser.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    return browser.post(f"/crm/households/{reference}/{what}/", data={"csrf_token": token, **data})


def signed_properly(receiver, headers, body) -> bool:
    """Checked with the documented verifier, as the receiving side would."""
    secret = receiver.receiver.secret
    return receiver.example.verify(secret, body, headers["X-TaSteget-Timestamp"], headers["X-TaSteget-Signature"])


def test_a_registration_is_handed_off_once_signed_with_every_field(webhook_app, client, receiver, rows):
    reference = register(client, utm_source="newsletter", utm_campaign="vinter")
    assert webhooks(rows) == []  # the visitor's request writes only the event...
    assert expand_events(webhook_app) == 1
    [pending] = webhooks(rows)  # ...the worker writes the delivery with the e-mails, in one transaction
    [household] = rows(Household)
    assert (pending.status, pending.household_id, pending.subject) == ("pending", household.id, "household.registered")
    assert len(emails(rows(OutboxMessage))) == 3

    hand_off(webhook_app)
    [(headers, body, status)] = receiver.requests
    assert status == 200 and signed_properly(receiver, headers, body)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Idempotency-Key"] == pending.message_id
    assert abs(int(headers["X-TaSteget-Timestamp"]) - time.time()) < 60
    payload = json.loads(body)
    assert body == json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert payload["type"] == "household.registered" and payload["id"] == pending.message_id
    assert payload["occurred_at"] == household.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = payload["data"]
    assert data["reference"] == reference and data["status"] == "new"
    assert data["contact"] == {
        "name": "Anna Andersson",
        "email": "anna@example.com",
        "phone": "070-123 45 67",
        "channel": "phone",
        "language": "en",
        "country": "NO",
        "place": "Trondheim",
    }
    assert data["municipalities"] == ["are", "ostersund"] and data["unsure"] is False
    assert data["seeks"] == ["job", "partner_job", "housing", "visit"]
    assert data["children"] == {"count": 2, "ages": [3, 7]}
    # The typed text, and the taxonomy's group where it maps to one ("Snickare" names none exactly).
    assert data["occupation"] == "Sjuksköterska" and data["occupation_ssyk"] == "2221"
    assert data["partner"] == {"occupation": "Snickare", "occupation_ssyk": None, "work_sought": "Egen firma"}
    assert data["housing"] == {"tenure": "buy", "types": ["house", "farm"], "setting": "village"}
    assert data["message"] == "Vi längtar efter fjällen.\nOch efter lugnet."
    assert data["campaign"]["utm_source"] == "newsletter" and data["campaign"]["utm_campaign"] == "vinter"
    assert data["consent"] == {
        "privacy_notice_version": household.privacy_version,
        "consented_at": household.consented_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert [e["id"] for e in receiver.processed] == [pending.message_id]
    [sent] = webhooks(rows)
    assert (sent.status, sent.attempts) == ("sent", 1)


def test_an_order_is_handed_off_even_without_an_e_mail_address(webhook_app, client, receiver, rows):
    assert submit(client, "/bestall-magasinet/", {**ORDER, "email": ""}).status_code == 303
    [order] = rows(MagazineOrder)
    hand_off(webhook_app)
    assert emails(rows(OutboxMessage)) == []  # nobody to confirm it to
    [event] = receiver.processed
    assert event["type"] == "order.placed"
    assert event["data"]["reference"] == order.reference and event["data"]["name"] == "Bo Berg"
    assert event["data"]["address"] == {
        "street": "Storgatan 1",
        "postal_code": "831 31",  # as the form normalised it
        "city": "Östersund",
        "country": "SE",
    }
    assert event["data"]["email"] is None
    assert event["data"]["consent"]["privacy_notice_version"] == order.privacy_version
    [sent] = webhooks(rows)
    assert sent.order_id == order.id and sent.status == "sent"


def test_a_status_change_in_the_back_office_is_handed_off(webhook_app, client, receiver, rows, coordinator):
    reference = register(client, municipalities=["are"])
    hand_off(webhook_app)
    response = act(coordinator, reference, "status", status="moved", moved_to="are", moved_on="2026-06-01")
    assert response.status_code == 303
    change = [m for m in webhooks(rows) if m.subject == "household.status_changed"]
    assert len(change) == 1 and change[0].status == "pending"  # written with the change itself
    hand_off(webhook_app)
    registered, changed = receiver.processed
    assert registered["type"] == "household.registered"
    assert changed["type"] == "household.status_changed"
    [h] = rows(Household)
    assert changed["data"] == {
        "reference": reference,
        "old_status": "new",
        "new_status": "moved",
        "at": h.status_changed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "moved_to": "are",
        "moved_on": "2026-06-01",
        "closed_reason": None,
    }
    assert changed["occurred_at"] == changed["data"]["at"]
    # Saving the form again with the same status is not a change.
    act(coordinator, reference, "status", status="moved", moved_to="are", moved_on="2026-06-01")
    assert len(webhooks(rows)) == 2
    # Correcting where and when it moved is: told as moved → moved with the corrected move.
    act(coordinator, reference, "status", status="moved", moved_to="berg", moved_on="2026-06-03")
    hand_off(webhook_app)
    corrected = receiver.processed[-1]
    assert len(receiver.processed) == 3 and corrected["type"] == "household.status_changed"
    assert {k: corrected["data"][k] for k in ("old_status", "new_status", "moved_to", "moved_on")} == {
        "old_status": "moved",
        "new_status": "moved",
        "moved_to": "berg",
        "moved_on": "2026-06-03",
    }


def test_receiver_down_for_a_while_retries_with_backoff_then_delivers_with_the_same_key(
    webhook_app, client, receiver, rows
):
    receiver.stop()
    register(client)
    expand_events(webhook_app)
    [message] = webhooks(rows)
    key = message.message_id

    start = utcnow()
    assert worker.send_webhooks(webhook_app, W, now=start) == 1
    [message] = webhooks(rows)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "refused" in message.last_error.lower()
    assert 15 <= (message.next_attempt_at.replace(tzinfo=None) - start.replace(tzinfo=None)).total_seconds() <= 31
    assert worker.send_webhooks(webhook_app, W, now=utcnow()) == 0  # not due again yet

    receiver.start()
    receiver.answer = 503  # up, but not taking deliveries yet
    assert worker.send_webhooks(webhook_app, W, now=utcnow() + timedelta(minutes=5)) == 1
    [message] = webhooks(rows)
    assert (message.status, message.attempts, message.last_error) == ("pending", 2, "HTTP 503 Service Unavailable")
    waited = (message.next_attempt_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).total_seconds()
    assert 25 <= waited <= 61  # twice the first wait

    receiver.answer = None
    hand_off(webhook_app)
    [message] = webhooks(rows)
    assert (message.status, message.attempts) == ("sent", 3)
    assert [h["Idempotency-Key"] for h, _, _ in receiver.requests] == [key, key]
    assert [status for _, _, status in receiver.requests] == [503, 200]
    assert all(signed_properly(receiver, h, b) for h, b, _ in receiver.requests)
    assert len(receiver.processed) == 1


def test_a_delivery_whose_answer_is_lost_comes_again_and_the_receiver_acts_once(webhook_app, client, receiver, rows):
    register(client)
    receiver.answer_after = 500  # it processed the delivery, then failed to say so
    hand_off(webhook_app, rounds=1)
    [message] = webhooks(rows)
    assert (message.status, message.attempts) == ("pending", 1)
    receiver.answer_after = None
    hand_off(webhook_app)
    keys = [h["Idempotency-Key"] for h, _, _ in receiver.requests]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert len(receiver.processed) == 1
    assert webhooks(rows)[0].status == "sent"


def test_a_worker_that_lost_its_lease_may_deliver_again_and_the_receiver_acts_once(webhook_app, client, receiver, rows):
    register(client)
    expand_events(webhook_app)
    with webhook_app.app_context():
        [claimed] = outbox.claim(db.session(), "slow-worker", 10, 300, utcnow(), webhooks=True)
    assert worker.send_webhooks(webhook_app, "other-worker") == 0  # the lease still holds
    assert worker.send_webhooks(webhook_app, "other-worker", now=utcnow() + timedelta(seconds=301)) == 1
    # The slow worker wakes up and sends what it claimed: a duplicate the receiver recognises.
    with webhook_app.app_context():
        worker._deliver(webhook_app, db.session(), claimed, "slow-worker")
    assert [status for _, _, status in receiver.requests] == [200, 200]
    assert len({h["Idempotency-Key"] for h, _, _ in receiver.requests}) == 1
    assert len(receiver.processed) == 1
    [message] = webhooks(rows)
    assert (message.status, message.attempts, message.claimed_by) == ("sent", 1, "other-worker")


@pytest.mark.parametrize(
    ("answer", "secret"),
    [(400, None), (404, None), (None, "not-the-receivers-secret-at-all")],
    ids=["refused", "wrong path", "wrong secret (401)"],
)
def test_a_refused_delivery_is_given_up_at_once_and_the_coordinator_told(
    webhook_app, client, receiver, rows, coordinator, answer, secret
):
    receiver.answer = answer
    if secret:
        webhook_app.config["WEBHOOK_SECRET"] = secret
    reference = register(client)
    hand_off(webhook_app)
    [message] = webhooks(rows)
    assert (message.status, message.attempts) == ("dead", 1)
    assert message.last_error.startswith(f"HTTP {answer or 401} ")
    assert len(receiver.requests) == 1 and receiver.processed == []
    [alert] = [m for m in rows(OutboxMessage) if m.kind == "dead_letter"]
    assert alert.subject == "Ett meddelande kunde inte levereras (webhook household.registered)"
    assert reference in alert.body_text and "WEBHOOK_URL" in alert.body_text
    assert "Anna" not in alert.body_text and "anna@example.com" not in alert.body_text

    page = coordinator.get("/crm/messages/").get_data(as_text=True)
    assert "Överlämning till det andra CRM:et: household.registered" in page
    assert reference in page and f"HTTP {answer or 401}" in page
    assert "Anna" not in page and "anna@example.com" not in page and "Trondheim" not in page


@pytest.mark.parametrize("answer", [408, 429, 500, 502])
def test_answers_that_ask_for_patience_are_retried(webhook_app, client, receiver, rows, answer):
    receiver.answer = answer
    register(client)
    hand_off(webhook_app, rounds=1)
    [message] = webhooks(rows)
    assert (message.status, message.attempts) == ("pending", 1)


def test_without_a_webhook_nothing_is_handed_off_or_written(app, client, receiver, rows, coordinator):
    reference = register(client)
    assert submit(client, "/bestall-magasinet/", {**ORDER, "email": ""}).status_code == 303
    assert [m.kind for m in rows(OutboxMessage)] == ["household_registered"]  # no event for the unconfirmed order
    expand_events(app)
    assert act(coordinator, reference, "status", status="contacted").status_code == 303
    assert webhooks(rows) == []
    assert worker.send_webhooks(app, W) == 0
    assert receiver.requests == []


def test_the_quarantine_is_handed_off_only_once_released(webhook_app, client, receiver, rows, coordinator):
    reference = register(client, website="http://spam.example")
    assert submit(client, "/bestall-magasinet/", {**ORDER, "website": "http://spam.example"}).status_code == 303
    assert act(coordinator, reference, "status", status="contacted").status_code == 303
    hand_off(webhook_app)
    assert webhooks(rows) == [] and receiver.requests == []

    assert act(coordinator, reference, "quarantine", action="release").status_code == 303
    hand_off(webhook_app)
    [event] = receiver.processed
    assert event["type"] == "household.registered" and event["data"]["status"] == "contacted"


def test_mail_and_webhooks_do_not_hold_each_other_up(webhook_app, client, receiver, rows, smtp):
    webhook_app.config["MAIL_URL"] = smtp.url
    smtp.stop()
    register(client)
    expand_events(webhook_app)
    now = utcnow()
    worker.send_due(webhook_app, W, now=now)
    worker.send_webhooks(webhook_app, W, now=now)
    assert [m.status for m in webhooks(rows)] == ["sent"]
    assert {m.status for m in emails(rows(OutboxMessage))} == {"pending"}

    receiver.stop()
    smtp.start()
    register(client, email="bertil@example.com")
    expand_events(webhook_app)
    later = utcnow() + timedelta(days=1)
    worker.send_webhooks(webhook_app, W, now=later)
    worker.send_due(webhook_app, W, now=later)
    assert {m.status for m in emails(rows(OutboxMessage))} == {"sent"}
    assert sorted(m.status for m in webhooks(rows)) == ["pending", "sent"]


def test_a_receiver_that_trickles_its_answer_is_given_up_at_the_deadline_and_tried_again(
    webhook_app, client, receiver, rows, slow_server
):
    slow_server.reads_request = True
    slow_server.answer = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"." * 100  # a byte a second, never finished
    webhook_app.config.update(WEBHOOK_URL=slow_server.url(), WEBHOOK_TIMEOUT_SECONDS=2)
    register(client)
    expand_events(webhook_app)
    started = time.monotonic()
    assert worker.send_webhooks(webhook_app, W) == 1
    assert time.monotonic() - started < 10  # a bound, not a benchmark: each byte used to restart the timeout
    [message] = webhooks(rows)
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "no answer: timed out after 2 s")
    assert worker.send_webhooks(webhook_app, W) == 0  # tried again after the back-off, like any failure

    webhook_app.config["WEBHOOK_URL"] = receiver.url
    hand_off(webhook_app)
    assert webhooks(rows)[0].status == "sent" and len(receiver.processed) == 1


def test_a_password_reset_is_not_held_up_by_deliveries_to_a_slow_receiver(webhook_app, client, rows, smtp, slow_server):
    """The worker is working through 20 deliveries that each take 1.5 s to be answered 503 when a
    guide asks for a new password: the mail goes out after the delivery under way, not after all 20."""
    slow_server.reads_request = True
    slow_server.wait, slow_server.every = 1.5, 0
    slow_server.answer = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    webhook_app.config.update(WEBHOOK_URL=slow_server.url(), WEBHOOK_TIMEOUT_SECONDS=3, MAIL_URL=smtp.url)
    with webhook_app.app_context():
        session = db.session()
        for _ in range(20):
            session.add(OutboxMessage(**{**outbox.event_row(outbox.WEBHOOK), "subject": "household.registered"}))
        session.commit()
    email = make_staff(webhook_app, "samordnare@staff.example", "coordinator")
    stop = threading.Event()
    running = threading.Thread(target=worker.run, args=(webhook_app, stop, 0.2))
    running.start()
    try:
        while not slow_server.connections:  # the worker is delivering
            time.sleep(0.05)
        token = hidden(client.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
        client.post("/crm/password/forgot/", data={"csrf_token": token, "email": email})
        asked = time.monotonic()
        while not smtp.to(email) and time.monotonic() - asked < 60:
            time.sleep(0.05)
        waited = time.monotonic() - asked
    finally:
        slow_server.stop()  # the rest of the batch then fails at once instead of taking 1.5 s each
        stop.set()
        running.join(timeout=60)
    assert smtp.to(email)[0]["Subject"] == "Välj ett nytt lösenord"
    assert waited < 10  # a bound, not a benchmark: one delivery (at most its 3 s deadline), not twenty


def test_logs_name_the_delivery_never_its_contents(webhook_app, client, receiver, caplog):
    caplog.set_level(logging.INFO, logger="intake.worker")
    register(client)
    hand_off(webhook_app)
    assert "household.registered" in caplog.text and ": 200" in caplog.text
    for personal in ("Anna", "anna@example.com", "Trondheim", "070-123", "fjällen"):
        assert personal not in caplog.text


NOW = 1_800_000_000
SECRET = "s3cret-shared-with-the-receiver"
BODY = b'{"data":{"reference":"H-ABC"},"id":"k","occurred_at":"2027-01-15T10:00:00Z","type":"household.registered"}'


@pytest.mark.parametrize(
    ("body", "timestamp", "signature", "good"),
    [
        (BODY, str(NOW), webhook.sign(SECRET, NOW, BODY), True),
        (BODY, str(NOW - 299), webhook.sign(SECRET, NOW - 299, BODY), True),
        (BODY.replace(b"H-ABC", b"H-XYZ"), str(NOW), webhook.sign(SECRET, NOW, BODY), False),
        (BODY + b" ", str(NOW), webhook.sign(SECRET, NOW, BODY), False),
        (BODY, str(NOW - 301), webhook.sign(SECRET, NOW - 301, BODY), False),
        (BODY, str(NOW + 301), webhook.sign(SECRET, NOW + 301, BODY), False),
        (BODY, str(NOW + 1), webhook.sign(SECRET, NOW, BODY), False),
        (BODY, str(NOW), webhook.sign("another-secret-altogether", NOW, BODY), False),
        (BODY, str(NOW), webhook.sign(SECRET, NOW, BODY).removeprefix("sha256="), False),
        (BODY, str(NOW), "", False),
        (BODY, "", webhook.sign(SECRET, NOW, BODY), False),
        (BODY, "soon", webhook.sign(SECRET, NOW, BODY), False),
        (BODY, None, None, False),
    ],
    ids=[
        "good",
        "just fresh enough",
        "tampered body",
        "a byte added",
        "too old",
        "from the future",
        "timestamp changed",
        "wrong secret",
        "no sha256= prefix",
        "no signature",
        "no timestamp",
        "timestamp not a number",
        "no headers",
    ],
)
def test_the_signature_check(body, timestamp, signature, good):
    assert webhook.verify(SECRET, body, timestamp, signature, now=NOW) is good
    example = load_example_receiver()
    assert example.verify(SECRET.encode(), body, timestamp, signature, now=NOW) is good  # the documented one agrees


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"WEBHOOK_URL": "https://crm.example/hooks"}, "WEBHOOK_SECRET must be set"),
        ({"WEBHOOK_URL": "https://crm.example/hooks", "WEBHOOK_SECRET": "short"}, "at least 16 characters"),
        ({"WEBHOOK_URL": "crm.example/hooks", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL must be an http"),
        ({"WEBHOOK_URL": "ftp://crm.example/", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL must be an http"),
    ],
)
def test_a_half_configured_webhook_stops_the_start(database_url, built_site, settings, error):
    with pytest.raises(ValueError, match=error):
        create_app(intake_config(database_url, built_site, **settings))


def test_the_worker_command_says_what_is_missing(tmp_path):
    env = {
        "WEBHOOK_URL": "https://crm.example/hooks",
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}",
    }
    result = tasteget("worker", "--once", env=env)
    assert result.returncode == 1
    assert "WEBHOOK_SECRET must be set" in result.stderr and "Traceback" not in result.stderr


def test_withdrawal_and_erasure_are_handed_off_so_the_other_crm_can_erase_its_copy(
    webhook_app, client, receiver, rows, coordinator
):
    from intake.privacy import consent

    erased_by_coordinator = register(client, email="one@example.com")
    withdrawn_under_consent = register(client, email="two@example.com")
    hand_off(webhook_app)
    assert (
        act(
            coordinator, erased_by_coordinator, "erase", reason="Begäran om radering", confirm=erased_by_coordinator
        ).status_code
        == 303
    )
    for h in rows(Household):
        if h.reference == withdrawn_under_consent:
            link = consent.withdraw_path("sv", consent.withdrawal_token(webhook_app.secret_key, h.reference))
    visitor = webhook_app.test_client()
    visitor.post(link, data=hidden(visitor.get(link).get_data(as_text=True)))
    webhook_app.config["LEGAL_BASIS"] = "public_task"
    kept = register(client, email="three@example.com")
    hand_off(webhook_app)
    link = consent.withdraw_path("en", consent.withdrawal_token(webhook_app.secret_key, kept))
    visitor.post(link, data=hidden(visitor.get(link).get_data(as_text=True)))
    hand_off(webhook_app)
    told = [(p["type"], p["data"]["reference"]) for p in receiver.processed if p["type"] != "household.registered"]
    assert told == [
        ("household.erased", erased_by_coordinator),
        ("household.erased", withdrawn_under_consent),
        ("household.withdrawn", kept),
    ]
    erasures = [p["data"] for p in receiver.processed if p["type"] == "household.erased"]
    assert [e["withdrawn"] for e in erasures] == [False, True]
    # Erased households' registrations in the outbox keep no personal data, handed off or not.
    for m in webhooks(rows):
        if m.household_id in {h.id for h in rows(Household) if h.erased_at}:
            assert m.subject == "household.erased" or m.body_text == ""
