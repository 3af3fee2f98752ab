"""The week ahead: planned visits on a household, the week view of follow-ups and visits by day, and
each member of staff's private calendar feed, parsed with the iCalendar library."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from icalendar import Calendar
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import Session

from intake import db
from intake.models import AuditEntry, CalendarFeed, Household, HouseholdEvent, PrivacyNotice, User, Visit

from tests.support.intake_helpers import REGISTRATION, hidden_fields, old_household_row, register, staff_login

ZONE = "Europe/Stockholm"


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


@pytest.fixture
def week_app(app):
    app.config["TIMEZONE"] = ZONE
    app.config["PUBLIC_URL"] = "https://tasteget.example.se/"
    return app


def logged_in(app, email):
    client = app.test_client()
    assert staff_login(client, email).status_code == 303
    return client


def action(client, reference, what, **data):
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    return client.post(
        f"/crm/households/{reference}/{what}/", data={"csrf_token": hidden_fields(page)["csrf_token"], **data}
    )


def set_household(app, reference, **values):
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(update(Household).where(Household.reference == reference).values(**values))


def user_id(rows, email):
    return rows(User, User.email == email)[0].id


def row_of(page: str, whose: str) -> list[int]:
    """The coordinator's table: one owner's counts (overdue, each of the eight days, visits)."""
    found = re.search(rf'<th scope="row">{re.escape(whose)}</th>(.*?)</tr>', page, re.S)
    assert found, whose
    return [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', found.group(1))]


def day_section(page: str, day: date) -> str:
    """The week page's section of one day (up to the next section)."""
    found = re.search(rf'<section aria-labelledby="day-{day.isoformat()}".*?</section>', page, re.S)
    assert found, day
    return found.group(0)


# --- visits on a household -----------------------------------------------------------------------


