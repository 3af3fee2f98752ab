"""Following households up in the back office: who sees which, the pipeline step by step, search
and filters, triage, the quarantine, handing over, duplicates and merging."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from intake.models import Household, HouseholdEvent, OutboxMessage, User
from intake.privacy import consent

from tests.support.intake_helpers import (
    STAFF_PASSWORD,
    emails,
    expand_events,
    hidden_fields,
    register,
    staff_login,
)

PASSWORD = STAFF_PASSWORD
login = staff_login


def test_a_guide_sees_only_their_municipalities(app, client, staff, rows):
    are_and_berg = register(client, municipalities=["are", "berg"])
    berg_only = register(client, email="b@example.com", municipalities=["berg"])
    unsure = register(client, email="u@example.com", municipalities=["unsure"])
    quarantined = register(client, email="q@example.com", municipalities=["are"], website="spam")
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    listing = guide.get("/crm/households/").get_data(as_text=True)
    assert are_and_berg in listing
    for hidden in (berg_only, unsure, quarantined):
        assert hidden not in listing
        assert guide.get(f"/crm/households/{hidden}/").status_code == 404
        assert guide.post(f"/crm/households/{hidden}/notes/", data={"text": "x"}).status_code == 404
    assert guide.get(f"/crm/households/{are_and_berg}/").status_code == 200
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    everything = coordinator.get("/crm/households/").get_data(as_text=True)
    assert all(ref in everything for ref in (are_and_berg, berg_only, unsure, quarantined))
    admin = app.test_client()
    login(admin, staff("admin"))
    assert admin.get("/crm/households/").status_code == 404
    assert admin.get(f"/crm/households/{are_and_berg}/").status_code == 404


def action(client, reference, what, **data):
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    return client.post(f"/crm/households/{reference}/{what}/", data={"csrf_token": token, **data})


def test_a_guide_works_a_household_through_the_pipeline(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    email = staff("guide", "are")
    login(guide, email)
    assert action(guide, reference, "status", status="contacted").status_code == 303
    [h] = rows(Household)
    owner = rows(User, User.email == email)[0]
    assert h.status == "contacted" and h.first_contacted_at is not None and h.owner_id == owner.id
    assert action(guide, reference, "notes", text="Ringde, de vill besöka i mars.").status_code == 303
    assert action(guide, reference, "follow-up", follow_up_on="2027-03-01").status_code == 303
    missing = action(guide, reference, "status", status="moved")
    assert missing.status_code == 422 and "Välj vart hushållet flyttade." in missing.get_data(as_text=True)
    assert action(guide, reference, "status", status="moved", moved_to="are", moved_on="2026-06-01").status_code == 303
    [h] = rows(Household)
    assert (h.status, h.moved_to, str(h.moved_on), str(h.follow_up_on)) == ("moved", "are", "2026-06-01", "2027-03-01")
    kinds = [e.kind for e in rows(HouseholdEvent)]
    assert sorted(kinds) == ["follow_up", "move", "note", "owner", "status", "status"]
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "Ringde, de vill besöka i mars." in page and "Anna Andersson" in page


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("status", {"status": "moved", "moved_to": "are", "moved_on": "0001-01-01"}),
        ("status", {"status": "moved", "moved_to": "are", "moved_on": "9999-12-31"}),
        ("follow-up", {"follow_up_on": "0001-01-01"}),
        ("follow-up", {"follow_up_on": "9999-12-31"}),
    ],
)
def test_a_date_outside_the_campaign_is_refused_not_stored(app, client, staff, rows, what, data):
    """A slip of the keyboard (year 0001 or 9999) would stretch the figures over centuries."""
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    response = action(guide, reference, what, **data)
    assert response.status_code == 422
    assert "Ange ett datum från 2000-01-01 till" in response.get_data(as_text=True)
    [h] = rows(Household)
    assert (h.status, h.moved_on, h.follow_up_on) == ("new", None, None)


def test_closing_needs_a_reason(app, client, staff):
    reference = register(client, municipalities=["berg"])
    guide = app.test_client()
    login(guide, staff("guide", "berg"))
    response = action(guide, reference, "status", status="closed")
    assert response.status_code == 422 and "Ange ett skäl" in response.get_data(as_text=True)


def test_ownership_can_be_handed_over(app, client, staff, rows):
    reference = register(client, municipalities=["krokom"])
    first, second = staff("guide", "krokom"), staff("guide", "krokom")
    guide = app.test_client()
    login(guide, first)
    action(guide, reference, "status", status="contacted")
    other = rows(User, User.email == second)[0]
    assert action(guide, reference, "owner", owner=str(other.id)).status_code == 303
    assert rows(Household)[0].owner_id == other.id


def test_posts_without_csrf_token_change_nothing(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    response = guide.post(f"/crm/households/{reference}/status/", data={"status": "contacted"})
    assert response.status_code == 422
    assert rows(Household)[0].status == "new"


def test_search_and_filters(app, client, staff):
    anna = register(client, municipalities=["are"], name="Anna Andersson")
    bo = register(client, municipalities=["are"], name="Bo Berg", email="bo@example.com", seeks=["housing"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))

    def listed(**params):
        html = coordinator.get("/crm/households/", query_string=params).get_data(as_text=True)
        return {ref for ref in (anna, bo) if ref in html}

    assert listed(q="bo berg") == {bo}
    for page, shown in ((1, {anna, bo}), (2, set())):  # the count stays right on a page past the last
        html = coordinator.get("/crm/households/", query_string={"q": "example.com", "page": page}).get_data(
            as_text=True
        )
        assert {ref for ref in (anna, bo) if ref in html} == shown and "2 hushåll" in html
    assert listed(q=anna.lower()) == {anna}
    assert listed(q="BO BERG") == {bo} and listed(q="ANDERSSON") == {anna}  # case does not matter
    assert listed(q="%") == set() and listed(q="_") == set()  # typed characters, not wildcards
    assert listed(seeks="visit") == {anna}
    assert listed(status="new") == {anna, bo}
    assert listed(status="moved") == set()
    assert listed(municipality="berg") == set()
    today = datetime.now(UTC).date().isoformat()  # registered just now
    assert listed(**{"from": today, "to": today}) == {anna, bo}
    assert listed(**{"from": "2000-01-01", "to": "2000-12-31"}) == set()


@pytest.mark.parametrize(
    "query",
    [
        "/crm/households/?page=1e20",
        "/crm/households/?page=100000000000000000000",
        "/crm/households/?page=-5",
        "/crm/households/?page=%C2%B2",
        "/crm/audit/?page=100000000000000000000",
        "/crm/audit/?user=1e20",
        "/crm/audit/?user=99999999999999999999",
        "/crm/audit/?user=%C2%B2",
        "/crm/contacts/?page=99999999999999999999",
        "/crm/audit/?to=9999-12-31",
        "/crm/audit/?from=0001-01-01&to=0001-01-01",
        "/crm/households/?to=9999-12-31",
    ],
)
def test_numbers_out_of_range_in_the_query_are_treated_as_not_given(app, client, staff, query):
    login(client, staff("coordinator"))
    assert client.get(query).status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/crm/households/{reference}/contacts/", "contact"),
        ("/crm/staff/reassign/", "from"),
        ("/crm/messages/send-again/", "message"),
    ],
)
@pytest.mark.parametrize("value", ["99999999999999999999", "1e20", "\u00b2"])
def test_numbers_out_of_range_in_a_form_are_refused_not_a_500(app, client, staff, path, field, value):
    reference = register(client, municipalities=["are"])
    login(client, staff("coordinator"))
    form = hidden_fields(client.get(f"/crm/households/{reference}/").get_data(as_text=True))
    response = client.post(path.format(reference=reference), data={"csrf_token": form["csrf_token"], field: value})
    assert response.status_code == 422


def test_order_numbers_in_other_digits_are_ignored(app, client, staff):
    login(client, staff("coordinator"))
    form = hidden_fields(client.get("/crm/orders/").get_data(as_text=True))
    assert client.post("/crm/orders/sent/", data={**form, "order": ["\u00b2", "\u0663"]}).status_code in (200, 302, 303)


def test_notifications_go_to_staff_accounts_once_they_exist(app, client, staff, rows):
    account = staff("guide", "are", email="anna.guide@are.example")
    register(client, municipalities=["are", "berg"])
    recipients = {m.to_address for m in rows(OutboxMessage) if m.kind == "guide_new_household"}
    assert recipients == {account, "inflytt@berg.example"}  # Berg has no account yet: the content's address


def test_the_coordinator_triages_not_sure_households(app, client, staff, rows):
    reference = register(client, municipalities=["unsure"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    before = len(rows(OutboxMessage))
    assert action(coordinator, reference, "municipalities", municipality=["krokom", "atlantis"]).status_code == 303
    [h] = rows(Household)
    assert (h.unsure, h.municipality_slugs) == (False, ["krokom"])
    new = [m for m in rows(OutboxMessage)[before:]]
    assert [(m.kind, m.to_address) for m in new] == [("guide_new_household", "inflytt@krokom.example")]
    guide = app.test_client()
    login(guide, staff("guide", "krokom"))
    assert guide.get(f"/crm/households/{reference}/").status_code == 200
    assert action(guide, reference, "municipalities", municipality=["are"]).status_code == 404  # coordinator only


@pytest.mark.parametrize("choice", ["release", "delete"])
def test_the_coordinator_reviews_the_quarantine(app, client, staff, rows, choice):
    reference = register(client, municipalities=["berg"], website="http://spam.example")
    assert rows(OutboxMessage) == []
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    assert action(coordinator, reference, "quarantine", action=choice).status_code == 303
    if choice == "delete":
        assert rows(Household) == []
    else:
        [h] = rows(Household)
        assert h.quarantine_reason is None
        assert expand_events(app) == 1  # told now, as if it had just come in
        assert sorted(m.kind for m in emails(rows(OutboxMessage))) == ["guide_new_household", "mover_confirmation"]


def test_a_leaving_guides_households_are_handed_over_in_one_action(app, client, staff, rows):
    leaving, staying = staff("guide", "are"), staff("guide", "are")
    guide = app.test_client()
    login(guide, leaving)
    for i in range(3):
        reference = register(client, email=f"h{i}@example.com", municipalities=["are"])
        action(guide, reference, "status", status="contacted")
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    page = coordinator.get("/crm/staff/").get_data(as_text=True)
    source, target = (rows(User, User.email == e)[0].id for e in (leaving, staying))
    response = coordinator.post(
        "/crm/staff/reassign/", data={"csrf_token": hidden_fields(page)["csrf_token"], "from": source, "to": target}
    )
    assert response.status_code == 303
    assert [h.owner_id for h in rows(Household)] == [target] * 3
    assert '<p class="saved" role="status">Sparat.</p>' in coordinator.get("/crm/staff/").get_data(as_text=True)
    assert guide.get("/crm/staff/").status_code == 404  # coordinator only


def test_duplicates_are_flagged_and_merged_keeping_both_histories(app, client, staff, rows):
    first = register(client, municipalities=["are"])
    second = register(client, municipalities=["berg"], message="Vi anmälde oss igen, ursäkta!")
    other = register(client, municipalities=["are"], email="annan@example.com", phone="", contact_channel="email")
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    action(guide, first, "notes", text="Första samtalet.")
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    listing = coordinator.get("/crm/households/").get_data(as_text=True)
    assert listing.count("Möjlig dubblett") == 2
    page = coordinator.get(f"/crm/households/{first}/").get_data(as_text=True)
    assert second in page and other not in page.split("Möjlig dubblett")[1].split("</div>")[0]
    assert action(guide, first, "merge", other=second).status_code == 404  # coordinator only
    assert action(coordinator, first, "merge", other=second).status_code == 303
    households = rows(Household)
    assert sorted(h.reference for h in households) == sorted([first, other])
    kept = next(h for h in households if h.reference == first)
    assert sorted(kept.municipality_slugs) == ["are", "berg"]
    kinds = sorted(e.kind for e in rows(HouseholdEvent, HouseholdEvent.household_id == kept.id))
    assert kinds == ["merge", "note"]
    assert {m.household_id for m in rows(OutboxMessage)} == {
        kept.id,
        next(h.id for h in households if h.reference == other),
    }
    assert "Vi anmälde oss igen, ursäkta!" in coordinator.get(f"/crm/households/{first}/").get_data(as_text=True)


def withdraw(app, reference):
    """The mover withdraws through the link in their confirmation."""
    visitor = app.test_client()
    link = consent.withdraw_path("sv", consent.withdrawal_token(app.secret_key, reference))
    assert visitor.post(link, data=hidden_fields(visitor.get(link).get_data(as_text=True))).status_code == 303


def test_a_withdrawal_committed_while_a_merge_runs_is_not_undone(app, client, staff, rows):
    """PostgreSQL runs them side by side: the merge waits for the withdrawal's row and then sees it."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    app.config["LEGAL_BASIS"] = "public_task"
    live = register(client, municipalities=["are"])
    other = register(client, municipalities=["are"])
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    form = hidden_fields(coordinator.get(f"/crm/households/{live}/").get_data(as_text=True))
    withdrawal = engine.connect()  # the mover's withdrawal, begun and not yet committed
    withdrawal.execute(update(Household).where(Household.reference == other).values(withdrawn_at=datetime.now(UTC)))
    answers = []
    merging = threading.Thread(
        target=lambda: answers.append(
            coordinator.post(f"/crm/households/{live}/merge/", data={"csrf_token": form["csrf_token"], "other": other})
        )
    )
    merging.start()
    time.sleep(1.0)  # the merge is now waiting for the withdrawal's row
    withdrawal.commit()
    withdrawal.close()
    merging.join(timeout=30)
    assert answers and answers[0].status_code == 409
    assert sorted(h.reference for h in rows(Household)) == sorted([live, other])


