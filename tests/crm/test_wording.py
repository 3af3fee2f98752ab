"""The back office speaks its staff's language: no stored key or slug is shown as text, on any page,
whatever the household's status, the step on its timeline or the audit entry; and every time is
shown in the region's time zone (`TIMEZONE`), stored in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from intake import db
from intake.crm import wording
from intake.crm.forms import STATUS_LABELS
from intake.models import (
    AUDIT_ACTIONS,
    AuditEntry,
    Household,
    HouseholdEvent,
    OutboxMessage,
    User,
)
from intake.notify import outbox

from tests.support.intake_helpers import hidden_fields, register, staff_login, submit

ORDER = {
    "name": "Bo Berg",
    "street": "Storgatan 1",
    "postal_code": "831 31",
    "city": "Östersund",
    "country": "SE",
    "email": "bo@example.com",
}


class Visible(HTMLParser):
    """A page's text as a reader sees it: no tags, attributes, scripts or styles."""

    def __init__(self, html: str):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self.feed(html)
        self.text = " ".join(" ".join(self.parts).split())

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


# Keys and slugs that are never words of the page, in either language.
ALWAYS = {
    "ostersund",
    "krokom",
    "follow_up",
    "honeypot",
    "too-fast",
    "no-start-time",
    "guide_new_household",
    "mover_confirmation",
    "order_confirmation",
    "orders_summary",
    "dead_letter",
    "settled_check",
    "password_reset",
    "household_message",
    "calendar_feed",
    "household.registered",
    "household.status_changed",
    "household.withdrawn",
    "household.erased",
    "order.placed",
    "mover_link",
    "mover_address_changed",
    "guide_household_changed",
    "mover_details",
    "mover_places",
    "contact_channel",
    "work_sought",
    "timeframe",
}
# In Swedish, the English keys (in English some of them are the words the labels use).
SWEDISH_TOO = {
    *STATUS_LABELS,
    *AUDIT_ACTIONS,
    *wording.EVENT_KINDS,
    *wording.MESSAGE_STATUSES,
    *wording.ROLES,
    "are",
    "berg",
    "quarantine",
    "hidden",
    "erased",
    "reminder",
    "escalation",
    "webhook",
    "replayed",
    "orders",
    "order",
    "household",
} - {"status"}  # a Swedish word too


def leaks(text: str, keys) -> set[str]:
    """Each key shown as a word, with the text around it: {"contacted": "… status new → contacted …"}."""
    found = {}
    for key in keys:
        if hit := re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-]|\.\w)", text):
            found[key] = " ".join(text[max(0, hit.start() - 40) : hit.end() + 40].split())
    return found


