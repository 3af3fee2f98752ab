"""A household's notes edited or removed, by whoever wrote them or the coordinator; the timeline
keeps what a note said before (`pipeline.steps.edit_note`, `remove_note`)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from intake.builtsite.shell import render_staff
from intake.crm import bp
from intake.crm.forms import NoteForm
from intake.crm.households import _recordable, saved
from intake.models import HouseholdEvent
from intake.pipeline import steps


def _note(reference: str, note_id: int):
    """The session, the household and its note, if this user may change it (404 otherwise)."""
    session, h = _recordable(reference)
    note = session.scalar(
        select(HouseholdEvent).where(
            HouseholdEvent.id == note_id, HouseholdEvent.household_id == h.id, HouseholdEvent.kind == "note"
        )
    )
    if note is None or not (current_user.role == "coordinator" or note.user_id == current_user.id):
        abort(404)
    return session, h, note


@bp.route("/households/<reference>/notes/<int:note_id>/", methods=["GET", "POST"])
@login_required
def edit_note(reference: str, note_id: int):
    session, h, note = _note(reference, note_id)
    form = NoteForm(data={"text": note.text})
    # Spaces only are refused by the form: a note is removed by its own button.
    if request.method == "POST" and form.validate_on_submit():
        if steps.edit_note(session, h, current_user.user, note, form.text.data):
            session.commit()
        return saved(reference, "#timeline")
    return render_staff(
        "crm/note.html",
        _("Note on %(reference)s", reference=h.reference),
        status=422 if form.errors else 200,
        h=h,
        note=note,
        form=form,
        remove_form=FlaskForm(),
    )


@bp.post("/households/<reference>/notes/<int:note_id>/remove/")
@login_required
def remove_note(reference: str, note_id: int):
    session, h, note = _note(reference, note_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    steps.remove_note(session, h, current_user.user, note)
    session.commit()
    return saved(reference, "#timeline")
