"""The partner network: employers, landlords, coworking hosts, ambassadors, village contacts."""

from __future__ import annotations

from babel import Locale
from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from intake import choices, db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.crm import bp
from intake.crm.access import require_role, visible_contacts, visible_households
from intake.crm.agenda import local_today
from intake.models import AMBASSADOR_FIELDS, CONTACT_KINDS, Contact, ContactChange, Household, HouseholdContact
from intake.pipeline import network
from intake.public.forms import select_choices
from tasteget.occupations import taxonomy

KIND_LABELS = {
    "employer": _l("Employer"),
    "landlord": _l("Landlord"),
    "estate_agent": _l("Estate agent"),
    "coworking_host": _l("Coworking host"),
    "ambassador": _l("Ambassador"),
    "village_contact": _l("Village contact"),
    "other": _l("Other"),
}


FIELD_LABELS = {
    "kind": _l("Kind"),
    "organisation": _l("Organisation"),
    "person": _l("Person"),
    "role": _l("Role"),
    "municipality": _l("Municipality"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "notes": _l("Notes"),
    "agreed_on": _l("Agreed to be an ambassador on"),
    "languages": _l("Languages"),
    "occupation_field": _l("Occupation field"),
    "interests": _l("Interests"),
    "origin_country": _l("Country of origin"),
    "origin_consent_on": _l("Consented to showing the country of origin on"),
}
# ISO 639-1 codes, the two-letter languages Babel names.
LANGUAGE_CODES = frozenset(code for code in Locale("en").languages if len(code) == 2)


def language_codes(text: str | None) -> list[str] | None:
    """The codes in text like "ar, en so": None unless each is a two-letter language code."""
    codes = [part.lower() for part in (text or "").replace(",", " ").split()]
    return codes if all(code in LANGUAGE_CODES for code in codes) else None


def one_of_listed(form, field) -> None:
    """Empty, or one of the choices: left out of the request (a select never sent) it is empty."""
    if field.data and field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(_l("Choose one of the options."))


class ContactForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=select_choices((k, KIND_LABELS[k]) for k in CONTACT_KINDS))
    organisation = StringField(_l("Organisation"), [Optional(), Length(max=200)])
    person = StringField(_l("Person"), [Optional(), Length(max=200)])
    role = StringField(_l("Role"), [Optional(), Length(max=200)])
    municipality = SelectField(_l("Municipality"), validate_choice=True)
    email = EmailField(
        _l("E-mail"), [Optional(), Length(max=254), Email(_l("Enter an e-mail address like name@example.com."))]
    )
    phone = StringField(_l("Phone"), [Optional(), Length(max=40)])
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=5000)])
    # An ambassador's offer (kind "ambassador" only).
    agreed_on = DateField(_l("Agreed to be an ambassador on (empty: not yet)"), [Optional()])
    languages = StringField(_l("Languages they speak (codes, e.g. ar, en, so)"), [Optional(), Length(max=100)])
    occupation_field = SelectField(_l("Occupation field"), [one_of_listed], validate_choice=False)
    interests = StringField(_l("Interests"), [Optional(), Length(max=300)])
    origin_consent = BooleanField(_l("Has consented to their country of origin being shown"))
    origin_country = SelectField(_l("Country of origin"), [one_of_listed], validate_choice=False)

    def validate_languages(self, field) -> None:
        if language_codes(field.data) is None:
            raise ValidationError(_l("Write two-letter language codes separated by commas, e.g. ar, en."))

    def validate_origin_country(self, field) -> None:
        if field.data and not self.origin_consent.data:
            raise ValidationError(
                _l("Tick their consent, or leave the country empty: it is not stored without their consent.")
            )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.organisation.data or "").strip() and not (self.person.data or "").strip():
            self.organisation.errors.append(_l("Give an organisation or a person."))
            return False
        return ok


def _ambassador_choices(form: ContactForm) -> None:
    lang = str(get_locale())
    form.occupation_field.choices = select_choices(
        [("", _("Not given")), *((f.code, f"{f.code} {f.name(lang)}") for f in taxonomy.load().fields())]
    )
    form.origin_country.choices = select_choices([("", _("Not given")), *choices.countries(lang)])


def values_of(form: ContactForm) -> dict:
    """What the form says, as `network.edit` takes it."""
    return {**form.data, "languages": language_codes(form.languages.data) or []}


def form_data(contact: Contact) -> dict:
    """A contact as the form shows it."""
    data = {name: getattr(contact, name) for name in FIELD_LABELS if name not in AMBASSADOR_FIELDS}
    data.update(
        agreed_on=contact.agreed_on,
        languages=", ".join(contact.languages or []),
        occupation_field=contact.occupation_field or "",
        interests=contact.interests,
        origin_consent=contact.origin_consent_on is not None,
        origin_country=contact.origin_country or "",
    )
    return data


