"""Writing to a household from its page: a message from the content, edited and previewed, sent
through the outbox to a real SMTP server From the campaign with Reply-To the guide, in the
household's language; on the timeline with its text, gone on erasure, in the export; refused for a
withdrawn household; bad input answered next to its field; and a message counts as contact."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import update

from intake.crm import writing
from intake.models import Household, HouseholdEvent, OutboxMessage, User
from intake.notify import worker

from tests.crm.test_households import withdraw
from tests.support.intake_helpers import deliver_all, hidden_fields, register, staff_login

GUIDE = "anna.guide@are.example"


def logged_in(app, email):
    client = app.test_client()
    assert staff_login(client, email).status_code == 303
    return client


def errors_in(page: str) -> dict[str, str]:
    """The error shown next to each field of a back-office form: {field id: message}."""
    return {
        field: unescape(message).strip()
        for field, message in re.findall(r'<p class="field-error" id="([\w-]+)-error">(.*?)</p>', page, re.S)
    }


def value_of(page: str, name: str) -> str:
    """What a field of the page holds (an input's value or a textarea's text), as the browser sends it."""
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    if found:
        return unescape(found.group(1))
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return unescape(found.group(1)) if found else ""


def write_page(client, reference, template="first-contact"):
    page = client.get(f"/crm/households/{reference}/write/?template={template}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def post(client, reference, page, action, **changes):
    """Submit the write form as the page holds it, with `changes`, pressing `action`."""
    data = {
        "csrf_token": hidden_fields(page)["csrf_token"],
        "previewed": value_of(page, "previewed"),
        "subject": value_of(page, "subject"),
        "text": value_of(page, "text"),
        "action": action,
    }
    if 'name="mark_contacted"' in page and "checked" in re.search(r'<input[^>]*name="mark_contacted"[^>]*>', page)[0]:
        data["mark_contacted"] = "y"
    data.update(changes)
    return client.post(f"/crm/households/{reference}/write/", data={k: v for k, v in data.items() if v is not None})


@pytest.fixture
def guide(mail_app, staff):
    staff("guide", "are", email=GUIDE)
    return logged_in(mail_app, GUIDE)


def test_a_guide_writes_from_a_template_edits_previews_and_the_household_receives_it(
    mail_app, client, guide, smtp, rows
):
    reference = register(client, municipalities=["are"], contact_language="en")
    household_page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert 'href="tel:0701234567"' in household_page  # the phone number, to call from a phone
    assert "Skriv till hushållet" in household_page and "Första kontakten" in household_page

    page = write_page(guide, reference)
    # The template in the household's language (English), its placeholders filled in with safe facts.
    assert value_of(page, "subject") == f"Welcome to Jämtland Härjedalen – your relocation guide here ({reference})"
    text = value_of(page, "text")
    assert "My name is Anna.Guide and I am the relocation guide for Åre." in text
    assert "Anna Andersson" not in text  # the mover's name is free text: never a placeholder
    assert "Vad som skickas" in page and "anna@example.com" in page

    edited = text.replace("When would it suit you", "Would Tuesday at ten suit you, or when would it suit you")
    # Sent straight after editing: the preview shows the edited message first, then the guide sends it.
    changed = post(guide, reference, page, "send", text=edited)
    assert changed.status_code == 200
    changed = changed.get_data(as_text=True)
    assert "Du har ändrat meddelandet" in changed and "Would Tuesday at ten suit you" in changed
    assert rows(OutboxMessage, OutboxMessage.kind == "household_message") == []
    sent = post(guide, reference, changed, "send")
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/crm/households/{reference}/#timeline")
    assert "Skickat." in guide.get(sent.headers["Location"]).get_data(as_text=True)

    deliver_all(mail_app)
    [received] = [m for m in smtp.to("anna@example.com") if m["Subject"].startswith("Welcome to")]
    assert received["From"] == f"Ta Steget <{mail_app.config['MAIL_FROM']}>"  # in the campaign's name
    assert received["Reply-To"] == GUIDE  # the address only: no name in any address header
    assert received["Reply-To"].addresses[0].display_name == ""
    assert received["Content-Language"] == "en"
    assert received["Auto-Submitted"] is None  # a person wrote it: replies and auto-replies welcome
    body = received.get_body(("plain",)).get_content()
    assert "Would Tuesday at ten suit you" in body
    assert "Anna.Guide wrote to you from Ta Steget" in body and "/en/register/withdraw/" in body
    html = received.get_body(("html",)).get_content()
    assert "Would Tuesday at ten suit you" in html and "<script" not in html

    # On the timeline: who wrote what, and that it went out.
    [step] = rows(HouseholdEvent, HouseholdEvent.kind == "message")
    assert step.user_id == rows(User, User.email == GUIDE)[0].id
    assert step.text.startswith(received["Subject"]) and "Would Tuesday at ten suit you" in step.text
    timeline = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "skrev till hushållet (skickat)" in timeline and "Would Tuesday at ten suit you" in timeline


def test_a_swedish_household_gets_swedish_and_the_first_message_can_mark_it_contacted(
    mail_app, client, guide, smtp, rows
):
    reference = register(client, municipalities=["are"], contact_language="sv")
    page = write_page(guide, reference, "visit-invitation")
    assert value_of(page, "subject") == f"Välkommen på besök i Åre ({reference})"
    assert re.search(r'<input[^>]*checked[^>]*name="mark_contacted"|<input[^>]*name="mark_contacted"[^>]*checked', page)
    preview = post(guide, reference, page, "preview").get_data(as_text=True)
    assert post(guide, reference, preview, "send").status_code == 303
    again = post(guide, reference, preview, "send")  # "Send" pressed twice on a slow phone
    assert "Redan skickat" in guide.get(again.headers["Location"]).get_data(as_text=True)
    assert len(rows(OutboxMessage, OutboxMessage.kind == "household_message")) == 1
    [h] = rows(Household)
    assert h.status == "contacted" and h.first_contacted_at is not None
    assert h.owner_id == rows(User, User.email == GUIDE)[0].id  # the first to contact it owns it
    deliver_all(mail_app)
    [received] = [m for m in smtp.to("anna@example.com") if m["Subject"].startswith("Välkommen på besök")]
    assert received["Content-Language"] == "sv"
    assert "Vill du komma hit" in received.get_body(("plain",)).get_content()
    # A second message offers no status change: the household is contacted already.
    assert 'name="mark_contacted"' not in write_page(guide, reference)


def test_a_message_without_marking_contacted_still_stops_the_reminders(mail_app, client, guide, rows):
    mail_app.config.update(REMINDER_WORKING_DAYS=3, ESCALATION_DAYS=2)
    reference = register(client, municipalities=["are"])
    long_ago = datetime.now(UTC) - timedelta(days=30)
    with mail_app.extensions["db_engine"].begin() as connection:
        connection.execute(update(Household).values(created_at=long_ago))
    page = write_page(guide, reference)
    preview = post(guide, reference, page, "preview").get_data(as_text=True)
    assert post(guide, reference, preview, "send", mark_contacted=None).status_code == 303  # unticked
    [h] = rows(Household)
    assert h.status == "new" and h.first_contacted_at is not None
    worker.run_jobs(mail_app, now=datetime.now(UTC) + timedelta(hours=1))
    kinds = {m.kind for m in rows(OutboxMessage)}
    assert "reminder" not in kinds and "escalation" not in kinds


def test_a_household_never_written_to_is_still_reminded_and_escalated(mail_app, client, guide, rows):
    """The other side of the rule above: without a message or a status change, the reminders go."""
    mail_app.config.update(REMINDER_WORKING_DAYS=3, ESCALATION_DAYS=2)
    register(client, municipalities=["are"])
    with mail_app.extensions["db_engine"].begin() as connection:
        connection.execute(update(Household).values(created_at=datetime.now(UTC) - timedelta(days=30)))
    worker.run_jobs(mail_app, now=datetime.now(UTC) + timedelta(hours=1))
    kinds = {m.kind for m in rows(OutboxMessage)}
    assert {"reminder", "escalation"} <= kinds


@pytest.mark.parametrize(
    "changes, field, error",
    [
        ({"subject": ""}, "subject", "Ge meddelandet en ärenderad."),
        ({"subject": "   "}, "subject", "Ge meddelandet en ärenderad."),
        ({"text": ""}, "text", "Skriv meddelandet."),
        ({"text": "x" * 5001}, "text", "Håll texten till 5000 tecken; den har 5001."),
        ({"subject": "y" * 151}, "subject", "Håll ärenderaden till 150 tecken."),
        (
            {"subject": "Hej\r\nBcc: everyone@example.com"},
            "subject",
            "Skriv ärenderaden på en rad, utan radbrytningar eller styrtecken.",
        ),
        ({"subject": "Hej\nBcc: everyone@example.com"}, "subject", "Skriv ärenderaden på en rad"),
        ({"text": "Hej\x00då"}, "text", "Texten har styrtecken som inte kan skickas: ta bort dem."),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_sent(
    mail_app, client, guide, smtp, rows, changes, field, error
):
    reference = register(client, municipalities=["are"])
    page = write_page(guide, reference)
    for action in ("preview", "send"):
        answer = post(guide, reference, page, action, **changes)
        assert answer.status_code == 422
        shown = answer.get_data(as_text=True)
        assert errors_in(shown)[field].startswith(error)
        assert 'aria-invalid="true"' in shown
        kept = "subject" if field == "text" else "text"
        assert value_of(shown, kept) == value_of(page, kept)  # the rest of the input is kept
    assert rows(HouseholdEvent, HouseholdEvent.kind == "message") == []
    deliver_all(mail_app)
    assert [m for m in smtp.received if "everyone@example.com" in m.envelope_to] == []
    assert not any(m.kind == "household_message" for m in rows(OutboxMessage))


def test_a_withdrawn_household_cannot_be_written_to(mail_app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    coordinator = logged_in(mail_app, staff("coordinator"))
    page = write_page(coordinator, reference)  # written while the household was still there
    withdraw(mail_app, reference)
    refused = post(coordinator, reference, page, "send")
    assert refused.status_code == 409
    assert "har dragit tillbaka sin anmälan" in refused.get_data(as_text=True)
    assert coordinator.get(f"/crm/households/{reference}/write/").status_code == 409
    household = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Skriv ett meddelande" not in household  # the page offers no writing either
    assert not any(m.kind == "household_message" for m in rows(OutboxMessage))
    assert rows(HouseholdEvent, HouseholdEvent.kind == "message") == []


def test_a_guide_of_another_municipality_cannot_write(mail_app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    other = logged_in(mail_app, staff("guide", "berg"))
    assert other.get(f"/crm/households/{reference}/write/").status_code == 404
    token = hidden_fields(other.get("/crm/households/").get_data(as_text=True)).get("csrf_token", "")
    data = {"csrf_token": token, "subject": "Hej", "text": "Hej", "action": "send"}
    assert other.post(f"/crm/households/{reference}/write/", data=data).status_code == 404
    assert not any(m.kind == "household_message" for m in rows(OutboxMessage))


def test_the_export_holds_the_message_and_erasure_removes_it(mail_app, client, guide, staff, rows, smtp):
    reference = register(client, municipalities=["are"])
    page = write_page(guide, reference)
    preview = post(guide, reference, page, "preview", text="Hej!\n\nVi ses på fredag vid stationen.").get_data(
        as_text=True
    )
    assert post(guide, reference, preview, "send").status_code == 303
    deliver_all(mail_app)
    coordinator = logged_in(mail_app, staff("coordinator"))
    household = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    token = hidden_fields(household)["csrf_token"]
    export = coordinator.post(f"/crm/households/{reference}/export/", data={"csrf_token": token, "reason": "Begäran"})
    data = json.loads(export.get_data(as_text=True))
    [written] = [m for m in data["messages"] if m["kind"] == "household_message"]
    assert "Vi ses på fredag vid stationen." in written["text"] and written["reply_to"] == GUIDE
    [step] = [e for e in data["history"] if e["kind"] == "message"]
    assert "Vi ses på fredag vid stationen." in step["text"] and step["by"] == "Anna.Guide"

    erased = coordinator.post(
        f"/crm/households/{reference}/erase/", data={"csrf_token": token, "reason": "Begäran", "confirm": reference}
    )
    assert erased.status_code == 303
    [step] = rows(HouseholdEvent, HouseholdEvent.kind == "message")
    assert step.text is None and step.user_id is not None  # who and when stay; what was said goes
    [message] = rows(OutboxMessage, OutboxMessage.kind == "household_message")
    assert message.body_text == "" and message.body_html == "" and message.to_address == ""
    after = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Vi ses på fredag" not in after and "skrev till hushållet" in after
    assert coordinator.get(f"/crm/households/{reference}/write/").status_code == 409


@pytest.mark.parametrize(
    "typed, link",
    [("070-123 45 67", "0701234567"), ("+46 (0)70 123 45 67", "+460701234567"), ("+47 73 12 34 56", "+4773123456")],
)
def test_a_phone_number_as_typed_is_a_tel_link_of_its_digits(typed, link):
    assert writing.tel(typed) == link


def test_a_phone_without_digits_is_shown_but_no_link(mail_app, client, guide):
    reference = register(client, municipalities=["are"])
    with mail_app.extensions["db_engine"].begin() as connection:  # e.g. imported from the previous CRM
        connection.execute(update(Household).values(phone="ring mig"))
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert 'href="tel:' not in page and "ring mig" in page
