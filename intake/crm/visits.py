"""A household's planned visits on its page: planning one, calling one off.

The household page includes `crm/_visits.html`, which asks `visits_section(h)` for what it shows,
so the page's own view needs to know nothing about visits.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from intake import db
from intake.builtsite import content
from intake.crm import bp, households
from intake.crm.forms import within_the_campaign
from intake.models import VISIT_ARRANGEMENTS, Household, Visit
from intake.pipeline import messages, visits
from intake.public import visiting
from intake.public.forms import select_choices

ARRANGED_LABELS = {
    "viewings": _l("Viewings"),
    "employer_meetings": _l("Employer meetings"),
    "school": _l("School or preschool"),
    "coworking": _l("Coworking trial"),
}


class VisitForm(FlaskForm):
    starts_on = DateField(
        _l("First day of the visit"), [InputRequired(_l("Give the first day of the visit.")), within_the_campaign]
    )
    ends_on = DateField(_l("Last day (empty: a day's visit)"), [Optional(), within_the_campaign])
    arranged = SelectMultipleField(
        _l("Arranged"),
        choices=select_choices((name, ARRANGED_LABELS[name]) for name in VISIT_ARRANGEMENTS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    note = StringField(_l("About the visit, briefly (optional)"), [Optional(), Length(max=500)])

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day is before the first."))


def arranged_labels():
    """A function naming what a visit has arranged, in the language of the moment (translated once)."""
    names = {name: str(label) for name, label in ARRANGED_LABELS.items()}
    return lambda visit: [names[name] for name in visit.arranged]


WISH_LABELS = visiting.WISH_LABELS
CONFIRM_TEMPLATE = "bekrafta-besok"  # the content's message a guide starts from to confirm a programme


def confirm_form(visit: Visit) -> VisitForm:
    """The form confirming a requested visit: its wished days and what the household wants to see
    arranged, ready to adjust."""
    failed = g.get("confirm_form")
    if failed is not None and failed[0] == visit.id:
        return failed[1]
    data = {"starts_on": visit.starts_on, "ends_on": visit.ends_on, "arranged": visits.arranged_for(visit.wishes)}
    return VisitForm(formdata=None, prefix=f"visit{visit.id}", data=data)


@bp.app_template_global()
def visits_section(h: Household) -> SimpleNamespace:
    """What the household page's visits section shows: the requested visits with their forms, the
    planned ones newest first, and the form to plan one."""
    found = db.session().scalars(
        select(Visit).where(Visit.household_id == h.id).order_by(Visit.starts_on.desc(), Visit.id.desc())
    )
    found = list(found)
    wishes = {name: str(label) for name, label in WISH_LABELS.items()}
    return SimpleNamespace(
        requested=[(v, confirm_form(v)) for v in found if v.state == "requested"],
        visits=[v for v in found if v.state != "requested"],
        form=g.get("visit_form") or VisitForm(),
        labels=arranged_labels(),
        wishes=lambda v: [wishes.get(w, w) for w in v.wishes or []],
    )


@bp.post("/households/<reference>/visits/<int:visit_id>/confirm/")
@login_required
def confirm_visit(reference: str, visit_id: int):
    """The guide confirms a requested visit as planned, then writes the programme to the household."""
    session, h = households._recordable(reference)
    visit = session.get(Visit, visit_id)
    if visit is None or visit.household_id != h.id or visit.state != "requested":
        abort(422)
    form = VisitForm(prefix=f"visit{visit.id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        g.confirm_form = (visit.id, form)
        return households._detail(h, status=422)
    visits.confirm(
        session,
        h,
        current_user.user,
        visit,
        form.starts_on.data,
        form.ends_on.data or form.starts_on.data,
        form.arranged.data or [],
        form.note.data,
    )
    session.commit()
    if messages.refusal(h) is None and CONFIRM_TEMPLATE in content.site().messages:
        flash(_("Saved. Now tell the household the programme."), "saved")
        return redirect(url_for("crm.write_to_household", reference=reference, template=CONFIRM_TEMPLATE), 303)
    return households.saved(reference, "#visits")


@bp.post("/households/<reference>/visits/")
@login_required
def plan_visit(reference: str):
    session, h = households._recordable(reference)
    form = VisitForm()
    if not form.validate_on_submit():
        g.visit_form = form
        return households._detail(h, status=422)
    visits.plan(
        session,
        h,
        current_user.user,
        form.starts_on.data,
        form.ends_on.data or form.starts_on.data,
        form.arranged.data or [],
        form.note.data,
    )
    session.commit()
    return households.saved(reference, "#visits")


@bp.post("/households/<reference>/visits/<int:visit_id>/cancel/")
@login_required
def cancel_visit(reference: str, visit_id: int):
    session, h = households._visible(reference)
    visit = session.get(Visit, visit_id)
    if not FlaskForm().validate_on_submit() or visit is None or visit.household_id != h.id:
        abort(422)
    visits.cancel(session, h, current_user.user, visit)
    session.commit()
    return households.saved(reference, "#visits")
