"""Asking for a try-out visit: the form from a municipality page, its bad input answered next to each
field, and the request stored on the household (an existing one by its e-mail, else a new one, as a
registration) with what the outbox tells."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from intake.models import AuditEntry, Household, HouseholdEvent, OutboxMessage, Visit
from intake.notify import outbox

from tests.support.intake_helpers import errors_in, expand_events, fetch_form, register, submit


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


@pytest.fixture
def visit_app(app):
    app.config["TIMEZONE"] = "Europe/Stockholm"
    return app


def request_data(**changes) -> dict:
    first = today() + timedelta(days=20)
    return {
        "name": "Maja Nilsson",
        "email": "maja@example.com",
        "phone": "",
        "country": "NO",
        "municipality": "are",
        "when": "dates",
        "wished_from": first.isoformat(),
        "wished_to": (first + timedelta(days=2)).isoformat(),
        "month": "",
        "wishes": ["homes", "schools", "trial_living"],
        "message": "Vi vill se skolan i Järpen.",
        "privacy": "y",
        **changes,
    }


def ask(client, url="/besok/?kommun=are", **changes):
    return submit(client, url, request_data(**changes))


def test_the_municipality_comes_from_the_link_and_trial_living_only_where_offered(visit_app, client):
    page = client.get("/besok/?kommun=are").get_data(as_text=True)
    assert '<option selected value="are">' in page or 'value="are" selected' in page
    assert 'value="trial_living"' in page  # a coworking space in Åre offers trial living
    berg = client.get("/besok/?kommun=berg").get_data(as_text=True)
    assert 'value="trial_living"' not in berg
    english = client.get("/en/visit/?kommun=are").get_data(as_text=True)
    assert "Ask for a try-out visit" in english and 'hreflang="sv"' in english
    assert client.get("/besok/?kommun=nowhere").status_code == 200  # an unknown one is ignored


def later(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Skriv ditt namn."),
        ({"email": "maja"}, "email", "Skriv en e-postadress som namn@exempel.se."),
        ({"municipality": ""}, "municipality", "Välj den kommun du vill besöka."),
        ({"municipality": "atlantis"}, "municipality", "Välj ett av alternativen."),
        ({"wished_from": ""}, "wished_from", "Ange första dagen, till exempel 2027-05-14."),
        ({"wished_from": "2020-01-01"}, "wished_from", "Välj en dag från och med i dag."),
        ({"wished_from": later(400), "wished_to": later(401)}, "wished_from", "Välj en dag inom ett år från i dag."),
        ({"wished_from": later(10), "wished_to": later(9)}, "wished_to", "Sista dagen är före den första."),
        ({"wished_from": later(10), "wished_to": later(30)}, "wished_to", "Ett prova-på-besök varar högst 14 dagar."),
        ({"when": "flexible", "month": ""}, "month", "Välj en månad."),
        ({"when": "flexible", "month": "1999-01"}, "month", "Välj ett av alternativen."),
        ({"when": "sometime"}, "when", "Välj ett av alternativen."),
        ({"wishes": ["castles"]}, "wishes", "Välj bland alternativen i listan."),
        ({"municipality": "berg"}, "wishes", "Prova-på-boende finns inte i den kommunen."),
        ({"message": "<script>x</script>"}, "message", "Ta bort HTML-koden"),
        ({"privacy": ""}, "privacy", "Bekräfta att du har läst hur vi hanterar dina uppgifter."),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_stored(
    visit_app, client, rows, changes, field, message
):
    response = ask(client, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert errors_in(html).get(field, "").startswith(message), errors_in(html)
    assert ("Maja Nilsson" if field != "name" else "maja@example.com") in html  # what was typed is kept
    assert rows(Visit) == [] and rows(Household) == []


def test_a_request_from_someone_new_is_a_registration_with_a_requested_visit(visit_app, client, rows):
    response = ask(client, "/en/visit/?kommun=are")
    assert response.status_code == 303 and response.headers["Location"] == "/en/visit/thanks/"
    assert "We have saved your request" in client.get("/en/visit/thanks/").get_data(as_text=True)
    [household] = rows(Household)
    assert (household.name, household.municipality_slugs, household.seeks) == ("Maja Nilsson", ["are"], ["visit"])
    assert household.contact_language == "en" and household.quarantine_reason is None
    [visit] = rows(Visit)
    first = today() + timedelta(days=20)
    assert (visit.state, visit.starts_on, visit.ends_on, visit.municipality) == (
        "requested",
        first,
        first + timedelta(days=2),
        "are",
    )
    assert visit.wishes == ["homes", "schools", "trial_living"] and visit.message == "Vi vill se skolan i Järpen."
    [event] = rows(HouseholdEvent)
    assert (event.kind, event.user_id, event.new) == ("visit_requested", None, f"{first} – {first + timedelta(days=2)}")
    assert [e.kind for e in rows(OutboxMessage)] == [outbox.HOUSEHOLD_REGISTERED]
    expand_events(visit_app)
    kinds = sorted(m.kind for m in rows(OutboxMessage) if m.kind not in outbox.EVENT_KINDS)
    assert "guide_new_household" in kinds and "mover_confirmation" in kinds  # as for any registration
    [confirmation] = rows(OutboxMessage, OutboxMessage.kind == "mover_confirmation")
    assert confirmation.language == "en"


def test_a_request_with_a_registered_address_joins_that_household(visit_app, client, rows):
    reference = register(client, email="Anna@Example.com", municipalities=["are"])
    before = len(rows(OutboxMessage))
    response = ask(
        client,
        email="anna@example.COM",
        when="flexible",
        month=(today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m"),
    )
    assert response.status_code == 303 and response.headers["Location"] == "/besok/tack/"
    [household] = rows(Household)  # no second household
    [visit] = rows(Visit)
    assert visit.household_id == household.id and visit.state == "requested" and visit.flexible_month
    assert visit.starts_on.day == 1
    assert [e.kind for e in rows(HouseholdEvent)] == ["visit_requested"]
    [audit] = rows(AuditEntry, AuditEntry.detail == "visit_requested")
    assert (audit.actor, audit.reference) == ("mover", reference)
    expand_events(visit_app)
    new = rows(OutboxMessage)[before:]
    told = {m.kind: m for m in new if m.kind not in outbox.EVENT_KINDS}
    assert set(told) == {"guide_visit_requested", "mover_visit_requested"}
    guide = told["guide_visit_requested"]
    assert reference in guide.subject and "Anna" not in guide.body_text and "anna@" not in guide.body_text
    assert f"/crm/households/{reference}/#visits" in guide.body_text
    mover = told["mover_visit_requested"]
    assert mover.to_address.lower() == "anna@example.com" and mover.language == "en"  # the household's language
    assert "try-out visit to Åre" in mover.body_text


def test_a_form_sent_twice_stores_one_request(visit_app, client, rows):
    form = fetch_form(client, "/besok/?kommun=are")
    first = submit(client, "/besok/", request_data(), form=form)
    again = submit(client, "/besok/", request_data(), form=form)
    assert first.status_code == again.status_code == 303
    assert len(rows(Visit)) == 1 and len(rows(Household)) == 1


def test_a_robot_never_joins_a_registered_household(visit_app, client, rows):
    register(client, email="anna@example.com")
    assert ask(client, email="anna@example.com", website="http://spam.example").status_code == 303
    robot = rows(Household, Household.quarantine_reason.is_not(None))
    [visit] = rows(Visit)
    assert len(robot) == 1 and visit.household_id == robot[0].id


def test_a_visit_to_a_municipality_the_household_did_not_choose_adds_it(visit_app, client, rows):
    """The guides told of the request are those of the visit's municipality: they must be able to open
    the household and see the request in their week, so that municipality joins the household's."""
    register(client, email="anna@example.com", municipalities=["are"])
    krokom = {"municipality": "krokom", "wishes": ["homes", "schools"]}  # no trial living offered there
    assert ask(client, url="/besok/?kommun=krokom", email="anna@example.com", **krokom).status_code == 303
    [household] = rows(Household)
    assert sorted(household.municipality_slugs) == ["are", "krokom"]
    [step] = [e for e in rows(HouseholdEvent) if e.kind == "mover_places"]  # on the timeline, by the household
    assert (step.old, step.new) == ("are", "are, krokom")
    assert ask(client, url="/besok/?kommun=are", email="anna@example.com", municipality="are").status_code == 303
    [household] = rows(Household)
    assert sorted(household.municipality_slugs) == ["are", "krokom"]  # once each


def test_a_visit_request_from_a_household_not_sure_yet_makes_it_sure(visit_app, client, rows):
    register(client, email="ben@example.com", municipalities=["unsure"])
    krokom = {"municipality": "krokom", "wishes": ["homes"]}
    assert ask(client, url="/besok/?kommun=krokom", email="ben@example.com", **krokom).status_code == 303
    [household] = rows(Household)
    assert (household.unsure, household.municipality_slugs) == (False, ["krokom"])
    [step] = [e for e in rows(HouseholdEvent) if e.kind == "mover_places"]
    assert (step.old, step.new) == ("Vet inte än", "krokom")  # as staff triage writes "not sure yet"
