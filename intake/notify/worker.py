"""The worker: sends what waits in the outbox, and runs the scheduled jobs.

Production needs the web app and one worker (or more: they never send a message twice).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from intake import db
from intake.accounts import resets
from intake.builtsite import content
from intake.events import mail as event_mail
from intake.events import signups
from intake.models import EventSignUp, Household, JobRun, MagazineOrder, OutboxMessage, utcnow
from intake.notify import emails, followup, handoff, mail, mime, mylinks, outbox, webhook

log = logging.getLogger("intake.worker")  # a log name operators filter on: it stays when the module moves


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def send_due(app: Flask, worker: str | None = None, now: datetime | None = None) -> int:
    """Claim due messages and try to send them once; return how many were tried. Those the lease
    would not cover (see `_in_time`) are handed back untried."""
    worker = worker or worker_name()
    config = app.config
    with app.app_context():
        session = db.session()
        campaign = content.site().region.campaign  # the name messages are sent in, read before any is claimed
        lease_ends = time.monotonic() + config["MAIL_LEASE_SECONDS"]
        batch = outbox.claim(session, worker, config["MAIL_BATCH"], config["MAIL_LEASE_SECONDS"], now or utcnow())
        if not batch:
            return 0
        waiting = list(batch)
        try:
            with mail.transport(config, campaign) as transport:
                while waiting and _in_time(lease_ends, transport.timeout):
                    _send_one(app, session, transport, waiting[0], worker)
                    waiting.pop(0)  # only now: a message whose sending broke the connection is failed below
        except Exception as exc:  # noqa: BLE001 - the connection failed: the rest of the batch waits for a retry
            error = mail.describe_error(exc)
            for message in waiting:
                _failed(app, session, message, worker, error)
            return len(batch)
        outbox.release(session, waiting, worker)
        return len(batch) - len(waiting)


def _in_time(lease_ends: float, attempt: float) -> bool:
    """Whether one more attempt, cut off at its deadline, still ends within the batch's lease: past
    it another worker may take the message over, and both would send it. (`outbox.check_lease`
    makes the lease long enough for a batch's first attempt.)"""
    return time.monotonic() + attempt < lease_ends


def expand_events(app: Flask, worker: str | None = None, now: datetime | None = None) -> int:
    """Turn due events (a household registered or held, an order placed, a password link asked for) into the
    e-mails about them, which are then due at once; return how many events were handled."""
    worker = worker or worker_name()
    config = app.config
    with app.app_context():
        session = db.session()
        events = outbox.claim(
            session, worker, config["MAIL_BATCH"], config["MAIL_LEASE_SECONDS"], now or utcnow(), events=True
        )
        for event in events:
            _expand(app, session, event, worker)
        return len(events)


def _expand(app, session, event: OutboxMessage, worker: str) -> None:
    """Turn an event into the e-mails about it (and the delivery to another CRM, when one is
    configured), in one transaction with marking it done, so they are written once even when a
    worker dies half-way or loses its lease to another."""
    site = content.site()
    hand_off = webhook.enabled(app.config)
    try:
        if event.kind == outbox.PASSWORD_RESET_REQUESTED:
            resets.answer_request(session, event)
            outgoing = []
        elif event.kind == outbox.MOVER_LINK_REQUESTED:
            outgoing = mylinks.answer_request(session, event, site)
        elif event.kind in outbox.SIGN_UP_EVENTS:
            outgoing = event_mail.for_event(session, event, site)
        elif event.kind == outbox.HOUSEHOLD_HELD:
            household = session.get(Household, event.household_id) if event.household_id else None
            # Held in the quarantine (or released since): the mover's confirmation only, once.
            told = household is not None and household.withdrawn_at is None and household.erased_at is None
            outgoing = emails.confirmation(session, household, site) if told else []
        elif event.kind == outbox.VISIT_REQUESTED:
            household = session.get(Household, event.household_id) if event.household_id else None
            told = household is not None and household.withdrawn_at is None and household.erased_at is None
            outgoing = emails.for_visit_request(session, household, site) if told else []
        elif event.kind == outbox.HOUSEHOLD_MOVED:
            household = session.get(Household, event.household_id) if event.household_id else None
            # Taken back before the move, withdrawn or erased since: no welcome.
            told = (
                household is not None
                and household.status in ("moved", "settled")
                and household.withdrawn_at is None
                and household.erased_at is None
            )
            outgoing = emails.for_moved_household(session, household, site) if told else []
        elif event.kind == outbox.HOUSEHOLD_REGISTERED:
            household = session.get(Household, event.household_id) if event.household_id else None
            told = (
                household is not None
                and household.quarantine_reason is None
                and household.withdrawn_at is None
                and household.erased_at is None
            )
            outgoing = emails.for_new_household(session, household, site) if told else []
            if told and hand_off:
                outgoing.append(handoff.household_registered(household))
        else:
            order = session.get(MagazineOrder, event.order_id) if event.order_id else None
            told = order is not None and order.quarantine_reason is None and order.erased_at is None
            outgoing = emails.for_new_order(session, order, site) if told else []
            if told and hand_off:
                outgoing.append(handoff.order_placed(order))
        if outbox.complete(session, event, worker, utcnow()):
            session.add_all(outgoing)
            session.commit()
        else:
            session.rollback()
    except Exception as exc:  # noqa: BLE001 - the event waits and is tried again, like a message
        session.rollback()
        _failed(app, session, event, worker, type(exc).__name__)


def send_webhooks(app: Flask, worker: str | None = None, now: datetime | None = None) -> int:
    """Claim due deliveries to the other CRM and POST each once; return how many were tried.

    2xx is delivered; a 4xx other than 408/429 is refused for good (dead at once, the coordinator is
    told); anything else, or no answer, is tried again later with the mail's backoff. Mail comes
    first: when an e-mail (or an event, which becomes e-mails) is due, the rest of the batch is handed
    back untried, so a slow receiver holds up a password reset by one delivery at most."""
    config = app.config
    if not webhook.enabled(config):
        return 0  # deliveries written before WEBHOOK_URL was unset wait until it is set again
    worker = worker or worker_name()
    with app.app_context():
        session = db.session()
        lease_ends = time.monotonic() + config["MAIL_LEASE_SECONDS"]
        batch = outbox.claim(
            session, worker, config["MAIL_BATCH"], config["MAIL_LEASE_SECONDS"], now or utcnow(), webhooks=True
        )
        waiting, unreachable = list(batch), None
        while waiting and not unreachable and _in_time(lease_ends, config["WEBHOOK_TIMEOUT_SECONDS"]):
            # One delivery at least per round, so that a steady stream of mail cannot starve the hand-off.
            if len(waiting) < len(batch) and outbox.mail_waiting(session, utcnow()):
                break
            unreachable = _deliver(app, session, waiting.pop(0), worker)
        if unreachable:  # the endpoint did not answer: the rest of the batch waits instead of timing out too
            for message in waiting:
                _failed(app, session, message, worker, unreachable)
            return len(batch)
        outbox.release(session, waiting, worker)
        return len(batch) - len(waiting)


def _deliver(app, session, message: OutboxMessage, worker: str) -> str | None:
    """POST one delivery and record how it went; return the error when the endpoint did not answer."""
    config = app.config
    result = webhook.post(
        config["WEBHOOK_URL"],
        config["WEBHOOK_SECRET"],
        message.message_id,
        message.body_text.encode("utf-8"),
        config["WEBHOOK_TIMEOUT_SECONDS"],
    )
    # The type, the key and the answer only: the body is personal data.
    log.info("webhook %s %s (%s): %s", message.id, message.subject, message.message_id, result.status or result.error)
    if result.delivered:
        outbox.mark_sent(session, message, worker, utcnow())
        return None
    _failed(app, session, message, worker, result.error, permanent=result.permanent)
    return result.error if result.status is None else None


def _send_one(app, session, transport, message: OutboxMessage, worker: str) -> None:
    try:
        result = transport.send(mime.Outgoing.of(message))
    except Exception as exc:  # noqa: BLE001 - one message's failure must not stop the batch
        if not _connection_lost(exc):
            # A message that fails the header check would fail it every time: it dies at once.
            unsafe = isinstance(exc, mime.UnsafeMessage)
            _failed(app, session, message, worker, mail.describe_error(exc), permanent=unsafe)
            return
        raise
    outbox.mark_sent(session, message, worker, utcnow())
    log.info("outbox message %s (%s) %s", message.id, message.kind, result)


def _connection_lost(exc: Exception) -> bool:
    import smtplib

    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError)