def _municipality_choices():
    site = content.site()
    allowed = site.municipalities if current_user.role == "coordinator" else current_user.municipality_slugs
    options = [(s, site.municipalities[s].name) for s in site.municipalities if s in allowed]
    if current_user.role == "coordinator":
        options.insert(0, ("", _("The whole region")))
    return select_choices(options)


@bp.route("/contacts/", methods=["GET", "POST"])
@login_required
def contacts():
    require_role("guide", "coordinator")
    session = db.session()
    form = ContactForm()
    form.municipality.choices = _municipality_choices()
    _ambassador_choices(form)
    if request.method == "POST" and form.validate_on_submit():
        contact = Contact(
            kind=form.kind.data,
            organisation=(form.organisation.data or "").strip() or None,
            person=(form.person.data or "").strip() or None,
            role=(form.role.data or "").strip() or None,
            municipality=form.municipality.data or None,
            email=form.email.data or None,
            phone=form.phone.data or None,
            notes=form.notes.data or None,
            **network.offer(values_of(form), local_today(), None),
        )
        session.add(contact)
        session.commit()
        flash(_("Saved."), "saved")
        return redirect(url_for("crm.contact", contact_id=contact.id), 303)
    query = visible_contacts(current_user.user)
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Contact.organisation).like(like),
                func.lower(Contact.person).like(like),
                func.lower(Contact.role).like(like),
                func.lower(Contact.notes).like(like),
            )
        )
    if request.args.get("kind") in KIND_LABELS:
        query = query.where(Contact.kind == request.args["kind"])
    rows = session.scalars(query.order_by(Contact.organisation, Contact.person).limit(500)).all()
    return render_staff(
        "crm/contacts.html",
        _("Network contacts"),
        status=422 if form.errors else 200,
        rows=rows,
        form=form,
        kinds=KIND_LABELS,
        args=request.args,
        site=content.site(),
    )


def may_change(contact: Contact) -> bool:
    """The coordinator changes any contact, a guide those of their own municipalities."""
    return contact.removed_at is None and (
        current_user.role == "coordinator" or contact.municipality in current_user.municipality_slugs
    )


def _found(session, contact_id: int) -> Contact:
    found = session.scalar(visible_contacts(current_user.user, removed=True).where(Contact.id == contact_id))
    if found is None:
        abort(404)
    return found


@bp.route("/contacts/<int:contact_id>/", methods=["GET", "POST"])
@login_required
def contact(contact_id: int):
    require_role("guide", "coordinator")
    session = db.session()
    found = _found(session, contact_id)
    form = ContactForm(data=form_data(found))
    form.municipality.choices = _municipality_choices()
    _ambassador_choices(form)
    if request.method == "POST":
        if not may_change(found):
            abort(404)
        if form.validate_on_submit():
            if network.edit(session, found, current_user.user, values_of(form), local_today()):
                session.commit()
            flash(_("Saved."), "saved")
            return redirect(url_for("crm.contact", contact_id=found.id), 303)
    visible_ids = visible_households(current_user.user).with_only_columns(Household.id)
    links = session.scalars(
        select(HouseholdContact).where(
            HouseholdContact.contact_id == found.id, HouseholdContact.household_id.in_(visible_ids)
        )
    ).all()
    changes = session.scalars(
        select(ContactChange).where(ContactChange.contact_id == found.id).order_by(ContactChange.at, ContactChange.id)
    ).all()
    return render_staff(
        "crm/contact.html",
        found.label,
        status=422 if form.errors else 200,
        c=found,
        links=links,
        kinds=KIND_LABELS,
        site=content.site(),
        form=form if may_change(found) else None,
        remove_form=FlaskForm(),
        changes=history(changes, network.snapshot(found)),
        fields=FIELD_LABELS,
    )


def history(changes: list[ContactChange], now: dict) -> list[tuple[ContactChange, list[str]]]:
    """Newest first, each change with the fields it concerned: for an edit those it changed (what
    they said before is in `change.before`), for a removal every field that said something."""
    shown, after = [], now
    for change in reversed(changes):
        if change.kind == "edited":
            names = [n for n in FIELD_LABELS if change.before.get(n) != after.get(n)]
        else:
            names = [n for n in FIELD_LABELS if change.before.get(n)]
        shown.append((change, names))
        after = change.before
    return shown


@bp.post("/contacts/<int:contact_id>/remove/")
@login_required
def remove_contact(contact_id: int):
    require_role("guide", "coordinator")
    session = db.session()
    found = _found(session, contact_id)
    if not may_change(found):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    network.remove(session, found, current_user.user)
    session.commit()
    flash(_("Saved."), "saved")
    return redirect(url_for("crm.contact", contact_id=found.id), 303)
