"""What the e-mails say, in the recipient's language.

Guides get the broad shape of a request (with the adults' occupation groups and the needs they
match, `skills`) and a link to the back office, never the mover's name, contact details or own
words, the occupation as typed included: personal data stays in the CRM.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markdown import markdown
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import choices
from intake.accounts import users
from intake.builtsite import content
from intake.events import facts, paths
from intake.models import Household, MagazineOrder, OutboxMessage, Visit, utcnow
from intake.notify import followup, mime, outbox, routing, skills
from intake.pipeline import visits, welcome
from intake.privacy import consent
from intake.public import mylink
from tasteget.site import routes

GUIDE_LANGUAGE = "sv"
WELCOME = "mover_welcome"  # the e-mail that welcomes a household marked moved

log = logging.getLogger("intake.messages")  # a log name operators filter on: it stays when the module moves


@lru_cache(maxsize=64)
def markdown_html(text: str) -> Markup:
    """Content's Markdown as HTML, converted once per text (keyed by the text, so edited content
    is converted anew)."""
    return Markup(markdown(text))


def compose(
    kind: str, to: str, lang: str, subject: str, template: str, reply_to: str | None = None, **context
) -> OutboxMessage:
    """An e-mail to the address `to` (and no name: address headers carry addresses only; so does
    `reply_to`, when replies go elsewhere than MAIL_FROM), checked as it will be sent (From MAIL_FROM
    in the campaign's name): one that fails the check (see `mime.verify`) is stored undelivered with
    the reason, never queued."""
    with force_locale(lang):
        message = OutboxMessage(
            kind=kind,
            message_id=outbox.new_message_id(_domain()),
            to_address=to,
            reply_to=reply_to,
            language=lang,
            subject=str(subject),
            body_text=render_template(f"mail/{template}.txt", **context),
            body_html=render_template(f"mail/{template}.html", **context),
        )
    try:
        mime.build(mime.Outgoing.of(message), current_app.config["MAIL_FROM"], content.site().region.campaign)
    except mime.UnsafeMessage as exc:
        message.status, message.attempts, message.last_error = "dead", 0, str(exc)
        log.error("a %s message failed the header check and was not queued: %s", kind, exc)
    return message


def _told(session: Session, site, composed: list[OutboxMessage], reference: str | None) -> list[OutboxMessage]:
    """`composed`, and the coordinator's alert about each of them that failed the check in `compose`."""
    refused = [m for m in composed if m.status == "dead"]
    return composed + [alert for m in refused for alert in dead_letter(session, site, m, reference)]


def _domain() -> str:
    return current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >") or "localhost"


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def household_summary(household: Household, lang: str) -> str:
    """E.g. "A household of 4 (2 adults, 2 children). Looking for: a job, housing. When: within 6 months."""
    with force_locale(lang):
        adults = 2 if skills.has_partner(household) else 1
        size = adults + household.children_count
        parts = [
            ngettext("A household of %(num)d", "A household of %(num)d", size)
            + " ("
            + ngettext("%(num)d adult", "%(num)d adults", adults)
            + (
                ", " + ngettext("%(num)d child", "%(num)d children", household.children_count)
                if household.children_count
                else ""
            )
            + ")."
        ]
        if household.seeks:
            wanted = ", ".join(choices.label(choices.SEEKS, s).lower() for s in household.seeks)
            parts.append(_("Looking for: %(things)s.", things=wanted))
        parts.append(_("When: %(when)s.", when=choices.label(choices.TIMEFRAMES, household.timeframe).lower()))
        return " ".join(parts)


def recipients(session: Session, site):
    """Who is told: staff accounts where they exist, the contacts in the content otherwise."""
    return routing.combine(users.recipients(session), routing.from_content(site))


def for_new_household(session: Session, household: Household, site) -> list[OutboxMessage]:
    """The guides' notifications and the mover's confirmation (unless they have had it: one held
    back for being sent too fast was confirmed at once, see `confirmation`), for the caller to add
    and commit."""
    messages = for_guides(session, household, site, household.municipality_slugs)
    return messages + confirmation(session, household, site)


def for_guides(session: Session, household: Household, site, municipalities: list[str]) -> list[OutboxMessage]:
    """Tell the guides of `municipalities` (the coordinator when there are none) about a household."""
    guides, coordinators = recipients(session, site)
    days = site.region.response_days
    messages = []
    for routed in routing.route(municipalities, guides, coordinators):
        with force_locale(GUIDE_LANGUAGE):
            names = [site.municipalities[s].name for s in routed.municipalities if s in site.municipalities]
            places = ", ".join(names) if names else _("a municipality not chosen yet")
            subject = _("New household for %(places)s (%(reference)s)", places=places, reference=household.reference)
        messages.append(
            compose(
                "guide_new_household",
                routed.recipient.email,
                GUIDE_LANGUAGE,
                subject,
                "guide_new_household",
                places=places,
                reference=household.reference,
                summary=household_summary(household, GUIDE_LANGUAGE),
                skills=skills.of(household, site, routed.municipalities, GUIDE_LANGUAGE),
                link=public_url(f"/crm/households/{household.reference}/"),
                days=days,
            )
        )
    for message in messages:
        message.household = household
    return _told(session, site, messages, household.reference)


@dataclass(frozen=True)
class Person:
    """Someone a mover can reach: the Reply-To of what they are sent (the address only) and the
    contact their confirmation names."""

    name: str
    email: str
    role: str | None = None
    phone: str | None = None


def confirmed(session: Session, household: Household, sent_only: bool = False) -> bool:
    """Whether the mover's confirmation was written for this household (`sent_only`: and sent)."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.household_id == household.id, OutboxMessage.kind == "mover_confirmation"
    )
    if sent_only:
        query = query.where(OutboxMessage.status.in_(("sending", "sent")))
    return session.scalar(query.limit(1)) is not None


def mover_contact(session: Session, household: Household, site, lang: str) -> Person | None:
    """The person a mover's replies go to: the household's owner (an active staff account) if it
    has one; else the first guide of the first municipality it chose (a staff account where the
    municipality has one, the content's guide otherwise, as the guides' notices are routed); else
    the coordinator (an account, else the content's). None only when nobody has an address: replies
    then go to MAIL_FROM."""
    if household.owner is not None and household.owner.active:
        return Person(household.owner.name, household.owner.email)
    account_guides, account_coordinators = users.recipients(session)
    first = next(iter(in_form_order(household.municipality_slugs, site)), None)
    if first in account_guides and account_guides[first]:
        return Person(account_guides[first][0].name, account_guides[first][0].email)
    place = site.municipalities.get(first)
    guide = next((g for g in place.guides if g.email), None) if place else None
    if guide is not None:
        return Person(guide.name, guide.email, guide.title.get(lang), guide.phone)
    return coordinator_contact(session, site, lang, account_coordinators)


def to_mover(
    session: Session,
    site,
    kind: str,
    lang: str,
    subject,
    household: Household | None = None,
    to: str | None = None,
    template: str | None = None,
    **context,
) -> OutboxMessage:
    """An e-mail to a mover (at `to`, else the household's address; `template` defaults to `kind`)
    in the campaign's name, with `subject` (a lazy string naming the campaign and the reference) in
    their language and Reply-To a person: the household's contact (`mover_contact`), or the
    coordinator for a mover without a household (`household` None: one deleted, an order). The
    person is in the template's context as `person`; the message is attached to the household."""
    person = (
        mover_contact(session, household, site, lang)
        if household is not None
        else coordinator_contact(session, site, lang)
    )
    message = compose(
        kind,
        to or household.email,
        lang,
        subject,
        template or kind,
        reply_to=person.email if person else None,
        person=person,
        **context,
    )
    if household is not None:
        message.household = household
    return message


def in_form_order(municipalities: list[str], site) -> list[str]:
    """The municipalities in the form's order (the content's), as the mover saw and chose them: the
    rows keep no order of their own. Any the content no longer has come last."""
    known = [slug for slug in site.municipalities if slug in municipalities]
    return known + sorted(set(municipalities) - set(known))


def coordinator_contact(session: Session, site, lang: str, accounts=None) -> Person | None:
    """The coordinator, as a mover reaches them: the first active account, else the content's."""
    accounts = users.recipients(session)[1] if accounts is None else accounts
    if accounts:
        return Person(accounts[0].name, accounts[0].email)
    c = site.region.coordinator
    return Person(c.name or c.title.get(lang), c.email, c.organisation, c.phone) if c.email else None


def confirmation(session: Session, household: Household, site) -> list[OutboxMessage]:
    """The mover's confirmation, once per household (releasing one held in the quarantine, which
    was confirmed when it came in, tells the guides only), and unless their address has had its
    share of messages today. In the campaign's name, Reply-To a person (`mover_contact`), who is
    named in it with what happens next and when."""
    if confirmed(session, household):
        return []
    region, days = site.region, site.region.response_days
    messages = []
    lang = household.contact_language or household.form_language
    if outbox.sent_recently(session, household.email, utcnow()) < current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
        subject = _l(
            "%(campaign)s: we have your registration %(reference)s",
            campaign=region.campaign,
            reference=household.reference,
        )
        messages.append(
            to_mover(
                session,
                site,
                "mover_confirmation",
                lang,
                subject,
                household=household,
                name=household.name,
                reference=household.reference,
                next_steps=region.after_registering.get(lang).strip(),
                next_steps_html=markdown_html(region.after_registering.get(lang)),
                days=days,
                contacts=contacts_for(in_form_order(household.municipality_slugs, site), site, lang),
                privacy_url=public_url(routes.url("privacy", lang)),
                withdraw_url=public_url(
                    consent.withdraw_path(lang, consent.withdrawal_token(current_app.secret_key, household.reference))
                ),
                mine_url=mylink.url(household, lang),
                mine_days=current_app.config["MY_REGISTRATION_LINK_DAYS"],
            )
        )
    for message in messages:
        message.household = household
    return _told(session, site, messages, household.reference)


def removal_notice(session: Session, household: Household, site) -> list[OutboxMessage]:
    """Tell a mover whose registration was confirmed and then deleted from the quarantine as a robot
    that it is gone (and that they may register again), unless their address has had its share of
    messages today. Not attached to the household, which is deleted; Reply-To the coordinator, who
    deleted it."""
    if outbox.sent_recently(session, household.email, utcnow()) >= current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
        return []
    lang = household.contact_language or household.form_language
    subject = _l(
        "%(campaign)s: your registration %(reference)s has been removed",
        campaign=site.region.campaign,
        reference=household.reference,
    )
    message = to_mover(
        session,
        site,
        outbox.MOVER_REMOVAL,
        lang,
        subject,
        template="mover_removal",
        to=household.email,
        reference=household.reference,
        register_url=public_url(routes.url("register", lang)),
        privacy_url=public_url(routes.url("privacy", lang)),
    )
    return _told(session, site, [message], household.reference)


def contacts_for(municipalities: list[str], site, lang: str) -> list[dict]:
    """The people who will get in touch: the chosen municipalities' guides, else the coordinator."""
    contacts = []
    for slug in municipalities:
        m = site.municipalities.get(slug)
        for guide in m.guides if m else []:
            contacts.append(
                {
                    "name": guide.name,
                    "role": guide.title.get(lang),
                    "place": m.name,
                    "phone": guide.phone,
                    "email": guide.email,
                }
            )
    if not contacts:
        c = site.region.coordinator
        contacts.append(
            {"name": c.name or c.title.get(lang), "role": c.organisation, "phone": c.phone, "email": c.email}
        )
    return contacts


def for_new_order(session: Session, order: MagazineOrder, site) -> list[OutboxMessage]:
    """A short confirmation when the orderer gave an e-mail address (and has not had too many)."""
    if not order.email:
        return []
    if outbox.sent_recently(session, order.email, utcnow()) >= current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
        return []
    lang = order.form_language
    subject = _l(
        "%(campaign)s: your magazine order %(reference)s", campaign=site.region.campaign, reference=order.reference
    )
    # An order belongs to no household and so to no guide: replies go to the coordinator, who
    # looks after the magazine's orders (their daily summary) and can pass a question on.
    message = to_mover(
        session,
        site,
        "order_confirmation",
        lang,
        subject,
        to=order.email,
        magazine=site.region.magazine.name,
        reference=order.reference,
        privacy_url=public_url(routes.url("privacy", lang)),
    )
    message.order = order
    return _told(session, site, [message], order.reference)


def orders_summary(session, site, day: str, count: int, by_country: list[tuple[str, int]]) -> list[OutboxMessage]:
    coordinators = recipients(session, site)[1]
    with force_locale(GUIDE_LANGUAGE):
        subject = _("Magazine orders on %(day)s: %(count)d", day=day, count=count)
    summaries = [
        compose(
            "orders_summary",
            c.email,
            GUIDE_LANGUAGE,
            subject,
            "orders_summary",
            day=day,
            count=count,
            by_country=by_country,
            link=public_url("/crm/orders/"),
        )
        for c in coordinators
    ]
    return _told(session, site, summaries, None)


def dead_letter(session, site, dead: OutboxMessage, reference: str | None) -> list[OutboxMessage]:
    """Tell the coordinator that a message was given up (never about an alert itself)."""
    if dead.kind == "dead_letter":
        return []
    coordinators = recipients(session, site)[1]
    hand_off = dead.kind == outbox.WEBHOOK
    kind = f"{dead.kind} {dead.subject}" if hand_off else dead.kind  # e.g. "webhook order.placed"
    with force_locale(GUIDE_LANGUAGE):
        subject = _("A message could not be delivered (%(kind)s)", kind=kind)
    return [
        compose(
            "dead_letter",
            c.email,
            GUIDE_LANGUAGE,
            subject,
            "dead_letter",
            attempts=dead.attempts,
            failed_kind=kind,
            hand_off=hand_off,
            reference=reference,
            error=dead.last_error,
        )
        for c in coordinators
    ]


def follow_up(session: Session, site, household: Household, kind: str, days: int) -> list[OutboxMessage]:
    """A reminder to the guides (or the owner), an escalation to the coordinator, or the
    12-month question whether a household that moved has settled."""
    guides, coordinators = recipients(session, site)
    if kind == "escalation":
        to = coordinators
    elif not followup.unowned(household):  # the rule the list of one's follow-ups keeps too
        to = [routing.Recipient(household.owner.email, household.owner.name, household.owner.role)]
    else:
        to = [r.recipient for r in routing.route(household.municipality_slugs, guides, coordinators)]
    with force_locale(GUIDE_LANGUAGE):
        subjects = {
            "reminder": _("Reminder: household %(reference)s has not been contacted", reference=household.reference),
            "escalation": _("Not contacted in time: household %(reference)s", reference=household.reference),
            "settled_check": _("Has household %(reference)s settled?", reference=household.reference),
        }
    out = []
    for recipient in to:
        message = compose(
            kind,
            recipient.email,
            GUIDE_LANGUAGE,
            subjects[kind],
            "follow_up",
            step=kind,
            reference=household.reference,
            days=days,
            link=public_url(f"/crm/households/{household.reference}/"),
        )
        message.household = household
        out.append(message)
    return _told(session, site, out, household.reference)


def household_message(household: Household, guide_email: str, guide_name: str, subject: str, text: str, site):
    """A guide's message to a household, as the guide wrote it (subject and plain text), in the
    household's contact language: From the campaign (MAIL_FROM), Reply-To the guide's address (an
    address only), with a footer saying who wrote and why the household hears from us, and how to
    withdraw. Not yet attached to the household (a preview is composed the same way); its status is
    "dead" with the reason when it fails the header check."""
    lang = household.contact_language or household.form_language
    token = consent.withdrawal_token(current_app.secret_key, household.reference)
    return compose(
        outbox.HOUSEHOLD_MESSAGE,
        household.email,
        lang,
        subject,
        "household_message",
        reply_to=guide_email,
        text=text,
        paragraphs=[block.split("\n") for block in text.split("\n\n") if block.strip()],
        guide=guide_name,
        campaign=site.region.campaign,
        reference=household.reference,
        privacy_url=public_url(routes.url("privacy", lang)),
        withdraw_url=public_url(consent.withdraw_path(lang, token)),
    )


def _latest_request(session: Session, household: Household) -> Visit | None:
    return session.scalar(
        select(Visit)
        .where(Visit.household_id == household.id, Visit.state == "requested")
        .order_by(Visit.requested_at.desc(), Visit.id.desc())
        .limit(1)
    )


def for_visit_request(session: Session, household: Household, site) -> list[OutboxMessage]:
    """A household already registered asked for a try-out visit: the guides of the municipality
    (the coordinator when it has none) are told, with no personal details, and the mover is
    confirmed in their language unless their address has had its share of messages today."""
    visit = _latest_request(session, household)
    if visit is None:
        return []  # declined or confirmed before the worker came to it: nothing left to tell
    wished = [visit.municipality] if visit.municipality else household.municipality_slugs
    days = visit_days(visit)
    guides, coordinators = recipients(session, site)
    messages = []
    for routed in routing.route(wished, guides, coordinators):
        with force_locale(GUIDE_LANGUAGE):
            names = [site.municipalities[s].name for s in routed.municipalities if s in site.municipalities]
            places = ", ".join(names) if names else site.region.name
            subject = _(
                "Try-out visit requested to %(places)s (%(reference)s)", places=places, reference=household.reference
            )
        messages.append(
            compose(
                "guide_visit_requested",
                routed.recipient.email,
                GUIDE_LANGUAGE,
                subject,
                "guide_visit_requested",
                places=places,
                reference=household.reference,
                days=days,
                link=public_url(f"/crm/households/{household.reference}/#visits"),
            )
        )
    lang = household.contact_language or household.form_language
    if outbox.sent_recently(session, household.email, utcnow()) < current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
        place = site.municipalities.get(visit.municipality)
        subject = _l(
            "%(campaign)s: we have your request for a try-out visit (%(reference)s)",
            campaign=site.region.campaign,
            reference=household.reference,
        )
        messages.append(
            to_mover(
                session,
                site,
                "mover_visit_requested",
                lang,
                subject,
                household=household,
                name=household.name,
                reference=household.reference,
                place=place.name if place else site.region.name,
                days=days,
                response_days=site.region.response_days,
            )
        )
    for message in messages:
        message.household = household
    return _told(session, site, messages, household.reference)


def visit_days(visit: Visit) -> str:
    """The wished days as an e-mail names them: the month when flexible, else the dates."""
    return visit.flexible_month or visits.days(visit)


def for_moved_household(session: Session, household: Household, site) -> list[OutboxMessage]:
    """A household marked moved is welcomed to its municipality in its language, once: its checklist
    for the first months (to tick off on its own page) and the next event for newcomers, with the
    link to the event's page; Reply-To its contact person (`to_mover`)."""
    already = select(OutboxMessage.id).where(OutboxMessage.household_id == household.id, OutboxMessage.kind == WELCOME)
    if session.scalar(already.limit(1)) is not None:
        return []
    lang = household.contact_language or household.form_language
    municipality = site.municipalities.get(household.moved_to)
    place = municipality.name if municipality else site.region.name
    found = welcome.next_event(site.events, household.moved_to, utcnow())
    event = None
    if found is not None:
        slug, e = found
        event = {"title": e.title.get(lang), "when": facts.when(e, lang), "url": public_url(paths.event(lang, slug))}
    message = to_mover(
        session,
        site,
        WELCOME,
        lang,
        _l(
            "%(campaign)s: welcome to %(place)s (%(reference)s)",
            campaign=site.region.campaign,
            place=place,
            reference=household.reference,
        ),
        household=household,
        name=household.name,
        place=place,
        steps=[{"title": item.title.get(lang), "link": item.link} for item in welcome.checklist(household, site)],
        event=event,
        mine_url=mylink.url(household, lang),
        mine_days=current_app.config["MY_REGISTRATION_LINK_DAYS"],
        campaign=site.region.campaign,
    )
    return _told(session, site, [message], household.reference)
