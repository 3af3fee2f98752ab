"""Guides are notified and movers hear back: routing, the outbox, the worker and real SMTP."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from intake import create_app
from intake.models import Household, MagazineOrder, OutboxMessage, utcnow
from intake.notify import mime, outbox, worker
from intake.notify.routing import NoRecipient, Recipient, Routed, route

from tests.support.helpers import tasteget
from tests.support.intake_helpers import (
    ORDER,
    REGISTRATION,
    deliver_all,
    emails,
    errors_in,
    expand_events,
    intake_config,
    make_staff,
    staff_login,
    submit,
)

ARE = Recipient("guide@are.example", "Guide Åre", "guide")
ARE_2 = Recipient("guide2@are.example", "Guide Två", "guide")
BERG = Recipient("guide@berg.example", "Guide Berg", "guide")
BOTH = Recipient("both@region.example", "Guide för två", "guide")
COORD = Recipient("coord@region.example", "Samordnare", "coordinator")
GUIDES = {"are": [ARE, ARE_2], "berg": [BERG], "krokom": [BOTH], "ragunda": [BOTH], "bracke": []}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["are"], [Routed(ARE, ["are"]), Routed(ARE_2, ["are"])]),
        (["berg"], [Routed(BERG, ["berg"])]),
        (["are", "berg"], [Routed(ARE, ["are"]), Routed(ARE_2, ["are"]), Routed(BERG, ["berg"])]),
        ([], [Routed(COORD, [])]),
        (["bracke"], [Routed(COORD, ["bracke"])]),
        (["stromsund"], [Routed(COORD, ["stromsund"])]),
        (["bracke", "berg"], [Routed(COORD, ["bracke"]), Routed(BERG, ["berg"])]),
        (["krokom", "ragunda"], [Routed(BOTH, ["krokom", "ragunda"])]),
        (["berg", "berg"], [Routed(BERG, ["berg"])]),
    ],
    ids=[
        "one municipality, two guides",
        "one municipality, one guide",
        "several municipalities",
        "not sure yet",
        "municipality without a guide",
        "municipality unknown to the guides table",
        "one with, one without a guide",
        "one guide for two municipalities gets one message",
        "the same municipality twice",
    ],
)
def test_routing_table(chosen, expected):
    assert route(chosen, GUIDES, [COORD]) == expected


def test_nothing_is_routed_to_nobody():
    with pytest.raises(NoRecipient):
        route(["are"], GUIDES, [])


def test_backoff_doubles_up_to_a_cap_with_jitter():
    rng = random.Random(1)
    delays = [outbox.backoff(n, 30, 3600, rng) for n in range(1, 12)]
    assert 15 <= delays[0] <= 30
    assert all(later >= earlier / 2 for earlier, later in zip(delays, delays[1:], strict=False))
    assert max(delays) <= 3600 and delays[-1] >= 1800
    assert len({round(outbox.backoff(3, 30, 3600, rng), 3) for _ in range(20)}) > 1  # jitter


def test_registration_writes_its_event_in_the_same_transaction_and_the_worker_its_messages(mail_app, client, rows):
    submit(client, "/registrera/", REGISTRATION)
    [household] = rows(Household)
    [event] = rows(OutboxMessage)  # committed with the household: nothing acknowledged goes untold
    assert (event.kind, event.household_id, event.status) == ("household_registered", household.id, "pending")
    assert expand_events(mail_app) == 1
    messages = emails(rows(OutboxMessage))
    assert sorted(m.kind for m in messages) == ["guide_new_household", "guide_new_household", "mover_confirmation"]
    assert all(m.household_id == household.id and m.status == "pending" for m in messages)
    assert rows(OutboxMessage, OutboxMessage.id == event.id)[0].status == "sent"  # the event is done...
    assert expand_events(mail_app) == 0  # ...and is never turned into messages twice


def test_an_event_claimed_by_a_worker_that_died_is_expanded_once_by_another(mail_app, client, rows):
    submit(client, "/registrera/", REGISTRATION)
    with mail_app.app_context():
        from intake import db

        [claimed] = outbox.claim(db.session(), "doomed-worker", 10, 300, utcnow(), events=True)
    assert worker.expand_events(mail_app, "other-worker") == 0  # the lease still holds
    later = utcnow() + timedelta(seconds=301)
    assert worker.expand_events(mail_app, "other-worker", now=later) == 1
    assert len(emails(rows(OutboxMessage))) == 3
    # The first worker wakes up and finishes its claim: it has lost it, so it writes nothing.
    with mail_app.app_context():
        from intake import db

        worker._expand(mail_app, db.session(), claimed, "doomed-worker")
    assert len(emails(rows(OutboxMessage))) == 3


def test_guides_and_mover_get_the_right_message_in_the_right_language(mail_app, client, rows, smtp):
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "en"})
    [household] = rows(Household)
    deliver_all(mail_app)
    for guide in ("inflytt@are.example", "inflytt@ostersund.example"):
        [message] = smtp.to(guide)
        assert message["Subject"].startswith("Nytt hushåll för ")
        assert household.reference in message["Subject"]
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Content-Language"] == "sv"
        text = message.get_body(("plain",)).get_content()
        assert "Ett hushåll med 4 personer (2 vuxna, 2 barn)." in text
        assert "Söker: ett jobb, ett jobb till min partner, boende, ett prova-på-besök." in text
        assert "När: inom 6 månader." in text
        assert f"http://127.0.0.1:8000/crm/households/{household.reference}/" in text
        assert message.get_body(("html",)) is not None
    [mover] = smtp.to("anna@example.com")
    assert mover["Subject"] == f"Ta Steget: we have your registration {household.reference}"
    assert mover["Content-Language"] == "en"
    text = mover.get_body(("plain",)).get_content()
    assert "Hello Anna Andersson," in text
    assert "inflytt@are.example" in text and "http://127.0.0.1:8000/en/privacy/" in text
    assert "To withdraw your registration" in text
    assert all(m.status == "sent" and m.attempts == 1 for m in rows(OutboxMessage))


def test_not_sure_goes_to_the_coordinator_and_the_mover_hears_in_swedish(mail_app, client, smtp):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["unsure"], "contact_language": "sv"})
    deliver_all(mail_app)
    [coordinator] = smtp.to("inflytt@region.example")
    assert "en kommun som inte är vald än" in coordinator["Subject"]
    [mover] = smtp.to("anna@example.com")
    assert mover["Subject"].startswith("Ta Steget: vi har fått din anmälan H-")


CANARIES = {
    "name": "Kanariefågel Zqxw",
    "email": "kanarie.zqxw@example.com",
    "phone": "+46 70 999 88 77",
    "place": "Kanarieby Zqxw",
    "occupation": "Kanarieyrke Zqxw",
    "work_sought": "Kanariejobb Zqxw",
    "partner_occupation": "Partnerkanarie Zqxw",
    "partner_work_sought": "Partnerjobb Zqxw",
    "message": "Kanariemeddelande Zqxw",
}


def test_no_personal_data_in_guides_messages(mail_app, client, smtp):
    submit(client, "/registrera/", {**REGISTRATION, **CANARIES})
    deliver_all(mail_app)
    guide_messages = smtp.to("inflytt@are.example") + smtp.to("inflytt@ostersund.example")
    assert len(guide_messages) == 2
    for message in guide_messages:
        raw = message.as_string()
        for field, canary in CANARIES.items():
            assert canary not in raw, field
        assert "Zqxw" not in raw and "999 88 77" not in raw


def _bodies(message) -> str:
    """What a reader sees: the subject and both bodies, decoded (the raw message may be base64)."""
    return "\n".join(
        [str(message["Subject"])] + [message.get_body((kind,)).get_content() for kind in ("plain", "html")]
    )


# Typed as the form takes it, mapped to a group whose name reads differently: the e-mail names the
# group, never what was typed.
NURSE_TYPED, NURSE_GROUP = "Sjuksköterska, grundutbildad", "2221 Grundutbildade sjuksköterskor"
DRIVER_TYPED = "Bussförare"  # group 8331, not among the region's needs


def test_guides_read_the_occupation_groups_and_the_needs_they_match_never_the_typed_text(mail_app, client, smtp):
    submit(client, "/registrera/", {**REGISTRATION, "occupation": NURSE_TYPED, "partner_occupation": DRIVER_TYPED})
    deliver_all(mail_app)
    [are], [ostersund] = smtp.to("inflytt@are.example"), smtp.to("inflytt@ostersund.example")
    from intake.competence.matches import group_label

    driver_group = group_label("8331", "sv")
    for message, place in ((are, "Åre"), (ostersund, "Östersund")):
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert f"- Kontaktpersonen: {NURSE_GROUP}\n" in text
        assert f"- Partnern: {driver_group}\n" in text
        assert f"Matchar behoven i {place}: {NURSE_GROUP}\n" in text  # the nurse; the bus driver matches none
        html = message.get_body(("html",)).get_content()
        assert (
            f"<li>Kontaktpersonen: {NURSE_GROUP}</li>" in html and f"Matchar behoven i {place}: {NURSE_GROUP}" in html
        )
        shown = _bodies(message)
        assert NURSE_TYPED not in shown and DRIVER_TYPED not in shown
        assert "Sjuksköterska" not in shown  # no part of the typed text either


def test_a_situation_is_named_and_a_household_not_sure_where_is_matched_against_the_region(mail_app, client, smtp):
    submit(
        client,
        "/registrera/",
        {**REGISTRATION, "municipalities": ["unsure"], "occupation": NURSE_TYPED, "partner_occupation": "pensionerad"},
    )
    deliver_all(mail_app)
    [coordinator] = smtp.to("inflytt@region.example")
    text = coordinator.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "- Partnern: Pensionär\n" in text
    assert f"Matchar behoven i Jämtland Härjedalen: {NURSE_GROUP}\n" in text
    assert "pensionerad" not in _bodies(coordinator) and NURSE_TYPED not in _bodies(coordinator)


def test_an_occupation_that_maps_to_no_group_is_said_so_and_matches_nothing(mail_app, client, smtp):
    submit(client, "/registrera/", {**REGISTRATION, "occupation": "Kanarieyrke Zqxw", "partner_occupation": ""})
    deliver_all(mail_app)
    [message] = smtp.to("inflytt@are.example")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "- Kontaktpersonen: ingen yrkesgrupp\n" in text
    assert "Matchar" not in text and "Zqxw" not in _bodies(message)


def test_an_imported_partner_with_a_group_and_no_text_counts_and_a_group_no_one_needs_is_said_so(app):
    """The import stores a code without text; the worker composes with the content it loaded."""
    from intake.builtsite import content
    from intake.notify import skills

    with app.app_context():
        site = content.site()
        partner_only = Household(occupation_ssyk="8331", partner_occupation_ssyk="2221", children_count=0)
        found = skills.of(partner_only, site, ["are"], "sv")
        assert found.adults == ["Kontaktpersonen: 8331 Buss- och spårvagnsförare", f"Partnern: {NURSE_GROUP}"]
        assert found.matched == [f"Matchar behoven i Åre: {NURSE_GROUP}"]
        driver = Household(occupation_ssyk="8331", children_count=0)
        found = skills.of(driver, site, ["are", "berg"], "en")
        assert found.adults == ["Contact person: 8331 Bus and tram drivers"]
        assert found.matched == ["Matches none of the needs of Åre.", "Matches none of the needs of Berg."]


# Encoded-words that Python's `email` package (before the CVE-2024-6923 fix) decodes while folding a
# display name and writes out raw: a forged Subject and body, or an added recipient.
FORGED_SUBJECT = "=?utf-8?q?Kund=0D=0ASubject:_Faktura_obetald=0D=0A=0D=0AKlicka_http://evil.example/?="
ADDED_BCC = "=?utf-8?q?Kund=0D=0ABcc:_victim@example.org?="
ENCODED_WORD_SV = "”=?...?=” är inte tillåtet här (det kan ändra ett e-postmeddelande)."
ENCODED_WORD_EN = "“=?...?=” is not allowed here (it could change an e-mail)."


def _one_clean_message(message, address: str, subject: str) -> None:
    """Exactly the one recipient, our subject, and a body nobody else wrote (a stored name is shown
    in it as typed, never decoded)."""
    assert message.envelope_to == [address]
    assert [str(a) for a in message["To"].addresses] == [address]
    assert message.get_all("Subject") == [subject]
    assert message["Bcc"] is None and message["Cc"] is None
    assert message.defects == [] and message.get_content_type() == "multipart/alternative"
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    assert "Kund" not in headers and "evil.example" not in headers and "victim" not in headers
    text = message.get_body(("plain",)).get_content()
    assert "Faktura obetald" not in text and "Bcc: victim" not in text


@pytest.mark.parametrize("hostile", [FORGED_SUBJECT, ADDED_BCC], ids=["forged subject", "added bcc"])
def test_a_hostile_name_neither_passes_the_forms_nor_reaches_a_header(mail_app, client, rows, smtp, hostile):
    response = submit(client, "/registrera/", {**REGISTRATION, "name": hostile})
    assert response.status_code == 422
    assert errors_in(response.get_data(as_text=True))["name"] == ENCODED_WORD_SV
    response = submit(client, "/en/order-magazine/", {**ORDER, "name": hostile})
    assert response.status_code == 422
    assert errors_in(response.get_data(as_text=True))["name"] == ENCODED_WORD_EN
    assert rows(Household) == [] and rows(MagazineOrder) == []
    # A name stored before the forms refused it (or by a path that skips them) still never reaches a
    # header: the mover's To carries the address only.
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    submit(client, "/en/order-magazine/", ORDER)
    with mail_app.app_context():
        from intake import db

        session = db.session()
        for record in session.query(Household).all() + session.query(MagazineOrder).all():
            record.name = hostile
        session.commit()
    deliver_all(mail_app)
    [household], [order] = rows(Household), rows(MagazineOrder)
    [mover] = smtp.to("anna@example.com")
    _one_clean_message(mover, "anna@example.com", f"Ta Steget: we have your registration {household.reference}")
    [orderer] = smtp.to("bo@example.com")
    _one_clean_message(orderer, "bo@example.com", f"Ta Steget: your magazine order {order.reference}")
    assert len(smtp.received) == 3  # and the guide's notification
    assert all(m.status == "sent" for m in emails(rows(OutboxMessage)))


def test_a_message_that_fails_the_header_check_is_never_sent_and_the_coordinator_is_told(mail_app, client, rows, smtp):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    expand_events(mail_app)
    with mail_app.app_context():
        from intake import db

        session = db.session()
        message = session.query(OutboxMessage).filter_by(kind="mover_confirmation").one()
        message.subject = "Hi\r\nBcc: victim@example.org"  # a row changed behind the application's back
        session.commit()
    deliver_all(mail_app)
    assert smtp.to("victim@example.org") == [] and smtp.to("anna@example.com") == []
    assert all("victim" not in m.as_string() for m in smtp.received)
    [refused] = [m for m in rows(OutboxMessage) if m.kind == "mover_confirmation"]
    # Dead at once with the reason, not retried: the same message would fail the same way every time.
    assert (refused.status, refused.attempts) == ("dead", 1)
    assert refused.last_error == "UnsafeMessage: the Subject header cannot be written as it is; not sent"
    [alert] = smtp.to("inflytt@region.example")
    assert "mover_confirmation" in alert["Subject"]
    assert "the Subject header cannot be written" in alert.get_body(("plain",)).get_content()


def test_a_message_composed_with_a_header_that_fails_the_check_is_stored_undelivered(mail_app, client, rows, smtp):
    with mail_app.app_context():
        from intake.builtsite import content

        places = content.site().municipalities
        berg = places["berg"]
        places["berg"] = berg.model_copy(update={"name": "=?utf-8?q?Berg=0D=0ABcc:_victim@example.org?="})
        try:  # content a communicator got wrong, in the guides' subject
            submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
            expand_events(mail_app)
        finally:
            places["berg"] = berg
    by_kind = {m.kind: m for m in emails(rows(OutboxMessage))}
    assert sorted(by_kind) == ["dead_letter", "guide_new_household", "mover_confirmation"]
    guide = by_kind["guide_new_household"]
    assert (guide.status, guide.attempts) == ("dead", 0)  # never queued
    assert guide.last_error == "the headers would not read back as they were set; not sent"
    assert by_kind["dead_letter"].to_address == "inflytt@region.example"
    deliver_all(mail_app)
    assert smtp.to("victim@example.org") == [] and smtp.to("inflytt@berg.example") == []
    assert len(smtp.to("anna@example.com")) == 1  # the mover's confirmation goes out as usual
    [told] = smtp.to("inflytt@region.example")
    text = told.get_body(("plain",)).get_content()
    assert "stoppades före sändning" in text and "guide_new_household" in text


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("To", Address(display_name=FORGED_SUBJECT, addr_spec="kund@example.com")),
        ("To", Address(display_name=ADDED_BCC, addr_spec="kund@example.com")),
        ("From", Address(display_name="=?utf-8?q?Region?=", addr_spec="noreply@region.example")),
        ("Subject", "=?utf-8?q?Hej=0ABcc:_victim@example.org?="),
    ],
    ids=["forged subject in to", "added bcc in to", "decoded sender name", "encoded line break in subject"],
)
def test_the_header_check_refuses_what_would_not_read_back_as_set(header, value):
    message = EmailMessage()
    message["From"] = "noreply@region.example"
    message["To"] = "kund@example.com"
    message["Subject"] = "Hej"
    message.set_content("Hej")
    message.replace_header(header, value)
    with pytest.raises(mime.UnsafeMessage):
        mime.verify(message)


def test_the_header_check_passes_a_real_message():
    outgoing = mime.Outgoing(
        "kund@example.com", "Vi har din anmälan " + "för Åre och Östersund " * 6, "Hej", "<p>Hej</p>", "<x@y>", "sv"
    )
    message = mime.build(outgoing, "Region Jämtland Härjedalen <noreply@region.example>")
    assert [str(a) for a in message["To"].addresses] == ["kund@example.com"]
    assert message["Subject"] == outgoing.subject


@pytest.mark.parametrize(
    "reply_to",
    ["guide@are.example\r\nBcc: everyone@example.com", "Anna <guide@are.example>", "a@b.example, c@d.example"],
)
def test_a_reply_to_is_one_address_and_nothing_else(reply_to):
    """A guide's message carries their address as Reply-To: a line break, a name or a second address
    in it never reaches a header."""
    outgoing = mime.Outgoing("kund@example.com", "Hej", "Hej", "<p>Hej</p>", "<x@y>", "sv", reply_to, automatic=False)
    with pytest.raises(mime.UnsafeMessage, match="Reply-To"):
        mime.build(outgoing, "noreply@region.example")


def test_a_message_staff_wrote_has_its_reply_to_and_is_not_marked_automatic():
    outgoing = mime.Outgoing("kund@example.com", "Hej", "Hej", "<p>Hej</p>", "<x@y>", "sv", "guide@are.example", False)
    message = mime.build(outgoing, "Region <noreply@region.example>")
    assert [str(a) for a in message["Reply-To"].addresses] == ["guide@are.example"]
    assert message["Auto-Submitted"] is None
    assert mime.build(replace(outgoing, automatic=True), "noreply@region.example")["Auto-Submitted"] == "auto-generated"


def test_smtp_down_then_back_every_message_delivered_exactly_once(mail_app, client, rows, smtp):
    mail_app.config["MAIL_BATCH"] = 1000  # each round tries every message once
    smtp.stop()
    for i in range(50):
        data = {**REGISTRATION, "email": f"mover{i}@example.com", "municipalities": ["are"]}
        assert submit(client, "/registrera/", data).status_code == 303
    assert len(rows(Household)) == 50
    assert expand_events(mail_app) == 50  # writing the e-mails needs no mail server
    expected = len(emails(rows(OutboxMessage)))
    assert expected == 100  # one guide and one mover each

    base = mail_app.config["MAIL_BACKOFF_SECONDS"]
    for attempt in (1, 2, 3):
        started = utcnow()
        deliver_all(mail_app, rounds=1)
        ended = utcnow()
        messages = emails(rows(OutboxMessage))
        assert all(m.status == "pending" and m.last_error == "connection refused" for m in messages)
        # The pause doubles with each failure: from half of base * 2^(n-1) to all of it (jitter),
        # counted from the failure, which came between the round's start and end (however slow).
        full = base * 2 ** (attempt - 1)
        for m in messages:
            due = m.next_attempt_at.replace(tzinfo=UTC)
            assert (due - ended).total_seconds() <= full and (due - started).total_seconds() >= full / 2
    assert [m.attempts for m in emails(rows(OutboxMessage))] == [3] * expected

    smtp.start()
    deliver_all(mail_app)
    ids = Counter(m["Message-ID"] for m in smtp.received)
    assert len(ids) == expected and set(ids.values()) == {1}
    assert {m.message_id for m in emails(rows(OutboxMessage))} == set(ids)
    assert all(m.status == "sent" and m.attempts == 4 for m in emails(rows(OutboxMessage)))


def test_a_worker_killed_mid_batch_loses_nothing(mail_app, client, rows, smtp):
    for i in range(3):
        submit(client, "/registrera/", {**REGISTRATION, "email": f"k{i}@example.com", "municipalities": ["berg"]})
    expand_events(mail_app)
    with mail_app.app_context():
        from intake import db

        claimed = outbox.claim(db.session(), "doomed-worker", 100, 300, utcnow())
    assert len(claimed) == 6  # ...and then the worker is killed before sending anything
    assert worker.send_due(mail_app, "other-worker") == 0  # the lease still holds
    assert worker.send_due(mail_app, "other-worker", now=utcnow() + timedelta(seconds=301)) == 6
    assert len(smtp.received) == 6
    assert all(m.status == "sent" for m in rows(OutboxMessage))


def queue(app, count: int) -> None:
    """`count` plain messages straight into the outbox, due at once."""
    with app.app_context():
        from intake import db

        session = db.session()
        for i in range(count):
            session.add(
                OutboxMessage(
                    kind="test",
                    message_id=f"<m{i}@test.example>",
                    to_address=f"r{i}@example.com",
                    to_name=None,
                    language="sv",
                    subject=f"Test {i}",
                    body_text="x",
                    body_html="<p>x</p>",
                )
            )
        session.commit()


def in_two_threads(work) -> None:
    """Run `work(name)` as two workers at once, each in its thread, and wait for both."""
    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def test_two_workers_over_500_messages_send_each_exactly_once(mail_app, rows, smtp):
    queue(mail_app, 500)
    mail_app.config["MAIL_BATCH"] = 25
    errors = []

    def work(name):
        try:
            while worker.send_due(mail_app, name):
                pass
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    in_two_threads(work)
    assert errors == []
    deliver_all(mail_app)  # anything one worker left after a lost race
    ids = Counter(m["Message-ID"] for m in smtp.received)
    assert len(ids) == 500 and set(ids.values()) == {1}
    assert Counter(m.status for m in rows(OutboxMessage)) == {"sent": 500}


def test_a_message_that_keeps_failing_dies_and_the_coordinator_is_told(mail_app, client, rows, smtp):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp.refuse.add("anna@example.com")
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    deliver_all(mail_app)
    [dead] = [m for m in rows(OutboxMessage) if m.kind == "mover_confirmation"]
    assert dead.status == "dead" and dead.attempts == 2
    assert dead.last_error == "SMTP: the recipient was refused"
    [alert] = smtp.to("inflytt@region.example")
    assert alert["Subject"] == "Ett meddelande kunde inte levereras (mover_confirmation)"
    assert "anna@example.com" not in alert.as_string()
    # The coordinator sees it in the back office too; a guide does not.
    for role, places, expected in (("coordinator", [], 200), ("guide", ["berg"], 404)):
        staff = mail_app.test_client()
        staff_login(staff, make_staff(mail_app, f"{role}@staff.example", role, places))
        page = staff.get("/crm/messages/")
        assert page.status_code == expected
        if expected == 200:
            html = page.get_data(as_text=True)
            assert "bekräftelse till den som vill flytta" in html and "SMTP: the recipient was refused" in html


def test_one_address_cannot_be_flooded_from_the_form(mail_app, client, rows):
    for i in range(5):
        submit(client, "/registrera/", {**REGISTRATION, "name": f"Spam {i}", "municipalities": ["berg"]})
    assert len(rows(Household)) == 5  # every registration is kept...
    expand_events(mail_app)
    kinds = Counter(m.kind for m in emails(rows(OutboxMessage)))
    assert kinds == {"guide_new_household": 5, "mover_confirmation": 3}  # ...but the address gets 3 a day


def test_quarantined_registrations_send_nothing(mail_app, client, rows):
    submit(client, "/registrera/", {**REGISTRATION, "website": "http://spam.example"})
    assert rows(OutboxMessage) == []


def test_magazine_orders_confirm_by_mail_and_notify_no_guide(mail_app, client, rows, smtp):
    submit(client, "/en/order-magazine/", ORDER)
    submit(client, "/en/order-magazine/", {**ORDER, "street": "Annan väg 2", "email": ""})
    deliver_all(mail_app)
    [confirmation] = smtp.received
    [order] = [o for o in rows(MagazineOrder) if o.email]
    assert confirmation.envelope_to == ["bo@example.com"]
    assert confirmation["Subject"] == f"Ta Steget: your magazine order {order.reference}"


def test_the_coordinator_gets_a_daily_summary_of_orders_once(mail_app, client, rows, smtp):
    submit(client, "/bestall-magasinet/", ORDER)
    submit(client, "/bestall-magasinet/", {**ORDER, "street": "Bygatan 2", "country": "NO", "postal_code": "0150"})
    # Tomorrow at 9 in the region's time zone (the default, Europe/Stockholm): today's orders.
    zone = ZoneInfo(mail_app.config["TIMEZONE"])
    tomorrow_morning = (datetime.now(zone) + timedelta(days=1)).replace(hour=9, minute=0).astimezone(UTC)
    assert "orders_summary" in worker.run_jobs(mail_app, now=tomorrow_morning)
    assert "orders_summary" not in worker.run_jobs(mail_app, now=tomorrow_morning + timedelta(hours=1))  # once a day
    deliver_all(mail_app)
    [summary] = smtp.to("inflytt@region.example")
    assert summary["Subject"].startswith("Beställningar av magasinet ") and summary["Subject"].endswith(": 2")
    text = summary.get_body(("plain",)).get_content()
    assert "- SE: 1" in text and "- NO: 1" in text
    assert "Bo Berg" not in summary.as_string() and "Storgatan" not in summary.as_string()


def test_the_orders_summary_counts_the_regions_day_not_the_utc_day(mail_app, client, rows, smtp):
    """An order at 23:30 UTC on 5 December is on 6 December in Stockholm (the default TIMEZONE): the
    summary sent on the 7th counts it, the one sent on the 6th does not."""
    assert mail_app.config["TIMEZONE"] == "Europe/Stockholm"
    submit(client, "/bestall-magasinet/", ORDER)
    with mail_app.app_context():
        from intake import db

        session = db.session()
        session.query(MagazineOrder).update({"created_at": datetime(2026, 12, 5, 23, 30, tzinfo=UTC)})
        session.commit()
    assert "orders_summary" in worker.run_jobs(mail_app, now=datetime(2026, 12, 6, 7, 0, tzinfo=UTC))  # 08:00 local
    deliver_all(mail_app)
    assert smtp.to("inflytt@region.example") == []  # nothing on the 5th in Stockholm
    assert "orders_summary" not in worker.run_jobs(mail_app, now=datetime(2026, 12, 7, 5, 30, tzinfo=UTC))  # 06:30
    assert "orders_summary" in worker.run_jobs(mail_app, now=datetime(2026, 12, 7, 6, 0, tzinfo=UTC))  # 07:00 local
    deliver_all(mail_app)
    [summary] = smtp.to("inflytt@region.example")
    assert summary["Subject"].endswith("2026-12-06: 1")


def test_without_mail_url_messages_are_written_as_files(app, client, tmp_path, caplog):
    app.config.update(MAIL_URL=None, MAIL_DIR=str(tmp_path / "mail"))
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    with caplog.at_level("INFO", logger="intake.worker"):
        deliver_all(app)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert "Auto-Submitted: auto-generated" in files[0].read_text(encoding="utf-8")
    assert caplog.text.count(" written") == 2
    assert "anna@example.com" not in caplog.text and "Anna" not in caplog.text


def test_mail_test_command(smtp, tmp_path, built_site):
    env = {"MAIL_URL": smtp.url, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = tasteget("mail", "test", "ops@example.com", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Test message sent: to ops@example.com via smtp://127.0.0.1:{smtp.port}"
    assert smtp.to("ops@example.com")[0]["Auto-Submitted"] == "auto-generated"
    assert smtp.to("ops@example.com")[0]["From"] == "Ta Steget <noreply@localhost>"  # as the worker sends
    smtp.stop()
    result = tasteget("mail", "test", "ops@example.com", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: could not send to ops@example.com via smtp://127.0.0.1:{smtp.port}: connection refused"
    )
    bad = tasteget("mail", "test", "ops@example.com", env={**env, "MAIL_URL": "http://example.com"})
    assert bad.returncode == 1 and bad.stderr.startswith("Error: MAIL_URL must look like smtp://")


def test_a_mail_server_that_greets_a_byte_at_a_time_is_given_up_at_the_deadline(
    mail_app, client, rows, smtp, slow_server
):
    slow_server.answer = b"220 slow.example\r\n"  # a byte a second: each one used to restart the timeout
    mail_app.config["MAIL_URL"] = f"smtp://127.0.0.1:{slow_server.port}?timeout=2"
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    expand_events(mail_app)
    started = time.monotonic()
    assert worker.send_due(mail_app, "test-worker") == 2
    assert time.monotonic() - started < 10  # a bound, not a benchmark: the deadline is 2 s
    waiting = emails(rows(OutboxMessage))
    assert {(m.status, m.attempts, m.last_error) for m in waiting} == {
        ("pending", 1, "TimeoutError: timed out after 2 s")
    }
    assert worker.send_due(mail_app, "test-worker") == 0  # tried again after the back-off, like any failure

    mail_app.config["MAIL_URL"] = smtp.url
    deliver_all(mail_app)
    assert sorted(m["Message-ID"] for m in smtp.received) == sorted(m.message_id for m in waiting)


def smtp_up_to_the_end_of_data(connection):
    """A mail server's side of a session up to the message's end, whose answer then comes slowly."""
    lines = connection.makefile("rb")
    connection.sendall(b"220 slow.example\r\n")
    while line := lines.readline():
        if line.upper().startswith(b"DATA"):
            connection.sendall(b"354 go ahead\r\n")
            while (line := lines.readline()) and line != b".\r\n":
                pass
            return
        connection.sendall(b"250 ok\r\n")


def test_a_mail_server_that_answers_a_message_a_byte_at_a_time_is_given_up_at_the_deadline(
    mail_app, client, rows, slow_server
):
    slow_server.converse = smtp_up_to_the_end_of_data
    slow_server.answer = b"250 2.0.0 accepted, slowly\r\n"
    mail_app.config["MAIL_URL"] = f"smtp://127.0.0.1:{slow_server.port}?timeout=2"
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    expand_events(mail_app)
    started = time.monotonic()
    assert worker.send_due(mail_app, "test-worker") == 2
    assert time.monotonic() - started < 10  # a bound, not a benchmark: the deadline is 2 s per message
    assert {(m.status, m.attempts, m.last_error) for m in emails(rows(OutboxMessage))} == {
        ("pending", 1, "TimeoutError: timed out after 2 s")
    }


def test_a_slow_mail_server_and_two_workers_still_send_each_message_once(mail_app, rows, smtp):
    """A batch that would outlast its lease is cut short and the rest handed back, instead of a
    second worker taking the rest over while the first is still sending it."""
    smtp.delay = 1.0
    mail_app.config.update(MAIL_URL=f"{smtp.url}?timeout=2", MAIL_LEASE_SECONDS=5, MAIL_BATCH=10)
    queue(mail_app, 10)
    errors = []

    def work(name):
        give_up = time.monotonic() + 90
        try:
            while time.monotonic() < give_up and {m.status for m in rows(OutboxMessage)} != {"sent"}:
                if not worker.send_due(mail_app, name):
                    time.sleep(0.2)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    in_two_threads(work)
    assert errors == []
    ids = Counter(m["Message-ID"] for m in smtp.received)
    assert len(ids) == 10 and set(ids.values()) == {1}
    assert {(m.status, m.attempts) for m in rows(OutboxMessage)} == {("sent", 1)}


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"MAIL_LEASE_SECONDS": 20}, "MAIL_LEASE_SECONDS must be more than 20 "),
        ({"MAIL_URL": "smtp://mail.example?timeout=200"}, "MAIL_LEASE_SECONDS must be more than 400 "),
        ({"MAIL_URL": "smtp://mail.example?timeout=soon"}, "timeout= must be a number of seconds"),
    ],
    ids=["shorter than two webhook attempts", "shorter than two mail attempts", "timeout not a number"],
)
def test_a_lease_that_does_not_fit_the_timeouts_stops_the_start(database_url, built_site, settings, error):
    with pytest.raises(ValueError, match=error):
        create_app(intake_config(database_url, built_site, **settings))
