"""Working on many households at once, from the list: hand the ticked ones to an owner, set their
follow-up, or (the coordinator) export them as CSV. Each change is the same step as on one household
(`pipeline.steps`), so it is on each household's timeline and in the audit log; a selection with a
household this user may not see changes nothing. A plain form around the list: no script needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from intake import db
from intake.crm import agenda, bp, csvfile, wording
from intake.crm import households as listing
from intake.crm.access import require_role, visible_households
from intake.crm.forms import not_in_the_past, within_the_campaign
from intake.models import Household, User, UserMunicipality
from intake.pipeline import steps
from intake.privacy import audit
from intake.public.forms import keys_of, select_choices

MAX_SELECTED = 100  # two pages of the list; more at once is refused with one message
NOBODY = "none"
# The columns of the selection's CSV: what the list shows, and how to reach the household.
CSV_COLUMNS = [
    "reference",
    "name",
    "email",
    "phone",
    "municipalities",
    "status",
    "owner",
    "follow_up_on",
    "registered_on",
]


class BulkForm(FlaskForm):
    owner = SelectField(_l("Hand them to"), validate_choice=False)  # checked against the choices below
    follow_up_on = DateField(_l("Follow them up on"), [Optional(), within_the_campaign, not_in_the_past])


@dataclass
class Selection:
    """What the list's selection form shows: its fields, which rows are ticked, the one error."""

    form: BulkForm
    selected: set[str] = field(default_factory=set)
    error: str | None = None
    back: str = ""  # the list's query string, to come back to the same page
    args: MultiDict = field(default_factory=MultiDict)  # the same, for the pager (no "tick all")
    limit: int = MAX_SELECTED


def _form() -> BulkForm:
    form = BulkForm(prefix="bulk")
    form.owner.choices = owner_choices(current_user.user)
    return form


def owner_choices(user: User) -> list[tuple[str, str]]:
    """Who can take households over: the active guides of this user's municipalities (all of them
    for the coordinator) and the coordinators, as on one household's page."""
    session = db.session()
    guides = select(UserMunicipality.user_id)
    if user.role != "coordinator":
        guides = guides.where(UserMunicipality.municipality.in_(user.municipality_slugs))
    people = session.scalars(
        select(User)
        .where(User.active.is_(True), or_(User.id.in_(guides), User.role == "coordinator"))
        .order_by(User.name)
    ).all()
    return select_choices(
        [("", _("Choose…")), (NOBODY, _("Nobody"))] + [(str(u.id), f"{u.name} ({u.email})") for u in people]
    )


def for_list(args, selected=(), form: BulkForm | None = None, error: str | None = None) -> Selection:
    """The selection form for the list page of `args`; with `?select=all` every row starts ticked."""
    query = [(k, v) for k, v in args.items(multi=True) if k != "select"]
    return Selection(
        form=form or _form(), selected=set(selected), error=error, back=urlencode(query), args=MultiDict(query)
    )


@bp.post("/households/selected/")
@login_required
def bulk_change():
    require_role("guide", "coordinator")
    user = current_user.user
    form = _form()
    back = urlencode(parse_qsl(request.form.get("back", "")))
    references = list(dict.fromkeys(r.strip().upper() for r in request.form.getlist("household") if r.strip()))
    action = request.form.get("action")
    if action not in ("owner", "follow_up", "export"):
        abort(400)
    if action == "export":
        require_role("coordinator")

    def refuse(message: str | None = None):
        # The same page of the list again, the same rows ticked, the error beside the form.
        return listing.list_page(MultiDict(parse_qsl(back)), 422, selected=references, form=form, error=message)

    form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    # Only the chosen action's field counts: a date typed and then "hand them over" is no error.
    unused = form.follow_up_on if action == "owner" else form.owner
    unused.errors = []
    if not references:
        return refuse(_("Tick at least one household. Nothing was saved."))
    if len(references) > MAX_SELECTED:
        return refuse(
            _(
                "At most %(max)d households at a time: %(num)d were ticked. Nothing was saved.",
                max=MAX_SELECTED,
                num=len(references),
            )
        )
    session = db.session()
    found = {
        h.reference: h
        for h in session.scalars(visible_households(user, few=True).where(Household.reference.in_(references)))
    }
    if len(found) != len(references):
        # Another municipality's household (a crafted request), or one erased or withdrawn meanwhile.
        return refuse(_("Some of the ticked households are not yours to change. Nothing was saved."))
    chosen = [found[r] for r in references]
    if action == "export":
        return _export(session, chosen)
    if action == "owner":
        owner = _owner(session, form)
        if owner is False or form.owner.errors:
            return refuse()
        misfit = next((h for h in chosen if not _may_own(owner, h)), None)
        if misfit is not None:
            return refuse(
                _(
                    "%(name)s is not a guide of %(reference)s's municipalities. Nothing was saved.",
                    name=owner.name,
                    reference=misfit.reference,
                )
            )
        for h in chosen:
            steps.set_owner(session, h, user, owner)
    else:
        if form.follow_up_on.data is None and not form.follow_up_on.errors:
            form.follow_up_on.errors.append(_("Give the day of the follow-up."))
        if form.follow_up_on.errors:
            return refuse()
        for h in chosen:
            steps.set_follow_up(session, h, user, form.follow_up_on.data, today=agenda.local_today())
    session.commit()
    flash(ngettext("Saved: %(num)d household", "Saved: %(num)d households", len(chosen)), "saved")
    return redirect(url_for("crm.households") + (f"?{back}" if back else ""), 303)


def _owner(session, form: BulkForm):
    """The chosen owner (None: nobody), or False with the error on the field."""
    value = form.owner.data or ""
    if value == NOBODY:
        return None
    owner = session.get(User, int(value)) if value.isdigit() and value in keys_of(form.owner.choices) else None
    if owner is None:
        form.owner.errors = [*form.owner.errors, _("Choose who takes them over.")]
        return False
    return owner


def _may_own(owner: User | None, h: Household) -> bool:
    """A coordinator owns any household, a guide those of their municipalities (as on its page)."""
    if owner is None or owner.role == "coordinator":
        return True
    return bool(set(owner.municipality_slugs) & set(h.municipality_slugs))


def _export(session, chosen: list[Household]):
    """The ticked households as CSV, each export in the audit log (by reference)."""
    for h in chosen:
        audit.record(session, "export", "household", h.reference, "selection from the list, CSV")
    session.commit()
    rows = (
        [
            h.reference,
            h.name,
            h.email,
            h.phone or "",
            wording.places(h.municipality_slugs) if h.municipality_slugs else "",
            wording.status_name(h.status),
            h.owner.name if h.owner else "",
            h.follow_up_on.isoformat() if h.follow_up_on else "",
            wording.day_of(h.created_at),  # the region's day, as the list shows it
        ]
        for h in chosen
    )
    return csvfile.download(f"households-{agenda.local_today().isoformat()}.csv", CSV_COLUMNS, rows)
