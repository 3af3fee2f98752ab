"""A sign-up's data protection: retention (the needs for the day first), export and erasure."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from intake.events import signups
from intake.models import AuditEntry, EventSignUp, OutboxMessage
from intake.privacy import erasure, export, retention

from tests.events.conftest import make_event, reference_of, sign_up
from tests.support.helpers import tasteget
from tests.support.intake_helpers import app_env, deliver_all, emails, hidden_fields, register, staff_login


def _purge(app, now, events, dry_run=False):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        return retention.purge(session, now, 24, 90, dry_run=dry_run, events=events, needs_days=30)


def test_the_needs_go_n_days_after_the_event_and_the_rest_after_the_retention(app, client, events, rows):
    kvall = make_event(days_ahead=2)
    events(kvall=kvall)
    with_needs = reference_of(sign_up(client, "kvall", needs="Rullstolsplats", needs_consent="y"))
    reference_of(sign_up(client, "kvall", email="n@example.com"))
    ended = kvall.ends_at().astimezone(UTC)
    known = {"kvall": kvall}
    assert _purge(app, ended + timedelta(days=29), known).needs == []
    assert rows(EventSignUp)[0].needs == "Rullstolsplats"
    purged = _purge(app, ended + timedelta(days=30, minutes=1), known)
    assert (purged.needs, purged.sign_ups) == ([with_needs], [])
    first = rows(EventSignUp)[0]
    assert first.needs is None and first.needs_erased_at is not None and first.name == "Lisa Lind"
    # The rest, RETENTION_MONTHS (24) after the event: an anonymous row stays for the figures.
    later = retention.add_months(ended, 24) + timedelta(minutes=1)
    assert len(_purge(app, later - timedelta(days=2), known).sign_ups) == 0
    assert len(_purge(app, later, known, dry_run=True).sign_ups) == 2
    assert rows(EventSignUp)[0].erased_at is None  # a dry run changes nothing
    assert len(_purge(app, later, known).sign_ups) == 2
    for s in rows(EventSignUp):
        assert (s.name, s.email, s.needs, s.event, s.people) == ("", "", None, "kvall", 1) and s.erased_at
    assert {m.subject for m in emails(rows(OutboxMessage))} == {erasure.ERASED_MARK}
    erased = [e for e in rows(AuditEntry) if e.action == "erase" and e.record == "sign_up"]
    assert len(erased) == 3 and all(e.actor == "purge" for e in erased)


def test_needs_of_an_event_gone_from_the_content_go_at_once(app, client, events, rows):
    events(kvall=make_event())
    reference_of(sign_up(client, "kvall", needs="Laktosfritt", needs_consent="y"))
    assert _purge(app, datetime.now(UTC), {}).needs == [rows(EventSignUp)[0].reference]
    assert rows(EventSignUp)[0].needs is None


def test_a_households_export_has_its_sign_ups_and_its_erasure_erases_them(app, client, events, rows):
    events(kvall=make_event())
    household = register(client, email="anna@example.com")
    signed = reference_of(sign_up(client, "kvall", email="anna@example.com", needs="Tolk", needs_consent="y"))
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session, app.test_request_context():
        h = session.query(export.Household).filter_by(reference=household).one()
        data = export.export_household(session, h)
        [s] = data["event_sign_ups"]
        assert (s["reference"], s["event"], s["needs"], s["consent"]["purpose"]) == (
            signed,
            "kvall",
            "Tolk",
            "event_sign_up",
        )
        json.dumps(data)  # plain JSON
        erasure.erase_household(session, h, datetime.now(UTC), reason="Begäran om radering", actor="command")
        session.commit()
    [row] = rows(EventSignUp)
    assert (row.name, row.email, row.needs) == ("", "", None) and row.erased_at is not None


def test_the_export_command_exports_a_sign_up_by_its_own_reference(app, client, events, rows):
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall", email="ensam@example.com"))
    printed = tasteget("export", reference.lower(), "--reason", "Begäran om registerutdrag", env=app_env(app))
    assert printed.returncode == 0, printed.stderr
    [s] = json.loads(printed.stdout)["event_sign_ups"]
    assert (s["reference"], s["email"], s["people"]) == (reference, "ensam@example.com", 1)
    assert [(e.record, e.reference) for e in rows(AuditEntry) if e.action == "export"] == [("sign_up", reference)]
    missing = tasteget("export", "E-NONE-0000", "--reason", "x", env=app_env(app))
    assert (
        missing.returncode == 1 and missing.stderr.strip() == "Error: no event sign-up with the reference E-NONE-0000"
    )


def test_a_households_erasure_erases_the_sign_ups_made_with_its_address_too(app, client, events, rows):
    events(kvall=make_event())
    # Signed up before registering (so not linked), in another case: the export shows it, so erasure takes it.
    before = reference_of(sign_up(client, "kvall", email="Anna@Example.com", needs="Tolk", needs_consent="y"))
    household = register(client, email="anna@example.com")
    other = reference_of(sign_up(client, "kvall", email="bo@example.com"))
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session, app.test_request_context():
        h = session.query(export.Household).filter_by(reference=household).one()
        assert [s.reference for s in export.sign_ups_of(session, h)] == [before]
        assert rows(EventSignUp)[0].household_id is None
        erasure.erase_household(session, h, datetime.now(UTC), reason="Begäran om radering", actor="command")
        session.commit()
    by = {s.reference: s for s in rows(EventSignUp)}
    assert (by[before].name, by[before].email, by[before].needs) == ("", "", None) and by[before].erased_at
    assert by[other].email == "bo@example.com" and by[other].erased_at is None
    erased = {(e.record, e.reference) for e in rows(AuditEntry) if e.action == "erase"}
    assert erased == {("household", household), ("sign_up", before)}


def test_the_coordinator_erases_a_sign_up_with_no_household_by_its_reference(
    app, mail_app, client, events, rows, staff
):
    events(kvall=make_event())
    reference = reference_of(sign_up(client, "kvall", email="ensam@example.com", needs="Tolk", needs_consent="y"))
    deliver_all(mail_app)
    url = f"/crm/sign-ups/{reference}/erase/"
    guide = app.test_client()
    staff_login(guide, staff("guide", "ostersund"))
    assert guide.get(url).status_code == 404
    assert "sign-ups/" not in guide.get("/crm/events/kvall/").get_data(as_text=True)
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    assert f'href="{url}"' in coordinator.get("/crm/events/kvall/").get_data(as_text=True)
    page = coordinator.get(url)
    form = hidden_fields(page.get_data(as_text=True))
    # No reason, or the wrong reference: erased nothing, said next to the field, what was typed kept.
    wrong = coordinator.post(url, data={**form, "reason": "Begäran", "confirm": "E-XXXX-0000"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Det är inte anmälans referens" in text and 'value="Begäran"' in text
    assert coordinator.post(url, data={**form, "confirm": reference}).status_code == 422
    assert rows(EventSignUp)[0].erased_at is None
    done = coordinator.post(url, data={**form, "reason": "Begäran om radering", "confirm": reference.lower()})
    assert done.status_code == 303
    [s] = rows(EventSignUp)
    assert (s.name, s.email, s.needs, s.event, s.people) == ("", "", None, "kvall", 1) and s.erased_at
    assert {m.subject for m in emails(rows(OutboxMessage))} == {erasure.ERASED_MARK}
    [entry] = [e for e in rows(AuditEntry) if e.action == "erase"]
    assert (entry.record, entry.reference, entry.detail) == ("sign_up", reference, "Begäran om radering")
    assert entry.actor == "staff" and entry.user_id is not None
    assert coordinator.get(url).status_code == 303  # erased already
    assert coordinator.get("/crm/sign-ups/E-NONE-0000/erase/").status_code == 404


def test_once_the_event_is_over_the_purge_blanks_the_text_of_its_sent_e_mails(mail_app, client, events, rows, smtp):
    kvall, helg = make_event(days_ahead=2), make_event(days_ahead=30)
    events(kvall=kvall, helg=helg)
    over = reference_of(sign_up(client, "kvall", email="a@example.com"))
    reference_of(sign_up(client, "helg", email="a@example.com"))
    deliver_all(mail_app)
    token = signups.cancel_token(mail_app.secret_key, over)
    [sent] = [m for m in emails(rows(OutboxMessage)) if over in m.subject]
    assert token in sent.body_text and token in sent.body_html  # until the event is over
    known = {"kvall": kvall, "helg": helg}
    assert _purge(mail_app, datetime.now(UTC), known).event_mails == 0
    after = kvall.ends_at().astimezone(UTC) + timedelta(minutes=1)
    assert _purge(mail_app, after, known, dry_run=True).event_mails == 1
    assert token in emails(rows(OutboxMessage))[0].body_text  # a dry run changes nothing
    assert _purge(mail_app, after, known).event_mails == 1
    by = {m.subject: m for m in emails(rows(OutboxMessage))}
    blanked = next(m for s, m in by.items() if over in s)
    assert (blanked.body_text, blanked.body_html, blanked.to_address) == ("", "", "a@example.com")
    assert not [m for m in rows(OutboxMessage) if token in (m.body_text + m.body_html)]
    assert [m.body_text for s, m in by.items() if over not in s][0]  # the event still to come keeps its text
    assert _purge(mail_app, after, known).event_mails == 0  # once
    [sign] = [s for s in rows(EventSignUp) if s.reference == over]
    assert sign.email == "a@example.com" and sign.erased_at is None  # the sign-up itself stays its time


def test_erasing_a_place_at_an_event_to_come_gives_it_to_the_waiting_list(app, mail_app, client, events, rows):
    """The erased person can no longer cancel (their link names an address that is gone): their places
    go back, and the worker's next round gives them to the first waiting."""
    events(kvall=make_event(capacity=2))
    first = reference_of(sign_up(client, "kvall", email="forst@example.com", people="2"))
    waiting = reference_of(sign_up(client, "kvall", email="kim@example.com"))
    with Session(app.extensions["db_engine"]) as session:
        [s] = [s for s in session.query(EventSignUp).all() if s.reference == first]
        with app.app_context():
            erasure.erase_sign_up(session, s, datetime.now(UTC), reason="Begäran")
        session.commit()
    assert {s.reference: s.status for s in rows(EventSignUp)} == {first: "cancelled", waiting: "waiting"}
    with Session(app.extensions["db_engine"]) as session, app.app_context():
        from intake.builtsite import content

        signups.give_out_free_places(session, content.site().events, datetime.now(UTC))
    assert {s.reference: s.status for s in rows(EventSignUp)} == {first: "cancelled", waiting: "confirmed"}
