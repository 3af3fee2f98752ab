"""Filling in the intake's forms as a browser would: fetch the form, keep its hidden fields, post."""

from __future__ import annotations

import os
import re
import uuid
from html import unescape
from pathlib import Path

from intake import settings

from tests.support.helpers import ROOT, tasteget

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>|<input[^>]*name="website"[^>]*>')
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')

REGISTRATION = {
    "name": "Anna Andersson",
    "email": "anna@example.com",
    "phone": "070-123 45 67",
    "contact_channel": "phone",
    "contact_language": "en",
    "country": "NO",
    "place": "Trondheim",
    "occupation": "Sjuksköterska",
    "work_sought": "Sjuksköterska på vårdcentral",
    "partner_occupation": "Snickare",
    "partner_work_sought": "Egen firma",
    "children_count": "2",
    "children_ages": "3, 7",
    "municipalities": ["are", "ostersund"],
    "seeks": ["job", "partner_job", "housing", "visit"],
    "housing_tenure": "buy",
    "housing_types": ["house", "farm"],
    "housing_setting": "village",
    "timeframe": "6m",
    "message": "Vi längtar efter fjällen.\r\nOch efter lugnet.",
    "heard_from": "social",
    "privacy": "y",
}

ORDER = {
    "name": "Bo Berg",
    "street": "Storgatan 1",
    "postal_code": "83131",
    "city": "Östersund",
    "country": "SE",
    "email": "bo@example.com",
    "privacy": "y",
}


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = unescape(attrs.get("value", ""))
    return fields


def fetch_form(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.get_data(as_text=True))


def submit(client, url: str, data: dict, form: dict | None = None, **kwargs):
    """Post `data` with the hidden fields of a freshly fetched form (or of `form`)."""
    fields = dict(form if form is not None else fetch_form(client, url))
    fields.update(data)
    return client.post(url, data=fields, **kwargs)


def errors_in(html: str) -> dict[str, str]:
    """The error shown next to each field: {field id: message}."""
    return {
        field: unescape(re.sub(r"<[^>]+>", "", message)).replace("Error:", "").replace("Fel:", "").strip()
        for field, message in re.findall(r'<p class="ts-field-error" id="([\w-]+)-error">(.*?)</p>', html, re.S)
    }


# One per test run (process): test runs sharing a Redis server never touch each other's limits.
RUN_PREFIX = f"tasteget-test-{uuid.uuid4().hex[:8]}"


def intake_config(database_url: str, site_dir: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SITE_DIR": str(site_dir),
        "CONTENT_DIR": str(ROOT / "content"),
        "MIN_FILL_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
        "RATELIMIT_FORMS": "1000 per minute",
        "RATELIMIT_EVENT_SIGN_UPS": "1000 per day",
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL", "memory://"),
        "RATELIMIT_KEY_PREFIX": f"tasteget-test-{uuid.uuid4().hex[:8]}",
        # The storage's own prefix too: resetting the limits between tests deletes every key under
        # it, so with the default ("LIMITS") one run's reset would clear another run's counters.
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": RUN_PREFIX},
    }
    return {**settings.DEFAULTS, **config, **overrides}


STAFF_PASSWORD = "fjällbjörk och midnattssol"
MUNICIPALITIES = {"are", "berg", "bracke", "harjedalen", "krokom", "ostersund", "ragunda", "stromsund"}


def make_staff(app, email: str, role: str, municipalities=(), password: str = STAFF_PASSWORD):
    """A staff account with a password, straight into the database."""
    from intake import db
    from intake.accounts import users

    with app.app_context():
        session = db.session()
        user = users.add(session, email, email.split("@")[0].title(), role, list(municipalities), MUNICIPALITIES)
        users.set_password(session, user, password)
    return email


def staff_login(client, email: str, password: str = STAFF_PASSWORD, **kwargs):
    """Log in through the real form, with its CSRF token."""
    form = hidden_fields(client.get("/crm/login/").get_data(as_text=True))
    return client.post("/crm/login/", data={**form, "email": email, "password": password}, **kwargs)


def expand_events(app) -> int:
    """What the worker does first in each round: turn the outbox's events (a household registered,
    an order placed) into the e-mails about them. Returns how many events there were."""
    from intake.notify import worker

    total = 0
    while handled := worker.expand_events(app, "test-worker"):
        total += handled
    return total


def emails(messages):
    """The outbox's e-mails, its events and webhook deliveries left out."""
    from intake.notify import outbox

    return [m for m in messages if m.kind not in (*outbox.EVENT_KINDS, outbox.WEBHOOK)]


def register(client, **changes) -> str:
    """Register a household through the form (REGISTRATION with `changes`), let the worker write its
    e-mails, and return its reference."""
    response = submit(client, "/registrera/", {**REGISTRATION, **changes})
    assert response.status_code == 303
    expand_events(client.application)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def deliver_all(app, rounds=20):
    """Try every due message once per round, as if each round came after the retry wait."""
    from datetime import timedelta

    from intake.models import utcnow
    from intake.notify import worker

    for _ in range(rounds):
        now = utcnow() + timedelta(days=1)
        tried = 0
        while worker.expand_events(app, "test-worker", now=now) + worker.send_due(app, "test-worker", now=now):
            tried += 1
            now = utcnow() + timedelta(seconds=1)  # messages that failed in this round wait for the next
        if not tried:
            return


def app_env(app) -> dict:
    """The environment that points the real `tasteget` command at the test's database and site."""
    return {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "CONTENT_DIR": app.config["CONTENT_DIR"],
        "SITE_DIR": app.config["SITE_DIR"],
    }


COORDINATOR = "samordnare@region.example"


def service_with_coordinator(tmp_path: Path, built_site: Path, **settings: str) -> dict:
    """The environment of a service run as a process on an SQLite file in `tmp_path` (mail to files,
    the worker polling every second), migrated and with the coordinator COORDINATOR, who logs in
    with STAFF_PASSWORD. `settings` are added to the environment or replace its values."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}",
        "SITE_DIR": str(built_site),
        "MAIL_DIR": str(tmp_path / "mail"),
        "MIN_FILL_SECONDS": "0",
        "WORKER_POLL_SECONDS": "1",
        **settings,
    }
    assert tasteget("db", "upgrade", env=env).returncode == 0
    added = tasteget(
        "user", "add", "--email", COORDINATOR, "--role", "coordinator", "--password", STAFF_PASSWORD, env=env
    )
    assert added.returncode == 0, added.stderr
    return env


def old_household_row(reference: str, at, **changes) -> dict:
    """A household row as a migration test inserts it into an older schema: the columns every
    version has had, registered `at`; the caller drops the keys its schema lacks."""
    return {
        "reference": reference,
        "submission_id": (reference * 8)[:32],
        "form_language": "sv",
        "privacy_version": "v1",
        "consented_at": at,
        "created_at": at,
        "contact_channel": "email",
        "contact_language": "sv",
        "place": "P",
        "name": "X",
        "email": "x@example.com",
        "timeframe": "6m",
        "country": "SE",
        "status": "new",
        "children_count": 0,
        "children_ages": [],
        "unsure": False,
        "seeks": [],
        "housing_types": [],
        "legal_basis": "consent",
        "purpose": "",
        **changes,
    }


def log_in(page, email: str, password: str = STAFF_PASSWORD) -> None:
    """Log in to the back office through its form in a browser page (Swedish labels)."""
    page.goto("/crm/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