def test_a_guide_plans_a_visit_and_calls_it_off(week_app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = logged_in(week_app, staff("guide", "are"))
    start = today() + timedelta(days=3)
    missing = action(guide, reference, "visits", ends_on=start.isoformat())
    assert missing.status_code == 422 and "Ange besökets första dag." in missing.get_data(as_text=True)
    backwards = action(
        guide, reference, "visits", starts_on=start.isoformat(), ends_on=(start - timedelta(days=1)).isoformat()
    )
    assert backwards.status_code == 422 and "Sista dagen är före den första." in backwards.get_data(as_text=True)
    assert rows(Visit) == []
    planned = action(
        guide,
        reference,
        "visits",
        starts_on=start.isoformat(),
        ends_on=(start + timedelta(days=2)).isoformat(),
        arranged=["viewings", "school"],
        note="Visning på Byvägen 3 med Lisa.",
    )
    assert planned.status_code == 303
    [visit] = rows(Visit)
    assert (visit.starts_on, visit.ends_on, visit.arranged) == (
        start,
        start + timedelta(days=2),
        ["viewings", "school"],
    )
    assert visit.note == "Visning på Byvägen 3 med Lisa."
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Visningar, Skola eller förskola" in page and "Visning på Byvägen 3 med Lisa." in page
    [event] = rows(HouseholdEvent, HouseholdEvent.kind == "visit")
    assert (event.old, event.new, event.text) == (None, f"{start} – {start + timedelta(days=2)}", None)  # no note
    assert re.search(rf"Guide-Are-0:\s+besök – → {start} – ", page)  # on the timeline, with who
    assert action(guide, reference, f"visits/{visit.id}/cancel").status_code == 303
    assert rows(Visit) == []
    assert [(e.old, e.new) for e in rows(HouseholdEvent, HouseholdEvent.kind == "visit")][-1] == (
        f"{start} – {start + timedelta(days=2)}",
        None,
    )
    # A day's visit: no last day given.
    assert action(guide, reference, "visits", starts_on=start.isoformat()).status_code == 303
    assert [(v.starts_on, v.ends_on, v.arranged, v.note) for v in rows(Visit)] == [(start, start, [], None)]


def test_another_guides_household_has_no_visits_to_plan(week_app, client, staff, rows):
    reference = register(client, municipalities=["berg"])
    guide = logged_in(week_app, staff("guide", "are"))
    assert guide.post(f"/crm/households/{reference}/visits/", data={"starts_on": "2027-01-01"}).status_code == 404


# --- the week view -------------------------------------------------------------------------------


def test_the_week_shows_a_guides_follow_ups_and_visits_by_day(week_app, client, staff, rows):
    anna, bo = staff("guide", "are"), staff("guide", "are")
    mine = register(client, municipalities=["are"], email="mine@example.com")
    unowned = register(client, municipalities=["are"], email="unowned@example.com", name="Utan Ägare")
    others = register(client, municipalities=["are"], email="others@example.com", name="Bos Hushåll")
    elsewhere = register(client, municipalities=["berg"], email="berg@example.com", name="Berg Bor")
    late = register(client, municipalities=["are"], email="late@example.com", name="Sen Uppföljning")
    far = register(client, municipalities=["are"], email="far@example.com", name="Långt Fram")
    closed = register(client, municipalities=["are"], email="closed@example.com", name="Stängd Sak")
    t = today()
    set_household(week_app, mine, owner_id=user_id(rows, anna), follow_up_on=t)
    set_household(week_app, unowned, follow_up_on=t + timedelta(days=7))
    set_household(week_app, others, owner_id=user_id(rows, bo), follow_up_on=t + timedelta(days=1))
    set_household(week_app, elsewhere, follow_up_on=t + timedelta(days=1))
    set_household(week_app, late, owner_id=user_id(rows, anna), follow_up_on=t - timedelta(days=5))
    set_household(week_app, far, owner_id=user_id(rows, anna), follow_up_on=t + timedelta(days=8))
    set_household(week_app, closed, follow_up_on=t, status="closed", closed_reason="x")
    guide = logged_in(week_app, anna)
    assert (
        action(
            guide,
            mine,
            "visits",
            starts_on=(t + timedelta(days=2)).isoformat(),
            ends_on=(t + timedelta(days=3)).isoformat(),
            arranged=["coworking"],
        ).status_code
        == 303
    )
    page = guide.get("/crm/week/").get_data(as_text=True)
    assert 'href="/crm/week/" aria-current="page"' in page  # in the navigation
    assert mine in day_section(page, t) and "Idag" in day_section(page, t)
    assert unowned in day_section(page, t + timedelta(days=7)) and "ingen än" in page  # for someone to pick up
    for day in (2, 3):  # the visit on each of its days
        assert f'Besök</span>\n    <a href="/crm/households/{mine}/">' in day_section(page, t + timedelta(days=day))
        assert "Coworking på prov" in day_section(page, t + timedelta(days=day))
    assert mine not in day_section(page, t + timedelta(days=4))
    overdue = re.search(r'<section aria-labelledby="overdue".*?</section>', page, re.S).group(0)
    assert late in overdue and f"förfallen {t - timedelta(days=5)}" in overdue and "Försenade (1)" in overdue
    for hidden in (others, elsewhere, far, closed):  # another guide's, another municipality, too far, closed
        assert hidden not in page


def test_the_coordinator_sees_every_guides_week_and_can_choose_whose(week_app, client, staff, rows):
    anna, bo = staff("guide", "are"), staff("guide", "berg")
    annas = register(client, municipalities=["are"], email="a@example.com")
    bos = register(client, municipalities=["berg"], email="b@example.com")
    nobodys = register(client, municipalities=["unsure"], email="n@example.com")
    t = today()
    set_household(week_app, annas, owner_id=user_id(rows, anna), follow_up_on=t + timedelta(days=1))
    set_household(week_app, bos, owner_id=user_id(rows, bo), follow_up_on=t + timedelta(days=2))
    set_household(week_app, nobodys, follow_up_on=t)
    coordinator = logged_in(week_app, staff("coordinator"))
    everyone = coordinator.get("/crm/week/").get_data(as_text=True)  # by owner, counted
    assert row_of(everyone, f'<a href="/crm/week/?guide={user_id(rows, anna)}">Guide-Are-0</a>') == [0, 0, 1] + [
        0
    ] * 6 + [0]
    assert row_of(everyone, f'<a href="/crm/week/?guide={user_id(rows, bo)}">Guide-Berg-1</a>') == [0, 0, 0, 1] + [
        0
    ] * 5 + [0]
    assert row_of(everyone, '<a href="/crm/week/?guide=nobody">Ingens än</a>') == [0, 1] + [0] * 7 + [0]
    assert not any(ref in everyone for ref in (annas, bos, nobodys))
    only_anna = coordinator.get(f"/crm/week/?guide={user_id(rows, anna)}").get_data(as_text=True)
    assert annas in only_anna and "Ansvarig: Guide-Are-0" in only_anna and bos not in only_anna
    only_bo = coordinator.get(f"/crm/week/?guide={user_id(rows, bo)}").get_data(as_text=True)
    assert bos in only_bo and annas not in only_bo and nobodys not in only_bo
    nobody = coordinator.get("/crm/week/?guide=nobody").get_data(as_text=True)
    assert nobodys in nobody and annas not in nobody and bos not in nobody
    assert coordinator.get("/crm/week/?guide=99999").status_code == 200  # an unknown choice: everyone's
    admin = logged_in(week_app, staff("admin"))
    assert admin.get("/crm/week/").status_code == 404


def test_an_empty_week_says_what_to_do(week_app, staff):
    guide = logged_in(week_app, staff("guide", "are"))
    page = guide.get("/crm/week/").get_data(as_text=True)
    assert "Inget planerat den kommande veckan och inget försenat." in page
    assert 'href="/crm/households/?status=new"' in page


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14 and UTC−11
def test_today_is_the_regions_day(week_app, staff, client, rows, zone):
    """Between them the two zones are on another day than UTC at any hour of it."""
    week_app.config["TIMEZONE"] = zone
    local = datetime.now(ZoneInfo(zone)).date()
    reference = register(client, municipalities=["are"])
    set_household(week_app, reference, follow_up_on=local)
    guide = logged_in(week_app, staff("guide", "are"))
    page = guide.get("/crm/week/").get_data(as_text=True)
    assert reference in day_section(page, local) and "Idag" in day_section(page, local)
    assert "Försenade" not in page


# --- the calendar feed ---------------------------------------------------------------------------


def feed_path(page: str) -> str:
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert url.startswith("https://tasteget.example.se/crm/calendar/") and url.endswith(".ics")
    return url.removeprefix("https://tasteget.example.se")


def new_address(client) -> str:
    page = client.get("/crm/week/").get_data(as_text=True)
    answer = client.post("/crm/week/calendar/", data={"csrf_token": hidden_fields(page)["csrf_token"], "action": "new"})
    assert answer.status_code == 200
    return feed_path(answer.get_data(as_text=True))


def test_a_guides_calendar_feed_carries_references_and_links_never_personal_data(week_app, client, staff, rows):
    anna = staff("guide", "are")
    reference = register(client, municipalities=["are"])
    other = register(client, municipalities=["berg"], email="berg@example.com")
    t = today()
    set_household(week_app, reference, owner_id=user_id(rows, anna), follow_up_on=t + timedelta(days=1))
    set_household(week_app, other, follow_up_on=t + timedelta(days=1))
    guide = logged_in(week_app, anna)
    assert (
        action(
            guide,
            reference,
            "visits",
            starts_on=(t + timedelta(days=10)).isoformat(),
            ends_on=(t + timedelta(days=12)).isoformat(),
            arranged=["viewings", "employer_meetings"],
            note="Träffar Lisa Lindqvist på Åre Bygg.",
        ).status_code
        == 303
    )
    path = new_address(guide)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    [stored] = rows(CalendarFeed)
    assert stored.token_hash != token and token not in stored.token_hash  # only its hash is kept
    later = guide.get("/crm/week/").get_data(as_text=True)
    assert token not in later and "Ditt flöde är på sedan" in later  # shown that once only

    feed = week_app.test_client().get(path)  # no login: the address is the key
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.headers["Cache-Control"] == "no-store"
    body = feed.get_data(as_text=True)
    for personal in (REGISTRATION["name"], "Anna", REGISTRATION["email"], REGISTRATION["phone"], "Lisa", "Åre Bygg"):
        assert personal not in body
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert len(events) == 2 and other not in body  # another municipality's household is not hers
    follow_up = next(e for e in events.values() if str(e["uid"]).startswith("follow-up"))
    assert str(follow_up["summary"]) == f"Uppföljning {reference}"
    assert follow_up.decoded("dtstart") == t + timedelta(days=1)
    assert follow_up.decoded("dtend") == t + timedelta(days=2)  # all day
    assert str(follow_up["url"]) == f"https://tasteget.example.se/crm/households/{reference}/"
    visit = next(e for e in events.values() if str(e["uid"]).startswith("visit"))
    assert str(visit["summary"]) == f"Besök {reference}: Visningar, Arbetsgivarmöten"
    assert (visit.decoded("dtstart"), visit.decoded("dtend")) == (t + timedelta(days=10), t + timedelta(days=13))

    second = new_address(guide)  # a new address: the old one is gone
    assert second != path
    assert week_app.test_client().get(path).status_code == 404
    assert week_app.test_client().get(second).status_code == 200
    page = guide.get("/crm/week/").get_data(as_text=True)
    guide.post("/crm/week/calendar/", data={"csrf_token": hidden_fields(page)["csrf_token"], "action": "off"})
    assert week_app.test_client().get(second).status_code == 404
    assert rows(CalendarFeed) == []
    # Each new address and turning it off is in the audit log, by whom; never the token.
    trail = [(e.action, e.record, e.detail, e.user_id) for e in rows(AuditEntry) if e.record == "calendar_feed"]
    me = user_id(rows, anna)
    assert trail == [("change", "calendar_feed", "new address", me)] * 2 + [
        ("change", "calendar_feed", "turned off", me)
    ]
    assert not any(token in (e.detail or "") for e in rows(AuditEntry))
    assert week_app.test_client().get("/crm/calendar/not-a-token.ics").status_code == 404


def test_a_deactivated_guides_feed_answers_404(week_app, staff, rows):
    anna = staff("guide", "are")
    path = new_address(logged_in(week_app, anna))
    assert week_app.test_client().get(path).status_code == 200
    with week_app.extensions["db_engine"].begin() as connection:
        connection.execute(update(User).where(User.email == anna).values(active=False))
    assert week_app.test_client().get(path).status_code == 404


# --- the migration -------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migration_adds_visits_and_feeds_to_a_database_with_households(unmigrated_database_url):
    engine = db.make_engine(unmigrated_database_url)
    db.upgrade(engine, "0012")
    now = datetime.now(UTC)
    columns = {c.name for c in Household.__table__.columns if not c.computed and c.name != "id"}
    row = old_household_row("H-OLD-0001", now, status="contacted", follow_up_on=date(2027, 1, 4))
    with engine.begin() as connection:
        connection.execute(insert(PrivacyNotice), {"version": "v1", "language": "sv", "text": "x", "first_seen": now})
        connection.execute(insert(Household.__table__).values({k: v for k, v in row.items() if k in columns}))
    db.upgrade(engine)
    assert db.is_current(engine)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        indexes = {i["name"] for i in inspect(connection).get_indexes("visits")}
    assert {"visits", "calendar_feeds"} <= tables and "ix_visits_days" in indexes
    with engine.connect() as connection:
        assert "ix_households_due" in {i["name"] for i in inspect(connection).get_indexes("households")}
    with Session(engine) as session:
        h = session.scalar(select(Household))
        session.add(Visit(household_id=h.id, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 5), viewings=True))
        session.commit()
        assert session.scalar(select(Visit)).arranged == ["viewings"]
    with engine.begin() as connection:  # and back down, the households untouched
        command.downgrade(db.alembic_config(connection), "0012")
    with engine.connect() as connection:
        assert not {"visits", "calendar_feeds"} & set(inspect(connection).get_table_names())
        assert connection.scalar(select(Household.__table__.c.reference)) == "H-OLD-0001"
    engine.dispose()