def _failed(app, session, message: OutboxMessage, worker: str, error: str, permanent: bool = False) -> None:
    """Record a failed attempt: tried again after a backoff, or (after the last attempt, or at once
    when `permanent`) dead, and the coordinator is told."""
    config = app.config
    delay = outbox.backoff(message.attempts + 1, config["MAIL_BACKOFF_SECONDS"], config["MAIL_BACKOFF_CAP_SECONDS"])
    max_attempts = message.attempts + 1 if permanent else config["MAIL_MAX_ATTEMPTS"]
    dead = outbox.mark_failed(session, message, worker, error, utcnow(), max_attempts, delay)
    log.warning("outbox message %s (%s) attempt %d failed: %s", message.id, message.kind, message.attempts, error)
    if dead:
        log.error("outbox message %s (%s) is dead after %d attempts", message.id, message.kind, message.attempts)
        try:
            for alert in emails.dead_letter(session, content.site(), message, _reference(session, message)):
                session.add(alert)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - the message stays dead and visible even if the alert fails
            session.rollback()
            log.error("could not queue the alert about message %s (%s)", message.id, type(exc).__name__)


def _reference(session, message: OutboxMessage) -> str | None:
    """The household's or order's reference, to name in the alert (never its personal data)."""
    if message.household_id:
        household = session.get(Household, message.household_id)
        return household.reference if household else None
    if message.order_id:
        order = session.get(MagazineOrder, message.order_id)
        return order.reference if order else None
    if message.sign_up_id:
        sign_up = session.get(EventSignUp, message.sign_up_id)
        return sign_up.reference if sign_up else None
    return None


