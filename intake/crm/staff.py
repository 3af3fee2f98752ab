"""The coordinator's view of the staff: who owns how many households, and handing them all over."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from intake import db
from intake.builtsite.shell import render_staff
from intake.crm import bp, params
from intake.crm.access import require_role
from intake.models import Household, User
from intake.pipeline import steps


@bp.get("/staff/")
@login_required
def staff():
    require_role("coordinator")
    return _page()


def _page(error: str | None = None):
    session = db.session()
    owned = dict(
        session.execute(select(Household.owner_id, func.count(Household.id)).group_by(Household.owner_id)).all()
    )
    users = session.scalars(select(User).where(User.role.in_(("guide", "coordinator"))).order_by(User.name)).all()
    return render_staff(
        "crm/staff.html",
        _("Staff"),
        status=422 if error else 200,
        users=users,
        owned=owned,
        form=FlaskForm(),
        error=error,
    )


@bp.post("/staff/reassign/")
@login_required
def reassign():
    """Every household one person owns goes to another, in one action (when a guide leaves)."""
    require_role("coordinator")
    session = db.session()
    form = FlaskForm()
    source = session.get(User, request.form.get("from", type=params.number) or 0)
    target = session.get(User, request.form.get("to", type=params.number) or 0)
    if not form.validate_on_submit() or source is None or target is None or source.id == target.id or not target.active:
        abort(422)
    try:
        moved = steps.hand_over_all(session, source, target, current_user.user)
    except steps.NotTheirs as exc:
        return _page(
            ngettext(
                "%(num)d of the households is in none of %(name)s's municipalities. Nothing was handed over.",
                "%(num)d of the households are in none of %(name)s's municipalities. Nothing was handed over.",
                exc.count,
                name=target.name,
            )
        )
    if moved:
        session.commit()
    flash(_("Saved."), "saved")
    return redirect(url_for("crm.staff"), 303)
