"""Saving what the forms send in: one transaction per submission, consent evidence included.

Plain INSERTs of prepared statements (SQLAlchemy Core, in the request's session and transaction),
not the ORM's unit of work: these are the only writes on a visitor's path, and flushing the same
rows as ORM objects cost about twice as much server time as the rest of the POST's database work
(bench/INTAKE_RESULTS.md). The back office reads and changes the rows through the ORM as usual.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake import choices, db
from intake.builtsite.content import Notice, privacy_notice
from intake.models import (
    UTM_FIELDS,
    Household,
    HouseholdMunicipality,
    MagazineOrder,
    OutboxMessage,
    PrivacyNotice,
    utcnow,
)
from intake.notify import outbox, webhook
from intake.privacy.consent import PURPOSES
from intake.public import abuse, occupations, postal
from intake.references import new_reference

_INSERT_HOUSEHOLD = insert(Household.__table__).returning(Household.__table__.c.id)
_INSERT_MUNICIPALITY = insert(HouseholdMunicipality.__table__)
_INSERT_ORDER = insert(MagazineOrder.__table__).returning(MagazineOrder.__table__.c.id)
_INSERT_EVENT = insert(OutboxMessage.__table__)
_INSERT_NOTICE = {
    "postgresql": postgresql.insert(PrivacyNotice.__table__).on_conflict_do_nothing(index_elements=["version"]),
    "sqlite": sqlite.insert(PrivacyNotice.__table__).on_conflict_do_nothing(index_elements=["version"]),
}


# What differs between two copies of one form sent twice: the rest is what the sender typed.
_PER_COPY = frozenset({"reference", "consented_at", "quarantine_reason", "privacy_version"})


class Saved(NamedTuple):
    """What the receipt needs of a stored submission."""

    reference: str
    form_language: str


class AlreadyOrdered(Exception):
    """The magazine has already been ordered to this address."""


def record_notice(session: Session, notice: Notice) -> None:
    """Keep the text of the notice version being acknowledged (once per version)."""
    connection = session.connection()
    connection.execute(
        _INSERT_NOTICE[connection.dialect.name],
        {"version": notice.version, "language": notice.language, "text": notice.text, "first_seen": utcnow()},
    )


def _in_one_transaction(session: Session, notice: Notice, write) -> None:
    """`write(connection)`, with the notice's text before it unless this process has already stored
    that version (the same few kilobytes, written again on every form, were the largest avoidable
    part of a registration's database work). Should the version be missing after all (a database
    restored or emptied under a running process), the foreign key refuses the row and it is written
    again with the notice."""
    known = current_app.extensions.setdefault("privacy_notices_stored", set())
    skipped = notice.version in known
    try:
        if not skipped:
            record_notice(session, notice)
        write(session.connection())
        session.commit()
    except IntegrityError:
        session.rollback()
        if not skipped:
            raise  # a real conflict: this very form stored a moment ago, say
        known.discard(notice.version)
        _in_one_transaction(session, notice, write)
    known.add(notice.version)


def _once(session: Session, notice: Notice, model, values: dict, write, same) -> Saved:
    """Store the submission once per form page. The page sent again (a double click, a resend) with
    the same data gets the first copy's receipt; sent again with other data, it is a robot using one
    page for many submissions, and the copy goes to quarantine (the sender sees a receipt as usual)."""
    try:
        _in_one_transaction(session, notice, write)
    except IntegrityError:
        session.rollback()
        first = session.scalar(select(model).where(model.submission_id == values["submission_id"]))
        if first is None:
            raise  # not this page again: another conflict, for the view to answer
        if same(first):
            return Saved(first.reference, first.form_language)
        values.update(
            reference=new_reference(values["reference"][0]),
            submission_id=f"{values['submission_id'][:40]}~{secrets.token_urlsafe(12)}",
            quarantine_reason="replayed",
        )
        if "address_key" in values:
            values["address_key"] = None  # as for any quarantined order
        _in_one_transaction(session, notice, write)
    return Saved(values["reference"], values["form_language"])


def _same_data(stored, values: dict) -> bool:
    return all(getattr(stored, name) == value for name, value in values.items() if name not in _PER_COPY)


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


def _occupation(name: str, typed: str | None, lang: str) -> dict:
    """The text as typed and what it maps to in the page's language (see `occupations.answer`)."""
    found = occupations.answer(typed, lang)
    return {
        name: typed or None,
        f"{name}_concept": found.concept,
        f"{name}_ssyk": found.ssyk,
        f"{name}_situation": found.situation,
    }


