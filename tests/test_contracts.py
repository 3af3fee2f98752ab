"""Contracts recorded before the code moves (issue 14): every route with its endpoint name and
methods, every command with its options, every webhook payload's keys, and every kind of e-mail's
shape (its headers, MIME parts, subject pattern and the paths of its links, not its wording). The
magazine prints the URLs, e-mails already sent carry their links, scripts call the commands and
another CRM parses the payloads: a change here must be deliberate.

A deliberate change is recorded with `TASTEGET_RECORD_CONTRACTS=1 .venv/bin/pytest tests/test_contracts.py`,
and its diff under tests/contracts/ is what a reviewer reads.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click
import pytest

from intake.cli import main

RECORDED = Path(__file__).parent / "contracts"


def _compare(name: str, lines: list[str]) -> None:
    path = RECORDED / name
    text = "\n".join(lines) + "\n"
    if os.environ.get("TASTEGET_RECORD_CONTRACTS"):
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"recorded {path.name}")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: record it again only if the change is meant"


def test_every_route_keeps_its_path_endpoint_and_methods(intake_app):
    lines = sorted(
        f"{rule.rule} {rule.endpoint} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"
        for rule in intake_app.url_map.iter_rules()
    )
    _compare("routes.txt", lines)


def _commands(group: click.Group, ctx: click.Context, path: str) -> list[str]:
    """Each command's path, then its parameters: name, option strings, whether required or repeated."""
    lines = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        here = f"{path} {name}"
        lines.append(here)
        for param in command.params:
            kind = "option" if isinstance(param, click.Option) else "argument"
            flags = " ".join(sorted(getattr(param, "opts", []) + getattr(param, "secondary_opts", [])))
            extra = [word for word, on in (("required", param.required), ("multiple", param.multiple)) if on]
            lines.append(f"  {kind} {param.name}: {flags} {' '.join(extra)}".rstrip())
        if isinstance(command, click.Group):
            lines += _commands(command, click.Context(command, parent=ctx, info_name=name), here)
    return lines


def test_every_command_keeps_its_name_and_options():
    _compare("commands.txt", _commands(main, click.Context(main, info_name="tasteget"), "tasteget"))


def _paths(value, prefix: str = "") -> list[str]:
    """Every key path of a JSON document, e.g. `data.contact.email`."""
    if not isinstance(value, dict):
        return [prefix]
    return [path for key, inner in value.items() for path in _paths(inner, f"{prefix}.{key}" if prefix else key)]


def test_every_webhook_payload_keeps_its_shape():
    """The receiving CRM parses these (WEBHOOKS.md): each event type with every key path it sends."""
    from datetime import UTC, date, datetime

    from intake.models import Household, MagazineOrder
    from intake.notify import handoff

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    household = Household(reference="H-AAAA-AAAA", created_at=now, consented_at=now, status="moved")
    household.moved_to, household.moved_on, household.withdrawn_at = "are", date(2026, 11, 30), now
    order = MagazineOrder(reference="M-AAAA-AAAA", created_at=now, consented_at=now)
    deliveries = [
        handoff.household_registered(household),
        handoff.order_placed(order),
        handoff.status_changed(household, "decided", "moved", now),
        handoff.withdrawn(household, now),
        handoff.erased(household, now),
    ]
    lines = []
    for delivery in deliveries:
        payload = json.loads(delivery.body_text)
        lines += [payload["type"], *(f"  {path}" for path in sorted(_paths(payload)))]
    _compare("webhooks.txt", lines)


# The variable parts of an e-mail, as placeholders: what is left is what a change would break.
REFERENCE = re.compile(r"\b[HME]-[2-9A-Z]{4}-[2-9A-Z]{4}\b")
DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NUMBER = re.compile(r"\b\d+\b")
TOKEN = re.compile(r"(?<=/)[\w.-]{20,}(?=/)")  # a withdrawal or password link's token
FIXED_HEADERS = {"Auto-Submitted", "Content-Language", "MIME-Version"}  # recorded with their values


