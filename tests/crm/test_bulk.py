"""Many households at once, ticked on the list: handed to an owner, a follow-up set, exported as CSV
(the coordinator); each change on each household's timeline and in the audit log, and only on the
households the member of staff may see."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from intake.crm.bulk import MAX_SELECTED
from intake.models import AuditEntry, Household, HouseholdEvent, User

from tests.support.intake_helpers import hidden_fields, register, staff_login


def bulk(client, references, action, query="", **data):
    """Post the list's selection form as a browser would, from the list page of `query`."""
    page = client.get(f"/crm/households/?{query}").get_data(as_text=True)
    fields = hidden_fields(page)
    form = {"bulk-csrf_token": fields["bulk-csrf_token"], "back": fields["back"], "action": action}
    form.update({f"bulk-{k}": v for k, v in data.items()})
    return client.post("/crm/households/selected/", data={**form, "household": references})


def test_a_guide_hands_three_households_to_another_guide(app, client, staff, rows):
    references = [register(client, email=f"h{i}@example.com", municipalities=["are"]) for i in range(4)]
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    other = staff("guide", "are", "berg", email="berit@staff.example")
    [berit] = rows(User, User.email == other)
    listing = guide.get("/crm/households/").get_data(as_text=True)
    for reference in references:  # each checkbox named for its household
        assert f'id="pick-{reference}"' in listing and f"Markera hushåll {reference}" in listing
    chosen = references[:3]
    answer = bulk(guide, chosen, "owner", owner=str(berit.id))
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/crm/households/")
    assert "Sparat: 3 hushåll" in guide.get(answer.headers["Location"]).get_data(as_text=True)
    owners = {h.reference: h.owner_id for h in rows(Household)}
    assert [owners[r] for r in chosen] == [berit.id] * 3 and owners[references[3]] is None
    events = rows(HouseholdEvent, HouseholdEvent.kind == "owner")
    assert len(events) == 3 and {e.new for e in events} == {berit.name}
    changes = rows(AuditEntry, AuditEntry.action == "change")
    assert sorted(e.reference for e in changes) == sorted(chosen)
    page = guide.get(f"/crm/households/{chosen[0]}/").get_data(as_text=True)
    assert f"ansvarig – → {berit.name}" in page


def test_a_guide_cannot_hand_over_another_municipalitys_household(app, client, staff, rows):
    mine = register(client, email="mine@example.com", municipalities=["are"])
    theirs = register(client, email="theirs@example.com", municipalities=["berg"])
    guide = app.test_client()
    email = staff("guide", "are")
    staff_login(guide, email)
    [me] = rows(User, User.email == email)
    answer = bulk(guide, [mine, theirs], "owner", owner=str(me.id))
    assert answer.status_code == 422
    assert "inte dina att ändra. Inget sparades." in answer.get_data(as_text=True)
    assert all(h.owner_id is None for h in rows(Household))
    assert rows(HouseholdEvent) == [] and rows(AuditEntry, AuditEntry.action == "change") == []
    # The follow-up and the export, crafted the same way, change and give away nothing either.
    assert bulk(guide, [theirs], "follow_up", follow_up_on=date.today().isoformat()).status_code == 422
    assert bulk(guide, [mine], "export").status_code == 404
    assert all(h.follow_up_on is None for h in rows(Household))
    assert rows(AuditEntry, AuditEntry.action == "export") == []


def test_an_owner_must_be_a_guide_of_the_households_municipalities(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    far = staff("guide", "berg", email="far@staff.example")
    [far_guide] = rows(User, User.email == far)
    answer = bulk(coordinator, [reference], "owner", owner=str(far_guide.id))
    assert answer.status_code == 422 and reference in answer.get_data(as_text=True)
    assert rows(Household)[0].owner_id is None
    missing = bulk(coordinator, [reference], "owner", owner="")
    assert missing.status_code == 422 and "Välj vem som tar över dem." in missing.get_data(as_text=True)


def test_a_follow_up_for_many_is_today_or_later(app, client, staff, rows):
    references = [register(client, email=f"f{i}@example.com", municipalities=["are"]) for i in range(2)]
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    past = bulk(guide, references, "follow_up", follow_up_on=(date.today() - timedelta(days=1)).isoformat())
    html = past.get_data(as_text=True)
    assert past.status_code == 422 and "Välj i dag eller en senare dag" in html
    assert html.count("checked>") >= 2  # the same rows still ticked
    assert all(h.follow_up_on is None for h in rows(Household))
    day = date.today() + timedelta(days=3)
    assert bulk(guide, references, "follow_up", follow_up_on=day.isoformat()).status_code == 303
    assert {h.follow_up_on for h in rows(Household)} == {day}
    assert len(rows(HouseholdEvent, HouseholdEvent.kind == "follow_up")) == 2
    # A date left in the follow-up field does not stop a hand-over: only the chosen action's field counts.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert bulk(guide, references, "owner", owner="none", follow_up_on=yesterday).status_code == 303


def test_nothing_ticked_or_too_many_is_one_clear_message(app, client, staff, rows):
    reference = register(client, municipalities=["are"])
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    day = date.today().isoformat()
    none = bulk(guide, [], "follow_up", follow_up_on=day)
    assert none.status_code == 422 and "Markera minst ett hushåll." in none.get_data(as_text=True)
    many = [reference] + [f"TS-FAKE{i:04d}" for i in range(MAX_SELECTED)]
    too_many = bulk(guide, many, "follow_up", follow_up_on=day)
    text = too_many.get_data(as_text=True)
    assert too_many.status_code == 422 and f"Högst {MAX_SELECTED} hushåll åt gången" in text
    assert text.count('role="alert"') == 1
    assert rows(HouseholdEvent) == []


def test_the_filters_stay_and_tick_all_ticks_the_page(app, client, staff, rows):
    references = [register(client, email=f"t{i}@example.com", municipalities=["are"]) for i in range(3)]
    guide = app.test_client()
    staff_login(guide, staff("guide", "are"))
    page = guide.get("/crm/households/?status=new&select=all").get_data(as_text=True)
    assert all(f'value="{r}" id="pick-{r}" checked' in page for r in references)
    answer = bulk(guide, references, "follow_up", query="status=new", follow_up_on=date.today().isoformat())
    assert answer.headers["Location"].endswith("/crm/households/?status=new")


def test_the_coordinator_exports_the_selection_as_csv(app, client, staff, rows):
    plain = register(client, email="plain@example.com", municipalities=["are"])
    formula = register(client, email="f@example.com", name="=HYPERLINK(1)", municipalities=["berg"])
    left_out = register(client, email="left@example.com", municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    answer = bulk(coordinator, [plain, formula], "export")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:3] == ["reference", "name", "email"]
    assert [r[0] for r in table[1:]] == [plain, formula] and left_out not in answer.get_data(as_text=True)
    assert table[2][1] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    exports = rows(AuditEntry, AuditEntry.action == "export")
    assert sorted(e.reference for e in exports) == sorted([plain, formula])
    assert all("@" not in (e.detail or "") for e in exports)
