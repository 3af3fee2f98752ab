"""The day-before reminder goes from EVENT_REMINDER_HOUR on (the region's local time), not in the
worker's first run after midnight; once per sign-up whichever hour it goes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from intake.events import mail
from intake.models import OutboxMessage
from intake.notify import worker

from tests.events.conftest import make_event, reference_of, sign_up


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


WINTER, SUMMER = date(2027, 2, 12), date(2027, 6, 11)  # Stockholm at UTC+1, at UTC+2


@pytest.mark.parametrize(
    ("now", "starts_on", "hour", "reminded"),
    [
        ("2027-02-10T23:30", WINTER, 9, False),  # 00:30 on the day before: just after midnight
        ("2027-02-11T07:59", WINTER, 9, False),  # 08:59
        ("2027-02-11T08:00", WINTER, 9, True),  # 09:00
        ("2027-02-11T22:59", WINTER, 9, True),  # 23:59, the day before's last run
        ("2027-02-11T23:00", WINTER, 9, False),  # 00:00 on the day itself: too late for "tomorrow"
        ("2027-06-10T06:59", SUMMER, 9, False),  # 08:59 in summer time
        ("2027-06-10T07:00", SUMMER, 9, True),  # 09:00 in summer time
        ("2027-02-10T23:30", WINTER, 0, True),  # from midnight, if the region wants it so
        ("2027-02-11T15:00", WINTER, 17, False),  # 16:00, a later hour set
        ("2027-02-11T16:00", WINTER, 17, True),
        ("2027-02-10T10:00", WINTER, 9, False),  # two days before
    ],
)
def test_the_reminder_goes_the_day_before_from_the_set_hour(
    mail_app, client, events, rows, now, starts_on, hour, reminded
):
    mail_app.config["EVENT_REMINDER_HOUR"] = hour
    events(kvall=make_event(starts_on=starts_on))
    reference_of(sign_up(client, "kvall"))
    worker.run_jobs(mail_app, _utc(now))
    worker.run_jobs(mail_app, _utc(now))  # the same hour again, or a second worker: nothing more
    assert len([m for m in rows(OutboxMessage) if m.kind == "event_reminder"]) == (1 if reminded else 0)


@pytest.mark.parametrize(
    ("local", "hour", "due"),
    [("00:00", 9, False), ("08:59", 9, False), ("09:00", 9, True), ("23:59", 9, True), ("00:00", 0, True)],
)
def test_reminders_are_due_from_the_hour(local, hour, due):
    assert mail.reminders_due(datetime.fromisoformat(f"2027-02-11T{local}"), hour) is due
