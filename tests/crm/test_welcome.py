"""A moved household's welcome, on the real database and through the real SMTP server: its guide
ticks steps off on its page, the household on its own page, each on the timeline with who did it;
the welcome e-mail names the next event for newcomers; export, erasure and the figures include it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from intake.models import Household, HouseholdEvent, OutboxMessage, WelcomeTick
from intake.public import mylink
from tasteget.content.schema import WelcomeItem

from tests.events.conftest import events_fixture, make_event  # noqa: F401 - the `events` fixture
from tests.support.intake_helpers import (
    deliver_all,
    emails,
    expand_events,
    hidden_fields,
    register,
    staff_login,
    submit,
)

STEPS = [
    {
        "key": "folkbokforing",
        "title": {"sv": "Folkbokför dig", "en": "Register your address"},
        "text": {"sv": "Anmäl flytten **i tid**.", "en": "Report the move **in time**."},
        "link": "https://provregionen.se/folkbokforing",
    },
    {"key": "vardcentral", "title": {"sv": "Välj vårdcentral", "en": "Choose a health centre"}},
]


@pytest.fixture(name="checklist")
def checklist_fixture(app):
    """Åre's welcome checklist in the intake's content for this test (the shipped content has none)."""
    site = app.extensions["site_content"].site
    before = site.municipalities["are"]
    site.municipalities["are"] = before.model_copy(update={"welcome": [WelcomeItem.model_validate(s) for s in STEPS]})
    yield STEPS
    site.municipalities["are"] = before


def _post(client, page: str, url: str, **data):
    token = hidden_fields(client.get(page).get_data(as_text=True))["csrf_token"]
    return client.post(url, data={"csrf_token": token, **data})


def _moved(app, client, staff, guide=None, **registration) -> tuple[str, object]:
    """A household registered for Åre and marked moved there by its guide (logged in unless given);
    the guide's client."""
    reference = register(client, municipalities=["are"], **registration)
    if guide is None:
        guide = app.test_client()
        staff_login(guide, staff("guide", "are", email="guide@staff.example"))
    page = f"/crm/households/{reference}/"
    moved_on = (date.today() - timedelta(days=3)).isoformat()
    answer = _post(guide, page, f"{page}status/", status="moved", moved_to="are", moved_on=moved_on)
    assert answer.status_code == 303
    return reference, guide


def _mine(app, rows, reference: str, lang: str = "en") -> str:
    [h] = rows(Household, Household.reference == reference)
    with app.test_request_context():
        return mylink.path(lang, mylink.token(app.secret_key, reference, h.link_generation or 0))


def test_a_guide_ticks_a_step_off_on_the_household_page(app, client, staff, rows, checklist):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are", email="guide@staff.example"))
    page = f"/crm/households/{reference}/"
    assert "Välkomstlista" not in guide.get(page).get_data(as_text=True)  # not moved yet: no welcome
    refused = _post(guide, page, f"{page}welcome/", key="folkbokforing")
    assert refused.status_code == 422 and rows(WelcomeTick) == []

    reference, guide = _moved(app, client, staff, guide, email="b@example.com")
    page = f"/crm/households/{reference}/"
    html = guide.get(page).get_data(as_text=True)
    assert '<h2 id="welcome">Välkomstlista</h2>' in html
    assert "Bocka av: Folkbokför dig" in html and "Bocka av: Välj vårdcentral" in html
    answer = _post(guide, page, f"{page}welcome/", key="folkbokforing")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#welcome")
    [tick] = rows(WelcomeTick)
    assert (tick.key, tick.user_id is not None) == ("folkbokforing", True)
    html = guide.get(page).get_data(as_text=True)
    assert "Bocka av: Folkbokför dig" not in html and "Bocka av: Välj vårdcentral" in html
    assert re.search(r"Folkbokför dig</strong>:\s*bockad av Guide", html)
    assert "välkomstlista: bockade av Folkbokför dig" in html  # on the timeline
    # Ticked again (a second tab), not on its list, or without the form's token: nothing more is stored.
    assert _post(guide, page, f"{page}welcome/", key="folkbokforing").status_code == 303
    assert _post(guide, page, f"{page}welcome/", key="no-such-step").status_code == 422
    assert guide.post(f"{page}welcome/", data={"key": "vardcentral"}).status_code in (400, 422)
    assert len(rows(WelcomeTick)) == 1
    steps = [e for e in rows(HouseholdEvent) if e.kind == "welcome"]
    assert [(e.new, e.user_id is not None) for e in steps] == [("Folkbokför dig", True)]


