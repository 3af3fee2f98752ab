""" "My registration": the mover's own page from the link in their e-mail, on the real database and
through the real SMTP server (the links are read from the messages it received)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from html import unescape

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session

from intake import db, settings
from intake.models import AuditEntry, Household, HouseholdEvent, OutboxMessage, PrivacyNotice, User
from intake.notify import outbox
from intake.public import abuse, mylink

from tests.notify.test_mover_mail import _coordinator, _review
from tests.notify.test_notify import CANARIES
from tests.support.helpers import ROOT
from tests.support.intake_helpers import (
    REGISTRATION,
    deliver_all,
    errors_in,
    hidden_fields,
    old_household_row,
    submit,
)

LINK = re.compile(r"http://127\.0\.0\.1:8000(/(?:en/register/mine|registrera/mitt)/[\w.-]+/)")


def _link(message) -> str:
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def _registered(mail_app, client, smtp, **changes) -> tuple[str, str]:
    """Register through the form, deliver the mail, and return the reference and the page's link."""
    address = changes.get("email", REGISTRATION["email"])
    assert submit(client, "/registrera/", {**REGISTRATION, **changes}).status_code == 303
    deliver_all(mail_app)
    [confirmation] = [m for m in smtp.to(address) if "registr" in m["Subject"] or "anmälan" in m["Subject"]]
    page = _link(confirmation)
    reference = re.search(r"\b(H-[2-9A-Z]{4}-[2-9A-Z]{4})\b", confirmation["Subject"]).group(1)
    return reference, page


def _change(client, page: str, **changes):
    """Post the change form as the page shows it, with `changes`."""
    html = client.get(page).get_data(as_text=True)
    fields = {"csrf_token": hidden_fields(html)["csrf_token"], "action": "update"}
    for name in ("name", "email", "phone", "occupation", "work_sought", "partner_occupation", "partner_work_sought"):
        tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', html).group(0)
        fields[name] = unescape(re.search(r'value="([^"]*)"', tag).group(1)) if "value=" in tag else ""
    for name in ("contact_channel", "contact_language", "timeframe"):
        fields[name] = re.search(rf'name="{name}" value="(\w+)" checked', html).group(1)
    for name in ("municipalities", "seeks"):
        fields[name] = re.findall(rf'name="{name}" value="(\w+)" checked', html)
    return client.post(page, data={**fields, **changes})


def test_the_confirmation_links_to_the_page_which_shows_what_was_sent(mail_app, client, smtp):
    reference, page = _registered(mail_app, client, smtp)
    assert page.startswith("/en/register/mine/")  # the contact language chosen: English
    answer = client.get(page)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "My registration" in html and reference in html and "Anna Andersson" in html
    assert "Vi längtar efter fjällen." in html and "Trondheim" in html  # what they sent, the rest too
    assert "inflytt@are.example" in html and "inflytt@ostersund.example" in html  # their guides
    assert "A relocation guide will get in touch within" in html  # their status: received
    assert "/en/register/withdraw/" in html  # the existing withdrawal
    swedish = client.get(page.replace("/en/register/mine/", "/registrera/mitt/"))
    assert swedish.status_code == 200 and "Min anmälan" in swedish.get_data(as_text=True)
    assert client.get(page[:-5] + "AAAA/").status_code == 404  # tampered with
    assert client.get(mylink.path("sv", mylink.token("another secret", reference, 0))).status_code == 404


def test_an_expired_link_says_so_and_offers_a_new_one(app, client, smtp, monkeypatch):
    app.config["MAIL_URL"] = smtp.url
    reference, _page = _registered(app, client, smtp)
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: 1_000_000_000.0)  # signed in 2001
        old = mylink.token(app.secret_key, reference, 0)
    answer = client.get(mylink.path("sv", old))
    assert answer.status_code == 410
    html = answer.get_data(as_text=True)
    assert "Länken har slutat gälla" in html and 'action="/registrera/mitt/"' in html
    assert reference not in html and "Anna" not in html


