"""Signing up to an event through the intake: the form, its errors, the closed page, the waiting list,
cancelling by link and the place that goes on, the e-mails at a real SMTP server, the reminder."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.events import signups
from intake.models import EventSignUp, Household, HouseholdEvent, JobRun, OutboxMessage
from intake.notify import worker
from intake.web import redaction

from tests.events.conftest import SIGN_UP, make_event, reference_of, sign_up
from tests.support.intake_helpers import deliver_all, emails, errors_in, fetch_form, register, submit

URL = "/evenemang/kvall/anmal/"


def test_the_form_shows_the_events_facts_in_either_language(client, events):
    events(kvall=make_event())
    sv = client.get(URL).get_data(as_text=True)
    assert "Informationskväll i Östersund" in sv and "Stadsbiblioteket" in sv and "18:00–20:00" in sv
    assert 'name="needs"' in sv and 'name="needs_consent"' in sv
    assert "30 dagar efter" in sv  # the needs' own consent says when they are erased
    en = client.get("/en/events/kvall/sign-up/").get_data(as_text=True)
    assert "Information evening in Östersund" in en and "30 days after the event" in en


def test_needs_are_not_asked_when_the_event_does_not_ask(client, events):
    events(kvall=make_event(ask_needs=False))
    page = client.get(URL).get_data(as_text=True)
    assert 'name="needs"' not in page and 'name="needs_consent"' not in page


def test_an_unknown_event_is_404_and_a_closed_one_says_so(client, events):
    assert client.get("/evenemang/finns-inte/anmal/").status_code == 404
    events(
        past=make_event(days_ahead=-3),
        late=make_event(days_ahead=5, sign_up_until=(datetime.now(UTC) - timedelta(days=2)).date()),
        nosignup=make_event(sign_up=False),
    )
    for slug in ("past", "late", "nosignup"):
        page = client.get(f"/evenemang/{slug}/anmal/")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Anmälan är stängd" in text and 'name="email"' not in text
        # Nor can a form sent anyway be stored.
        assert submit(client, f"/evenemang/{slug}/anmal/", SIGN_UP, form={}).status_code == 200
    assert client.get("/en/events/past/sign-up/").get_data(as_text=True).count("Sign-up is closed") >= 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Skriv ditt namn."),
        ({"email": "inte-en-adress"}, "email", "Skriv en e-postadress som namn@exempel.se."),
        ({"people": "0"}, "people", "Skriv ett tal från 1 till 10."),
        ({"people": "11"}, "people", "Skriv ett tal från 1 till 10."),
        ({"people": "5"}, "people", "Evenemanget har 4 platser totalt: skriv högst 4."),
        (
            {"needs": "Rullstol", "needs_consent": ""},
            "needs_consent",
            "Kryssa i rutan så att vi får spara dina behov, eller töm fältet med behov ovanför.",
        ),
        ({"privacy": ""}, "privacy", "Bekräfta att du har läst hur vi hanterar dina uppgifter."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_what_was_typed_is_kept(client, events, rows, changes, field, message):
    events(kvall=make_event())
    data = {**SIGN_UP, "name": "Lisa Lind", "needs": "Glutenfritt", "needs_consent": "y", **changes}
    if not data.get("needs_consent"):
        data.pop("needs_consent")
    if not data.get("privacy"):
        data.pop("privacy")
    answer = submit(client, URL, data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert errors_in(html) == {field: message}
    assert 'id="error-summary"' in html
    if changes.get("name") != "":
        assert 'value="Lisa Lind"' in html
    assert rows(EventSignUp) == []


def test_a_sign_up_is_stored_with_its_consent_and_its_needs_under_their_own(client, events, rows):
    events(kvall=make_event())
    answer = sign_up(client, "kvall", people="2", needs="Hörslinga, tack", needs_consent="y")
    reference = reference_of(answer)
    [row] = rows(EventSignUp)
    assert (row.reference, row.event, row.people, row.status, row.needs) == (
        reference,
        "kvall",
        2,
        "confirmed",
        "Hörslinga, tack",
    )
    assert row.needs_consented_at is not None and row.consented_at is not None and row.purpose == "event_sign_up"
    assert row.privacy_version and row.form_language == "sv"
    receipt = client.get(answer.headers["Location"])
    assert receipt.status_code == 200 and reference in receipt.get_data(as_text=True)
    assert "du är anmäld" in receipt.get_data(as_text=True).lower()
    # The same form sent again (a double click) is stored once and gets the same receipt.
    form = fetch_form(client, URL)
    first = submit(client, URL, {**SIGN_UP, "email": "o@example.com"}, form=form)
    again = submit(client, URL, {**SIGN_UP, "email": "o@example.com"}, form=form)
    assert first.headers["Location"] == again.headers["Location"]
    assert len(rows(EventSignUp)) == 2


def test_needs_on_an_event_that_does_not_ask_are_not_kept(client, events, rows):
    events(kvall=make_event(ask_needs=False))
    reference_of(sign_up(client, "kvall", needs="Vegansk", needs_consent="y"))
    assert rows(EventSignUp)[0].needs is None


def test_a_robot_is_held_without_a_place_and_told_nothing(client, events, rows):
    events(kvall=make_event(capacity=1))
    reference_of(sign_up(client, "kvall", website="http://spam.example"))
    [held] = rows(EventSignUp)
    assert held.status == "held" and held.quarantine_reason == "honeypot"
    assert emails(rows(OutboxMessage)) == []
    reference_of(sign_up(client, "kvall", email="real@example.com"))
    assert rows(EventSignUp)[1].status == "confirmed"  # the robot took no place


def test_a_sign_up_with_a_households_address_is_on_its_timeline(client, events, rows):
    events(kvall=make_event())
    household = register(client, email="anna@example.com")
    reference_of(sign_up(client, "kvall", email="Anna@Example.com"))
    [row] = rows(EventSignUp)
    [h] = rows(Household)
    assert h.reference == household and row.household_id == h.id
    steps = [(e.kind, e.old, e.new) for e in rows(HouseholdEvent)]
    assert ("event", "confirmed", "kvall") in steps


def _mail(smtp, address):
    return smtp.to(address)


def test_full_waiting_list_cancel_and_the_first_that_fits_gets_the_place(mail_app, client, events, rows, smtp):
    events(kvall=make_event(capacity=4))
    first = reference_of(sign_up(client, "kvall", email="a@example.com", people="3"))
    big = reference_of(sign_up(client, "kvall", email="b@example.com", people="3"))  # 1 left: waits
    small = reference_of(sign_up(client, "kvall", email="c@example.com", people="2", lang="en"))  # waits too
    by = {s.reference: s for s in rows(EventSignUp)}
    assert [by[r].status for r in (first, big, small)] == ["confirmed", "waiting", "waiting"]
    page = client.get(f"/en/events/kvall/sign-up/thanks/{small}/").get_data(as_text=True)
    assert "waiting list" in page and "number 2 in the queue" in page
    deliver_all(mail_app)
    [confirmation] = _mail(smtp, "a@example.com")
    assert confirmation["Subject"] == f"Ta Steget: du är anmäld till Informationskväll i Östersund ({first})"
    assert confirmation["Reply-To"] and "Ta Steget" in confirmation["From"]
    [attachment] = [p for p in confirmation.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert attachment.get_param("method") == "PUBLISH"
    [entry] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Informationskväll i Östersund"
    body = confirmation.get_body(("plain",)).get_content()
    cancel_link = next(line for line in body.splitlines() if "/evenemang/avboka/" in line).strip()
    [waiting_mail] = _mail(smtp, "c@example.com")
    assert waiting_mail["Subject"].startswith("Ta Steget: you are on the waiting list for Information evening")
    assert "number 2 in the queue" in waiting_mail.get_body(("plain",)).get_content()
    assert not [p for p in waiting_mail.iter_attachments() if p.get_content_type() == "text/calendar"]

    # The first cancels: 3 places free, 1 was free: 4. The party of 3 first in the queue fits.
    path = cancel_link.split("://", 1)[1].split("/", 1)[1]
    confirm = client.get("/" + path)
    assert confirm.status_code == 200 and "Avboka min anmälan" in confirm.get_data(as_text=True)
    assert rows(EventSignUp)[0].status == "confirmed"  # opening the link (a mail scanner) changes nothing
    form = fetch_form(client, "/" + path)
    assert client.post("/" + path, data={"csrf_token": form["csrf_token"]}).status_code == 303
    by = {s.reference: s for s in rows(EventSignUp)}
    assert [by[r].status for r in (first, big, small)] == ["cancelled", "confirmed", "waiting"]
    assert "avbokad" in client.get("/" + path).get_data(as_text=True)
    deliver_all(mail_app)
    [_, receipt] = _mail(smtp, "a@example.com")
    assert "avbokad" in receipt["Subject"]
    [place] = _mail(smtp, "b@example.com")[1:]
    assert place["Subject"] == f"Ta Steget: du fick en plats på Informationskväll i Östersund ({big})"
    assert [p.get_content_type() for p in place.iter_attachments()] == ["text/calendar"]
    assert len(_mail(smtp, "c@example.com")) == 1  # still waiting, now first in the queue, told nothing new
    assert "number 1 in the queue" in client.get(f"/en/events/kvall/sign-up/thanks/{small}/").get_data(as_text=True)


def test_a_party_that_does_not_fit_keeps_its_turn_while_a_smaller_one_gets_the_place(client, events, rows):
    events(kvall=make_event(capacity=4))
    one = reference_of(sign_up(client, "kvall", email="a@example.com", people="1"))
    reference_of(sign_up(client, "kvall", email="b@example.com", people="3"))
    big = reference_of(sign_up(client, "kvall", email="c@example.com", people="4"))
    small = reference_of(sign_up(client, "kvall", email="d@example.com", people="1"))
    with Session(client.application.extensions["db_engine"]) as session:
        [s] = session.scalars(select(EventSignUp).where(EventSignUp.reference == one)).all()
        given = signups.cancel(session, s, make_event(capacity=4), datetime.now(UTC))
        assert [g.reference for g in given] == [small]
    by = {s.reference: s for s in rows(EventSignUp)}
    assert by[big].status == "waiting" and by[big].queue_number == 1
    assert by[small].status == "confirmed"


def test_the_cancel_link_never_reaches_the_log_and_a_wrong_one_is_404(client, events, rows):
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall"))
    token = signups.cancel_token(client.application.secret_key, reference)
    assert rows(EventSignUp)[0].cancel_token_hash == signups.token_hash(token) != token
    assert redaction.path(f"/evenemang/avboka/{token}/") == "/evenemang/avboka/<token>/"
    assert redaction.path(f"/en/events/cancel/{token}/") == "/en/events/cancel/<token>/"
    assert redaction.path(f"/evenemang/kvall/anmal/tack/{reference}/") == "/evenemang/<slug>/anmal/tack/<reference>/"
    assert client.get(f"/evenemang/avboka/{token[:-2]}xx/").status_code == 404
    assert client.get(f"/en/events/cancel/{token}/").status_code == 200


def test_the_reminder_goes_the_day_before_once_to_those_with_places(mail_app, client, events, rows, smtp):
    events(kvall=make_event(days_ahead=1, capacity=1, sign_up_until=datetime.now(UTC).date()))
    reference_of(sign_up(client, "kvall", email="a@example.com"))
    reference_of(sign_up(client, "kvall", email="b@example.com"))  # waiting: no reminder
    deliver_all(mail_app)
    at = datetime.combine(date.today(), time(10), ZoneInfo(mail_app.config["TIMEZONE"]))  # after EVENT_REMINDER_HOUR
    assert "event_reminders" in worker.run_jobs(mail_app, at)
    assert "event_reminders" in worker.run_jobs(mail_app, at + timedelta(hours=1))
    with Session(mail_app.extensions["db_engine"]) as session:  # another hour's run: no second reminder
        session.query(JobRun).filter(JobRun.job == "event_reminders").delete()
        session.commit()
    worker.run_jobs(mail_app, at)
    deliver_all(mail_app)
    reminders = [m for m in _mail(smtp, "a@example.com") if "är i morgon" in m["Subject"]]
    assert len(reminders) == 1
    assert not [m for m in _mail(smtp, "b@example.com") if "i morgon" in m["Subject"]]


def test_two_people_taking_the_last_place_at_once_do_not_both_get_it(app, events, rows):
    events(kvall=make_event(capacity=1))
    clients = [app.test_client() for _ in range(6)]
    forms = [fetch_form(c, URL) for c in clients]
    barrier = threading.Barrier(len(clients))
    answers = []

    def go(c, form, n):
        barrier.wait()
        answers.append(submit(c, URL, {**SIGN_UP, "email": f"p{n}@example.com"}, form=form).status_code)

    threads = [threading.Thread(target=go, args=(c, f, n)) for n, (c, f) in enumerate(zip(clients, forms, strict=True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [303] * len(clients)
    statuses = sorted(s.status for s in rows(EventSignUp))
    assert statuses == ["confirmed"] + ["waiting"] * (len(clients) - 1)
    assert sorted(s.queue_number for s in rows(EventSignUp) if s.queue_number) == list(range(1, len(clients)))


def test_after_the_event_the_cancel_link_says_it_is_over_and_cancels_nothing(client, events, rows):
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall"))
    path = f"/evenemang/avboka/{signups.cancel_token(client.application.secret_key, reference)}/"
    form = fetch_form(client, path)
    events(kvall=make_event(days_ahead=-2))
    page = client.get(path)
    assert "är över" in page.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": form["csrf_token"]}).status_code == 200
    assert rows(EventSignUp)[0].status == "confirmed"


def test_a_confirmation_given_up_and_sent_again_still_carries_its_calendar_file(mail_app, client, events, rows, smtp):
    from intake.notify import dead_letters

    mail_app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.refuse.add("a@example.com")
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall", email="a@example.com"))
    deliver_all(mail_app)
    [dead] = [m for m in emails(rows(OutboxMessage)) if m.kind == "event_confirmation"]
    assert dead.status == "dead"
    smtp.refuse.clear()
    with Session(mail_app.extensions["db_engine"]) as session, mail_app.test_request_context():
        assert dead_letters.reference(session.get(OutboxMessage, dead.id)) == reference
        assert [m.id for m in dead_letters.send_again(session, datetime.now(UTC), [dead.id]).queued] == [dead.id]
        session.commit()
    deliver_all(mail_app)
    [sent] = smtp.to("a@example.com")
    assert [p.get_content_type() for p in sent.iter_attachments()] == ["text/calendar"]


JOIN = "https://meet.region.example/webb-7f3a"


def test_an_online_events_link_to_join_reaches_only_those_with_a_place(mail_app, client, events, rows, smtp):
    today = datetime.now(UTC).date()
    events(webb=make_event(days_ahead=1, capacity=1, online=True, place=None, join_url=JOIN, sign_up_until=today))
    first = reference_of(sign_up(client, "webb", lang="en", email="en@example.com"))
    reference_of(sign_up(client, "webb", email="vantar@example.com"))  # full: the waiting list
    deliver_all(mail_app)
    [mail] = smtp.to("en@example.com")
    body = mail.get_body(("plain",)).get_content()
    assert "Where: Online: the link is sent to those signed up" in body
    assert f"Link to join: {JOIN}" in body and f'href="{JOIN}"' in mail.get_body(("html",)).get_content()
    assert "We will send you the link" not in body  # it is here already
    [calendar] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert JOIN not in calendar.get_content()  # the same file as the public one
    [waiting] = smtp.to("vantar@example.com")
    assert JOIN not in waiting.as_string()
    # The waiting one gets the link with the place, and both get it again in the reminder.
    token = signups.cancel_token(client.application.secret_key, first)
    form = fetch_form(client, f"/en/events/cancel/{token}/")
    assert client.post(f"/en/events/cancel/{token}/", data={"csrf_token": form["csrf_token"]}).status_code in (200, 303)
    deliver_all(mail_app)
    [place] = [m for m in smtp.to("vantar@example.com") if "fick en plats" in m["Subject"]]
    assert f"Länk för att delta: {JOIN}" in place.get_body(("plain",)).get_content()
    # Mid-morning today in the region, when the reminder goes on either side of a set reminder hour.
    worker.run_jobs(mail_app, datetime.combine(date.today(), time(10), ZoneInfo(mail_app.config["TIMEZONE"])))
    deliver_all(mail_app)
    [reminder] = [m for m in smtp.to("vantar@example.com") if "i morgon" in m["Subject"]]
    assert f"Länk för att delta: {JOIN}" in reminder.get_body(("plain",)).get_content()
    assert not [m for m in smtp.to("en@example.com") if "tomorrow" in m["Subject"]]  # cancelled
    staff = [m for m in smtp.received if not set(m.envelope_to) & {"en@example.com", "vantar@example.com"}]
    assert not [m for m in staff if JOIN in m.as_string()]


def test_an_online_event_with_a_place_too_says_where(mail_app, client, events, smtp):
    events(webb=make_event(online=True, join_url=JOIN))
    reference_of(sign_up(client, "webb", lang="en", email="en@example.com"))
    deliver_all(mail_app)
    [mail] = smtp.to("en@example.com")
    assert "Where: The city library, Rådhusgatan 25" in mail.get_body(("plain",)).get_content()
    page = client.get("/en/events/webb/sign-up/").get_data(as_text=True)
    assert "Rådhusgatan 25" in page and JOIN not in page


def test_places_added_in_the_content_go_to_the_waiting_list_with_the_place_e_mail(mail_app, client, events, rows, smtp):
    events(kvall=make_event(capacity=2))
    first = reference_of(sign_up(client, "kvall", email="a@example.com", people="2"))
    second = reference_of(sign_up(client, "kvall", email="b@example.com", people="2"))  # waits
    third = reference_of(sign_up(client, "kvall", email="c@example.com"))  # waits
    status = {s.reference: s.status for s in rows(EventSignUp)}
    assert [status[first], status[second], status[third]] == ["confirmed", "waiting", "waiting"]
    deliver_all(mail_app)
    # A place more in the content: on the worker's next run, the party of one behind the party of two gets it.
    events(kvall=make_event(capacity=3))
    assert "event_places" in worker.run_jobs(mail_app)
    assert "event_places" not in worker.run_jobs(mail_app)  # given once
    status = {s.reference: s.status for s in rows(EventSignUp)}
    assert [status[first], status[second], status[third]] == ["confirmed", "waiting", "confirmed"]
    deliver_all(mail_app)
    assert [m["Subject"] for m in _mail(smtp, "c@example.com") if "fick en plats" in m["Subject"]] != []
    assert not [m for m in _mail(smtp, "b@example.com") if "fick en plats" in m["Subject"]]
    # Two more, and someone signs up before the worker comes round: the one waiting gets them first.
    events(kvall=make_event(capacity=5))
    fourth = reference_of(sign_up(client, "kvall", email="d@example.com"))
    status = {s.reference: s.status for s in rows(EventSignUp)}
    assert [status[second], status[fourth]] == ["confirmed", "waiting"]
    deliver_all(mail_app)
    assert [m for m in _mail(smtp, "b@example.com") if "fick en plats" in m["Subject"]] != []
    # Someone waiting cancels after a place more was added: the cancel gives it out too.
    fifth = reference_of(sign_up(client, "kvall", email="e@example.com"))  # waits behind d
    events(kvall=make_event(capacity=6))
    cancel = f"/evenemang/avboka/{signups.cancel_token(mail_app.secret_key, fifth)}/"
    assert client.post(cancel, data={"csrf_token": fetch_form(client, cancel)["csrf_token"]}).status_code == 303
    status = {s.reference: s.status for s in rows(EventSignUp)}
    assert [status[fourth], status[fifth]] == ["confirmed", "cancelled"]
