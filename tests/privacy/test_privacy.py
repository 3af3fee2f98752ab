"""A record's life under data protection: consent record, withdrawal, export, erasure, purge, audit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select, text, update
from sqlalchemy.orm import Session

from intake import create_app, db
from intake.figures import counts
from intake.models import AuditEntry, Household, HouseholdEvent, MagazineOrder, OutboxMessage, PrivacyNotice
from intake.privacy import consent, erasure, retention
from intake.public import abuse

from tests.support.helpers import tasteget
from tests.support.intake_helpers import (
    ORDER,
    app_env,
    emails,
    hidden_fields,
    intake_config,
    make_staff,
    register,
    staff_login,
    submit,
)


def logged_in(app, role, *places):
    client = app.test_client()
    email = f"{role}-{'-'.join(places) or 'all'}-{uuid.uuid4().hex[:6]}@staff.example"
    make_staff(app, email, role, places)
    assert staff_login(client, email).status_code == 303
    return client


def post_on_household(client, reference, what, **data):
    if what == "erase":
        data.setdefault("confirm", reference)  # the coordinator types the reference to confirm
    page = client.get(f"/crm/households/{reference}/").get_data(as_text=True)
    return client.post(f"/crm/households/{reference}/{what}/", data={**hidden_fields(page), **data})


# The country of residence is personal data and goes with the rest: an erased household counts under
# "(unknown)" there, the only figure an erasure moves (its total stays the same).
BY_COUNTRY = "households registered by country of residence"


def current_figures(app):
    """Every figure, as `tasteget report` and the dashboard (its CSV of every figure) give them; the
    countries as their total only."""
    day = date.today() + timedelta(days=400)
    with Session(app.extensions["db_engine"]) as session:
        report = counts.figures_of(counts.load(session), day).rows()
    coordinator = logged_in(app, "coordinator")
    dashboard = coordinator.get(f"/crm/figures/export.csv?as_of={day.isoformat()}").get_data(as_text=True)
    assert str(report[0][2]) in dashboard
    countries = sum(value for figure, _key, value in report if figure == BY_COUNTRY)
    assert countries == report[0][2]  # every household registered, under its country or "(unknown)"
    return (
        [row for row in report if row[0] != BY_COUNTRY],
        [line for line in dashboard.splitlines() if not line.startswith(BY_COUNTRY)],
        countries,
    )


def withdrawal_link(rows) -> str:
    [mail] = [m for m in rows(OutboxMessage) if m.kind == "mover_confirmation"]
    return re.search(r"http://[^/\s]+(/\S*/(?:aterkalla|withdraw)/\S+/)", mail.body_text).group(1)


def test_every_household_and_order_keeps_its_consent_record(app, client, rows):
    register(client)
    app.config["LEGAL_BASIS"] = "public_task"
    submit(client, "/en/order-magazine/", ORDER)
    [h], [o] = rows(Household), rows(MagazineOrder)
    assert (h.legal_basis, h.purpose) == ("consent", "relocation_guidance")
    assert (o.legal_basis, o.purpose) == ("public_task", "magazine_delivery")
    for record in (h, o):
        notice = rows(PrivacyNotice, PrivacyNotice.version == record.privacy_version)[0]
        assert len(record.privacy_version) == 64 and notice.text  # every version's text is kept
        assert abs(record.consented_at.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=1)


def test_an_unknown_legal_basis_is_refused_in_one_line():
    from intake import settings

    with pytest.raises(ValueError, match="LEGAL_BASIS must be consent or public_task"):
        settings.from_environment({"LEGAL_BASIS": "legitimate"})


def test_withdrawal_under_consent_asks_first_then_erases_at_once(app, client, rows):
    reference = register(client, municipalities=["are"], contact_language="sv")
    guide = logged_in(app, "guide", "are")
    assert guide.get(f"/crm/households/{reference}/").status_code == 200
    link = withdrawal_link(rows)
    assert link.startswith("/registrera/aterkalla/")

    visitor = app.test_client()
    page = visitor.get(link)  # what a mail scanner does: nothing happens
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and reference in html and "Anna" not in html
    assert "raderas direkt" in html
    assert rows(Household)[0].withdrawn_at is None

    answer = visitor.post(link, data=hidden_fields(html))
    assert answer.status_code == 303
    receipt = visitor.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Din anmälan är återkallad och dina personuppgifter har raderats." in receipt
    [h] = rows(Household)
    assert h.withdrawn_at and h.erased_at and h.name == "" and h.email == "" and h.phone is None
    assert guide.get(f"/crm/households/{reference}/").status_code == 404  # gone from the guides at once
    assert all(m.to_address == "" and m.body_text == "" for m in emails(rows(OutboxMessage)))
    actions = sorted((e.actor, e.action) for e in rows(AuditEntry) if e.reference == reference)
    assert ("mover", "erase") in actions and ("mover", "withdraw") in actions
    assert visitor.post(link, data=hidden_fields(html)).status_code == 303  # again: nothing more happens


def test_withdrawal_under_public_task_hides_now_and_erases_when_retention_ends(app, client, rows):
    app.config["LEGAL_BASIS"] = "public_task"
    reference = register(client, municipalities=["are"], contact_language="en")
    guide = logged_in(app, "guide", "are")
    link = withdrawal_link(rows)
    assert link.startswith("/en/register/withdraw/")
    visitor = app.test_client()
    html = visitor.get(link).get_data(as_text=True)
    assert "kept for as long as the region&#39;s deletion decision sets" in html
    visitor.post(link, data=hidden_fields(html))
    receipt = visitor.get(link).get_data(as_text=True)
    assert "is kept until" in receipt and "and then erased" in receipt
    [h] = rows(Household)
    assert h.withdrawn_at and h.erased_at is None and h.name == "Anna Andersson"
    assert guide.get(f"/crm/households/{reference}/").status_code == 404
    coordinator = logged_in(app, "coordinator")
    assert "Återkallad av den som flyttar" in coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)

    later = retention.add_months(h.withdrawn_at.replace(tzinfo=UTC), 24) + timedelta(days=1)
    with Session(app.extensions["db_engine"]) as session:
        assert [d.reference for d in retention.purge_due(session, later, 24, 90).households] == [reference]
        assert retention.purge_due(session, later - timedelta(days=2), 24, 90).households == []


def test_a_forged_or_unknown_withdrawal_link_is_a_404(app, client):
    register(client)
    assert client.get("/registrera/aterkalla/not-a-token/").status_code == 404
    token = consent.withdrawal_token(app.secret_key, "H-NONE-0000")
    assert client.get(f"/registrera/aterkalla/{token}/").status_code == 404
    forged = consent.withdrawal_token("another secret", "H-NONE-0000")
    assert client.post(f"/registrera/aterkalla/{forged}/").status_code in (400, 404)


def test_the_coordinator_exports_one_household_with_a_reason(app, client, rows):
    reference = register(client, municipalities=["are"])
    coordinator = logged_in(app, "coordinator")
    post_on_household(coordinator, reference, "notes", text="Ringde, vill besöka i mars.")
    missing = post_on_household(coordinator, reference, "export", reason="")
    assert missing.status_code == 422 and "Ange ett skäl." in missing.get_data(as_text=True)
    answer = post_on_household(coordinator, reference, "export", reason="Begäran om registerutdrag")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert f"household-{reference}.json" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["household"]["name"] == "Anna Andersson" and data["household"]["email"] == "anna@example.com"
    assert data["household"]["children_ages"] == [3, 7] and data["municipalities"] == ["are"]
    assert data["consent"]["legal_basis"] == "consent" and "privacy_notice_text" in data["consent"]
    assert data["consent"]["privacy_notice_version"] == rows(Household)[0].privacy_version
    assert [e["text"] for e in data["history"] if e["kind"] == "note"] == ["Ringde, vill besöka i mars."]
    assert {m["kind"] for m in data["messages"]} >= {"mover_confirmation", "guide_new_household"}
    [entry] = [e for e in rows(AuditEntry) if e.action == "export"]
    assert (entry.reference, entry.detail, entry.actor) == (reference, "Begäran om registerutdrag", "staff")
    guide = logged_in(app, "guide", "are")
    assert post_on_household(guide, reference, "export", reason="x").status_code == 404  # coordinator only


def test_erasure_keeps_every_figure(app, client, rows):
    keep = register(client, municipalities=["are", "berg"], email="keep@example.com")
    gone = register(client, municipalities=["are", "krokom"], utm_source="facebook")
    coordinator = logged_in(app, "coordinator")
    post_on_household(coordinator, gone, "status", status="contacted")
    post_on_household(coordinator, gone, "notes", text="Pratade med Anna om jobb.")
    submit(client, "/bestall-magasinet/", ORDER)
    before = current_figures(app)
    answer = post_on_household(coordinator, gone, "erase", reason="Begäran om radering")
    assert answer.status_code == 303
    assert current_figures(app) == before
    erased = next(h for h in rows(Household) if h.reference == gone)
    assert erased.erased_at and erased.name == "" and erased.email == "" and erased.message is None
    assert erased.municipality_slugs == ["are", "krokom"] and erased.status == "contacted"
    assert erased.utm_source == "facebook" and erased.created_at
    notes = rows(HouseholdEvent, HouseholdEvent.household_id == erased.id, HouseholdEvent.kind == "note")
    assert [n.text for n in notes] == [None]
    page = coordinator.get(f"/crm/households/{gone}/").get_data(as_text=True)
    assert "Personuppgifterna raderades" in page and "Anna" not in page
    kept = next(h for h in rows(Household) if h.reference == keep)
    assert kept.name == "Anna Andersson"  # the other household is untouched
    [entry] = [e for e in rows(AuditEntry) if e.action == "erase"]
    assert (entry.reference, entry.detail) == (gone, "Begäran om radering")


def _age(app, model, reference, **values):
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(update(model).where(model.reference == reference).values(**values))


def test_purge_erases_what_retention_says_and_the_figures_stay(app, client, rows):
    old = register(client, email="old@example.com")
    active = register(client, email="active@example.com")
    fresh = register(client, email="fresh@example.com")
    long_ago = datetime.now(UTC) - timedelta(days=800)
    for reference in (old, active):
        _age(app, Household, reference, created_at=long_ago)
    coordinator = logged_in(app, "coordinator")
    post_on_household(coordinator, active, "notes", text="Hörde av sig igen")  # recent activity
    submit(client, "/bestall-magasinet/", ORDER)
    submit(client, "/bestall-magasinet/", {**ORDER, "street": "Bygatan 2"})
    sent_order, unsent_order = (o.reference for o in rows(MagazineOrder))
    _age(app, MagazineOrder, sent_order, sent_at=datetime.now(UTC) - timedelta(days=91))
    before = current_figures(app)

    dry = tasteget("purge", "--dry-run", env=app_env(app))
    assert dry.returncode == 0, dry.stderr
    assert f"household {old}: would erase" in dry.stdout and f"order {sent_order}: would erase" in dry.stdout
    assert active not in dry.stdout and fresh not in dry.stdout and unsent_order not in dry.stdout
    assert "Dry run: 1 household(s) and 1 order(s) would be erased; nothing changed." in dry.stdout
    assert all(h.erased_at is None for h in rows(Household))

    run = tasteget("purge", env=app_env(app))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("Erased 1 household(s) and 1 order(s).")
    assert {h.reference for h in rows(Household) if h.erased_at} == {old}
    [o] = [o for o in rows(MagazineOrder) if o.erased_at]
    assert (o.reference, o.name, o.street, o.address_key) == (sent_order, "", "", None)
    assert current_figures(app) == before
    assert {(e.actor, e.reference) for e in rows(AuditEntry) if e.action == "erase"} == {
        ("purge", old),
        ("purge", sent_order),
    }
    again = tasteget("purge", env=app_env(app))
    assert "Erased 0 household(s) and 0 order(s)." in again.stdout


def erasure_trail(rows, reference):
    """What the audit log says was done to one record, viewing aside, in the order it was written."""
    entries = rows(AuditEntry, AuditEntry.reference == reference)
    return [(e.action, e.record, e.detail, e.actor) for e in entries if e.action != "view"]


def test_each_way_of_erasing_writes_its_audit_entries_once_with_its_reason_and_actor(app, client, rows):
    """The back office, the mover's withdrawal under either basis, the quarantine and the purge each
    erase through one operation that also records why and by whom: exactly once, as stored before."""
    coordinator = logged_in(app, "coordinator")

    by_staff = register(client, email="staff@example.com")
    assert post_on_household(coordinator, by_staff, "erase", reason="Begäran om radering").status_code == 303
    assert erasure_trail(rows, by_staff) == [("erase", "household", "Begäran om radering", "staff")]

    def withdrawn_by_mover(email):
        reference = register(client, email=email)
        [h] = rows(Household, Household.reference == reference)
        [mail] = [m for m in rows(OutboxMessage, OutboxMessage.household_id == h.id) if m.kind == "mover_confirmation"]
        link = re.search(r"http://[^/\s]+(/\S*/(?:aterkalla|withdraw)/\S+/)", mail.body_text).group(1)
        visitor = app.test_client()
        assert visitor.post(link, data=hidden_fields(visitor.get(link).get_data(as_text=True))).status_code == 303
        return reference

    under_consent = withdrawn_by_mover("consent@example.com")
    assert erasure_trail(rows, under_consent) == [
        ("withdraw", "household", "erased", "mover"),
        ("erase", "household", "withdrawn (consent)", "mover"),
    ]
    app.config["LEGAL_BASIS"] = "public_task"
    kept = withdrawn_by_mover("kept@example.com")
    assert erasure_trail(rows, kept) == [("withdraw", "household", "hidden", "mover")]

    robot = register(client, email="robot@example.com", website="http://spam.example")
    assert post_on_household(coordinator, robot, "quarantine", action="delete").status_code == 303
    assert rows(Household, Household.reference == robot) == []
    assert erasure_trail(rows, robot) == [("erase", "household", "quarantine: deleted as a robot", "staff")]

    old = register(client, email="old@example.com")
    _age(app, Household, old, created_at=datetime.now(UTC) - timedelta(days=800))
    submit(client, "/bestall-magasinet/", ORDER)
    [order] = [o.reference for o in rows(MagazineOrder)]
    _age(app, MagazineOrder, order, sent_at=datetime.now(UTC) - timedelta(days=91))
    now = datetime.now(UTC)
    with Session(app.extensions["db_engine"]) as session:
        assert retention.purge(session, now, 24, 90, dry_run=True) == retention.Purged([old], [order])
        assert erasure_trail(rows, old) == erasure_trail(rows, order) == []  # a dry run changes nothing
        assert retention.purge(session, now, 24, 90) == retention.Purged([old], [order])
        [kept_row] = session.scalars(select(Household).where(Household.reference == kept))
        with pytest.raises(ValueError):  # only a quarantined record is deleted outright
            erasure.delete_robot(session, kept_row)
    assert erasure_trail(rows, old) == [("erase", "household", "retention", "purge")]
    assert erasure_trail(rows, order) == [("erase", "order", "retention", "purge")]
    assert [h.reference for h in rows(Household) if h.erased_at is None] == [kept]


def test_the_audit_log_names_records_by_reference_and_only_the_coordinator_reads_it(app, client, rows):
    reference = register(client, municipalities=["are"])
    guide = logged_in(app, "guide", "are")
    guide.get(f"/crm/households/{reference}/")
    post_on_household(guide, reference, "status", status="contacted")
    entries = rows(AuditEntry)
    assert {(e.action, e.detail) for e in entries} >= {("view", None), ("change", "status")}
    assert all("Anna" not in (e.detail or "") and "anna@" not in (e.detail or "") for e in entries)
    assert guide.get("/crm/audit/").status_code == 404
    coordinator = logged_in(app, "coordinator")
    page = coordinator.get("/crm/audit/?action=change").get_data(as_text=True)
    assert reference in page and "ändrade" in page and "visade" not in page.split("<tbody>")[1]
    other = coordinator.get("/crm/audit/?reference=H-NONE-0000").get_data(as_text=True)
    assert "Inget som har registrerats matchar" in other


def test_every_privacy_notice_version_is_kept_and_the_coordinator_can_read_it(app, client, rows):
    reference = register(client)
    [h] = rows(Household)
    coordinator = logged_in(app, "coordinator")
    listing = coordinator.get("/crm/privacy-notices/").get_data(as_text=True)
    assert h.privacy_version[:12] in listing
    page = coordinator.get(f"/crm/privacy-notices/{h.privacy_version}/").get_data(as_text=True)
    [notice] = rows(PrivacyNotice, PrivacyNotice.version == h.privacy_version)
    assert notice.text.splitlines()[0].strip() in page
    assert f"/crm/privacy-notices/{h.privacy_version}/" in coordinator.get(f"/crm/households/{reference}/").get_data(
        as_text=True
    )
    assert coordinator.get("/crm/privacy-notices/nope/").status_code == 404
    guide = logged_in(app, "guide", "are")
    assert guide.get("/crm/privacy-notices/").status_code == 404


def test_the_export_command_gives_the_same_json_and_is_audited(app, client, rows, tmp_path):
    reference = register(client)
    env = app_env(app)
    printed = tasteget("export", reference.lower(), "--reason", "Begäran om registerutdrag", env=env)
    assert printed.returncode == 0, printed.stderr
    data = json.loads(printed.stdout)
    assert data["household"]["reference"] == reference and data["household"]["email"] == "anna@example.com"
    assert data["consent"]["privacy_notice_version"] == rows(Household)[0].privacy_version
    written = tasteget("export", reference, "--reason", "Arkiv", "--output", str(tmp_path / "h.json"), env=env)
    assert written.returncode == 0 and json.loads((tmp_path / "h.json").read_text()) == data
    assert (tmp_path / "h.json").stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    entries = [(e.action, e.reference, e.actor, e.detail) for e in rows(AuditEntry) if e.action == "export"]
    assert entries == [
        ("export", reference, "command", "Begäran om registerutdrag"),
        ("export", reference, "command", "Arkiv"),
    ]
    missing = tasteget("export", "H-NONE-0000", "--reason", "x", env=env)
    assert missing.returncode == 1 and missing.stderr.strip() == "Error: no household with the reference H-NONE-0000"
    assert "Traceback" not in missing.stderr


def test_the_audit_log_filters_by_day_on_both_databases(app, client, rows):
    reference = register(client, municipalities=["are"])
    coordinator = logged_in(app, "coordinator")
    coordinator.get(f"/crm/households/{reference}/")
    today = datetime.now(UTC).date()

    def shown(**days):
        page = coordinator.get("/crm/audit/", query_string={"reference": reference, **days})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        return "<tbody>" in html and reference in html.split("<tbody>")[1]

    assert shown(**{"from": today.isoformat(), "to": today.isoformat()})
    assert not shown(**{"from": (today + timedelta(days=1)).isoformat()})
    assert not shown(to=(today - timedelta(days=1)).isoformat())
    assert shown(**{"from": "not a day"})  # a day that does not parse is no filter


def test_an_expired_withdrawal_page_asks_again_and_withdraws_nothing(app, client, rows):
    register(client, contact_language="sv")
    link = withdrawal_link(rows)
    visitor = app.test_client()
    visitor.get(link)
    answer = visitor.post(link, data={"csrf_token": "expired"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Sidan hade gått ut" in html and "Återkalla min anmälan" in html
    assert rows(Household)[0].withdrawn_at is None
    assert visitor.post(link, data=hidden_fields(html)).status_code == 303  # the renewed page works
    assert rows(Household)[0].erased_at is not None


# A link's campaign parameters can name the person (a mailing's per-recipient term or content).
CAMPAIGN = {
    "utm_source": "nyhetsbrev",
    "utm_medium": "e-post",
    "utm_campaign": "vinter2026",
    "utm_term": "anna andersson",
    "utm_content": "lank-till-anna-42",
}
KEPT = {**dict.fromkeys(CAMPAIGN), "utm_source": "nyhetsbrev"}  # the figures break down by source


@pytest.mark.parametrize("how", ["erased", "withdrawn under consent", "withdrawn under public task", "purged"])
def test_only_the_campaign_source_outlives_erasure_and_withdrawal(app, client, rows, how):
    if how == "withdrawn under public task":
        app.config["LEGAL_BASIS"] = "public_task"
    reference = register(client, **CAMPAIGN)
    submit(client, "/bestall-magasinet/", {**ORDER, **CAMPAIGN})
    if how == "purged":
        long_ago = datetime.now(UTC) - timedelta(days=800)
        _age(app, Household, reference, created_at=long_ago)
        _age(app, MagazineOrder, rows(MagazineOrder)[0].reference, sent_at=long_ago)
    before = current_figures(app)
    if how == "erased":
        coordinator = logged_in(app, "coordinator")
        assert post_on_household(coordinator, reference, "erase", reason="Begäran om radering").status_code == 303
    elif how == "purged":
        assert tasteget("purge", env=app_env(app)).returncode == 0
    else:
        link, visitor = withdrawal_link(rows), app.test_client()
        assert visitor.post(link, data=hidden_fields(visitor.get(link).get_data(as_text=True))).status_code == 303
    [h] = rows(Household)
    assert h.withdrawn_at or h.erased_at
    assert {name: getattr(h, name) for name in CAMPAIGN} == KEPT
    if how == "purged":
        [o] = rows(MagazineOrder)
        assert o.erased_at and {name: getattr(o, name) for name in CAMPAIGN} == KEPT
    assert current_figures(app) == before


def test_records_withdrawn_or_erased_before_lose_their_campaign_detail_on_upgrade(unmigrated_database_url):
    """Revision 0010 does for what was withdrawn or erased before it what erasure does now."""
    from sqlalchemy import insert, select

    from intake import db

    engine = db.make_engine(unmigrated_database_url)
    db.upgrade(engine, "0009")
    now = datetime.now(UTC)
    common = {"form_language": "sv", "privacy_version": "v1", "consented_at": now, **CAMPAIGN}
    person = {"contact_channel": "email", "contact_language": "sv", "place": "P", "occupation": "O"}
    with engine.begin() as connection:
        connection.execute(insert(PrivacyNotice), {"version": "v1", "language": "sv", "text": "x", "first_seen": now})
        for reference, gone in (("H-LIVE", {}), ("H-GONE", {"withdrawn_at": now}), ("H-ERAS", {"erased_at": now})):
            connection.execute(
                insert(Household),
                {**common, **person, **gone, "reference": reference, "submission_id": reference * 4}
                | {"name": "X", "email": "x@example.com", "timeframe": "6m", "country": "SE"},
            )
        for reference, gone in (("M-LIVE", {}), ("M-ERAS", {"erased_at": now})):
            connection.execute(
                insert(MagazineOrder),
                {**common, **gone, "reference": reference, "submission_id": reference * 4, "name": "N"}
                | {"street": "S", "postal_code": "831 31", "city": "C", "country": "SE"},
            )
    db.upgrade(engine)
    with Session(engine) as session:
        campaign = {
            r.reference: {name: getattr(r, name) for name in CAMPAIGN}
            for model in (Household, MagazineOrder)
            for r in session.scalars(select(model))
        }
    engine.dispose()
    assert campaign == {"H-LIVE": CAMPAIGN, "H-GONE": KEPT, "H-ERAS": KEPT, "M-LIVE": CAMPAIGN, "M-ERAS": KEPT}


# --- erased means gone from the database's files -------------------------------------------------

PG_FILES = """
    SELECT pg_relation_filepath(c.oid), c.relkind FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i')
    UNION ALL
    SELECT pg_relation_filepath(t.reltoastrelid), 't' FROM pg_class t
     WHERE t.relnamespace = current_schema()::regnamespace AND t.reltoastrelid <> 0
    UNION ALL
    SELECT pg_relation_filepath(i.indexrelid), 'i' FROM pg_class t JOIN pg_index i ON i.indrelid = t.reltoastrelid
     WHERE t.relnamespace = current_schema()::regnamespace