def test_the_mover_changes_details_and_places_and_the_guides_are_told_without_personal_data(
    mail_app, client, rows, smtp
):
    reference, page = _registered(mail_app, client, smtp)
    smtp.received.clear()
    answer = _change(
        client,
        page,
        email=CANARIES["email"],
        phone=CANARIES["phone"],
        occupation=CANARIES["occupation"],
        timeframe="12m",
        municipalities=["are", "berg"],  # Östersund dropped, Berg added
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("?done=saved")
    assert "Your changes are saved" in client.get(answer.headers["Location"]).get_data(as_text=True)
    [h] = rows(Household)
    assert (h.email, h.phone, h.occupation, h.timeframe) == (
        CANARIES["email"],
        CANARIES["phone"],
        CANARIES["occupation"],
        "12m",
    )
    assert sorted(h.municipality_slugs) == ["are", "berg"]
    steps = {e.kind: e for e in rows(HouseholdEvent)}
    assert steps["mover_details"].new == "email,phone,occupation,timeframe" and steps["mover_details"].user_id is None
    assert "anna@example.com" in steps["mover_details"].text  # what it said before, for staff
    assert (steps["mover_places"].old, steps["mover_places"].new) == ("are, ostersund", "are, berg")
    assert ("mover", "change", "mover_details") in {(a.actor, a.action, a.detail) for a in rows(AuditEntry)}
    deliver_all(mail_app)
    [berg] = smtp.to("inflytt@berg.example")  # a new municipality: told as of a new household
    assert berg["Subject"].startswith("Nytt hushåll för Berg")
    [are] = smtp.to("inflytt@are.example")  # a kept one: told what changed
    assert are["Subject"] == f"Hushåll {reference} har ändrat sin anmälan"
    text = are.get_body(("plain",)).get_content()
    assert "e-post, telefon, yrke" in text and "Åre, Östersund → Åre, Berg" in text
    assert f"/crm/households/{reference}/" in text
    assert smtp.to("inflytt@ostersund.example") == []
    [old] = smtp.to("anna@example.com")  # the old address hears of the change, not of the new address
    assert old["Subject"] == f"Ta Steget: new e-mail address for your registration {reference}"
    assert old["Reply-To"] == "inflytt@berg.example"  # a person, as the confirmation's: Berg first in the form
    assert CANARIES["email"] not in old.as_string() and "write to us at inflytt@berg.example" in old.as_string()
    for message in (berg, are):
        raw = message.as_string()
        assert "Zqxw" not in raw and "999 88 77" not in raw and "anna@example.com" not in raw


def test_bad_input_is_answered_next_to_the_field_and_nothing_is_lost(mail_app, client, rows, smtp):
    _reference, page = _registered(mail_app, client, smtp)
    answer = _change(client, page, email="anna@", name="Anna Bengtsson", municipalities=["are", "unsure"])
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    found = errors_in(html)
    assert found["email"] == "Enter an e-mail address like name@example.com."
    assert "municipalities" in found
    assert 'value="Anna Bengtsson"' in html and 'value="anna@"' in html  # kept as typed
    assert rows(Household)[0].name == "Anna Andersson" and rows(HouseholdEvent) == []
    # Sent without its CSRF token (a page left open overnight): asked again, nothing saved.
    expired = client.post(page, data={"action": "update", "name": "X"})
    assert expired.status_code == 422 and "nothing was saved" in expired.get_data(as_text=True)


def test_a_new_link_from_the_page_ends_the_old_one(mail_app, client, smtp):
    _reference, page = _registered(mail_app, client, smtp)
    token = hidden_fields(client.get(page).get_data(as_text=True))["csrf_token"]
    answer = client.post(page, data={"csrf_token": token, "action": "new_link"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("?done=link")
    smtp.received.clear()
    deliver_all(mail_app)
    [message] = smtp.to("anna@example.com")
    assert message["Subject"].startswith("Ta Steget: your link to your registration")
    assert message["Reply-To"] == "inflytt@are.example"
    new = _link(message)
    assert new != page
    assert client.get(new).status_code == 200
    replaced = client.get(page)
    assert replaced.status_code == 410 and "replaced by a newer one" in replaced.get_data(as_text=True)


def _ask(client, address: str, lang: str = "sv"):
    form = hidden_fields(client.get(mylink.ask_path(lang)).get_data(as_text=True))
    return client.post(mylink.ask_path(lang), data={**form, "email": address})


def test_send_me_my_link_answers_the_same_for_any_address_within_the_daily_limit(mail_app, client, rows, smtp):
    _reference, page = _registered(mail_app, client, smtp)
    known, unknown = _ask(client, "ANNA@example.com"), _ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/registrera/mitt/skickad/"
    sent = client.get(known.headers["Location"])
    assert sent.status_code == 200 and "Om adressen finns hos oss" in sent.get_data(as_text=True)
    smtp.received.clear()
    deliver_all(mail_app)
    [message] = smtp.received
    assert message.envelope_to == ["anna@example.com"] and message["Content-Language"] == "sv"
    assert client.get(_link(message)).status_code == 200 and client.get(page).status_code == 410
    assert all(m.to_address == "" for m in rows(OutboxMessage) if m.kind == outbox.MOVER_LINK_REQUESTED)
    # The confirmation and this link make two of the three a day; a fourth request sends nothing.
    for _ in range(3):
        assert _ask(client, "anna@example.com").status_code == 303
    smtp.received.clear()
    deliver_all(mail_app)
    assert len(smtp.received) == 1
    # Bad input: an error next to the field, what was typed kept.
    bad = _ask(client, "anna@", "en")
    assert bad.status_code == 422 and errors_in(bad.get_data(as_text=True))["email"].startswith("Enter an e-mail")
    empty = _ask(client, "", "en")  # the field's own words, as the registration form's, not "Fill in this field"
    assert empty.status_code == 422 and errors_in(empty.get_data(as_text=True))["email"] == "Enter your e-mail address."
    swedish = errors_in(_ask(client, "").get_data(as_text=True))["email"]
    assert swedish == "Skriv din e-postadress."


def test_the_old_address_hears_of_a_new_one_even_past_its_daily_share(mail_app, client, rows, smtp):
    """Confirmation and two new links: the address has had its three messages today. A link in the
    wrong hands must not quietly move the household's mail all the same."""
    _reference, _page = _registered(mail_app, client, smtp)
    for _ in range(2):
        assert _ask(client, "anna@example.com").status_code == 303
        deliver_all(mail_app)
    confirmation, _first, second = smtp.to("anna@example.com")
    page = _link(second)
    smtp.received.clear()
    assert _change(client, page, email="anna.new@example.com").status_code == 303
    deliver_all(mail_app)
    [notice] = smtp.to("anna@example.com")
    assert "new e-mail address for your registration" in notice["Subject"]
    with mail_app.app_context():
        now = datetime.now(UTC)
        assert outbox.sent_recently(db.session(), "anna@example.com", now) == 4  # counted all the same


def test_a_link_goes_to_one_held_only_for_a_reason_the_quarantine_confirms(mail_app, client, smtp, monkeypatch):
    """ "Send me my link" follows the quarantine's own rule (`abuse.CONFIRMED_WHILE_HELD`)."""
    mail_app.config["MIN_FILL_SECONDS"] = 3600  # held for being sent too fast: confirmed, so linked
    _registered(mail_app, client, smtp)
    smtp.received.clear()
    assert _ask(client, "anna@example.com").status_code == 303
    deliver_all(mail_app)
    assert len(smtp.to("anna@example.com")) == 1
    monkeypatch.setattr(abuse, "CONFIRMED_WHILE_HELD", ())  # were it no longer confirmed: no link either
    assert _ask(client, "anna@example.com").status_code == 303
    deliver_all(mail_app)
    assert len(smtp.to("anna@example.com")) == 1


@pytest.mark.parametrize("how", ["withdrawn", "erased"])
def test_a_withdrawn_or_erased_household_shows_nothing(mail_app, client, rows, smtp, how):
    app = mail_app
    app.config["LEGAL_BASIS"] = "consent" if how == "erased" else "public_task"
    reference, page = _registered(mail_app, client, smtp)
    withdraw = re.search(r'href="(/en/register/withdraw/[^"]+)"', client.get(page).get_data(as_text=True)).group(1)
    token = hidden_fields(client.get(withdraw).get_data(as_text=True))["csrf_token"]
    assert client.post(withdraw, data={"csrf_token": token}).status_code == 303
    answer = client.get(page)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 404 and "nothing to show" in html
    assert reference not in html and "Anna" not in html and "Trondheim" not in html


def test_the_token_is_read_back_only_when_it_is_ours():
    token = mylink.token("s", "H-ABCD-EFGH", 2)
    assert mylink.read("s", token, 30) == mylink.Reading("ok", "H-ABCD-EFGH", 2)
    assert mylink.read("t", token, 30).state == "invalid"
    assert mylink.read("s", token + "x", 30).state == "invalid"
    assert mylink.read("s", "", 30).state == "invalid"
    other = mylink._serializer("s").dumps({"reference": "H"})  # ours, but not a link's shape
    assert mylink.read("s", other, 30).state == "invalid"


def test_the_status_and_the_guide_as_far_as_they_concern_the_mover(mail_app, client, smtp, staff):
    reference, page = _registered(mail_app, client, smtp)
    staff("guide", "are", email="karin@are.example")
    staff("coordinator", email="boss@region.example")
    with mail_app.app_context():
        session = db.session()
        h = session.scalar(select(Household).where(Household.reference == reference))
        guide = session.scalar(select(User).where(User.email == "karin@are.example"))
        h.status, h.owner_id = "contacted", guide.id
        session.add(HouseholdEvent(household_id=h.id, user_id=guide.id, kind="note", text="Intern anteckning Zqxw"))
        session.commit()
    html = client.get(page).get_data(as_text=True)
    assert "A relocation guide has been in touch with you." in html
    assert "Zqxw" not in html and "boss@region.example" not in html and "Boss" not in html
    assert _contact_person(html) == "karin@are.example"  # the owner: their contact now, as the e-mails' Reply-To


def _contact_person(html: str) -> str:
    section = html.split('id="mine-guide"', 1)[1].split("</ul>", 1)[0]
    return re.search(r'href="mailto:([^"]+)"', section).group(1)


def test_the_contact_person_is_the_one_the_e_mails_reply_to_and_the_guides_come_in_the_form_order(
    mail_app, client, smtp, staff
):
    """Åre has a guide account: replies go to it (`mover_contact`), so the page names it first; the
    content's guides follow in the form's order (Åre before Östersund), as the confirmation lists them."""
    staff("guide", "are", email="karin@are.example")
    _reference, page = _registered(mail_app, client, smtp, municipalities=["ostersund", "are"])
    [confirmation] = smtp.to("anna@example.com")
    assert confirmation["Reply-To"] == "karin@are.example"
    html = client.get(page).get_data(as_text=True)
    assert _contact_person(html) == "karin@are.example"
    assert "Your contact person" in html
    assert html.index("inflytt@are.example") < html.index("inflytt@ostersund.example")


def test_a_held_registration_has_its_page_changes_tell_nobody_and_once_deleted_its_link_shows_nothing(
    mail_app, client, rows, smtp
):
    """The seam of the quarantine and My registration: one held for being sent too fast was confirmed
    with its link, which works; what the mover changes while it is held reaches no guide; deleting it
    tells the mover, and the link (still correctly signed) then answers the neutral page."""
    mail_app.config["MIN_FILL_SECONDS"] = 3600  # every form is "too fast"
    reference, page = _registered(mail_app, client, smtp)
    [h] = rows(Household)
    assert h.quarantine_reason == "too-fast"
    assert client.get(page).status_code == 200
    smtp.received.clear()
    assert _change(client, page, phone="070-123 45 67", timeframe="12m", municipalities=["berg"]).status_code == 303
    deliver_all(mail_app)
    assert smtp.received == []  # nobody told: not the guides of Berg, Åre or Östersund, not the coordinator
    assert {e.kind for e in rows(HouseholdEvent)} >= {"mover_details", "mover_places"}  # on its timeline all the same
    assert _review(_coordinator(mail_app), reference, "delete").status_code == 303
    deliver_all(mail_app)
    [notice] = smtp.received
    assert notice.envelope_to == ["anna@example.com"] and "has been removed" in notice["Subject"]
    answer = client.get(page)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 404 and "There is nothing to show here." in html
    assert "ask for a new one" not in html and reference not in html and "Anna" not in html


def test_the_privacy_notice_describes_the_page_and_how_long_its_link_works():
    days = settings.DEFAULTS["MY_REGISTRATION_LINK_DAYS"]
    pages = ROOT / "content" / "pages"
    for lang, name, lasts in (("sv", "Min anmälan", f"{days} dagar"), ("en", "My registration", f"{days} days")):
        text = " ".join((pages / f"privacy.{lang}.md").read_text(encoding="utf-8").split())
        assert name in text and lasts in text and mylink.ask_path(lang) in text


# --- the migration -------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migration_numbers_the_links_of_households_already_there(unmigrated_database_url):
    """Revision 0018: a household registered before it has link number 0, so the link in its
    confirmation works; and back down, the households untouched."""
    engine = db.make_engine(unmigrated_database_url)
    db.upgrade(engine, "0017")
    now = datetime.now(UTC)
    columns = {c.name for c in Household.__table__.columns if not c.computed and c.name != "id"}
    row = old_household_row("H-OLD-0001", now)
    with engine.begin() as connection:
        connection.execute(insert(PrivacyNotice), {"version": "v1", "language": "sv", "text": "x", "first_seen": now})
        connection.execute(
            insert(Household.__table__).values({k: v for k, v in row.items() if k in columns - {"link_generation"}})
        )
    db.upgrade(engine)
    assert db.is_current(engine)
    with Session(engine) as session:
        assert session.scalar(select(Household.link_generation)) == 0
    with engine.begin() as connection:
        command.downgrade(db.alembic_config(connection), "0017")
    with engine.connect() as connection:
        assert "link_generation" not in {c["name"] for c in inspect(connection).get_columns("households")}
        if connection.dialect.name == "sqlite":  # its reflection leaves expression indexes out
            indexes = set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))
        else:
            indexes = {i["name"] for i in inspect(connection).get_indexes("households")}
        assert "ix_households_email_lower" in indexes  # a plain ALTER TABLE: no copy of the table
        assert connection.scalar(select(Household.__table__.c.reference)) == "H-OLD-0001"
    engine.dispose()


def test_not_sure_any_more_goes_to_the_coordinator_and_the_owner_hears_of_every_change(mail_app, client, smtp, staff):
    reference, page = _registered(mail_app, client, smtp)
    staff("guide", "are", email="karin@are.example")
    with mail_app.app_context():
        session = db.session()
        h = session.scalar(select(Household).where(Household.reference == reference))
        h.owner_id = session.scalar(select(User.id).where(User.email == "karin@are.example"))
        session.commit()
    smtp.received.clear()
    assert _change(client, page, municipalities=["unsure"]).status_code == 303
    deliver_all(mail_app)
    told = sorted(address for m in smtp.received for address in m.envelope_to)
    # The coordinator, who triages "not sure yet", and the owner; the guides of the municipalities it
    # left are not told.
    assert told == ["inflytt@region.example", "karin@are.example"]
    for message in smtp.received:
        assert "Åre, Östersund → Vet inte än" in message.get_body(("plain",)).get_content()
    # The timeline reads as the guides' e-mail, in the words staff triage uses ("not sure yet").
    coordinator = _coordinator(mail_app)
    timeline = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Åre, Östersund → Vet inte än" in timeline and "→ –" not in timeline
