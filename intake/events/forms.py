"""The sign-up form: who, how many, consent, and (when the event asks) needs for the day under a
consent of their own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from intake.public.forms import AbuseChecks, _add_utm_fields, _newlines, _strip, email, plain_text, text

MAX_PARTY = 10
NEEDS_MAX = 1000


@_add_utm_fields  # the hidden fields every public form carries; a sign-up keeps none of them
class SignUpForm(AbuseChecks, FlaskForm):
    SHORT_NAMES = {
        "name": _l("Name"),
        "email": _l("E-mail"),
        "people": _l("Number of people"),
        "needs": _l("Needs for the day"),
        "needs_consent": _l("Consent to keep your needs"),
        "privacy": _l("Privacy notice"),
    }

    name = text(_l("Your name"), required=_l("Enter your name."))
    email = email(description=_l("We send the confirmation and the calendar file here."))
    people = IntegerField(
        _l("How many of you are coming?"),
        [
            InputRequired(_l("Enter how many of you are coming, from 1 to %(max)d.", max=MAX_PARTY)),
            NumberRange(min=1, max=MAX_PARTY, message=_l("Enter a number from %(min)d to %(max)d.")),
        ],
        default=1,
        description=_l("You included. Places count people."),
    )
    needs = TextAreaField(
        _l("Needs for the day (optional)"),
        [
            Optional(),
            Length(max=NEEDS_MAX, message=_l("Use at most %(max)d characters.", max=NEEDS_MAX)),
            plain_text(False),
        ],
        filters=[_strip, _newlines],
        description=_l("For example accessibility, an interpreter or a diet. Only the organisers see it."),
    )
    needs_consent = BooleanField()  # its label names the days, from the settings (see `for_event`)
    privacy = BooleanField(
        _l("I have read how my details are handled (the privacy notice)."),
        [InputRequired(_l("Confirm that you have read the privacy notice."))],
    )

    capacity: int | None = None  # the event's places: a party larger than them never fits
    asks_needs = True

    @classmethod
    def for_event(cls, event, needs_days: int) -> SignUpForm:
        form = cls()
        form.capacity, form.asks_needs = event.capacity, event.ask_needs
        form.needs_consent.label.text = _l(
            "You may keep what I wrote about my needs to arrange the event. It is erased %(days)d days after the event.",
            days=needs_days,
        )
        if not event.ask_needs:
            form.needs.data, form.needs_consent.data = None, False
        return form

    def validate_people(self, field):
        if field.data is not None and self.capacity is not None and field.data > self.capacity:
            raise ValidationError(_l("The event has %(max)d places in all: enter at most %(max)d.", max=self.capacity))

    def validate_needs_consent(self, field):
        if self.asks_needs and self.needs.data and not field.data:
            raise ValidationError(_l("Tick this box to let us keep your needs, or empty the field of needs above."))

    @property
    def kept_needs(self) -> str | None:
        """The needs to store: only when the event asks for them and the person agreed."""
        return self.needs.data or None if self.asks_needs and self.needs_consent.data else None