def run_jobs(app: Flask, now: datetime | None = None) -> list[str]:
    """Run the scheduled jobs that are due; return the names of those that ran."""
    now = now or utcnow()
    ran = []
    with app.app_context():
        local = now.astimezone(ZoneInfo(app.config["TIMEZONE"]))
        if local.hour >= app.config["ORDERS_SUMMARY_HOUR"] and _orders_summary(app, local):
            ran.append("orders_summary")
        if _follow_ups(app, local):
            ran.append("follow_ups")
        if event_mail.reminders_due(local, app.config["EVENT_REMINDER_HOUR"]) and _event_reminders(local):
            ran.append("event_reminders")
        if signups.give_out_free_places(db.session(), content.site().events, now):
            ran.append("event_places")
    return ran


def _event_reminders(local: datetime) -> bool:
    """The day-before reminders of events, looked for once an hour (from EVENT_REMINDER_HOUR on) by
    one worker; each sign-up is reminded once, whichever hour: see `events.mail.reminders`."""
    session = db.session()
    session.add(JobRun(job="event_reminders", period=local.strftime("%Y-%m-%dT%H")))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    event_mail.reminders(session, content.site(), local.date())
    session.commit()
    return True


def _follow_ups(app: Flask, local: datetime) -> bool:
    """Reminders, escalations and the settled check, looked for once an hour by one worker."""
    session = db.session()
    session.add(JobRun(job="follow_ups", period=local.strftime("%Y-%m-%dT%H")))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    config, today, site = app.config, local.date(), content.site()
    working, escalation, settled = (
        config["REMINDER_WORKING_DAYS"],
        config["ESCALATION_DAYS"],
        config["SETTLED_CHECK_DAYS"],
    )
    for household in followup.candidates(session, today, working, settled):
        for kind in followup.due(household, today, working, escalation, settled):
            if followup.once(session, kind, household.id):
                days = working if kind != "settled_check" else settled
                session.add_all(emails.follow_up(session, site, household, kind, days))
    session.commit()
    return True


def _orders_summary(app: Flask, local: datetime) -> bool:
    """Yesterday's magazine orders, summed up for the coordinator once a day."""
    day = (local - timedelta(days=1)).date()
    session = db.session()
    session.add(JobRun(job="orders_summary", period=day.isoformat()))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False  # already done, here or by another worker
    # The local day's bounds in UTC, as the times are stored (SQLite compares them as text); a day
    # of a clock change is 23 or 25 hours long.
    start, end = (
        datetime.combine(d, datetime.min.time(), local.tzinfo).astimezone(UTC) for d in (day, day + timedelta(days=1))
    )
    rows = session.execute(
        select(MagazineOrder.country, func.count(MagazineOrder.id))
        .where(MagazineOrder.created_at >= start, MagazineOrder.created_at < end)
        .where(MagazineOrder.quarantine_reason.is_(None))
        .group_by(MagazineOrder.country)
        .order_by(func.count(MagazineOrder.id).desc())
    ).all()
    count = sum(n for _, n in rows)
    if count:
        for message in emails.orders_summary(session, content.site(), day.isoformat(), count, [tuple(r) for r in rows]):
            session.add(message)
    session.commit()
    return True


def run(app: Flask, stop: threading.Event, poll: float | None = None) -> None:
    """Send and run jobs until `stop` is set; sleep `poll` seconds when there is nothing to do."""
    poll = app.config["WORKER_POLL_SECONDS"] if poll is None else poll
    worker = worker_name()
    log.info("worker %s started", worker)
    while not stop.is_set():
        try:
            sent = expand_events(app, worker)
            sent += send_due(app, worker)
            sent += send_webhooks(app, worker)
            run_jobs(app)
        except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the worker; it tries again
            # The type only: database errors can quote the personal data they were given.
            log.error("worker round failed (%s); trying again in %s s", type(exc).__name__, poll)
            sent = 0
        if not sent:
            stop.wait(poll + random.uniform(0, poll / 4))
