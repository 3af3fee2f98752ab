"""A household asks for a try-out visit: the form, and saving the request on the household.

The request is a visit in the "requested" state (see pipeline/visits.py), which the guide confirms.
An e-mail address that matches a household still held (as the back office finds duplicates, whatever
its case) gets the request on that household; otherwise the request is a registration like any
other: a new household, its guides told and the mover confirmed through the outbox, with the same
abuse checks. Either way, one transaction: the receipt is shown only after the commit.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, insert, select, update
from wtforms import BooleanField, DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from intake import db
from intake.builtsite.content import privacy_notice
from intake.models import VISIT_WISHES, AuditEntry, Household, HouseholdEvent, Visit, utcnow
from intake.notify import outbox
from intake.pipeline import duplicates, mover_changes, visits
from intake.privacy.consent import PURPOSES
from intake.public import abuse, saving
from intake.public.forms import (
    AbuseChecks,
    Checkboxes,
    RegistrationForm,
    _add_utm_fields,
    _newlines,
    _strip,
    one_of,
    plain_text,
    select_choices,
)

LONGEST = 14  # days a try-out visit may last
AHEAD = 365  # days ahead a visit may be wished for
WISH_LABELS = {
    "homes": _l("Homes"),
    "workplaces": _l("Workplaces"),
    "schools": _l("Schools and preschools"),
    "coworking": _l("Coworking spaces"),
    "trial_living": _l("Trial living (staying a while in a home to try life here)"),
}
WHEN = [("dates", _l("On these dates")), ("flexible", _l("I am flexible: some time in a month"))]


def local_today() -> date:
    """Today in the region's time zone (`TIMEZONE`): the first day a visit may be wished for."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def trial_living_places(site) -> set[str]:
    """The municipalities where a coworking space offers trial living (the content says so)."""
    return {slug for slug, m in site.municipalities.items() if any(c.trial_living for c in m.coworking)}


