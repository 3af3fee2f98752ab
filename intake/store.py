"""Saving what the forms send in: one transaction per submission, consent evidence included."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import abuse, choices, db, outbox, postal, webhook
from .content import Notice, privacy_notice
from .models import UTM_FIELDS, Household, HouseholdMunicipality, MagazineOrder, PrivacyNotice, utcnow
from .privacy import PURPOSES
from .references import new_reference


class AlreadyOrdered(Exception):
    """The magazine has already been ordered to this address."""


def record_notice(session: Session, notice: Notice) -> None:
    """Keep the text of the notice version being acknowledged (once per version)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(PrivacyNotice)
        .values(version=notice.version, language=notice.language, text=notice.text, first_seen=utcnow())
        .on_conflict_do_nothing(index_elements=["version"])
    )


def _common(form, lang: str, notice: Notice, prefix: str, purpose: str) -> dict:
    return {
        "legal_basis": current_app.config["LEGAL_BASIS"],
        "purpose": purpose,
        "reference": new_reference(prefix),
        "submission_id": form.submission_id.data,
        "form_language": lang,
        "privacy_version": notice.version,
        "consented_at": utcnow(),
        "quarantine_reason": abuse.quarantine_reason(form),
        **{name: form[name].data or None for name in UTM_FIELDS},
    }


def save_household(form, lang: str, site) -> Household:
    """The household and the event that it registered (the worker tells its guides and the mover),
    in one transaction."""
    session = db.session()
    notice = privacy_notice(site, lang)
    chosen = [m for m in form.municipalities.data if m != choices.UNSURE]
    household = Household(
        **_common(form, lang, notice, "H", PURPOSES["household"]),
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or None,
        contact_channel=form.contact_channel.data,
        contact_language=form.contact_language.data,
        country=form.country.data,
        place=form.place.data,
        occupation=form.occupation.data,
        work_sought=form.work_sought.data or None,
        partner_occupation=form.partner_occupation.data or None,
        partner_work_sought=form.partner_work_sought.data or None,
        children_count=form.children_count.data or len(form.children_ages_list),
        children_ages=form.children_ages_list,
        unsure=not chosen,
        municipalities=[HouseholdMunicipality(municipality=slug) for slug in chosen],
        seeks=list(form.seeks.data or []),
        housing_tenure=form.housing_tenure.data or None,
        housing_types=list(form.housing_types.data or []),
        housing_setting=form.housing_setting.data or None,
        timeframe=form.timeframe.data,
        message=form.message.data or None,
        heard_from=form.heard_from.data or None,
    )
    record_notice(session, notice)
    session.add(household)
    if household.quarantine_reason is None:  # the quarantine is told nobody until released
        session.add(outbox.event(outbox.HOUSEHOLD_REGISTERED, household=household))
    session.commit()
    return household


def save_order(form, lang: str, site) -> MagazineOrder:
    """The order and the event that it was placed (the worker confirms it and hands it off to
    another CRM, if one is configured), in one transaction."""
    session = db.session()
    notice = privacy_notice(site, lang)
    fields = _common(form, lang, notice, "M", PURPOSES["order"])
    key = postal.address_key(form.street.data, form.postal_code.data, form.country.data)
    if fields["quarantine_reason"] is not None:
        key = None  # a suspected robot must not block the real household at that address
    elif session.scalar(select(MagazineOrder.id).where(MagazineOrder.address_key == key)) is not None:
        raise AlreadyOrdered
    order = MagazineOrder(
        **fields,
        name=form.name.data,
        street=form.street.data,
        postal_code=form.postal_code.data,
        city=form.city.data,
        country=form.country.data,
        email=form.email.data or None,
        address_key=key,
    )
    record_notice(session, notice)
    session.add(order)
    # Only the orderer is told, by e-mail; another CRM is told of every order.
    if order.quarantine_reason is None and (order.email or webhook.enabled(current_app.config)):
        session.add(outbox.event(outbox.ORDER_PLACED, order=order))
    session.commit()
    return order
