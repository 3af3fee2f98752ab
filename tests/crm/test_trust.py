"""Back-office data that can be trusted: the list and the dashboard's figures agree whatever staff
did, dates that cannot be right are refused next to their field, one's follow-ups include those
nobody owns (as the reminders do), erasure is confirmed by typing the reference, and every action
on a household answers "Sparat"."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from html import unescape

import pytest

from intake import db
from intake.builtsite import content
from intake.figures import counts
from intake.models import Contact, Household, HouseholdEvent, User
from intake.notify import emails as mails

from tests.crm.test_contacts import add_contact
from tests.crm.test_households import action, withdraw
from tests.support.intake_helpers import register, staff_login

TODAY = date.today()
SAVED = '<p class="saved" role="status">Sparat.</p>'


def errors_in(html: str) -> dict[str, str]:
    """The back office's error next to each field: {field id: message}."""
    return {
        field: unescape(re.sub(r"<[^>]+>", "", message)).strip()
        for field, message in re.findall(r'<p class="field-error" id="([\w-]+)-error">(.*?)</p>', html, re.S)
    }


def day(offset: int) -> str:
    return str(TODAY + timedelta(days=offset))


# The list and the figures ------------------------------------------------------------------------

# Each step: (status, where to, days from today) for a move, (status, reason) to close, (status,)
# otherwise, or ("withdraw",) / ("erase",). Steps the back office refuses are taken too: what they
# leave must agree as well.
SEQUENCES = {
    "contacted": [("contacted",)],
    "new to moved today": [("moved", "are", 0)],
    "moved": [("contacted",), ("moved", "are", -10)],
    "moved, then another destination": [("contacted",), ("moved", "are", -10), ("moved", "berg", -10)],
    "moved, then another day": [("contacted",), ("moved", "are", -10), ("moved", "are", -40)],
    "moved, changed, back to contacted": [("contacted",), ("moved", "are", -10), ("moved", "berg", -3), ("contacted",)],
    "moved, back to new, moved again": [("moved", "are", -10), ("new",), ("moved", "berg", -1)],
    "moved in the future (refused)": [("contacted",), ("moved", "are", 5)],
    "moved, then a future day (refused)": [("moved", "are", -5), ("moved", "are", 5)],
    "settled without a move (refused)": [("contacted",), ("settled",)],
    "moved and settled": [("visiting",), ("decided",), ("moved", "berg", -400), ("settled",)],
    "settled, then back to moved": [("moved", "are", -30), ("settled",), ("moved", "are", -30)],
    "settled, then closed": [("moved", "are", -30), ("settled",), ("closed", "Flyttade vidare")],
    "closed before moving": [("contacted",), ("closed", "Hittade inget boende")],
    "closed, reopened, moved": [("closed", "Svarar inte"), ("contacted",), ("moved", "are", -1)],
    "moved, closed, reopened": [("moved", "are", -3), ("closed", "Fel"), ("decided",)],
    "moved, then withdrawn": [("moved", "are", -3), ("withdraw",)],
    "withdrawn before moving": [("contacted",), ("withdraw",)],
    "moved, then erased": [("moved", "berg", -3), ("erase",)],
}
MOVED_LABELS = {"Flyttat", "Rotat sig", "Avslutad (efter flytt)"}


def take(app, coordinator, reference: str, step: tuple) -> int:
    if step[0] == "withdraw":
        withdraw(app, reference)
        return 303
    if step[0] == "erase":
        return action(coordinator, reference, "erase", reason="Begäran", confirm=reference).status_code
    if step[0] == "moved":
        return action(
            coordinator, reference, "status", status="moved", moved_to=step[1], moved_on=day(step[2])
        ).status_code
    if step[0] == "closed":
        return action(coordinator, reference, "status", status="closed", closed_reason=step[1]).status_code
    return action(coordinator, reference, "status", status=step[0]).status_code


def listed(coordinator) -> dict[str, str]:
    """{reference: status as the household list shows it}."""
    page = coordinator.get("/crm/households/").get_data(as_text=True)
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]:
        # Each cell under its column's name (data-label); the first, the row's checkbox, has none.
        cells = {
            label: unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for label, c in re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S)
        }
        found[cells["Referens"]] = re.sub(r"\s+", " ", cells["Status"])
    return found


