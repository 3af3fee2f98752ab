"""Events in the back office: the list with places and the waiting list, an event's sign-ups with
their needs, attendance marked per row, who sees which event, and the household's timeline."""

from __future__ import annotations

from intake.models import EventSignUp, HouseholdEvent

from tests.events.conftest import make_event, reference_of, sign_up
from tests.support.intake_helpers import hidden_fields, register, staff_login


def logged_in(app, email):
    client = app.test_client()
    assert staff_login(client, email).status_code == 303
    return client


def test_the_list_counts_sign_ups_places_and_the_waiting_list(app, client, events, staff):
    events(
        kvall=make_event(capacity=3),
        helg=make_event(days_ahead=40, capacity=None, municipalities=["are"], kind="tryout_weekend"),
    )
    reference_of(sign_up(client, "kvall", people="2"))
    reference_of(sign_up(client, "kvall", people="2", email="b@example.com"))  # waits
    coordinator = logged_in(app, staff("coordinator"))
    page = coordinator.get("/crm/events/").get_data(as_text=True)
    assert "Informationskväll i Östersund" in page and "2 av 3" in page and "prova-på-helg" in page
    assert 'href="/crm/events/kvall/"' in page and 'href="/crm/events/helg/"' in page
    # A guide sees the events of their municipalities and the region-wide ones, no others.
    guide = logged_in(app, staff("guide", "are"))
    listed = guide.get("/crm/events/").get_data(as_text=True)
    assert 'href="/crm/events/helg/"' in listed and 'href="/crm/events/kvall/"' not in listed
    assert guide.get("/crm/events/kvall/").status_code == 404
    events(region=make_event(municipalities=[]))
    assert 'href="/crm/events/region/"' in guide.get("/crm/events/").get_data(as_text=True)


def test_an_events_page_lists_sign_ups_with_their_needs_and_the_guide_marks_who_came(app, client, events, staff, rows):
    events(kvall=make_event(capacity=3))
    household = register(client, email="anna@example.com")
    came = reference_of(
        sign_up(client, "kvall", email="anna@example.com", people="2", needs="Hörslinga", needs_consent="y")
    )
    stayed = reference_of(sign_up(client, "kvall", email="b@example.com"))
    waiting = reference_of(sign_up(client, "kvall", email="c@example.com"))
    guide = logged_in(app, staff("guide", "ostersund"))
    page = guide.get("/crm/events/kvall/").get_data(as_text=True)
    assert "Hörslinga" in page and "Lisa Lind" in page and "på väntelistan (nummer 1)" in page
    assert f'href="/crm/households/{household}/"' in page
    assert "Hörslinga" not in guide.get(f"/crm/households/{household}/").get_data(as_text=True)
    assert 'value="attended"' not in page  # before the event nobody can be marked
    form = hidden_fields(page)
    url = f"/crm/events/kvall/sign-ups/{came}/attendance/"
    assert guide.post(url, data={**form, "status": "attended"}).status_code == 409
    events(kvall=make_event(days_ahead=0, start="00:00", end="23:59", capacity=3))
    page = guide.get("/crm/events/kvall/").get_data(as_text=True)
    assert page.count('value="attended"') == 2  # the two with places; not the waiting one
    assert guide.post(url, data={"status": "attended"}).status_code == 400  # no CSRF token
    assert guide.post(url, data={**form, "status": "attended"}).status_code == 303
    assert (
        guide.post(f"/crm/events/kvall/sign-ups/{stayed}/attendance/", data={**form, "status": "no_show"}).status_code
        == 303
    )
    assert (
        guide.post(f"/crm/events/kvall/sign-ups/{waiting}/attendance/", data={**form, "status": "attended"}).status_code
        == 409
    )
    by = {s.reference: s.status for s in rows(EventSignUp)}
    assert by == {came: "attended", stayed: "no_show", waiting: "waiting"}
    listed = guide.get("/crm/events/").get_data(as_text=True)
    assert '<td data-label="Kom">1</td>' in listed
    # In figures: by kind and by municipality, people who came and did not (never the needs).
    assert "Efter typ av evenemang" in listed and "Per kommun" in listed and "Hörslinga" not in listed
    # The household's timeline: signed up, then came.
    steps = [(e.kind, e.old, e.new) for e in rows(HouseholdEvent) if e.kind == "event"]
    assert steps == [("event", "confirmed", "kvall"), ("event", "attended", "kvall")]
    timeline = guide.get(f"/crm/households/{household}/").get_data(as_text=True)
    assert "evenemang Informationskväll i Östersund: anmäld" in timeline
    assert "evenemang Informationskväll i Östersund: kom" in timeline