def save_household(form, lang: str, site) -> Saved:
    """The household and the event that it registered (the worker tells its guides and the mover;
    for one held only for being sent too fast, the mover alone), in one transaction."""
    session = db.session()
    notice = privacy_notice(site, lang)
    chosen = [m for m in form.municipalities.data if m != choices.UNSURE]
    values = dict(
        **_common(form, lang, notice, "H", PURPOSES["household"]),
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or None,
        contact_channel=form.contact_channel.data,
        contact_language=form.contact_language.data,
        country=form.country.data,
        place=form.place.data,
        **_occupation("occupation", form.occupation.data, lang),
        work_sought=form.work_sought.data or None,
        **_occupation("partner_occupation", form.partner_occupation.data, lang),
        partner_work_sought=form.partner_work_sought.data or None,
        children_count=form.children_count.data or len(form.children_ages_list),
        children_ages=form.children_ages_list,
        unsure=not chosen,
        seeks=list(form.seeks.data or []),
        housing_tenure=form.housing_tenure.data or None,
        housing_types=list(form.housing_types.data or []),
        housing_setting=form.housing_setting.data or None,
        timeframe=form.timeframe.data,
        message=form.message.data or None,
        heard_from=form.heard_from.data or None,
    )

    def write(connection):
        household_id = connection.execute(_INSERT_HOUSEHOLD, values).scalar_one()
        if chosen:
            rows = [{"household_id": household_id, "municipality": slug} for slug in chosen]
            connection.execute(_INSERT_MUNICIPALITY, rows)
        reason = values["quarantine_reason"]
        if reason is None:
            connection.execute(_INSERT_EVENT, outbox.event_row(outbox.HOUSEHOLD_REGISTERED, household_id=household_id))
        elif reason in abuse.CONFIRMED_WHILE_HELD:  # the mover hears at once, the guides once it is released
            connection.execute(_INSERT_EVENT, outbox.event_row(outbox.HOUSEHOLD_HELD, household_id=household_id))

    def same(stored: Household) -> bool:
        return _same_data(stored, values) and sorted(stored.municipality_slugs) == sorted(chosen)

    return _once(session, notice, Household, values, write, same)


def save_order(form, lang: str, site) -> Saved:
    """The order and the event that it was placed (the worker confirms it and hands it off to
    another CRM, if one is configured), in one transaction."""
    session = db.session()
    notice = privacy_notice(site, lang)
    values = dict(
        **_common(form, lang, notice, "M", PURPOSES["order"]),
        name=form.name.data,
        street=form.street.data,
        postal_code=form.postal_code.data,
        city=form.city.data,
        country=form.country.data,
        email=form.email.data or None,
        address_key=postal.address_key(form.street.data, form.postal_code.data, form.country.data),
    )
    if values["quarantine_reason"] is not None:
        values["address_key"] = None  # a suspected robot must not block the real household at that address
    elif session.scalar(select(MagazineOrder.id).where(MagazineOrder.address_key == values["address_key"])):
        raise AlreadyOrdered

    def write(connection):
        order_id = connection.execute(_INSERT_ORDER, values).scalar_one()
        # Only the orderer is told, by e-mail; another CRM is told of every order.
        if values["quarantine_reason"] is None and (values["email"] or webhook.enabled(current_app.config)):
            connection.execute(_INSERT_EVENT, outbox.event_row(outbox.ORDER_PLACED, order_id=order_id))

    def same(stored: MagazineOrder) -> bool:
        return _same_data(stored, values)

    return _once(session, notice, MagazineOrder, values, write, same)