@pytest.mark.parametrize("sequences", [list(SEQUENCES), *([name] for name in SEQUENCES)], ids=["all", *SEQUENCES])
def test_the_list_and_the_figures_agree_whatever_staff_did(app, client, staff, rows, sequences):
    app.config["LEGAL_BASIS"] = "public_task"  # a withdrawn household stays listed, as an official record
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    made = {}
    for name in sequences:
        reference = register(client, municipalities=["are", "berg"])
        for step in SEQUENCES[name]:
            assert take(app, coordinator, reference, step) in (303, 422)
        made[reference] = name
    statuses = listed(coordinator)
    assert set(statuses) == set(made)
    with app.app_context():
        figures = counts.figures_of(counts.load(db.session()), TODAY)
    moved = [r for r, s in statuses.items() if s in MOVED_LABELS]
    assert figures.moved == len(moved), {made[r]: statuses[r] for r in made}
    destinations = {h.reference: h.moved_to for h in rows(Household)}
    assert figures.moves_by_destination == Counter(destinations[r] for r in moved)
    assert figures.registered == len(statuses)
    # The household page names where it moved exactly when the list calls it moved.
    for reference in made:
        page = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
        assert ("<dt>Flyttade till</dt>" in page) == (reference in moved), made[reference]


# Dates that cannot be right ----------------------------------------------------------------------