def test_the_household_ticks_a_step_off_on_its_own_page(app, client, staff, rows, checklist):
    reference, guide = _moved(app, client, staff)
    page = _mine(app, rows, reference)
    html = client.get(page).get_data(as_text=True)
    assert '<h2 id="mine-welcome">Welcome to Åre</h2>' in html
    assert "Register your address" in html and "Report the move <strong>in time</strong>." in html
    answer = _post(client, page, page, action="welcome", key="vardcentral")
    assert answer.status_code == 303 and "done=ticked" in answer.headers["Location"]
    [tick] = rows(WelcomeTick)
    assert (tick.key, tick.user_id) == ("vardcentral", None)
    html = client.get(page + "?done=ticked").get_data(as_text=True)
    assert "Ticked off. Your guide can see it too." in html and "(done)" in html
    # The guide sees the household did it, on the list and on the timeline.
    staff_page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert re.search(r"Välj vårdcentral</strong>:\s*bockad av hushållet", staff_page)
    assert re.search(r"hushållet:\s*välkomstlista: bockade av Välj vårdcentral", staff_page)
    # An expired page's token: nothing ticked, said so.
    stale = client.post(page, data={"action": "welcome", "key": "folkbokforing", "csrf_token": "old"})
    assert stale.status_code == 400 and len(rows(WelcomeTick)) == 1


def test_a_household_not_moved_has_no_checklist_on_its_page(app, client, rows, checklist):
    reference = register(client, municipalities=["are"])
    page = _mine(app, rows, reference)
    assert "mine-welcome" not in client.get(page).get_data(as_text=True)
    assert _post(client, page, page, action="welcome", key="vardcentral").status_code == 422
    assert rows(WelcomeTick) == []


def test_marking_moved_sends_one_welcome_in_the_household_language_with_the_next_newcomers_event(
    mail_app, client, staff, rows, smtp, checklist, events
):
    events(
        movers=make_event(5, audience="movers", municipalities=["are"]),
        meetup=make_event(
            12,
            kind="newcomer_meetup",
            audience="newcomers",
            municipalities=["are"],
            title={"sv": "Nyinflyttarträff i Åre", "en": "Newcomers' meetup in Åre"},
        ),
    )
    reference, guide = _moved(mail_app, client, staff, contact_language="en")
    deliver_all(mail_app)
    [welcome] = [m for m in smtp.received if m["Subject"].startswith("Ta Steget: welcome to Åre (H-")]
    assert welcome["To"] == "anna@example.com"
    text = welcome.get_body(("plain",)).get_content()
    assert "- Register your address (https://provregionen.se/folkbokforing)" in text
    assert "Newcomers' meetup in Åre" in text and "http://127.0.0.1:8000/en/events/meetup/" in text
    assert "/en/register/mine/" in text
    assert "Information evening" not in text  # for those thinking of moving, not for newcomers
    # Moved again (the date corrected) or settled: no second welcome.
    page = f"/crm/households/{reference}/"
    _post(guide, page, f"{page}status/", status="settled")
    expand_events(mail_app)
    assert len([m for m in rows(OutboxMessage) if m.kind == "mover_welcome"]) == 1


def test_a_welcome_in_swedish_without_event_or_checklist(app, client, staff, rows):
    _moved(app, client, staff, contact_language="sv")
    expand_events(app)
    [welcome] = [m for m in emails(rows(OutboxMessage)) if m.kind == "mover_welcome"]
    assert welcome.subject.startswith("Ta Steget: välkommen till Åre (H-") and welcome.language == "sv"
    assert "checklista" not in welcome.body_text and "träff" not in welcome.body_text