def _send_every_kind_of_email(app, client, rows, smtp) -> list:
    """Drive each e-mail the product sends through its real path (forms, the worker's events and
    jobs, the back office, a guide writing to a household), deliver them over SMTP, and return
    (outbox kind, language, message)."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import select

    from intake import db
    from intake.builtsite import content
    from intake.models import Household, MagazineOrder, OutboxMessage
    from intake.notify import emails, handoff, worker
    from intake.public import mylink

    from tests.support.intake_helpers import (
        ORDER,
        REGISTRATION,
        deliver_all,
        expand_events,
        hidden_fields,
        make_staff,
        staff_login,
        submit,
    )

    app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.refuse.add("refused@example.com")  # its order confirmation dies: the coordinator's dead letter
    # Registrations (guides' notices and the mover's confirmation, a guide's municipality and "not sure").
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "sv", "municipalities": ["berg"]})
    submit(client, "/en/register/", {**REGISTRATION, "email": "ben@example.com", "municipalities": ["unsure"]})
    # Magazine orders, each language, and one whose confirmation cannot be delivered.
    submit(client, "/bestall-magasinet/", ORDER)
    submit(client, "/en/order-magazine/", {**ORDER, "street": "Bygatan 2", "email": "order@example.com"})
    submit(client, "/en/order-magazine/", {**ORDER, "street": "Bygatan 3", "email": "refused@example.com"})
    expand_events(app)  # the registrations' notices, before the visit adds Åre to the unsure household's places
    # A try-out visit asked for by a household registered already (its guides told, the mover confirmed).
    first = datetime.now(UTC).date() + timedelta(days=20)
    visit = {"name": "Ben", "email": "ben@example.com", "country": "NO", "municipality": "are", "when": "dates"}
    visit |= {"wished_from": first.isoformat(), "wished_to": first.isoformat(), "privacy": "y"}
    assert submit(client, "/en/visit/", visit).status_code == 303
    expand_events(app)
    worker.run_jobs(app, now=datetime.now(UTC).replace(hour=9, minute=0) + timedelta(days=1))  # orders summary
    with app.app_context():
        session, site = db.session(), content.site()
        household = session.scalars(select(Household).order_by(Household.id)).first()
        for kind in ("reminder", "escalation", "settled_check"):  # as the hourly job writes them
            session.add_all(emails.follow_up(session, site, household, kind, 3))
        order = session.scalars(select(MagazineOrder).order_by(MagazineOrder.id)).first()
        webhook = handoff.order_placed(order)  # a webhook delivery given up
        webhook.attempts, webhook.last_error = 8, "HTTP 503"
        session.add_all(emails.dead_letter(session, site, webhook, order.reference))
        session.commit()
    deliver_all(app)
    # A new account's invitation and a forgotten password (the same kind and shape).
    admin = app.test_client()
    staff_login(admin, make_staff(app, "admin@staff.example", "admin"))
    token = hidden_fields(admin.get("/crm/accounts/").get_data(as_text=True))["csrf_token"]
    invite = {"csrf_token": token, "email": "ny@are.example", "name": "Ny", "role": "guide", "municipality": ["are"]}
    assert admin.post("/crm/accounts/", data=invite).status_code == 303
    other = app.test_client()
    token = hidden_fields(other.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
    other.post("/crm/password/forgot/", data={"csrf_token": token, "email": "admin@staff.example"})
    # A guide writes to the household (the Swedish one, in Berg) from its page: previewed, then sent.
    guide = app.test_client()
    staff_login(guide, make_staff(app, "guide@berg.example", "guide", ["berg"]))
    with app.app_context():
        reference = db.session().scalars(select(Household.reference).order_by(Household.id)).first()
    write = f"/crm/households/{reference}/write/"
    message = {"subject": f"Hej från Berg ({reference})", "text": "Hej!\n\nVälkommen hit.", "mark_contacted": "y"}
    token = hidden_fields(guide.get(write).get_data(as_text=True))["csrf_token"]
    preview = guide.post(write, data={"csrf_token": token, **message, "action": "preview"}).get_data(as_text=True)
    assert guide.post(write, data={**hidden_fields(preview), **message, "action": "send"}).status_code == 303
    # The guide marks it moved to Berg: it is welcomed, in Swedish.
    token = hidden_fields(guide.get(f"/crm/households/{reference}/").get_data(as_text=True))["csrf_token"]
    moved = {
        "csrf_token": token,
        "status": "moved",
        "moved_to": "berg",
        "moved_on": str(date.today() - timedelta(days=1)),
    }
    assert guide.post(f"/crm/households/{reference}/status/", data=moved).status_code == 303
    # The mover changes their details on their own page (its guides are told, and the old address of
    # the new one), then asks for their link.
    mover = app.test_client()
    page = mylink.path("sv", mylink.token(app.secret_key, reference, 0))
    token = hidden_fields(mover.get(page).get_data(as_text=True))["csrf_token"]
    change = {"name": "Anna", "email": "anna.ny@example.com", "contact_channel": "email", "contact_language": "sv"}
    change |= {"municipalities": ["berg"], "timeframe": "12m", "action": "update", "csrf_token": token}
    assert mover.post(page, data=change).status_code == 303
    token = hidden_fields(mover.get("/registrera/mitt/").get_data(as_text=True))["csrf_token"]
    assert (
        mover.post("/registrera/mitt/", data={"csrf_token": token, "email": "anna.ny@example.com"}).status_code == 303
    )
    deliver_all(app)
    # A registration held for being sent too fast (confirmed at once), deleted as a robot: the notice.
    app.config["MIN_FILL_SECONDS"] = 3600
    submit(client, "/en/register/", {**REGISTRATION, "email": "held@example.com", "municipalities": ["berg"]})
    app.config["MIN_FILL_SECONDS"] = 0
    deliver_all(app)
    coordinator = app.test_client()
    staff_login(coordinator, make_staff(app, "coord@staff.example", "coordinator"))
    with app.app_context():
        held = db.session().scalars(select(Household.reference).where(Household.quarantine_reason.is_not(None))).one()
    token = hidden_fields(coordinator.get(f"/crm/households/{held}/").get_data(as_text=True))["csrf_token"]
    delete = {"csrf_token": token, "action": "delete"}
    assert coordinator.post(f"/crm/households/{held}/quarantine/", data=delete).status_code == 303
    deliver_all(app)
    _sign_up_to_an_event(app, client)
    outbox = {m.message_id: m for m in rows(OutboxMessage)}
    return [(outbox[m["Message-ID"]].kind, outbox[m["Message-ID"]].language, m) for m in smtp.received]


def _sign_up_to_an_event(app, client) -> None:
    """An event's e-mails: signed up (sv), on the waiting list (en), the place that freed up when the
    first cancelled (en), the cancellation's receipt (sv), and the reminder the day before (en)."""
    from datetime import UTC, date, datetime, time
    from zoneinfo import ZoneInfo

    from intake.events import signups
    from intake.notify import worker

    from tests.events.conftest import SIGN_UP, make_event
    from tests.support.intake_helpers import deliver_all, fetch_form, submit

    events = app.extensions["site_content"].site.events
    events["kvall"] = make_event(days_ahead=1, capacity=1, sign_up_until=datetime.now(UTC).date())
    try:
        first = submit(client, "/evenemang/kvall/anmal/", {**SIGN_UP, "email": "lisa@example.com"})
        submit(client, "/en/events/kvall/sign-up/", {**SIGN_UP, "email": "leo@example.com"})
        deliver_all(app)
        reference = first.headers["Location"].rstrip("/").rsplit("/", 1)[1]
        token = signups.cancel_token(app.secret_key, reference)
        cancel = f"/evenemang/avboka/{token}/"
        assert client.post(cancel, data={"csrf_token": fetch_form(client, cancel)["csrf_token"]}).status_code == 303
        worker.run_jobs(app, datetime.combine(date.today(), time(10), ZoneInfo(app.config["TIMEZONE"])))
        deliver_all(app)
    finally:
        del events["kvall"]