def test_a_move_in_the_future_is_refused_next_to_its_field_and_the_input_kept(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    answer = action(guide, reference, "status", status="moved", moved_to="berg", moved_on=day(3))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert errors_in(page)["moved_on"] == (
        "En flytt registreras när den har skett; använd en uppföljning fram till dess."
    )
    assert f'value="{day(3)}"' in page and '<option selected value="berg">' in page
    assert rows(Household)[0].status == "new"
    english = app.test_client()
    staff_login(english, staff("guide", "are"))
    app.config["STAFF_LANGUAGE"] = "en"
    answer = action(english, reference, "status", status="moved", moved_to="berg", moved_on=day(3))
    assert "A move is recorded once it has happened; use a follow-up until then." in answer.get_data(as_text=True)


def test_changing_where_a_household_moved_is_shown_on_its_timeline_with_who(app, client, staff):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are", email="lena@are.example"))
    assert action(guide, reference, "status", status="moved", moved_to="are", moved_on=day(-9)).status_code == 303
    assert action(guide, reference, "status", status="moved", moved_to="berg", moved_on=day(-2)).status_code == 303
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    timeline = unescape(re.sub(r"<[^>]+>|\s+", " ", page.split('id="timeline"', 1)[1]))
    timeline = re.sub(r"\s+", " ", timeline)
    assert f"Lena: flytt Åre, {day(-9)} → Berg, {day(-2)}" in timeline
    assert f"Lena: flytt – → Åre, {day(-9)}" in timeline


def test_a_follow_up_in_the_past_is_refused_with_a_clear_message(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    answer = action(guide, reference, "follow-up", follow_up_on=day(-1))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert errors_in(page)["follow_up_on"] == "Välj i dag eller en senare dag: en uppföljning är något som ska göras."
    assert f'value="{day(-1)}"' in page
    assert rows(Household)[0].follow_up_on is None
    assert action(guide, reference, "follow-up", follow_up_on=day(0)).status_code == 303


# One's follow-ups --------------------------------------------------------------------------------


def mine(client) -> set[str]:
    page = client.get("/crm/households/?mine=1").get_data(as_text=True)
    return set(re.findall(r'<td[^>]*><a href="/crm/households/([^/]+)/">', page))


def reminded(app, reference: str) -> set[str]:
    """Who the worker's reminder about the household goes to."""
    with app.app_context():
        session = db.session()
        h = session.query(Household).filter_by(reference=reference).one()
        addresses = {m.to_address for m in mails.follow_up(session, content.site(), h, "reminder", 3)}
        session.rollback()
    return addresses


def test_a_follow_up_nobody_owns_is_every_guide_of_its_municipalities_as_the_reminders_say(app, client, staff, rows):
    reference = register(client, municipalities=["are", "berg"])
    guides = {
        email: app.test_client() for email in (staff("guide", "are"), staff("guide", "berg"), staff("guide", "krokom"))
    }
    for email, guide in guides.items():
        staff_login(guide, email)
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    assert action(coordinator, reference, "follow-up", follow_up_on=day(0)).status_code == 303
    assert rows(Household)[0].owner_id is None

    def seeing() -> set[str]:
        return {email for email, guide in guides.items() if reference in mine(guide)}

    are, berg, _ = guides
    assert seeing() == {are, berg} == reminded(app, reference)
    owner = rows(User, User.email == berg)[0]
    assert action(coordinator, reference, "owner", owner=str(owner.id)).status_code == 303
    assert seeing() == {berg} == reminded(app, reference)


# Erasure and answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv hushållets referens för att radera. Inget raderades."),
        ("HH-WRONG", "Det är inte det här hushållets referens. Inget raderades."),
    ],
)
def test_erasure_needs_the_reference_typed_and_a_wrong_one_erases_nothing(app, client, staff, rows, typed, message):
    reference = register(client, municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    confirm = coordinator.get(f"/crm/households/{reference}/erase/")
    assert confirm.status_code == 200
    assert "Radera personuppgifter" in confirm.get_data(as_text=True)
    answer = action(coordinator, reference, "erase", reason="Begäran om radering", confirm=typed)
    assert answer.status_code == 422
    assert errors_in(answer.get_data(as_text=True))["confirm"] == message
    [h] = rows(Household)
    assert h.erased_at is None and h.name == "Anna Andersson"
    done = action(coordinator, reference, "erase", reason="Begäran om radering", confirm=f" {reference.lower()} ")
    assert done.status_code == 303
    assert rows(Household)[0].erased_at is not None
    assert SAVED in coordinator.get(done.headers["Location"]).get_data(as_text=True)


def test_destructive_buttons_look_destructive(app, client, staff):
    reference = register(client, municipalities=["are"], website="spam")  # in the quarantine
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    page = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert re.search(r'class="danger"[^>]*>Radera personuppgifter', page)
    assert re.search(r'<button type="submit" name="action" value="delete" class="danger">', page)
    confirm = coordinator.get(f"/crm/households/{reference}/erase/").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="danger">', confirm)


ACTIONS = {
    "status": {"status": "contacted"},
    "notes": {"text": "Ringde."},
    "follow-up": {"follow_up_on": day(7)},
    "owner": {"owner": ""},
    "municipalities": {"municipality": ["are", "berg"]},
}


@pytest.mark.parametrize("what", ACTIONS)
def test_every_action_on_a_household_answers_saved_after_the_redirect(app, client, staff, what):
    reference = register(client, municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    answer = action(coordinator, reference, what, **ACTIONS[what])
    assert answer.status_code == 303
    page = coordinator.get(answer.headers["Location"]).get_data(as_text=True)
    assert SAVED in page
    assert SAVED not in coordinator.get(answer.headers["Location"]).get_data(as_text=True)  # said once


def test_linking_a_contact_releasing_and_merging_answer_saved(app, client, staff, rows):
    first = register(client, municipalities=["are"])
    second = register(client, municipalities=["are"])
    robot = register(client, municipalities=["are"], email="q@example.com", website="spam")
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    for reference, what, data in (
        (robot, "quarantine", {"action": "release"}),
        (first, "merge", {"other": second}),
    ):
        answer = action(coordinator, reference, what, **data)
        assert answer.status_code == 303, what
        assert SAVED in coordinator.get(answer.headers["Location"]).get_data(as_text=True), what
    assert add_contact(coordinator, organisation="Åre kommun", municipality="are").status_code == 303
    [contact] = rows(Contact)
    answer = action(coordinator, first, "contacts", contact=str(contact.id))
    assert answer.status_code == 303
    assert SAVED in coordinator.get(answer.headers["Location"]).get_data(as_text=True)
    assert [e.kind for e in rows(HouseholdEvent) if e.kind == "merge"] == ["merge"]
