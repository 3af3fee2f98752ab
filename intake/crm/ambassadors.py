"""Ambassadors on a household's page: those to suggest, ranked with the reasons, and recording an
introduction (`intake.pipeline.ambassadors`).

The household page includes `crm/_ambassadors.html`, which asks `ambassadors_section(h)` for what it
shows, so the page's own view needs to know nothing about ambassadors.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from intake import db
from intake.crm import bp, households, params
from intake.crm.access import visible_contacts
from intake.crm.wording import country, occupation_field_name, place, spoken_language
from intake.models import Contact, Household
from intake.pipeline import ambassadors


def reason_text(kind: str, value: str) -> str:
    """One reason as the guide reads it: "speaks Arabic", "from Syria", "same occupation field (…)"."""
    if kind == "language":
        return _("speaks %(language)s", language=spoken_language(value))
    if kind == "country":
        return _("from %(country)s", country=country(value))
    if kind == "field":
        return _("same occupation field (%(field)s)", field=occupation_field_name(value))
    return _("lives in %(municipality)s", municipality=place(value))


@bp.app_template_global()
def ambassadors_section(h: Household) -> SimpleNamespace:
    """The ambassadors to suggest for the household, best first, each with why."""
    session = db.session()
    found = {c.id: c for c in ambassadors.candidates(session, h, visible_contacts(current_user.user))}
    ranked = ambassadors.rank(ambassadors.seeker_of(h), [ambassadors.offer_of(c) for c in found.values()])
    return SimpleNamespace(
        suggestions=[(found[s.id], ", ".join(reason_text(*r) for r in s.reasons)) for s in ranked],
    )


@bp.post("/households/<reference>/ambassadors/")
@login_required
def introduce_ambassador(reference: str):
    """Record that the household was introduced to an ambassador; shown on both."""
    session, h = households._recordable(reference)
    contact_id = request.form.get("ambassador", type=params.number)
    found = session.scalar(visible_contacts(current_user.user).where(Contact.id == contact_id)) if contact_id else None
    if not FlaskForm().validate_on_submit() or found is None or found.kind != "ambassador" or found.agreed_on is None:
        abort(422)
    if ambassadors.introduce(session, h, current_user.user, found):
        session.commit()
    return households.saved(reference, "#ambassadors")