def test_export_includes_the_ticks_and_erasure_removes_them(app, client, staff, rows, checklist):
    reference, guide = _moved(app, client, staff)
    page = f"/crm/households/{reference}/"
    _post(guide, page, f"{page}welcome/", key="folkbokforing")
    _post(client, _mine(app, rows, reference), _mine(app, rows, reference), action="welcome", key="vardcentral")
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    exported = _post(coordinator, page, f"{page}export/", reason="Begäran om registerutdrag")
    data = json.loads(exported.get_data(as_text=True))
    ticks = {t["key"]: t["by"] for t in data["welcome_ticks"]}
    assert ticks == {"folkbokforing": "Guide", "vardcentral": "household"}
    erase_page = f"{page}erase/"
    answer = _post(coordinator, erase_page, erase_page, reason="Begäran om radering", confirm=reference)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    assert rows(WelcomeTick) == []


def test_the_figures_count_checklists_completed_and_households_settled(app, client, staff, rows, checklist):
    reference, guide = _moved(app, client, staff)
    page = f"/crm/households/{reference}/"
    for key in ("folkbokforing", "vardcentral"):
        _post(guide, page, f"{page}welcome/", key=key)
    _post(guide, page, f"{page}status/", status="settled")
    _moved(app, client, staff, guide, email="b@example.com")
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    csv = coordinator.get("/crm/figures/export.csv?chart=first-year").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert lines[0].split(",")[1:] == [
        "Flyttade hushåll",
        "Välkomstlistan klar",
        "Rotat sig",
        "Introducerade för en ambassadör",
    ]
    assert lines[1:] == ["Åre,2,1,1,0"]


def test_a_merge_keeps_the_duplicate_s_ticks(app, client, staff, rows, checklist):
    keep = register(client, municipalities=["are"])
    duplicate, guide = _moved(app, client, staff)  # the same address: a possible duplicate
    page = f"/crm/households/{duplicate}/"
    _post(guide, page, f"{page}welcome/", key="folkbokforing")
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    page = f"/crm/households/{keep}/"
    assert _post(coordinator, page, f"{page}merge/", other=duplicate).status_code == 303
    [kept] = rows(Household)
    assert [(t.household_id, t.key) for t in rows(WelcomeTick)] == [(kept.id, "folkbokforing")]


def test_the_figures_count_try_out_visits_asked_for(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    first = (date.today() + timedelta(days=20)).isoformat()
    visit = {"name": "Anna", "email": "anna@example.com", "country": "NO", "municipality": "are", "when": "dates"}
    visit |= {"wished_from": first, "wished_to": first, "privacy": "y"}
    assert submit(client, "/besok/", visit).status_code == 303
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    csv = (
        coordinator.get("/crm/figures/export.csv?chart=visits")
        .get_data(as_text=True)
        .lstrip("\ufeff")
        .strip()
        .splitlines()
    )
    assert csv == ["Kommun,Önskade av hushållet,Genomförda", "Åre,1,0"], reference


def test_the_guide_and_the_household_ticking_the_same_step_at_once_keep_one_tick(app, client, staff, rows, checklist):
    """Both looked before either stored (a double click, or the guide and the household together): the
    second's commit meets the first's tick and is rolled back, not answered with an error."""
    from sqlalchemy.orm import Session

    from intake.builtsite import content
    from intake.pipeline import welcome

    reference, _ = _moved(app, client, staff)
    engine = app.extensions["db_engine"]
    with app.app_context(), Session(engine) as one, Session(engine) as two:
        site = content.site()
        for session in (one, two):
            [h] = session.query(Household).filter_by(reference=reference).all()
            assert welcome.tick(session, h, None, "folkbokforing", site)
        welcome.save(one)
        welcome.save(two)
    assert [t.key for t in rows(WelcomeTick)] == ["folkbokforing"]