def test_a_withdrawn_or_erased_household_is_never_a_duplicate_nor_merged(app, client, staff, rows):
    app.config["LEGAL_BASIS"] = "public_task"  # withdrawn households stay, as official records
    live = register(client, municipalities=["are"])
    withdrawn = register(client, municipalities=["are"], message="Vi har ångrat oss, hör inte av er.")
    erased = register(client, municipalities=["are"], message="Radera oss.")
    withdraw(app, withdrawn)
    coordinator = app.test_client()
    login(coordinator, staff("coordinator"))
    assert action(coordinator, erased, "erase", reason="Begäran om radering", confirm=erased).status_code == 303
    assert "Möjlig dubblett" not in coordinator.get("/crm/households/").get_data(as_text=True)
    for reference in (live, withdrawn, erased):
        assert "Möjlig dubblett" not in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    events = len(rows(HouseholdEvent))
    # A forged merge, either way round, is refused and says why; nothing moves.
    for keep, other, named in ((live, withdrawn, withdrawn), (withdrawn, live, withdrawn), (live, erased, erased)):
        answer = action(coordinator, keep, "merge", other=other)
        assert answer.status_code == 409
        assert f"Inte sammanslagna: {named} har återkallats" in answer.get_data(as_text=True)
    assert sorted(h.reference for h in rows(Household)) == sorted([live, withdrawn, erased])
    assert len(rows(HouseholdEvent)) == events
    guide = app.test_client()
    login(guide, staff("guide", "are"))
    assert "ångrat oss" not in guide.get(f"/crm/households/{live}/").get_data(as_text=True)
