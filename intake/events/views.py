"""The public pages of signing up: the form, its receipt, and the cancel link's page.

Thin views: the form is checked here, the sign-up and the cancellation are `signups`' transactions.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, g, redirect, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intake import db
from intake.builtsite import content
from intake.builtsite.shell import render_page
from intake.events import facts, paths, places, signups
from intake.events.forms import SignUpForm
from intake.models import EventSignUp, utcnow
from intake.privacy.consent import PURPOSES
from intake.public import abuse, saving
from intake.web import errors, redaction
from tasteget.site import routes

bp = Blueprint("events", __name__)


@bp.url_value_preprocessor
def _language(endpoint, values):
    g.lang = values.get("lang", "sv") if values else "sv"


def _event_or_404(slug: str):
    event = content.site().events.get(slug)
    if event is None:
        abort(404)
    return event


def _closed(event, now: datetime) -> bool:
    today = now.astimezone(ZoneInfo(event.time_zone)).date()
    return event.is_past(now) or not event.open_for_sign_up(today)


def sign_up(lang: str, slug: str):
    event = _event_or_404(slug)
    title = event.title.get(lang)
    other = routes.other(lang)
    page = {"lang": lang, "alternate": paths.sign_up(other, slug)}
    if _closed(event, utcnow()):
        return render_page(
            "message.html",
            title=_("Sign-up is closed: %(title)s", title=title),
            description=_("Sign-up for this event is closed."),
            text=_("Sign-up for this event is closed. See the event's page for what is on."),
            back_url=paths.event(lang, slug),
            back_text=_("Back to the event"),
            **page,
        )
    session = db.session()
    form = SignUpForm.for_event(event, current_app.config["EVENT_NEEDS_DAYS"])

    def render(status=200, notice=None):
        left = places.free(event.capacity, signups.taken(session, slug))
        return render_page(
            "event_sign_up.html",
            title=_("Sign up: %(title)s", title=title),
            description=_("Sign up for %(title)s.", title=title),
            status=status,
            form=form,
            notice=notice,
            event_facts=facts.listed(event, lang, left),
            event_url=paths.event(lang, slug),
            full=left == 0,
            privacy_url=routes.url("privacy", lang),
            **page,
        )

    if request.method == "GET":
        form.submission_id.data = secrets.token_urlsafe(24)
        form.started.data = abuse.start_token(form.submission_id.data)
        return render()
    errors.offer_form_again(lambda status, notice: render(status, notice))
    done = None
    if form.validate():
        notice = content.privacy_notice(content.site(), lang)
        details = signups.Details(
            name=form.name.data,
            email=form.email.data,
            people=form.people.data,
            needs=form.kept_needs,
            submission_id=form.submission_id.data,
            form_language=lang,
            privacy_version=notice.version,
            legal_basis=current_app.config["LEGAL_BASIS"],
            purpose=PURPOSES["sign_up"],
            quarantine_reason=abuse.quarantine_reason(form),
        )
        try:
            saving.record_notice(session, notice)
            done = signups.sign_up(session, slug, event, details, current_app.secret_key, utcnow())
        except IntegrityError:  # this very form stored a moment ago (a double click): its receipt
            session.rollback()
            done = _find(form.submission_id.data)
            if done is None:
                raise
    else:
        done = _find(form.submission_id.data)
        if done is None and (form.csrf_token.errors or form.submission_id.errors):
            form.submission_id.data = secrets.token_urlsafe(24)
            form.started.data = abuse.renewed_token(form.started.data, form.submission_id.data)
            return render(422, _("The form had expired, so nothing was sent yet. Check your details and send again."))
    if done is not None and done.submission_id != form.submission_id.data:
        # The address had a sign-up already: its receipt is not this sender's to see.
        return redirect(paths.receipt(lang, slug, ""), 303)
    if done is not None:
        return redirect(paths.receipt(done.form_language, done.event, done.reference), 303)
    return render(422)


def _find(submission_id: str | None) -> EventSignUp | None:
    if not submission_id or errors.CONTROL_ANYWHERE.search(submission_id):
        return None
    return db.session().scalar(select(EventSignUp).where(EventSignUp.submission_id == submission_id))


def receipt(lang: str, slug: str, reference: str):
    session = db.session()
    found = session.scalar(select(EventSignUp).where(EventSignUp.reference == reference, EventSignUp.event == slug))
    event = content.site().events.get(slug)
    if found is None or event is None:
        abort(404)
    title = event.title.get(lang)
    if found.status == "waiting":
        lead = _(
            "The event is full, so you are on the waiting list: number %(position)d in the queue. If a place frees up for your party, you get it automatically and we e-mail you.",
            position=signups.queue_position(session, found) or 1,
        )
        heading = _("You are on the waiting list")
    else:
        lead = _("You are signed up. We have sent a confirmation with a calendar file to your e-mail.")
        heading = _("Thank you, you are signed up")
    return render_page(
        "event_receipt.html",
        lang=lang,
        title=heading,
        description=_("Your sign-up has been received."),
        alternate=paths.receipt(routes.other(lang), slug, reference),
        lead=lead,
        reference=reference,
        event_title=title,
        event_facts=facts.listed(event, lang)[:2],
        event_url=paths.event(lang, slug),
        home_url=routes.url("home", lang),
    )


def sent(lang: str, slug: str):
    """What the sender of a sign-up with an address signed up already sees: nothing about that sign-up."""
    event = content.site().events.get(slug)
    if event is None:
        abort(404)
    return render_page(
        "event_receipt.html",
        lang=lang,
        title=_("Thank you"),
        description=_("Your sign-up has been received."),
        alternate=paths.receipt(routes.other(lang), slug, ""),
        lead=_("We have sent an e-mail to the address you gave, with what holds for its sign-up to the event."),
        reference=None,
        event_title=event.title.get(lang),
        event_facts=facts.listed(event, lang)[:2],
        event_url=paths.event(lang, slug),
        home_url=routes.url("home", lang),
    )


def cancel(lang: str, token: str):
    session = db.session()
    found = signups.by_token(session, token)
    if found is None or found.erased_at is not None or found.status == "held":
        abort(404)
    event = content.site().events.get(found.event)
    title = event.title.get(lang) if event else found.event
    page = {"lang": lang, "alternate": paths.cancel(routes.other(lang), token), "reference": found.reference}
    form = FlaskForm()
    over = event is not None and event.is_past(utcnow())
    expired = request.method == "POST" and not form.validate_on_submit()
    if request.method == "POST" and not expired and not over:
        signups.cancel(session, found, event, utcnow())
        return redirect(request.path, 303)
    if found.status == "cancelled":
        return render_page(
            "message.html",
            title=_("Your sign-up is cancelled"),
            description=_("Your sign-up is cancelled."),
            text=_("Your sign-up for %(title)s is cancelled. Thank you for telling us.", title=title),
            back_url=paths.event(lang, found.event) if event else routes.url("home", lang),
            back_text=_("Back to the event") if event else _("Back to the home page"),
            **page,
        )
    if found.status not in ("confirmed", "waiting") or over:
        return render_page(
            "message.html",
            title=_("The event is over"),
            description=_("The event is over."),
            text=_("%(title)s is over, so there is nothing to cancel.", title=title),
            back_url=routes.url("home", lang),
            back_text=_("Back to the home page"),
            **page,
        )
    notice = _("The page had expired, so nothing was done yet. Confirm again to cancel.") if expired else None
    return render_page(
        "event_cancel.html",
        title=_("Cancel your sign-up"),
        description=_("Cancel your sign-up for an event."),
        status=400 if expired else 200,
        notice=notice,
        form=form,
        event_title=title,
        event_when=facts.when(event, lang) if event else "",
        waiting=found.status == "waiting",
        people=found.people,
        **page,
    )


def _event_limit() -> str:
    return current_app.config["RATELIMIT_EVENT_SIGN_UPS"]


def _client_and_event() -> str:
    """The per-event limit's key: the client's address and the event (in either language)."""
    return f"{get_remote_address()}/{(request.view_args or {}).get('slug', '')}"


# Sign-ups stored (or answered with the one already stored) per client address and event, on top of
# the forms' own limit: one person cannot fill an event from one address; a form sent back with an
# error to correct is not counted. Shared by both languages' routes (the key names the event).
_per_event = abuse.limiter.shared_limit(
    _event_limit,
    key_func=_client_and_event,
    methods=["POST"],
    scope="event_sign_up",
    deduct_when=lambda response: response.status_code == 303,
)

for _lang in routes.LANGS:
    bp.add_url_rule(
        paths.sign_up(_lang, "<slug>"),
        "sign_up_" + _lang,
        abuse.limiter.limit(abuse.form_limit, methods=["POST"])(_per_event(sign_up)),
        defaults={"lang": _lang},
        methods=["GET", "POST"],
    )
    bp.add_url_rule(paths.receipt(_lang, "<slug>", ""), "sent_" + _lang, sent, defaults={"lang": _lang})
    bp.add_url_rule(
        paths.receipt(_lang, "<slug>", "<reference>"),
        "receipt_" + _lang,
        redaction.private(receipt),
        defaults={"lang": _lang},
    )
    bp.add_url_rule(
        paths.cancel(_lang, "<token>"),
        "cancel_" + _lang,
        abuse.limiter.limit(abuse.form_limit, methods=["POST"])(redaction.private(cancel)),
        defaults={"lang": _lang},
        methods=["GET", "POST"],
    )
