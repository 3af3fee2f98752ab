"""The back office's forms."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from intake.crm.agenda import local_today  # the region's day (TIMEZONE), not the server's
from intake.models import EARLIEST_DAY, PIPELINE
from intake.public.forms import keys_of, select_choices

YEARS_AHEAD = 2  # the longest timeframe a mover can choose


def within_the_campaign(form, field) -> None:
    """A day from EARLIEST_DAY to two years ahead: a slip of the keyboard (0001, 9999) is refused here
    rather than stored, where it would stretch the figures over centuries."""
    if field.data is None:
        return
    latest = local_today() + timedelta(days=366 * YEARS_AHEAD)
    if not EARLIEST_DAY <= field.data <= latest:
        raise ValidationError(
            _l("Give a date from %(first)s to %(last)s.", first=EARLIEST_DAY.isoformat(), last=latest.isoformat())
        )


def not_in_the_future(form, field) -> None:
    """A move is a fact once it has happened: the list and the figures then agree on the same day."""
    if field.data is not None and field.data > local_today():
        raise ValidationError(_l("A move is recorded once it has happened; use a follow-up until then."))


def not_in_the_past(form, field) -> None:
    if field.data is not None and field.data < local_today():
        raise ValidationError(_l("Choose today or a later day: a follow-up is something still to be done."))


STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "visiting": _l("Visiting"),
    "decided": _l("Decided to move"),
    "moved": _l("Moved"),
    "settled": _l("Settled"),
    "closed": _l("Closed"),
}


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=select_choices((s, STATUS_LABELS[s]) for s in PIPELINE))
    moved_to = SelectField(_l("Moved to"), [Optional()], validate_choice=False)
    moved_on = DateField(_l("Moved on"), [Optional(), within_the_campaign, not_in_the_future])
    closed_reason = StringField(_l("Reason for closing"), [Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        """What a status needs besides itself: where and when for "moved", a reason for "closed"."""
        ok = super().validate(extra_validators)
        if self.status.data == "moved":
            if not self.moved_to.data:
                self.moved_to.errors.append(_l("Choose where the household moved to."))
            elif self.moved_to.data not in keys_of(self.moved_to.choices):
                self.moved_to.errors.append(_l("Choose one of the options."))
            if not self.moved_on.data and not self.moved_on.errors:
                self.moved_on.errors.append(_l("Give the date of the move."))
        if self.status.data == "closed" and not (self.closed_reason.data or "").strip():
            self.closed_reason.errors.append(_l("Give a reason for closing."))
        return ok and not (self.moved_to.errors or self.moved_on.errors or self.closed_reason.errors)


class NoteForm(FlaskForm):
    # Spaces alone are no note: stripped first, then required (as the note's edit page does).
    text = TextAreaField(
        _l("Note"),
        [DataRequired(_l("Fill in this field.")), Length(max=5000)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


class FollowUpForm(FlaskForm):
    follow_up_on = DateField(_l("Next follow-up"), [Optional(), within_the_campaign, not_in_the_past])


class OwnerForm(FlaskForm):
    owner = SelectField(_l("Owner"), validate_choice=True, coerce=str)
    action = HiddenField()


class ReasonForm(FlaskForm):
    """Why the coordinator exports or erases a household: it goes to the audit log."""

    reason = StringField(
        _l("Reason (for the audit log; no personal data)"),
        [InputRequired(_l("Give a reason.")), Length(max=300)],
    )


class EraseForm(ReasonForm):
    """Erasing is confirmed by typing the household's reference (checked by the view, which knows it)."""

    confirm = StringField(_l("To confirm, type the household's reference"), [Length(max=40)])
    missing = _l("Type the household's reference to erase. Nothing was erased.")
    wrong = _l("That is not this household's reference. Nothing was erased.")

    def confirms(self, reference: str) -> bool:
        typed = (self.confirm.data or "").strip().upper()
        if not typed:
            self.confirm.errors = [self.missing]
        elif typed != reference.upper():
            self.confirm.errors = [self.wrong]
        return typed == reference.upper()


class EraseSignUpForm(EraseForm):
    """Erasing a sign-up to an event is confirmed by typing its reference (E-…)."""

    confirm = StringField(_l("To confirm, type the sign-up's reference"), [Length(max=40)])
    missing = _l("Type the sign-up's reference to erase. Nothing was erased.")
    wrong = _l("That is not this sign-up's reference. Nothing was erased.")
