"""What keeps one address from being flooded, and one person from filling an event, without ever
losing a real person's confirmation: e-mails about an event counted per (address, event)."""

from __future__ import annotations

import threading

from intake.events import signups
from intake.models import EventSignUp, OutboxMessage

from tests.events.conftest import SIGN_UP, make_event, reference_of, sign_up
from tests.public.test_visit_request import request_data
from tests.support.intake_helpers import deliver_all, emails, fetch_form, register, submit


def cancel(client, reference: str):
    path = f"/evenemang/avboka/{signups.cancel_token(client.application.secret_key, reference)}/"
    form = fetch_form(client, path)
    return client.post(path, data={"csrf_token": form["csrf_token"]})


def calendars(message) -> int:
    return len([p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"])


def test_registering_asking_for_a_visit_and_two_events_in_a_day_loses_no_confirmation(
    mail_app, client, events, rows, smtp
):
    assert mail_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"] == 3
    events(kvall=make_event(), helg=make_event(days_ahead=30, kind="tryout_weekend"))
    register(client, email="anna@example.com", municipalities=["are"])
    assert submit(client, "/besok/?kommun=are", request_data(email="anna@example.com")).status_code == 303
    first = reference_of(sign_up(client, "kvall", email="anna@example.com"))
    second = reference_of(sign_up(client, "helg", email="Anna@Example.com"))
    deliver_all(mail_app)
    kinds = sorted(m.kind for m in emails(rows(OutboxMessage)) if m.to_address.lower() == "anna@example.com")
    assert kinds == ["event_confirmation", "event_confirmation", "mover_confirmation", "mover_visit_requested"]
    received = smtp.to("anna@example.com") + smtp.to("Anna@Example.com")
    signed = [m for m in received if first in m["Subject"] or second in m["Subject"]]
    assert len(signed) == 2 and [calendars(m) for m in signed] == [1, 1]


def test_e_mails_about_one_event_to_one_address_stop_at_the_limit_and_other_events_go_on(
    mail_app, client, events, rows, smtp
):
    mail_app.config["MAIL_EVENT_LIMIT_PER_ADDRESS"] = 2
    events(kvall=make_event(), helg=make_event(days_ahead=30))
    cancel(client, reference_of(sign_up(client, "kvall", email="x@example.com")))  # confirmation, cancelled: 2
    again = reference_of(sign_up(client, "kvall", email="X@example.com"))  # stored, but nothing more to x@
    other = reference_of(sign_up(client, "helg", email="x@example.com"))
    deliver_all(mail_app)
    subjects = [m["Subject"] for m in smtp.received if "x@example.com" in (a.lower() for a in m.envelope_to)]
    assert len(subjects) == 3 and not [s for s in subjects if again in s] and [s for s in subjects if other in s]


def test_a_second_sign_up_with_the_same_address_stores_nothing_and_names_no_sign_up(
    mail_app, client, events, rows, smtp
):
    """Whoever sends it may not own the address: the page names no sign-up (no reference, no place in
    the queue), and the address itself is told again what holds for its sign-up."""
    events(kvall=make_event(capacity=20), helg=make_event(days_ahead=30))
    first = reference_of(sign_up(client, "kvall", email="fyll@example.com", people="2"))
    deliver_all(mail_app)
    again = sign_up(client, "kvall", email="FYLL@example.com", people="10", name="Påhittad", lang="en")
    assert again.status_code == 303 and again.headers["Location"] == "/en/events/kvall/sign-up/thanks/"
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert first not in page and "We have sent an e-mail to the address you gave" in page
    other = reference_of(sign_up(client, "helg", email="fyll@example.com"))  # another event: its own
    deliver_all(mail_app)
    assert sorted((s.event, s.people) for s in rows(EventSignUp)) == [("helg", 1), ("kvall", 2)]
    about_first = [m for m in smtp.received if first in m["Subject"]]
    assert len(about_first) == 2 and all(m["To"] == "fyll@example.com" for m in about_first)  # told again
    assert [m for m in smtp.received if other in m["Subject"]]
    # Once cancelled, the address can sign up again.
    cancel(client, first)
    assert reference_of(sign_up(client, "kvall", email="fyll@example.com")) not in (first, other)


def test_sign_ups_to_one_event_from_one_client_address_are_limited(app, client, events, rows):
    app.config["RATELIMIT_EVENT_SIGN_UPS"] = "2 per day"
    events(kvall=make_event(capacity=20), helg=make_event(days_ahead=30))
    bad = sign_up(client, "kvall", email="inte-en-adress")  # an error to correct is not counted
    assert bad.status_code == 422
    for n in range(2):
        reference_of(sign_up(client, "kvall", email=f"p{n}@example.com"))
    refused = sign_up(client, "kvall", email="p9@example.com", lang="en")
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    reference_of(sign_up(client, "helg", email="p9@example.com"))  # another event is counted on its own
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    reference_of(sign_up(other, "kvall", email="p8@example.com"))  # so is another client
    assert sorted(s.event for s in rows(EventSignUp)) == ["helg", "kvall", "kvall", "kvall"]


def test_the_same_address_sent_from_several_browsers_at_once_makes_one_sign_up(app, events, rows):
    events(kvall=make_event(capacity=20))
    url = "/evenemang/kvall/anmal/"
    clients = [app.test_client() for _ in range(4)]
    forms = [fetch_form(c, url) for c in clients]
    barrier = threading.Barrier(len(clients))
    answers = []

    def go(c, form):
        barrier.wait()
        response = submit(c, url, {**SIGN_UP, "email": "samma@example.com", "people": "5"}, form=form)
        answers.append(response.headers.get("Location"))

    threads = [threading.Thread(target=go, args=(c, f)) for c, f in zip(clients, forms, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    [stored] = rows(EventSignUp)
    # One browser got the receipt; the others the page that names no sign-up.
    assert sorted(answers) == sorted(
        [f"/evenemang/kvall/anmal/tack/{stored.reference}/"] + ["/evenemang/kvall/anmal/tack/"] * (len(clients) - 1)
    )