def _placeholders(text: str, names: dict[str, str]) -> str:
    text = REFERENCE.sub("<reference>", " ".join(text.split()))  # a folded subject unfolds with its space
    for value, placeholder in names.items():
        text = text.replace(value, placeholder)
    return NUMBER.sub("<number>", DAY.sub("<day>", text))


def _header(message, name: str) -> str:
    if name == "Content-Type":
        return f"{name}: {message.get_content_type()}"  # without its boundary
    return f"{name}: {message[name]}" if name in FIXED_HEADERS else name


def _shape(kind: str, lang: str, message, public_url: str, names: dict[str, str]) -> list[str]:
    """An e-mail's kind and language, its headers in order (the fixed ones with their values), its
    MIME parts, its subject's pattern and the paths of its links to us, with the parts they are in."""
    headers = [_header(message, name) for name in message]
    parts = [f"{part.get_content_type()} {part.get_content_charset() or ''}".strip() for part in message.walk()]
    links: dict[str, set[str]] = {}
    for subtype, pattern in (("plain", r"https?://[^\s<>\"]+"), ("html", r'href="(https?://[^"]+)"')):
        for url in re.findall(pattern, message.get_body((subtype,)).get_content()):
            if url.startswith(public_url):
                path = TOKEN.sub("<token>", REFERENCE.sub("<reference>", url.removeprefix(public_url)))
                links.setdefault(path, set()).add(subtype)
    return [
        f"{kind} {lang}",
        f"  headers: {', '.join(headers)}",
        f"  parts: {', '.join(parts)}",
        f"  subject: {_placeholders(str(message['Subject']), names)}",
        *(f"  link: {path} ({', '.join(sorted(links[path]))})" for path in sorted(links)),
    ]


def test_every_email_keeps_its_kind_headers_subject_and_link_paths(mail_app, client, rows, smtp):
    """Links in e-mails already sent must keep working, and mail filters match kinds and subjects:
    each kind of e-mail, in each language it is sent in, with its shape (identical shapes once)."""
    from intake.builtsite import content

    with mail_app.app_context():
        site = content.site()
        # The test's event first: its title names a municipality.
        names = {"Informationskväll i Östersund": "<event>", "Information evening in Östersund": "<event>"}
        names.update({m.name: "<places>" for m in site.municipalities.values()})
        names[site.region.magazine.name] = "<magazine>"
        names[site.region.campaign] = "<campaign>"  # after the magazine: in our content they share a name
    public_url = mail_app.config["PUBLIC_URL"].rstrip("/")
    sent = _send_every_kind_of_email(mail_app, client, rows, smtp)
    shapes = {"\n".join(_shape(kind, lang, message, public_url, names)) for kind, lang, message in sent}
    assert [kind for kind, _, _ in sent].count("password_reset") == 2  # the invitation and the reset, one shape
    _compare("emails.txt", sorted(shapes))
