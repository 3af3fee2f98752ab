"""What the mover receives, read from a real SMTP server: sent in the campaign's name, Reply-To a
person (an address only), a subject with the campaign and the reference, what happens next and who
their contact is; and a registration held only for being sent too fast, confirmed at once."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import update

from intake.models import Household, MagazineOrder, OutboxMessage, User
from intake.notify import mime

from tests.support.intake_helpers import (
    ORDER,
    REGISTRATION,
    deliver_all,
    emails,
    hidden_fields,
    make_staff,
    staff_login,
    submit,
)
from tests.support.swedish import ni_forms

HOSTILE_NAME = 'Berg, Guide "x" <evil@evil.example>\r\nBcc: victim@example.org'


def _addresses(message, header: str) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in message[header].addresses]


def _address_headers(message) -> str:
    return "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Reply-To", "Cc", "Bcc") if message[name])


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _set(app, model, where, **values) -> None:
    from intake import db

    with app.app_context():
        session = db.session()
        session.execute(update(model).where(where).values(**values))
        session.commit()


def test_the_confirmation_comes_in_the_campaigns_name_with_its_reference_and_reply_to_the_first_guide(
    mail_app, client, rows, smtp
):
    submit(client, "/en/register/", {**REGISTRATION, "municipalities": ["are", "ostersund"]})
    deliver_all(mail_app)
    [household] = rows(Household)
    [mover] = smtp.to("anna@example.com")
    assert _addresses(mover, "From") == [("Ta Steget", "noreply@localhost")]  # MAIL_FROM has no name of its own
    assert mover["Subject"] == f"Ta Steget: we have your registration {household.reference}"
    # No guide account yet: the content's guide of the first municipality in the form's order.
    assert _addresses(mover, "Reply-To") == [("", "inflytt@are.example")]
    text = _text(mover)
    assert "Who will get in touch, within 3 working days:" in text  # region.yml's response_days
    assert "Your contact person: Inflyttarvägledare, Relocation guide, inflytt@are.example" in text
    assert "Reply to this e-mail to reach Inflyttarvägledare." in text
    html = mover.get_body(("html",)).get_content()
    assert '<a href="mailto:inflytt@are.example">inflytt@are.example</a>' in html
    privacy = re.search(r'href="http://127\.0\.0\.1:8000(/[^"]*privacy[^"]*)"', html).group(1)
    with client.get(privacy) as answer:  # a link that answers: the privacy notice, in their language
        assert answer.status_code == 200 and "Privacy" in answer.get_data(as_text=True)
    # The guides' notices are in the campaign's name too, and have no Reply-To (nobody to answer).
    for guide in smtp.to("inflytt@are.example") + smtp.to("inflytt@ostersund.example"):
        assert _addresses(guide, "From") == [("Ta Steget", "noreply@localhost")] and guide["Reply-To"] is None


def test_a_guide_account_of_the_first_municipality_gets_the_reply_and_a_swedish_mover_reads_du(
    mail_app, client, rows, smtp
):
    make_staff(mail_app, "second@berg.example", "guide", ["berg"])
    make_staff(mail_app, "later@berg.example", "guide", ["berg"])
    make_staff(mail_app, "guide@are.example", "guide", ["are"])
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "sv", "municipalities": ["krokom", "berg"]})
    deliver_all(mail_app)
    [household] = rows(Household)
    [mover] = smtp.to("anna@example.com")
    assert mover["Subject"] == f"Ta Steget: vi har fått din anmälan {household.reference}"
    # Berg comes before Krokom in the form; its first (oldest) account, not the content's address.
    assert _addresses(mover, "Reply-To") == [("", "second@berg.example")]
    assert "Din kontaktperson: Second, second@berg.example" in _text(mover)
    assert ni_forms(mover["Subject"] + _text(mover)) == []  # du throughout, the content's next steps included
    assert "Dina uppgifter går till inflyttarvägledaren i varje kommun du har valt" in _text(mover)


def test_a_household_with_an_owner_gets_the_owners_address_and_nothing_else_in_a_header(mail_app, client, rows, smtp):
    owner = make_staff(mail_app, "owner@staff.example", "guide", ["are"])
    submit(client, "/en/register/", {**REGISTRATION, "municipalities": ["are"]})
    # Owned before the worker wrote the confirmation (a guide quicker than a worker that was down);
    # the owner's display name is free text a member of staff typed.
    _set(mail_app, User, User.email == owner, name=HOSTILE_NAME)
    [owner_id] = [u.id for u in rows(User)]
    _set(mail_app, Household, Household.id.is_not(None), owner_id=owner_id)
    deliver_all(mail_app)
    [mover] = smtp.to("anna@example.com")
    assert mover.envelope_to == ["anna@example.com"]
    assert _addresses(mover, "Reply-To") == [("", "owner@staff.example")]
    assert _addresses(mover, "To") == [("", "anna@example.com")]
    headers = _address_headers(mover)
    assert "evil" not in headers and "victim" not in headers and "Guide" not in headers and "Berg" not in headers
    assert mover["Bcc"] is None and mover.defects == []
    assert smtp.to("victim@example.org") == [] and smtp.to("evil@evil.example") == []
    assert all(m.status == "sent" for m in emails(rows(OutboxMessage)))


def test_a_household_not_sure_where_and_an_order_reply_to_the_coordinator(mail_app, client, rows, smtp):
    submit(client, "/en/register/", {**REGISTRATION, "municipalities": ["unsure"]})
    submit(client, "/en/order-magazine/", ORDER)
    deliver_all(mail_app)
    [mover] = smtp.to("anna@example.com")
    assert _addresses(mover, "Reply-To") == [("", "inflytt@region.example")]  # the content's coordinator
    assert "Your contact person: Regional coordinator, Region Jämtland Härjedalen" in _text(mover)
    [orderer] = smtp.to("bo@example.com")
    [order] = rows(MagazineOrder)
    assert orderer["Subject"] == f"Ta Steget: your magazine order {order.reference}"
    assert _addresses(orderer, "From") == [("Ta Steget", "noreply@localhost")]
    assert _addresses(orderer, "Reply-To") == [("", "inflytt@region.example")]
    # With a coordinator's account, its address rather than the content's.
    smtp.received.clear()
    make_staff(mail_app, "samordnare@staff.example", "coordinator")
    submit(client, "/en/order-magazine/", {**ORDER, "street": "Bygatan 2", "email": "cy@example.com"})
    deliver_all(mail_app)
    [orderer] = smtp.to("cy@example.com")
    assert _addresses(orderer, "Reply-To") == [("", "samordnare@staff.example")]


def test_a_name_written_in_mail_from_wins_and_is_encoded(mail_app, client, smtp):
    mail_app.config["MAIL_FROM"] = "Inflytt Jämtland Härjedalen <inflytt@region.example>"
    submit(client, "/en/register/", REGISTRATION)
    deliver_all(mail_app)
    [mover] = smtp.to("anna@example.com")
    assert _addresses(mover, "From") == [("Inflytt Jämtland Härjedalen", "inflytt@region.example")]


@pytest.mark.parametrize(
    ("mail_from", "campaign", "expected"),
    [
        ("noreply@region.example", "Ta Steget – Jämtland", ("Ta Steget – Jämtland", "noreply@region.example")),
        ("noreply@region.example", "Ta Steget, Jämtland", ("Ta Steget, Jämtland", "noreply@region.example")),
        ("noreply@region.example", "Ta\r\nSteget", ("Ta Steget", "noreply@region.example")),
        ("Region <noreply@region.example>", "Ta Steget", ("Region", "noreply@region.example")),
        ("noreply@region.example", "", ("", "noreply@region.example")),
    ],
    ids=["non-ascii", "comma", "line break", "mail_from's own name", "no campaign"],
)
def test_the_from_header_carries_the_campaign_as_written(mail_from, campaign, expected):
    outgoing = mime.Outgoing("anna@example.com", "Hej", "Hej", "<p>Hej</p>", "<1@region.example>", "sv")
    raw = bytes(mime.build(outgoing, mail_from, campaign))
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    assert head.isascii()  # a non-ASCII name is an RFC 2047 encoded-word, not raw UTF-8
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert _addresses(parsed, "From") == [expected]


def _coordinator(app):
    coordinator = app.test_client()
    staff_login(coordinator, make_staff(app, "coord@staff.example", "coordinator"))
    return coordinator


def _review(coordinator, reference: str, choice: str):
    page = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    return coordinator.post(f"/crm/households/{reference}/quarantine/", data={"csrf_token": token, "action": choice})


def test_a_registration_sent_too_fast_is_confirmed_at_once_and_released_to_the_guides_only(
    mail_app, client, rows, smtp
):
    mail_app.config["MIN_FILL_SECONDS"] = 3600  # every form is "too fast"
    submit(client, "/en/register/", {**REGISTRATION, "municipalities": ["are"]})
    deliver_all(mail_app)
    [household] = rows(Household)
    assert household.quarantine_reason == "too-fast"
    [mover] = smtp.received  # the mover hears at once, no guide does
    assert mover.envelope_to == ["anna@example.com"]
    assert mover["Subject"] == f"Ta Steget: we have your registration {household.reference}"
    coordinator = _coordinator(mail_app)
    assert _review(coordinator, household.reference, "release").status_code == 303
    deliver_all(mail_app)
    assert [m.envelope_to for m in smtp.received[1:]] == [["inflytt@are.example"]]  # no second confirmation
    assert sorted(m.kind for m in emails(rows(OutboxMessage))) == ["guide_new_household", "mover_confirmation"]


def test_a_honeypot_is_still_told_nobody(mail_app, client, rows, smtp):
    submit(client, "/en/register/", {**REGISTRATION, "website": "http://spam.example"})
    deliver_all(mail_app)
    assert smtp.received == [] and rows(OutboxMessage) == []


def test_deleting_a_confirmed_registration_erases_it_and_tells_the_address(mail_app, client, rows, smtp):
    mail_app.config["MIN_FILL_SECONDS"] = 3600
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "sv", "municipalities": ["are"]})
    deliver_all(mail_app)
    [household] = rows(Household)
    assert len(smtp.received) == 1
    coordinator = _coordinator(mail_app)
    page = coordinator.get(f"/crm/households/{household.reference}/").get_data(as_text=True)
    assert "Den som anmälde sig har fått en bekräftelse: tar du bort anmälan får hen veta" in page
    assert _review(coordinator, household.reference, "delete").status_code == 303
    assert rows(Household) == []
    deliver_all(mail_app)
    [_, notice] = smtp.to("anna@example.com")
    assert notice["Subject"] == f"Ta Steget: din anmälan {household.reference} har tagits bort"
    assert _addresses(notice, "From") == [("Ta Steget", "noreply@localhost")]
    assert _addresses(notice, "Reply-To") == [("", "coord@staff.example")]  # who deleted it
    text = _text(notice)
    assert "Vi har tagit bort din anmälan" in text and "http://127.0.0.1:8000/registrera/" in text
    register = re.search(r"http://127\.0\.0\.1:8000(/\S*registrera/)", text).group(1)
    assert client.get(register).status_code == 200  # a link that answers: the form, to register again
    assert "Anna" not in text  # it names nobody: the details are gone
    assert ni_forms(notice["Subject"] + text) == []
    # The confirmation, which named the mover, is erased with the household; the notice is not kept
    # attached to anything.
    by_kind = {m.kind: m for m in emails(rows(OutboxMessage))}
    assert by_kind["mover_confirmation"].body_text == "" and by_kind["mover_confirmation"].to_address == ""
    assert by_kind["mover_removal"].household_id is None and by_kind["mover_removal"].status == "sent"
    assert smtp.to("inflytt@are.example") == []  # the guides never heard of it


def test_deleting_one_whose_confirmation_was_not_sent_yet_sends_nothing(mail_app, client, rows, smtp):
    mail_app.config["MIN_FILL_SECONDS"] = 3600
    submit(client, "/en/register/", {**REGISTRATION, "municipalities": ["are"]})
    [household] = rows(Household)
    assert _review(_coordinator(mail_app), household.reference, "delete").status_code == 303
    deliver_all(mail_app)
    assert smtp.received == []
    assert [m.status for m in rows(OutboxMessage)] == ["erased"]  # the waiting event, never expanded