def action(client, reference, what, **data):
    token = hidden_fields(client.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    return client.post(f"/crm/households/{reference}/{what}/", data={"csrf_token": token, **data})


@pytest.fixture(params=["sv", "en"])
def office(request, app, client, staff):
    """A back office in `STAFF_LANGUAGE` with households in every status, the quarantine (each
    reason), every step on a timeline, every audit action, a dead message of each kind and an
    order; returns (language, the coordinator's client, a guide's client, references)."""
    app.config["STAFF_LANGUAGE"] = request.param
    coordinator, guide, admin = app.test_client(), app.test_client(), app.test_client()
    staff_login(coordinator, staff("coordinator"))
    staff_login(guide, staff("guide", "are", "ostersund"))
    staff_login(admin, staff("admin"))
    refs = {}
    for status in STATUS_LABELS:
        ref = register(client, email=f"h-{status}@example.com", municipalities=["are", "ostersund"])
        refs[status] = ref
        if status == "new":
            continue
        action(guide, ref, "status", status="contacted")
        action(guide, ref, "follow-up", follow_up_on=(date.today() + timedelta(days=2)).isoformat())
        action(guide, ref, "notes", text="Ringde.")
        if status in ("moved", "settled"):
            action(guide, ref, "status", status="moved", moved_to="ostersund", moved_on=date.today().isoformat())
        if status == "settled":
            action(guide, ref, "status", status="settled", moved_to="ostersund", moved_on=date.today().isoformat())
        elif status not in ("contacted", "moved"):
            action(guide, ref, "status", status=status, closed_reason="Flyttar inte.")
    unsure = register(client, email="unsure@example.com", municipalities=["unsure"])
    action(coordinator, unsure, "municipalities", municipality=["krokom", "berg"])
    refs["unsure"] = unsure
    for reason in wording.QUARANTINE_REASONS:
        ref = register(client, email=f"h-{reason}@example.com", municipalities=["are"], website="spam")
        refs[reason] = ref
    with app.app_context():
        session = db.session()
        by_ref = {h.reference: h for h in session.scalars(select(Household))}
        for reason in wording.QUARANTINE_REASONS:
            by_ref[refs[reason]].quarantine_reason = reason
        coordinator_user = session.scalar(select(User).where(User.role == "coordinator"))
        household = by_ref[refs["contacted"]]
        # The steps no form above took, as their code records them.
        for kind, old, new in (
            ("owner", None, coordinator_user.name),
            ("move", "are, 2026-01-02", "ostersund, 2026-01-03"),
            ("visit", None, "2026-12-20 – 2026-12-22"),
            ("import", None, "42"),
            ("quarantine", "too-fast", None),
            ("contact", None, "Skidskolan"),
            ("merge", "H-0000-0001", household.reference),
            ("message", None, None),
            ("note_edited", "2026-12-06 23:30", None),
            ("note_removed", "2026-12-06 23:30", None),
            ("mover_details", None, "email,contact_channel,work_sought,timeframe"),
            ("mover_places", "are", "berg, krokom"),
        ):
            session.add(
                HouseholdEvent(household_id=household.id, user_id=coordinator_user.id, kind=kind, old=old, new=new)
            )
        for action_key, detail in (
            ("view", None),
            ("export", "mailing-house CSV, 3 orders"),
            ("change", "3 marked as sent"),
            ("erase", "quarantine: deleted as a robot"),
            ("withdraw", "erased"),
            ("withdraw", "hidden"),
            ("resend", "message 7 (guide_new_household)"),
            ("resend", "message 8 (household.status_changed)"),
            ("change", "new address"),
            ("export", "selection from the list, CSV"),
            ("change", "turned off"),
            *(("change", kind) for kind in wording.EVENT_KINDS),
        ):
            session.add(
                AuditEntry(
                    actor="staff",
                    user_id=coordinator_user.id,
                    action=action_key,
                    record="household",
                    reference=household.reference,
                    detail=detail,
                )
            )
        for record in wording.RECORDS:
            session.add(AuditEntry(actor="staff", user_id=coordinator_user.id, action="change", record=record))
        kinds = [*(set(wording.MESSAGE_KINDS) - {outbox.WEBHOOK}), *(f"webhook {e}" for e in wording.HAND_OFFS)]
        for i, kind in enumerate(kinds):
            kind, _, event = kind.partition(" ")
            session.add(
                OutboxMessage(
                    kind=kind,
                    message_id=f"<m{i}@test>",
                    to_address="x@example.com" if kind != outbox.WEBHOOK else "",
                    language="sv",
                    subject=event or "Ämne",
                    body_text="",
                    body_html="",
                    household_id=household.id,
                    status=("dead", "sent", "pending")[i % 3],
                    attempts=8,
                    last_error="550",
                )
            )
        session.commit()
    submit(client, "/bestall-magasinet/", ORDER)
    submit(client, "/bestall-magasinet/", {**ORDER, "email": "bot@example.com", "website": "spam"})
    return request.param, coordinator, guide, admin, refs


def test_no_page_shows_a_stored_key(office):
    lang, coordinator, guide, admin, refs = office
    keys = ALWAYS | (SWEDISH_TOO if lang == "sv" else set())
    pages = [
        (coordinator, "/crm/households/"),
        (coordinator, "/crm/households/?status=contacted"),
        *((coordinator, f"/crm/households/{ref}/") for ref in refs.values()),
        *((guide, f"/crm/households/{refs[s]}/") for s in STATUS_LABELS),
        (guide, "/crm/households/"),
        (guide, "/crm/week/"),
        (coordinator, "/crm/week/"),
        (guide, "/crm/needs/"),
        (coordinator, "/crm/needs/"),
        (coordinator, "/crm/audit/"),
        (coordinator, "/crm/staff/"),
        (coordinator, "/crm/orders/"),
        (coordinator, "/crm/messages/"),
        (coordinator, "/crm/contacts/"),
        (coordinator, "/crm/figures/"),
        (coordinator, "/crm/figures/competence/"),
        (coordinator, "/crm/privacy-notices/"),
        (admin, "/crm/accounts/"),
        (guide, f"/crm/households/{refs['contacted']}/write/"),
    ]
    found = {}
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        if shown := leaks(Visible(html).text, keys):
            found[path] = shown
    assert found == {}, "\n".join(f"{path}: {shown}" for path, shown in found.items())


def test_the_audit_log_and_timeline_read_as_sentences(office):
    lang, coordinator, guide, admin, refs = office
    if lang != "sv":
        pytest.skip("the words checked are Swedish")
    audit = Visible(coordinator.get("/crm/audit/").get_data(as_text=True)).text
    for said in (
        "CSV till distributören, 3 beställningar",
        "3 markerade som skickade",
        "karantän: raderat som robot",
        "uppföljningsdatum",
        "meddelande 8 (en ändrad status)",
        "personuppgifter raderade",
    ):
        assert said in audit
    page = Visible(coordinator.get(f"/crm/households/{refs['contacted']}/").get_data(as_text=True)).text
    assert "flytt Åre, 2026-01-02 → Östersund, 2026-01-03" in page
    assert "släppt ur karantän (skickat snabbare än en människa hinner fylla i)" in page
    unsure = Visible(coordinator.get(f"/crm/households/{refs['unsure']}/").get_data(as_text=True)).text
    assert "kommuner Vet inte än → Krokom, Berg" in unsure
    quarantined = Visible(coordinator.get(f"/crm/households/{refs['honeypot']}/").get_data(as_text=True)).text
    assert "Karantän: ett fält som är dolt för människor var ifyllt" in quarantined


def test_times_are_shown_in_the_regions_time_zone(app, client, staff):
    """Registered at 23:30 UTC on 6 December: in Stockholm (the default TIMEZONE) that is 00:30 on
    the 7th, and the list, the page, its timeline and the audit log say so."""
    assert app.config["TIMEZONE"] == "Europe/Stockholm"
    ref = register(client, municipalities=["are"])
    coordinator = app.test_client()
    staff_login(coordinator, staff("coordinator"))
    late = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    with app.app_context():
        session = db.session()
        session.execute(update(Household).values(created_at=late, consented_at=late))
        session.execute(update(OutboxMessage).values(created_at=late))
        session.commit()
    page = Visible(coordinator.get(f"/crm/households/{ref}/").get_data(as_text=True)).text
    assert "Anmäld 2026-12-07" in page and "2026-12-07 00:30 anmäld" in page
    assert "2026-12-06" not in page and "23:30" not in page
    assert "meddelande: (skickat)" not in page  # the outbox's internal event is no message of its own
    listing = Visible(coordinator.get("/crm/households/").get_data(as_text=True)).text
    assert "2026-12-07" in listing and "2026-12-06" not in listing
    with app.app_context():
        session = db.session()
        session.execute(update(AuditEntry).values(at=late))
        session.commit()
    audit = coordinator.get("/crm/audit/?from=2026-12-07&to=2026-12-07").get_data(as_text=True)
    assert "2026-12-07 00:30" in Visible(audit).text
    assert "Inget registrerat" not in audit  # the region's day 7 December holds it
    # In another zone the same stored time reads otherwise; nothing stored changed.
    app.config["TIMEZONE"] = "America/New_York"
    page = Visible(coordinator.get(f"/crm/households/{ref}/").get_data(as_text=True)).text
    assert "2026-12-06 18:30 anmäld" in page
    with app.app_context():
        stored = db.session().scalar(select(Household.created_at))
        assert stored.replace(tzinfo=UTC) == late
