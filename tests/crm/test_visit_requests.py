"""A household's try-out visit request in the back office: waiting on the guide's week and the
household's page as "Önskat besök", confirmed into a planned visit (then the programme written to the
household from the content's message), or declined; each step on the timeline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from intake.models import HouseholdEvent, Visit

from tests.crm.test_week import action, day_section, logged_in, today
from tests.public.test_visit_request import request_data
from tests.support.intake_helpers import hidden_fields, register, submit


@pytest.fixture
def week_app(app):
    app.config["TIMEZONE"] = "Europe/Stockholm"
    app.config["PUBLIC_URL"] = "https://tasteget.example.se/"
    return app


def confirm(client, reference, visit_id, **data):
    """Post the request's own confirmation form (its fields carry the visit's prefix), with its token."""
    prefix = f"visit{visit_id}-"
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    fields = {prefix + "csrf_token": hidden_fields(page).get(prefix + "csrf_token", "")}
    fields.update({prefix + name: value for name, value in data.items()})
    return client.post(f"/crm/households/{reference}/visits/{visit_id}/confirm/", data=fields)


def request_visit(client, **changes) -> None:
    assert submit(client, "/besok/?kommun=are", request_data(**changes)).status_code == 303


def test_a_request_waits_on_the_guides_week_until_confirmed(week_app, client, staff, rows):
    reference = register(client, municipalities=["are"], email="anna@example.com")
    request_visit(client, email="anna@example.com", wished_from=(today() + timedelta(days=2)).isoformat(), wished_to="")
    guide = logged_in(week_app, staff("guide", "are"))
    week = guide.get("/crm/week/").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="requested".*?</section>', week, re.S).group(0)
    assert "Önskade besök att bekräfta (1)" in section and f"/crm/households/{reference}/#visits" in section
    assert "Önskat besök" in section and "Åre" in section
    assert reference not in day_section(week, today() + timedelta(days=2))  # not planned yet: on no day
    berg = logged_in(week_app, staff("guide", "berg"))
    assert reference not in berg.get("/crm/week/").get_data(as_text=True)  # not their household
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Önskat besök" in page and "Bostäder, Skolor och förskolor" in page and "Vi vill se skolan i Järpen." in page
    assert re.search(r"hushållet:\s+bad om ett prova-på-besök", page)  # the mover's step on the timeline

    [visit] = rows(Visit)
    first = today() + timedelta(days=3)
    bad = confirm(guide, reference, visit.id, starts_on="")
    assert bad.status_code == 422 and "Ange besökets första dag." in bad.get_data(as_text=True)
    confirmed = confirm(
        guide,
        reference,
        visit.id,
        starts_on=first.isoformat(),
        ends_on=(first + timedelta(days=1)).isoformat(),
        arranged=["viewings", "school"],
    )
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == f"/crm/households/{reference}/write/?template=bekrafta-besok"
    [visit] = rows(Visit)
    assert (visit.state, visit.starts_on, visit.arranged) == ("planned", first, ["viewings", "school"])
    assert visit.wishes == ["homes", "schools", "trial_living"] and visit.confirmed_at is not None
    writing = guide.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Your visit to Åre – the programme" in writing  # the household's language (English)
    week = guide.get("/crm/week/").get_data(as_text=True)
    assert 'aria-labelledby="requested"' not in week
    assert reference in day_section(week, first) and reference in day_section(week, first + timedelta(days=1))
    [step] = rows(HouseholdEvent, HouseholdEvent.kind == "visit_confirmed")
    assert step.new == f"{first} – {first + timedelta(days=1)}" and step.user_id is not None
    assert "prova-på-besök bekräftat" in guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    # Confirmed once: a second confirmation of the same request is refused.
    again = confirm(guide, reference, visit.id, starts_on=first.isoformat())
    assert again.status_code == 422


def test_a_request_can_be_declined(week_app, client, staff, rows):
    reference = register(client, municipalities=["are"], email="anna@example.com")
    request_visit(client, email="anna@example.com")
    guide = logged_in(week_app, staff("guide", "are"))
    [visit] = rows(Visit)
    assert action(guide, reference, f"visits/{visit.id}/cancel").status_code == 303
    assert rows(Visit) == []
    [declined] = [e for e in rows(HouseholdEvent, HouseholdEvent.kind == "visit_requested") if e.old]
    assert declined.new is None
    assert "önskat prova-på-besök avböjt" in guide.get(f"/crm/households/{reference}/").get_data(as_text=True)


def test_requested_visits_are_not_in_the_calendar_feed(week_app, client, staff, rows):
    reference = register(client, municipalities=["are"], email="anna@example.com")
    request_visit(client, email="anna@example.com", wished_from=(today() + timedelta(days=1)).isoformat(), wished_to="")
    guide = logged_in(week_app, staff("guide", "are"))
    token = hidden_fields(guide.get("/crm/week/").get_data(as_text=True))["csrf_token"]
    page = guide.post("/crm/week/calendar/", data={"csrf_token": token, "action": "new"}).get_data(as_text=True)
    feed = re.search(r'value="(https://[^"]+)"', page).group(1)
    ics = week_app.test_client().get(feed.split("tasteget.example.se", 1)[1]).get_data(as_text=True)
    assert reference not in ics