def months(today: date, count: int = 12) -> list[tuple[str, str]]:
    """The next `count` months from this one, as ("2027-05", "maj 2027") in the page's language."""
    out, year, month = [], today.year, today.month
    for _ in range(count):
        out.append((f"{year}-{month:02d}", format_date(date(year, month, 1), "LLLL yyyy", locale=str(get_locale()))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_days(value: str) -> tuple[date, date]:
    """The first and last day of a month written "2027-05"."""
    year, month = (int(part) for part in value.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class DayField(DateField):
    """A day in ISO form; left empty it is None, for the form's own rule to ask for it when needed."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


@_add_utm_fields
class VisitRequestForm(AbuseChecks, FlaskForm):
    SHORT_NAMES = {
        "name": _l("Name"),
        "email": _l("E-mail"),
        "phone": _l("Phone"),
        "country": _l("Country"),
        "municipality": _l("Municipality"),
        "when": _l("When"),
        "wished_from": _l("First day"),
        "wished_to": _l("Last day"),
        "month": _l("Month"),
        "wishes": _l("What you want to see"),
        "message": _l("Message"),
        "privacy": _l("Privacy notice"),
    }

    # The same fields, limits and messages as the registration's.
    name = RegistrationForm.name
    email = RegistrationForm.email
    phone = RegistrationForm.phone
    country = RegistrationForm.country
    municipality = SelectField(
        _l("Which municipality would you like to visit?"),
        [InputRequired(_l("Choose the municipality you would like to visit."))],
        validate_choice=False,
    )
    when = RadioField(
        _l("When would you like to come?"),
        [InputRequired(_l("Choose dates, or a month if you are flexible."))],
        choices=select_choices(WHEN),
        default="dates",
        validate_choice=False,
    )
    wished_from = DayField(_l("First day"), description=_l("For example 2027-05-14"))
    wished_to = DayField(_l("Last day"), description=_l("The same day for a day's visit"))
    month = SelectField(_l("Which month, if you are flexible?"), validate_choice=False)
    wishes = Checkboxes(
        _l("What would you like to see? (optional)"),
        choices=select_choices((w, WISH_LABELS[w]) for w in VISIT_WISHES),
        validate_choice=False,
    )
    message = TextAreaField(
        _l("A short message to the guide (optional)"),
        [Optional(), Length(max=1000, message=_l("Use at most %(max)d characters.", max=1000)), plain_text(False)],
        filters=[_strip, _newlines],
    )
    privacy = BooleanField(  # its own field, so that it comes last in the error summary too
        _l("I have read how my details are handled (the privacy notice)."),
        [InputRequired(_l("Confirm that you have read the privacy notice."))],
    )

    today: date = date.min  # set by the view: the region's today
    trial_living: set[str] = set()  # set by the view: where trial living is offered

    def validate_phone(self, field):
        RegistrationForm.validate_phone(self, field)

    def validate_country(self, field):
        RegistrationForm.validate_country(self, field)

    def validate_municipality(self, field):
        one_of(field.choices)(self, field)

    def validate_when(self, field):
        one_of(WHEN)(self, field)

    def validate_wished_from(self, field):
        if self.when.data != "dates":
            return
        if field.data is None:
            if not field.errors:  # not "not a valid date" already
                raise ValidationError(_l("Enter the first day, like 2027-05-14."))
            return
        if field.data < self.today:
            raise ValidationError(_l("Choose a day from today on."))
        if field.data > self.today + timedelta(days=AHEAD):
            raise ValidationError(_l("Choose a day within a year from today."))

    def validate_wished_to(self, field):
        if self.when.data != "dates" or field.data is None or self.wished_from.data is None:
            return
        if field.data < self.wished_from.data:
            raise ValidationError(_l("The last day is before the first."))
        if (field.data - self.wished_from.data).days >= LONGEST:
            raise ValidationError(_l("A try-out visit lasts at most %(days)d days.", days=LONGEST))

    def validate_month(self, field):
        if self.when.data != "flexible":
            return
        if not field.data:
            raise ValidationError(_l("Choose a month."))
        one_of(field.choices)(self, field)

    def validate_wishes(self, field):
        known = set(VISIT_WISHES)
        if any(w not in known for w in field.data or []):
            raise ValidationError(_l("Choose among the options listed."))
        if "trial_living" in (field.data or []) and self.municipality.data not in self.trial_living:
            raise ValidationError(_l("Trial living is not offered in that municipality."))

    @property
    def days(self) -> tuple[date, date, str | None]:
        """The wished days (a flexible month as its first and last), and the month if flexible."""
        if self.when.data == "flexible":
            return (*month_days(self.month.data), self.month.data)
        first = self.wished_from.data
        return first, self.wished_to.data or first, None


def matching_household(session, email: str) -> Household | None:
    """The newest household still held, not in quarantine, with this e-mail address (any case)."""
    return session.scalar(
        select(Household)
        .where(
            func.lower(Household.email) == email.lower(),
            Household.quarantine_reason.is_(None),
            *duplicates.STILL_HELD,
        )
        .order_by(Household.created_at.desc(), Household.id.desc())
        .limit(1)
    )


def _visit_values(form, household_id: int) -> dict:
    first, last, month = form.days
    return {
        "household_id": household_id,
        "state": "requested",
        "starts_on": first,
        "ends_on": last,
        "flexible_month": month,
        "municipality": form.municipality.data,
        "wishes": list(form.wishes.data or []),
        "message": form.message.data or None,
        "submission_id": form.submission_id.data,
        "requested_at": utcnow(),
        "viewings": False,
        "employer_meetings": False,
        "school": False,
        "coworking": False,
        "created_at": utcnow(),
    }


def _timeline(connection, household_id: int, reference: str, days: str) -> None:
    """The request as the mover's step on the timeline (no user), with its audit line."""
    connection.execute(
        insert(HouseholdEvent.__table__),
        {"household_id": household_id, "kind": "visit_requested", "new": days, "at": utcnow()},
    )
    connection.execute(
        insert(AuditEntry.__table__),
        {
            "actor": "mover",
            "action": "change",
            "record": "household",
            "reference": reference,
            "detail": "visit_requested",
            "at": utcnow(),
        },
    )


def save(form, lang: str, site) -> saving.Saved:
    """Store the request (on the matching household, else on a new one) and what it must tell."""
    session = db.session()
    days = visits.span(*form.days[:2])
    reason = abuse.quarantine_reason(form)
    found = matching_household(session, form.email.data) if reason is None else None
    if found is None:
        return _new_household(session, form, lang, site, days)
    notice = privacy_notice(site, lang)
    household_id, reference = found.id, found.reference
    # The visit's municipality joins the household's, so that its guides, who are told of the request,
    # can open the household and see the request in their week.
    new_place = form.municipality.data not in found.municipality_slugs
    with force_locale(current_app.config["STAFF_LANGUAGE"]):  # "not sure yet" as staff triage writes it
        places_before = ", ".join(found.municipality_slugs) or gettext("Not sure yet")

    def write(connection):
        connection.execute(insert(Visit.__table__), _visit_values(form, household_id))
        if new_place:
            connection.execute(
                saving._INSERT_MUNICIPALITY, {"household_id": household_id, "municipality": form.municipality.data}
            )
            connection.execute(update(Household.__table__).where(Household.id == household_id).values(unsure=False))
            connection.execute(
                insert(HouseholdEvent.__table__),
                {
                    "household_id": household_id,
                    "kind": mover_changes.PLACES,
                    "old": places_before,
                    "new": ", ".join([*found.municipality_slugs, form.municipality.data]),
                    "at": utcnow(),
                },
            )
        _timeline(connection, household_id, reference, days)
        connection.execute(saving._INSERT_EVENT, outbox.event_row(outbox.VISIT_REQUESTED, household_id=household_id))

    saving._in_one_transaction(session, notice, write)
    return saving.Saved(reference, found.form_language)


def _new_household(session, form, lang: str, site, days: str) -> saving.Saved:
    """The request as a registration: a household with the request's details and its visit."""
    notice = privacy_notice(site, lang)
    values = dict(
        **saving._common(form, lang, notice, "H", PURPOSES["household"]),
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or None,
        contact_channel="email",
        contact_language=lang,
        country=form.country.data,
        place="",
        children_count=0,
        children_ages=[],
        unsure=False,
        seeks=["visit"],
        housing_types=[],
        # A household that asks to visit has not said when it might move.
        timeframe="curious",
        message=None,
    )

    def write(connection):
        household_id = connection.execute(saving._INSERT_HOUSEHOLD, values).scalar_one()
        connection.execute(
            saving._INSERT_MUNICIPALITY, [{"household_id": household_id, "municipality": form.municipality.data}]
        )
        connection.execute(insert(Visit.__table__), _visit_values(form, household_id))
        _timeline(connection, household_id, values["reference"], days)
        reason = values["quarantine_reason"]
        if reason is None:
            connection.execute(
                saving._INSERT_EVENT, outbox.event_row(outbox.HOUSEHOLD_REGISTERED, household_id=household_id)
            )
        elif reason in abuse.CONFIRMED_WHILE_HELD:
            connection.execute(saving._INSERT_EVENT, outbox.event_row(outbox.HOUSEHOLD_HELD, household_id=household_id))

    saving._in_one_transaction(session, notice, write)
    return saving.Saved(values["reference"], lang)


def stored(session, submission_id: str | None) -> bool:
    """Whether this form page's request is stored already (a double click, a resend)."""
    return (
        bool(submission_id) and session.scalar(select(Visit.id).where(Visit.submission_id == submission_id)) is not None
    )
