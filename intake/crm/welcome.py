"""A moved household's welcome checklist on its page, and a guide ticking a step off
(`intake.pipeline.welcome`). The household page includes `crm/_welcome.html`, which asks
`welcome_section(h)` for what it shows."""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from intake import db
from intake.builtsite import content
from intake.crm import bp, households
from intake.models import Household
from intake.pipeline import welcome


@bp.app_template_global()
def welcome_section(h: Household) -> SimpleNamespace:
    """The household's checklist with its ticks (none before it has moved)."""
    site = content.site()
    found = welcome.steps(db.session(), h, site)
    return SimpleNamespace(
        steps=found,
        moved=h.status in welcome.WELCOMED and bool(h.moved_to),
        place=site.municipalities[h.moved_to].name if h.moved_to in site.municipalities else h.moved_to,
    )


@bp.post("/households/<reference>/welcome/")
@login_required
def tick_welcome(reference: str):
    """Tick a step of the household's welcome checklist off."""
    session, h = households._recordable(reference)
    if not FlaskForm().validate_on_submit():
        abort(422)
    try:
        ticked = welcome.tick(session, h, current_user.user, request.form.get("key", ""), content.site())
    except welcome.NotOnTheList:
        abort(422)
    if ticked:
        welcome.save(session)
    return households.saved(reference, "#welcome")
