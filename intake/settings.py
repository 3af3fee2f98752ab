"""Configuration: safe development defaults, overridden by environment variables of the same name."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from intake.ops import private_files

PROJECT = Path(__file__).resolve().parent.parent
# In a checkout the content and the built site sit beside the code. An installed package has
# neither (the wheel ships code, not content): there they have no default, and `require` says so.
IN_CHECKOUT = (PROJECT / "pyproject.toml").is_file()

DEFAULTS = {
    # Where the campaign's content and the built site are.
    "CONTENT_DIR": str(PROJECT / "content") if IN_CHECKOUT else None,
    "SITE_DIR": str(PROJECT / "site") if IN_CHECKOUT else None,
    # The CRM database; None means an SQLite file in the instance folder.
    "DATABASE_URL": None,
    # Abuse defences.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_FORMS": "10 per minute;60 per hour",
    "RATELIMIT_EVENT_SIGN_UPS": "20 per day",  # sign-ups to one event from one client address
    "TRUSTED_PROXIES": 0,  # how many proxies in front of us set X-Forwarded-For
    "MIN_FILL_SECONDS": 3,  # faster than this is a robot; the submission goes to quarantine
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Cookies: HttpOnly and SameSite always; Secure unless running on local http.
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": True,  # `tasteget serve` turns it off: it serves plain http on this machine
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "BABEL_DEFAULT_LOCALE": "sv",
    # Mail: SMTP from MAIL_URL (smtp://user:password@host:587?starttls=true or smtps://…);
    # unset, messages are written as .eml files to MAIL_DIR (default instance/mail/).
    "MAIL_URL": None,
    "MAIL_FROM": "noreply@localhost",
    "MAIL_DIR": None,
    "PUBLIC_URL": "http://127.0.0.1:8000",  # where links in messages point (`tasteget serve`: its own port)
    "MAIL_BATCH": 20,
    "MAIL_LEASE_SECONDS": 300,  # a claimed message returns to the queue if its worker dies
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_BACKOFF_SECONDS": 30,
    "MAIL_BACKOFF_CAP_SECONDS": 3600,
    "MAIL_DAILY_LIMIT_PER_ADDRESS": 3,  # messages a day to one address typed into a form
    # E-mails about one event to one address (sign-up, place, reminder, cancellation; again after a
    # cancel and a new sign-up): past it, a new sign-up's confirmation is not sent. Not in the above.
    "MAIL_EVENT_LIMIT_PER_ADDRESS": 8,
    "MY_REGISTRATION_LINK_DAYS": 30,  # how long a link to the mover's own page ("My registration") works
    "WORKER_POLL_SECONDS": 2,
    "ORDERS_SUMMARY_HOUR": 7,  # the coordinator's daily summary of magazine orders, local time
    # The region's time zone: its day for "today" and the orders summary, and the times the back office
    # shows (every time is stored in UTC).
    "TIMEZONE": "Europe/Stockholm",
    # The hand-off to another CRM: each new household, order and status change is POSTed there as
    # signed JSON (see WEBHOOKS.md). Unset, nothing is handed off or written.
    "WEBHOOK_URL": None,
    "WEBHOOK_SECRET": None,  # required with WEBHOOK_URL: the receiver checks signatures with it
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    # Follow-up reminders (through the outbox, by the worker).
    "REMINDER_WORKING_DAYS": 3,  # not contacted within this many working days: the guides are reminded
    "ESCALATION_DAYS": 2,  # ...and this many days later the coordinator is told
    "SETTLED_CHECK_DAYS": 365,  # after a move, the owner is asked whether the household has settled
    # The back office.
    "STAFF_LANGUAGE": "sv",
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_SESSION_HOURS": 12,  # the absolute limit of a login, however active
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",  # per address and per account
    "PASSWORD_RESET_MINUTES": 30,
    "ACCOUNT_INVITE_HOURS": 72,  # how long a new account's link to choose a password works
    "TOTP_REQUIRED_ROLES": "",  # e.g. "coordinator,admin": those roles must use a second factor
    "TOTP_ISSUER": "tasteget",  # the name authenticator apps show
    # Data protection, from the region's decisions (see the privacy notice in content/pages/).
    "LEGAL_BASIS": "consent",  # or public_task: recorded with every household and order
    "RETENTION_MONTHS": 24,  # households with no activity this long are erased by `tasteget purge`
    "ORDER_RETENTION_DAYS": 90,  # magazine orders are erased this long after they were sent
    # Event sign-ups: the needs for the day (accessibility, diet: they can reveal health or religion)
    # are erased this many days after the event; the rest of a sign-up RETENTION_MONTHS after it.
    "EVENT_NEEDS_DAYS": 30,
    # The reminder of an event goes the day before, from this hour (local time) on: not at midnight.
    "EVENT_REMINDER_HOUR": 9,
}

# Settings read as numbers or booleans from the environment.
INTS = {
    "TRUSTED_PROXIES",
    "MIN_FILL_SECONDS",
    "MAX_CONTENT_LENGTH",
    "WTF_CSRF_TIME_LIMIT",
    "MAIL_BATCH",
    "MAIL_LEASE_SECONDS",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_BACKOFF_SECONDS",
    "MAIL_BACKOFF_CAP_SECONDS",
    "MAIL_DAILY_LIMIT_PER_ADDRESS",
    "MAIL_EVENT_LIMIT_PER_ADDRESS",
    "MY_REGISTRATION_LINK_DAYS",
    "WORKER_POLL_SECONDS",
    "WEBHOOK_TIMEOUT_SECONDS",
    "ORDERS_SUMMARY_HOUR",
    "STAFF_IDLE_MINUTES",
    "REMINDER_WORKING_DAYS",
    "ESCALATION_DAYS",
    "SETTLED_CHECK_DAYS",
    "STAFF_SESSION_HOURS",
    "RETENTION_MONTHS",
    "ORDER_RETENTION_DAYS",
    "EVENT_NEEDS_DAYS",
    "EVENT_REMINDER_HOUR",
    "PASSWORD_RESET_MINUTES",
    "ACCOUNT_INVITE_HOURS",
}
BOOLS = {"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"}
HOURS = {"ORDERS_SUMMARY_HOUR", "EVENT_REMINDER_HOUR"}  # hours of the day, local time


def from_environment(environ=os.environ) -> dict:
    """Every known setting that the environment sets, converted to its type."""
    out = {}
    for key in [*DEFAULTS, "SECRET_KEY"]:
        if key not in environ:
            continue
        value = environ[key]
        if key in INTS:
            try:
                value = int(value)
            except ValueError:
                raise ValueError(f"{key} must be a whole number, got {value!r}") from None
            if key in HOURS and not 0 <= value <= 23:
                raise ValueError(f"{key} must be an hour from 0 to 23, got {value}")
        elif key in BOOLS:
            value = value.strip().lower() in ("1", "true", "yes", "on")
        elif key == "LEGAL_BASIS" and value not in ("consent", "public_task"):
            raise ValueError(f"LEGAL_BASIS must be consent or public_task, got {value!r}")
        out[key] = value
    return out


# The settings without a default outside a checkout, and what they name.
REQUIRED = {"CONTENT_DIR": "the content folder", "SITE_DIR": "the folder the site is built into"}


def require(config) -> None:
    """Say in one line which settings an installed package needs and the environment left out."""
    missing = [f"{key} ({what})" for key, what in REQUIRED.items() if not config.get(key)]
    if missing:
        raise ValueError(f"set {' and '.join(missing)}: an installed tasteget has no content or site of its own")


def instance_folder(instance: Path) -> Path:
    """The instance folder, made if need be; if it cannot be (an installed package's is in its
    prefix, which a service account may not write), one line naming the settings that replace it."""
    try:
        private_files.folder(instance)
        reason = None if os.access(instance, os.W_OK | os.X_OK) else "not writable"
    except OSError as exc:
        reason = exc.strerror
    if reason:
        raise ValueError(
            f"cannot use the instance folder {instance} ({reason}): "
            "set SECRET_KEY and DATABASE_URL (and MAIL_URL or MAIL_DIR)"
        )
    return instance


def local_url(host: str, port: int) -> str:
    """The address of a development server listening on `host`:`port`, as a link on this machine."""
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # every interface: this one will do
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def development_secret(instance: Path) -> str:
    """A random secret generated once into the instance folder (never committed)."""
    path = instance / "secret_key"
    if not path.exists():
        instance_folder(instance)
        private_files.write(path, secrets.token_hex(32).encode())
    return path.read_text(encoding="utf-8").strip()


def sqlite_url(instance: Path) -> str:
    instance_folder(instance)
    return f"sqlite:///{instance / 'tasteget.db'}"