"""
PAGE = 8192


def pg_items(data: bytes, index: bool) -> bytes:
    """The items stored in PostgreSQL's pages (row versions, index entries), read through each page's
    line pointers; an index's first page is its metapage."""
    items = []
    for start in range(PAGE if index else 0, len(data), PAGE):
        page = data[start : start + PAGE]
        lower = int.from_bytes(page[12:14], "little")
        for at in range(24, min(lower, PAGE), 4):
            pointer = int.from_bytes(page[at : at + 4], "little")
            offset, flags, length = pointer & 0x7FFF, (pointer >> 15) & 3, pointer >> 17
            if flags in (1, 3) and length:  # normal, or dead but still holding its data
                items.append(page[offset : offset + length])
    return b"".join(items)


def stored_bytes(app) -> bytes:
    """What the CRM keeps on disk. SQLite: every byte of its file, write-ahead log and shared memory.
    PostgreSQL: every row version and index entry in the files of its tables, indexes and TOAST,
    after a CHECKPOINT has written them out (what VACUUM removes; the free space of a page can keep
    old bytes until it is reused, as the README says)."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        files = [str(f) for f in (Path(path + suffix) for suffix in ("", "-wal", "-shm", "-journal")) if f.exists()]
        # Read by another process: closing a file of ours would drop this process's SQLite locks on it.
        return subprocess.run(["cat", *files], capture_output=True, check=True).stdout
    with engine.connect() as connection:
        if not connection.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
            pytest.skip("reading PostgreSQL's table files needs a superuser")
        assert connection.exec_driver_sql("SHOW block_size").scalar() == str(PAGE)
        connection.exec_driver_sql("CHECKPOINT")
        files = connection.exec_driver_sql(PG_FILES).all()
        return b"".join(
            pg_items(connection.exec_driver_sql("SELECT pg_read_binary_file(%(p)s)", {"p": path}).scalar(), kind == "i")
            for path, kind in files
        )


def erase_by_coordinator(app, client, rows, reference, canary):
    post_on_household(logged_in(app, "coordinator"), reference, "erase", reason="Begäran om radering")


def erase_by_withdrawal(app, client, rows, reference, canary):
    link = withdrawal_link(rows)
    visitor = app.test_client()
    assert visitor.post(link, data=hidden_fields(visitor.get(link).get_data(as_text=True))).status_code == 303


def erase_by_purge(app, client, rows, reference, canary):
    """A household with no activity for long, and a magazine order sent long ago."""
    submit(client, "/bestall-magasinet/", {**ORDER, "name": f"{canary}Beställare", "street": f"{canary}gatan 1"})
    _age(app, MagazineOrder, rows(MagazineOrder)[0].reference, sent_at=datetime.now(UTC) - timedelta(days=91))
    long_ago = datetime.now(UTC) - timedelta(days=800)
    _age(app, Household, reference, created_at=long_ago)
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(update(HouseholdEvent).values(at=long_ago))
    run = tasteget("purge", env=app_env(app))
    assert run.returncode == 0, run.stderr
    assert "Erased 1 household(s) and 1 order(s)." in run.stdout


def delete_from_quarantine(app, client, rows, reference, canary):
    """The coordinator deletes a household that was taken for a robot."""
    post_on_household(logged_in(app, "coordinator"), reference, "quarantine", action="delete")


@pytest.fixture(params=["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])])
def alone(request, tmp_path, built_site):
    """The intake on a database of its own. On PostgreSQL a whole database: VACUUM keeps the row
    versions an open transaction of the same database may still read, and other test runs share
    the server's test database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.db'}"
    else:
        base = make_url(os.environ["TEST_DATABASE_URL"])
        name = f"tasteget_scrub_{uuid.uuid4().hex[:8]}"
        server = create_engine(base, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    app = create_app(intake_config(url, built_site))
    db.upgrade(app.extensions["db_engine"])
    yield app
    app.extensions["db_engine"].dispose()
    abuse.limiter.reset()  # as the `app` fixture does: with Redis, logins would count from test to test
    if request.param == "postgresql":
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.mark.parametrize("erase", [erase_by_coordinator, erase_by_withdrawal, erase_by_purge, delete_from_quarantine])
def test_erased_values_are_gone_from_the_database_files(alone, erase):
    app, client = alone, alone.test_client()

    def rows(model):
        with Session(app.extensions["db_engine"]) as session:
            return list(session.scalars(select(model)))

    canary = f"Kanarie{uuid.uuid4().hex[:10]}"
    values = {
        "name": f"{canary}Namn Fågelsson",
        "email": f"{canary.lower()}@example.com",
        "message": f"{canary}Meddelande om fjällen",
    }
    robot = {"website": "http://spam.example"} if erase is delete_from_quarantine else {}
    reference = register(client, **values, **robot)  # the worker has written the confirmation, name and all
    if not robot:
        assert any(canary in m.body_text for m in emails(rows(OutboxMessage)))
    coordinator = logged_in(app, "coordinator")
    post_on_household(coordinator, reference, "notes", text=f"{canary}Anteckning: ringde henne")
    assert canary.encode() in stored_bytes(app)

    erase(app, client, rows, reference, canary)

    assert all(h.erased_at for h in rows(Household))
    held = stored_bytes(app)
    found = [v for v in (*values.values(), canary) if v.encode() in held or v.lower().encode() in held]
    assert found == []


def test_a_withdrawal_kept_as_an_official_record_leaves_no_campaign_detail_in_the_files(alone):
    """Under public_task a withdrawal erases nothing yet, but the link's campaign detail goes at once,
    from the database's files too."""
    app, client = alone, alone.test_client()
    app.config["LEGAL_BASIS"] = "public_task"

    def rows(model):
        with Session(app.extensions["db_engine"]) as session:
            return list(session.scalars(select(model)))

    canary = f"Kanarie{uuid.uuid4().hex[:10]}"
    register(client, utm_source="nyhetsbrev", utm_term=f"{canary}term", utm_content=f"{canary}content")
    assert canary.encode() in stored_bytes(app)
    erase_by_withdrawal(app, client, rows, None, canary)
    [h] = rows(Household)
    assert h.withdrawn_at and not h.erased_at and (h.utm_term, h.utm_content) == (None, None)
    assert canary.encode() not in stored_bytes(app)


def test_a_failing_withdrawal_logs_its_route_not_its_token(app, client, rows, monkeypatch, caplog):
    """Flask's own "Exception on …" line names the path: a link's token would reach the error log."""
    register(client)
    link = withdrawal_link(rows)
    token = link.rstrip("/").rsplit("/", 1)[1]
    form = hidden_fields(client.get(link).get_data(as_text=True))
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(consent, "withdraw", fail)
    assert client.post(link, data=form).status_code == 500
    assert re.search(r"Exception on /(registrera/aterkalla|en/register/withdraw)/<token>/ \[POST\]", caplog.text)
    assert token not in caplog.text
