"""What staff read for what is stored: the back office shows names and sentences in its language
(`STAFF_LANGUAGE`) where the database keeps keys and slugs, and times in the region's time zone
(`TIMEZONE`) where the database keeps UTC. What is stored stays as it is.

The templates use these as filters: `when` and `day_of` (a stored time, local), `place` and
`places` (municipality slugs), `status_name`, `quarantine_reason`, `message_kind`, `message_status`, `hand_off`,
`role_name`, `record_name`, `language_name`, `event_kind`, `sign_up_status`, `event_type`, `event_title` and
`audit_detail`. A key this module does not know is
shown as it is: a new kind of step or message reads oddly until it is named here, and nothing is hidden.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from babel import Locale
from flask import Flask, g
from flask_babel import format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake import choices
from intake.builtsite import content

QUARANTINE_REASONS = {
    "honeypot": _l("a field hidden from people was filled in"),
    "no-start-time": _l("the form was sent without being opened first"),
    "replayed": _l("a copy of another submission"),
    "too-fast": _l("sent faster than a person could fill it in"),
}
# The steps of a household's timeline (HouseholdEvent.kind), as the audit log names them.
EVENT_KINDS = {
    "status": _l("status"),
    "note": _l("note"),
    "note_edited": _l("note edited"),
    "note_removed": _l("note removed"),
    "owner": _l("owner"),
    "move": _l("move"),
    "visit": _l("visit"),
    "follow_up": _l("follow-up date"),
    "municipalities": _l("municipalities"),
    "import": _l("imported from the previous CRM"),
    "quarantine": _l("released from quarantine"),
    "contact": _l("introduced to a contact"),
    "merge": _l("merged with a duplicate"),
    "message": _l("wrote to the household"),
    "mover_details": _l("changed by the household"),
    "mover_places": _l("municipalities changed by the household"),
    "visit_requested": _l("try-out visit requested"),
    "visit_confirmed": _l("try-out visit confirmed"),
    "ambassador": _l("introduced to an ambassador"),
    "event": _l("an event"),
}
# What an audit entry is about (AuditEntry.record), when it names no reference.
RECORDS = {
    "household": _l("household"),
    "order": _l("magazine order"),
    "orders": _l("magazine orders"),
    "calendar_feed": _l("calendar feed"),
    "event": _l("event"),
    "sign_up": _l("event sign-up"),
}
MESSAGE_KINDS = {
    "guide_new_household": _l("new household, to its guides"),
    "household_message": _l("a guide's message to the household"),
    "mover_confirmation": _l("confirmation to the mover"),
    "order_confirmation": _l("order confirmation"),
    "mover_removal": _l("removal notice to the mover"),
    "orders_summary": _l("daily summary of orders"),
    "dead_letter": _l("undelivered-message alert"),
    "reminder": _l("reminder: not contacted"),
    "escalation": _l("escalation: still not contacted"),
    "settled_check": _l("has it settled?"),
    "password_reset": _l("password link"),
    "webhook": _l("hand-off to the other CRM"),
    "mover_link": _l("link to the household's own page"),
    "mover_address_changed": _l("new address, to the old one"),
    "guide_household_changed": _l("the household's changes, to its guides"),
    "guide_visit_requested": _l("try-out visit requested, to its guides"),
    "mover_visit_requested": _l("try-out visit request, to the mover"),
    "event_confirmation": _l("event sign-up confirmed"),
    "event_waiting": _l("event waiting list"),
    "event_place": _l("event place freed up"),
    "event_reminder": _l("event reminder"),
    "event_cancelled": _l("event sign-up cancelled"),
}
# A sign-up's status (EventSignUp.status; the timeline's event steps keep it too).
SIGN_UP_STATUSES = {
    "confirmed": _l("signed up"),
    "waiting": _l("on the waiting list"),
    "cancelled": _l("cancelled"),
    "attended": _l("came"),
    "no_show": _l("did not come"),
    "held": _l("held in quarantine"),
}
# The content's kinds of event (tasteget.content.schema.EVENT_KINDS).
EVENT_TYPES = {
    "information_evening": _l("information evening"),
    "tryout_weekend": _l("try-out weekend"),
    "job_fair": _l("job fair"),
    "newcomer_meetup": _l("newcomers' meetup"),
}
# What a hand-off to the other CRM told it (its event, kept as the message's subject; WEBHOOKS.md).
HAND_OFFS = {
    "household.registered": _l("a new household"),
    "order.placed": _l("a new magazine order"),
    "household.status_changed": _l("a change of status"),
    "household.withdrawn": _l("a withdrawal"),
    "household.erased": _l("an erasure"),
}
MESSAGE_STATUSES = {
    "pending": _l("waiting to be sent"),
    "sending": _l("being sent"),
    "sent": _l("sent"),
    "dead": _l("given up"),
}
ROLES = {"guide": _l("Guide"), "coordinator": _l("Coordinator"), "admin": _l("Administrator")}


def when(moment: datetime | str | None) -> str:
    """A stored time (UTC; naive from SQLite) as the region reads it: "2026-12-07 00:30". A time the
    timeline keeps as text ("2026-12-06 23:30", in UTC: when an edited note was written) too."""
    if isinstance(moment, str):
        try:
            moment = datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        except ValueError:
            return moment
    return format_datetime(moment, "yyyy-MM-dd HH:mm") if moment else "–"


def day_of(moment: datetime | None) -> str:
    """The region's day of a stored time: 23:30 UTC is already the next day in Stockholm."""
    return format_datetime(moment, "yyyy-MM-dd") if moment else "–"


