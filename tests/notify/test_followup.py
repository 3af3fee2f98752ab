"""Reminders and escalation: households must not go cold, and nobody is told twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from intake import db
from intake.accounts import users
from intake.models import Household, OutboxMessage
from intake.notify import worker
from intake.notify.followup import add_working_days, due

from tests.support.intake_helpers import REGISTRATION, submit


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-11-23", 3, "2026-11-26"),  # Monday + 3 = Thursday
        ("2026-11-26", 3, "2026-12-01"),  # Thursday + 3 = Tuesday, over the weekend
        ("2026-11-28", 1, "2026-11-30"),  # Saturday + 1 = Monday
        ("2026-11-27", 0, "2026-11-27"),
    ],
)
def test_working_days(start, days, expected):
    assert add_working_days(date.fromisoformat(start), days) == date.fromisoformat(expected)


def household(status="new", created="2026-11-23", moved_on=None, quarantine=None):
    h = Household(status=status, quarantine_reason=quarantine, moved_on=moved_on)
    h.created_at = datetime.fromisoformat(created + "T10:00:00+00:00")
    return h


@pytest.mark.parametrize(
    ("h", "today", "expected"),
    [
        (household(), "2026-11-25", []),
        (household(), "2026-11-26", ["reminder"]),
        (household(), "2026-11-28", ["reminder", "escalation"]),
        (household(status="contacted"), "2026-12-30", []),
        (household(quarantine="honeypot"), "2026-12-30", []),
        (household(status="moved", moved_on=date(2025, 11, 1)), "2026-11-01", ["settled_check"]),
        (household(status="moved", moved_on=date(2026, 1, 1)), "2026-11-01", []),
    ],
    ids=[
        "too early",
        "reminder due",
        "escalation due",
        "contacted",
        "quarantine",
        "a year after moving",
        "not yet a year",
    ],
)
def test_what_is_due(h, today, expected):
    assert due(h, date.fromisoformat(today), 3, 2, 365) == expected


def age(app, **changes):
    with app.app_context():
        s = db.session()
        for h in s.query(Household):
            for name, value in changes.items():
                setattr(h, name, value)
        s.commit()


def test_reminder_then_escalation_each_sent_once(app, client, rows):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["berg"]})
    now = datetime.now(UTC)
    age(app, created_at=now - timedelta(days=5))  # at least 3 working days ago, not yet 3 + 2
    start = len(rows(OutboxMessage))
    assert "follow_ups" in worker.run_jobs(app, now=now)
    assert "follow_ups" not in worker.run_jobs(app, now=now)  # once an hour
    reminders = [m for m in rows(OutboxMessage)[start:] if m.kind == "reminder"]
    assert [m.to_address for m in reminders] == ["inflytt@berg.example"]
    age(app, created_at=now - timedelta(days=9))
    worker.run_jobs(app, now=now + timedelta(hours=1))
    worker.run_jobs(app, now=now + timedelta(hours=2))
    kinds = [(m.kind, m.to_address) for m in rows(OutboxMessage)[start:]]
    assert kinds == [("reminder", "inflytt@berg.example"), ("escalation", "inflytt@region.example")]
    text = rows(OutboxMessage)[-1].body_text
    assert "Anna" not in text and "anna@example.com" not in text


def test_the_owner_is_asked_a_year_after_the_move(app, client, rows):
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    with app.app_context():
        s = db.session()
        owner = users.add(s, "owner@are.example", "Olle", "guide", ["are"], {"are"})
    age(app, status="moved", moved_to="are", moved_on=date.today() - timedelta(days=366), owner_id=owner.id)
    worker.run_jobs(app, now=datetime.now(UTC) + timedelta(hours=3))
    [check] = [m for m in rows(OutboxMessage) if m.kind == "settled_check"]
    assert check.to_address == "owner@are.example"
    assert check.subject.startswith("Har hushåll ") and check.subject.endswith(" rotat sig?")
