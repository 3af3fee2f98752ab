"""The mover changes their own registration (on "My registration"): what changed goes on the
household's timeline and its guides are told, in the caller's transaction.

- Contact details, occupations, what they seek and the timeframe: one step on the timeline naming the
  fields (`new`) with what they said before (`text`, erased with the household); the guides of the
  municipalities it keeps (the coordinator for "not sure yet") and its owner get an e-mail naming the
  fields, the reference and a link to the back office: never the values.
- A new e-mail address: the old one is told (so that a link in the wrong hands cannot quietly move
  the household's mail elsewhere), without the new address, even past its daily share of messages
  (`MAIL_DAILY_LIMIT_PER_ADDRESS`): once per real change, which only a valid link can make. It is
  counted in that share all the same.
- Municipalities: a step of their own; the guides of a municipality added are told of the household
  as of a new one (`emails.for_guides`), those of the ones it keeps as above.

Nothing is told of a household in the quarantine (as `news.tell`): it is told once released.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from intake import choices
from intake.models import Household, HouseholdMunicipality, OutboxMessage
from intake.notify import emails, routing
from intake.pipeline.timeline import add_event
from intake.public import occupations

# What the mover may change, as staff and guides read its name.
LABELS = {
    "name": _l("name"),
    "email": _l("e-mail"),
    "phone": _l("phone"),
    "contact_channel": _l("how to be contacted"),
    "contact_language": _l("language"),
    "occupation": _l("occupation"),
    "work_sought": _l("work sought"),
    "partner_occupation": _l("partner's occupation"),
    "partner_work_sought": _l("partner's work sought"),
    "seeks": _l("what they are looking for"),
    "timeframe": _l("when they think of moving"),
}
OCCUPATIONS = ("occupation", "partner_occupation")
DETAILS, PLACES = "mover_details", "mover_places"  # the timeline's kinds of step


def _same(old, new) -> bool:
    if isinstance(old, list) or isinstance(new, list):
        return list(old or []) == list(new or [])
    return (old or None) == (new or None)


def changed_fields(household: Household, values: dict) -> list[str]:
    """The names of LABELS whose value in `values` differs from the household's."""
    return [name for name in LABELS if name in values and not _same(getattr(household, name), values[name])]


def _shown(name: str, value) -> str:
    if name == "seeks":
        return ", ".join(choices.label(choices.SEEKS, s) for s in value or []) or "–"
    if name == "timeframe":
        return choices.label(choices.TIMEFRAMES, value)
    if name == "contact_channel":
        return choices.label(choices.CHANNELS, value)
    if name == "contact_language":
        return choices.label(choices.LANGUAGES, value)
    return value or "–"


def apply(session: Session, household: Household, values: dict, chosen: list[str], lang: str, site) -> list[str]:
    """Change the household to `values` (LABELS' names) and the municipalities `chosen` (known to
    `site`; empty: not sure yet), record each change on its timeline and queue the guides' e-mails.
    `lang` is the page's: the language occupations as typed are looked up in. Returns what changed
    (field names, and "municipalities")."""
    chosen = [m for m in dict.fromkeys(chosen) if m in site.municipalities]
    changed = changed_fields(household, values)
    old_address = household.email
    if changed:
        with force_locale(current_app.config["STAFF_LANGUAGE"]):  # stored as staff read it
            before = "; ".join(f"{LABELS[name]}: {_shown(name, getattr(household, name))}" for name in changed)
        for name in changed:
            setattr(household, name, values[name])
            if name in OCCUPATIONS:
                found = occupations.answer(values[name], lang)
                setattr(household, f"{name}_concept", found.concept)
                setattr(household, f"{name}_ssyk", found.ssyk)
                setattr(household, f"{name}_situation", found.situation)
        add_event(session, household, None, DETAILS, None, ",".join(changed), before[:5000])
    old = household.municipality_slugs
    added = [m for m in chosen if m not in old]
    moved = sorted(old) != sorted(chosen)
    if moved:
        household.municipalities = [m for m in household.municipalities if m.municipality in chosen] + [
            HouseholdMunicipality(municipality=m) for m in added
        ]
        household.unsure = not chosen
        with force_locale(current_app.config["STAFF_LANGUAGE"]):  # "not sure yet" as staff triage writes it
            unsure = _("Not sure yet")
        add_event(session, household, None, PLACES, ", ".join(old) or unsure, ", ".join(chosen) or unsure)
    if household.quarantine_reason is None and (changed or moved):
        session.add_all(_tell(session, household, site, old, chosen, added, changed, moved))
    if "email" in changed:  # whatever the address's daily share: only a valid link can change it, once
        session.add(_old_address_told(session, household, old_address, site))
    return changed + (["municipalities"] if moved else [])


def _old_address_told(session: Session, household: Household, address: str, site) -> OutboxMessage:
    """The notice to the address the mover changed from, in the campaign's name, Reply-To a person
    (`emails.to_mover`, as the confirmation's)."""
    subject = _l(
        "%(campaign)s: new e-mail address for your registration %(reference)s",
        campaign=site.region.campaign,
        reference=household.reference,
    )
    return emails.to_mover(
        session,
        site,
        "mover_address_changed",
        household.contact_language or household.form_language,
        subject,
        household=household,
        to=address,
        reference=household.reference,
        campaign=site.region.campaign,
        coordinator=site.region.coordinator.email,
    )


def _tell(session, household, site, old, chosen, added, changed, moved) -> list[OutboxMessage]:
    messages = emails.for_guides(session, household, site, added) if added else []
    told = {m.to_address.lower() for m in messages}
    kept = [m for m in chosen if m in old]
    guides, coordinators = emails.recipients(session, site)
    # The guides it keeps (the coordinator, who triages "not sure yet", when it kept none and chose none
    # new) and its owner; not those told of it as a new household just now.
    to = [r.recipient for r in routing.route(kept, guides, coordinators)] if kept or not added else []
    owner = household.owner
    if owner is not None and owner.active:
        to.append(routing.Recipient(owner.email, owner.name, owner.role))
    with force_locale(emails.GUIDE_LANGUAGE):
        subject = _("Household %(reference)s changed its registration", reference=household.reference)
        fields = [str(LABELS[name]) for name in changed]
        names = {slug: m.name for slug, m in site.municipalities.items()}
        unsure = _("Not sure yet")
    for recipient in to:
        if recipient.email.lower() in told:
            continue
        told.add(recipient.email.lower())
        message = emails.compose(
            "guide_household_changed",
            recipient.email,
            emails.GUIDE_LANGUAGE,
            subject,
            "guide_household_changed",
            reference=household.reference,
            fields=fields,
            places_before=", ".join(names.get(m, m) for m in old) or unsure if moved else None,
            places_after=", ".join(names.get(m, m) for m in chosen) or unsure if moved else None,
            link=emails.public_url(f"/crm/households/{household.reference}/"),
        )
        message.household = household
        messages.append(message)
    return messages