def place(slug: str | None) -> str:
    """A municipality's name (a slug no longer in the content is shown as it is)."""
    if not slug:
        return "–"
    known = content.site().municipalities.get(slug)
    return known.name if known else slug


def places(slugs) -> str:
    """Names of municipalities, given as slugs (a list, or "a, b" as the timeline keeps them); any
    other text (e.g. "Not sure yet", stored translated) is kept."""
    if isinstance(slugs, str):
        slugs = slugs.split(", ")
    return ", ".join(place(s) for s in slugs if s) or "–"


def changed_fields(keys: str | None) -> str:
    """The fields a household changed on its own page ("email,timeframe", as the timeline keeps
    them), named (see `pipeline.mover_changes.LABELS`)."""
    from intake.pipeline.mover_changes import LABELS

    return ", ".join(str(LABELS.get(key, key)) for key in (keys or "").split(",") if key) or "–"


def event_title(slug: str | None) -> str:
    """An event's title in the staff's language (a slug no longer in the content is shown as it is)."""
    known = content.site().events.get(slug or "")
    return known.title.get(g.get("lang", "sv")) if known else (slug or "–")


def _named(names: dict):
    return lambda key: str(names[key]) if key in names else (key or "–")


def status_name(key: str | None) -> str:
    from intake.crm.forms import STATUS_LABELS

    return _named(STATUS_LABELS)(key)


def language_name(code: str | None) -> str:
    return _named(dict(choices.LANGUAGES))(code)


def spoken_language(code: str | None) -> str:
    """Any language by its ISO 639-1 code, named in the page's language ("arabiska")."""
    return Locale.parse(str(get_locale())).languages.get(code or "", code or "–")


def country(code: str | None) -> str:
    return choices.country_name(code, str(get_locale())) if code else "–"


def occupation_field_name(code: str | None) -> str:
    """An SSYK-1 field by its digit, named in the page's language; empty when there is none."""
    from tasteget.occupations import taxonomy

    group = taxonomy.load().group(code) if code else None
    return group.name(str(get_locale())) if group else ""


_PATTERNS = (
    (
        re.compile(r"mailing-house CSV, (\d+) orders"),
        lambda n: ngettext("mailing-house CSV, %(num)d order", "mailing-house CSV, %(num)d orders", int(n)),
    ),
    (
        re.compile(r"(\d+) marked as sent"),
        lambda n: ngettext("%(num)d marked as sent", "%(num)d marked as sent", int(n)),
    ),
)


def audit_detail(action: str, detail: str | None) -> str:
    """An audit entry's detail as staff read it. The system's own words are translated; a reason
    staff typed (an export's, an erasure's) is shown as they typed it."""
    if not detail:
        return ""
    if action == "change" and detail in EVENT_KINDS:
        return str(EVENT_KINDS[detail])
    if action == "withdraw" and detail in ("erased", "hidden"):
        return _("personal data erased") if detail == "erased" else _("hidden from staff")
    if action == "change" and detail in ("new address", "turned off"):  # a calendar feed's
        return _("new address") if detail == "new address" else _("turned off")
    if action == "export" and detail == "selection from the list, CSV":
        return _("selection from the list, CSV")
    if action == "erase" and detail == "quarantine: deleted as a robot":
        return _("quarantine: deleted as a robot")
    if action == "resend" and (found := re.fullmatch(r"message (\d+) \((.+)\)", detail)):
        number, what = found.groups()
        return _("message %(number)s (%(what)s)", number=number, what=_named(MESSAGE_KINDS | HAND_OFFS)(what))
    for pattern, say in _PATTERNS:
        if found := pattern.fullmatch(detail):
            return say(*found.groups())
    return detail


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        when=when,
        day_of=day_of,
        place=place,
        places=places,
        status_name=status_name,
        quarantine_reason=_named(QUARANTINE_REASONS),
        event_kind=_named(EVENT_KINDS),
        sign_up_status=_named(SIGN_UP_STATUSES),
        event_type=_named(EVENT_TYPES),
        event_title=event_title,
        changed_fields=changed_fields,
        message_kind=_named(MESSAGE_KINDS),
        message_status=_named(MESSAGE_STATUSES),
        hand_off=_named(HAND_OFFS),
        role_name=_named(ROLES),
        record_name=_named(RECORDS),
        language_name=language_name,
        spoken_language=spoken_language,
        country_name=country,
        audit_detail=lambda entry: audit_detail(entry.action, entry.detail),
    )
    app.jinja_env.globals.update(occupation_field_name=occupation_field_name)
