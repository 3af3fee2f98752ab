"""The public forms: a household registers its interest, anyone orders the magazine.

Each view: show the form, validate, save in one transaction, then redirect to a receipt
(POST-redirect-GET). The receipt exists only once the commit has succeeded.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, redirect, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from intake import choices, db
from intake.builtsite import content
from intake.builtsite.shell import filled, render_page
from intake.models import UTM_FIELDS, Household, HouseholdMunicipality, MagazineOrder
from intake.notify import emails
from intake.public import abuse, campaign, carry, magazine, occupations, saving, visiting
from intake.public.forms import OrderForm, RegistrationForm, select_choices
from intake.web import errors, redaction
from intake.web.errors import CONTROL_ANYWHERE
from tasteget.site import routes

bp = Blueprint("public", __name__)
RECEIPT = {"sv": "tack", "en": "thanks"}


def pair(section: str, suffix: str = "", **options):
    """Register a view at the section's Swedish and English paths (see tasteget.site.routes)."""

    def decorate(view):
        for lang in routes.LANGS:
            path = routes.url(section, lang) + suffix.replace("{receipt}", RECEIPT[lang])
            bp.add_url_rule(path, view_func=view, defaults={"lang": lang}, **options)
        return view

    return decorate


@bp.url_value_preprocessor
def _language(endpoint, values):
    g.lang = values.get("lang", "sv") if values else "sv"


def _other(section: str, lang: str, suffix: str = "") -> str:
    other = routes.other(lang)
    return routes.url(section, other) + suffix.replace("{receipt}", RECEIPT[other])


def _blank(make_form, lang: str, render):
    """The empty form page, the same for every visitor but for its hidden fields (the form itself is
    built only once per site build: binding its thirty fields cost more than the rest of the page)."""
    values = {
        "csrf_token": generate_csrf(),
        "submission_id": (submission_id := secrets.token_urlsafe(24)),
        "started": abuse.start_token(submission_id),
        **{name: campaign.value(request.args.get(name)) or "" for name in UTM_FIELDS},
    }

    def make(markers):
        form = make_form()
        for name, marker in markers.items():
            if name == "csrf_token":
                form.csrf_token.current_token = marker
            else:
                form[name].data = marker
        if hasattr(form, "contact_language"):
            form.contact_language.data = lang
        if lang == "sv":  # the Swedish pages start at Sweden; the English ones ask
            form.country.data = "SE"
        return render(form)[0]

    html = filled((request.endpoint, lang), lang, make, values)
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}


def _carried(make_form, lang: str, render, values: dict[str, str]):
    """The form with what this browser sent on the other form filled in (see intake.public.carry):
    made for this visitor alone, so neither cached here nor anywhere else."""
    form = make_form()
    for name, value in values.items():
        form[name].data = value
    form.submission_id.data = secrets.token_urlsafe(24)
    form.started.data = abuse.start_token(form.submission_id.data)
    if hasattr(form, "contact_language"):
        form.contact_language.data = lang
    html, status, headers = render(form)
    return html, status, {**headers, "Cache-Control": "no-store"}


def _notice(form) -> str | None:
    """A form whose own hidden fields failed (expired or tampered with) is renewed, data kept."""
    if form.csrf_token.errors or form.submission_id.errors:
        form.submission_id.data = secrets.token_urlsafe(24)
        form.started.data = abuse.renewed_token(form.started.data, form.submission_id.data)
        return _("The form had expired, so nothing was sent yet. Check your details and send again.")
    return None


def _find(model, submission_id: str | None):
    """The reference and language of what this form already stored, if anything. Asked only when
    saving failed or the form did not validate: a form sent twice (a double click, the browser's
    resend, a form whose token expired after it was stored) gets the first copy's receipt."""
    if not submission_id or CONTROL_ANYWHERE.search(submission_id):
        return None
    found = select(model.reference, model.form_language).where(model.submission_id == submission_id)
    return db.session().execute(found).first()


def _receipt_url(section: str, lang: str, reference: str) -> str:
    return f"{routes.url(section, lang)}{RECEIPT[lang]}/{reference}/"


@pair("register", methods=["GET", "POST"])
@errors.checks_its_own_fields(query=UTM_FIELDS)  # `campaign.value` drops a bad one
@abuse.limiter.limit(abuse.form_limit, methods=["POST"])
def register(lang: str):
    site = content.site()

    def make_form():
        form = RegistrationForm()
        form.municipalities.choices = select_choices(
            [*((slug, m.name) for slug, m in site.municipalities.items()), (choices.UNSURE, _("Not sure yet"))]
        )
        return form

    def render(form, status=200, notice=None):
        return render_page(
            "register.html",
            lang=lang,
            title=_("Register your interest"),
            description=_("Tell us about your household, and a relocation guide will get in touch."),
            alternate=_other("register", lang),
            status=status,
            form=form,
            notice=notice or _notice(form),
            region=site.region,
            privacy_url=routes.url("privacy", lang),
            occupation_names=f"/static/occupations/{lang}/",
            occupation_texts=occupations.suggestion_texts(),
        )

    if request.method == "GET":
        if request.args.get(carry.PARAMETER) and (values := carry.for_registration()):
            return _carried(make_form, lang, render, values)
        return _blank(make_form, lang, render)
    form = make_form()
    errors.offer_form_again(lambda status, notice: render(form, status, notice))
    if form.validate():
        try:
            done = saving.save_household(form, lang, site)
        except IntegrityError:  # a double click: the first copy is stored, this one is not
            db.session().rollback()
            done = _find(Household, form.submission_id.data)
            if done is None:
                raise
    else:
        done = _find(Household, form.submission_id.data)  # sent again after it was stored?
    if done is not None:
        carry.remember("household", done.reference)
        return redirect(_receipt_url("register", done.form_language, done.reference), 303)
    return render(form, 422)


# The chosen municipalities are all the receipt needs: one light query, not the whole household
# (a prepared statement run as plain SQL: the ORM's handling of a query costs more than the query).
_CHOSEN = (
    select(HouseholdMunicipality.municipality)
    .select_from(Household)
    .outerjoin(HouseholdMunicipality)
    .where(Household.reference == bindparam("reference"))
)


@pair("register", "{receipt}/<reference>/")
@redaction.private
def register_receipt(lang: str, reference: str):
    found = db.session().connection().execute(_CHOSEN, {"reference": reference})
    municipalities = tuple(slug for (slug,) in found)
    if not municipalities:
        abort(404)

    def make(markers):
        site = content.site()
        region = site.region
        receipt = f"{{receipt}}/{markers['reference']}/"
        return render_page(
            "receipt.html",
            lang=lang,
            title=_("Thank you, we have your registration"),
            description=_("Your registration has been received."),
            alternate=_other("register", lang, receipt),
            path=_receipt_url("register", lang, markers["reference"]),
            lead=_(
                "We have saved your registration. A relocation guide will get in touch within %(days)d working days.",
                days=region.response_days,
            ),
            reference=markers["reference"],
            next_steps=emails.markdown_html(region.after_registering.get(lang)),
            contacts=emails.contacts_for([m for m in municipalities if m], site, lang),
            home_url=routes.url("home", lang),
            offer=_offer("order", lang, site),
        )[0]

    # The same page for every household that chose these municipalities, but for the reference.
    html = filled((request.endpoint, lang, municipalities), lang, make, {"reference": reference})
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}


@pair("order", methods=["GET", "POST"])
@errors.checks_its_own_fields(query=UTM_FIELDS)  # `campaign.value` drops a bad one
@abuse.limiter.limit(abuse.form_limit, methods=["POST"])
def order(lang: str):
    site = content.site()

    def render(form, status=200, notice=None):
        return render_page(
            "order.html",
            lang=lang,
            title=_("Order the magazine %(name)s", name=site.region.magazine.name),
            description=_("Order the printed magazine, sent to your home."),
            alternate=_other("order", lang),
            status=status,
            form=form,
            notice=notice or _notice(form),
            magazine_description=emails.markdown_html(site.region.magazine.description.get(lang)),
            magazine_facts=magazine.facts(site.region.magazine, lang),
            privacy_url=routes.url("privacy", lang),
        )

    def make_form():
        form = OrderForm()
        if site.region.magazine.ships_abroad is False:
            form.only_to = magazine.HOME_COUNTRY
        return form

    if request.method == "GET":
        if request.args.get(carry.PARAMETER) and (values := carry.for_order()):
            return _carried(make_form, lang, render, values)
        return _blank(make_form, lang, render)
    form = make_form()
    errors.offer_form_again(lambda status, notice: render(form, status, notice))
    if form.validate():
        try:
            done = saving.save_order(form, lang, site)
        except (saving.AlreadyOrdered, IntegrityError):
            # This very form stored a moment ago (a double click), or another order to the address.
            db.session().rollback()
            done = _find(MagazineOrder, form.submission_id.data)
            if done is None:
                return _already_ordered(lang)
    else:
        done = _find(MagazineOrder, form.submission_id.data)  # sent again after it was stored?
    if done is not None:
        carry.remember("order", done.reference)
        return redirect(_receipt_url("order", done.form_language, done.reference), 303)
    return render(form, 422)


def _offer(section: str, lang: str, site) -> dict[str, str]:
    """The receipt's invitation to the other form, whose link carries nothing personal: the form
    fills itself in from what this browser just sent (intake.public.carry)."""
    url = f"{routes.url(section, lang)}?{carry.PARAMETER}=1"
    if section == "register":
        return {
            "title": _("Thinking of moving here?"),
            "text": _(
                "Register your household, and a relocation guide will get in touch within %(days)d working days. "
                "Your name, e-mail and town are filled in from your order.",
                days=site.region.response_days,
            ),
            "url": url,
            "link": _("Register your household"),
        }
    return {
        "title": _("The magazine %(name)s", name=site.region.magazine.name),
        "text": _(
            "Order the printed magazine about life here. Your name, e-mail, town and country are filled in for you."
        ),
        "url": url,
        "link": _("Order the magazine"),
    }


def _already_ordered(lang: str):
    return render_page(
        "message.html",
        lang=lang,
        title=_("The magazine is already on its way"),
        description=_("The magazine has already been ordered to this address."),
        alternate=_other("order", lang),
        text=_("We already have an order of the magazine to this address, so we will not send another one."),
        back_url=routes.url("home", lang),
        back_text=_("Back to the home page"),
    )


@pair("order", "{receipt}/<reference>/")
@redaction.private
def order_receipt(lang: str, reference: str):
    found = db.session().scalar(select(MagazineOrder).where(MagazineOrder.reference == reference))
    if found is None:
        abort(404)
    return render_page(
        "receipt.html",
        lang=lang,
        title=_("Thank you for your order"),
        description=_("Your order of the magazine has been received."),
        alternate=_other("order", lang, f"{{receipt}}/{reference}/"),
        lead=_("We have saved your order. The magazine will be sent to the address you gave."),
        reference=reference,
        next_steps=None,
        contacts=[],
        home_url=routes.url("home", lang),
        offer=None if carry.sent("household") else _offer("register", lang, content.site()),
    )


@bp.get("/static/occupations/<any(sv, en):lang>/<string(length=1):key>.json")
def occupation_names(lang: str, key: str):
    """The names the occupation fields suggest in `lang` for a query starting with `key`, fetched
    when a field is first used (with another first character, that character's)."""
    return occupations.names_response(lang, key)


# The municipality a visit is asked for, carried over from the municipality page's link.
MUNICIPALITY_PARAMETER = "kommun"


@pair("visit", methods=["GET", "POST"])
@errors.checks_its_own_fields(query=(*UTM_FIELDS, MUNICIPALITY_PARAMETER))  # an unknown municipality is ignored
@abuse.limiter.limit(abuse.form_limit, methods=["POST"])
def visit(lang: str):
    site = content.site()
    trial = visiting.trial_living_places(site)
    today = visiting.local_today()
    preset = request.args.get(MUNICIPALITY_PARAMETER, "")
    preset = preset if preset in site.municipalities else ""

    def make_form():
        form = visiting.VisitRequestForm()
        form.municipality.choices = select_choices(
            [("", _("Choose…")), *((slug, m.name) for slug, m in site.municipalities.items())]
        )
        form.month.choices = select_choices([("", _("Choose…")), *visiting.months(today)])
        form.today, form.trial_living = today, trial
        if request.method == "GET" and preset:
            form.municipality.data = preset
        return form

    def render(form, status=200, notice=None):
        chosen = form.municipality.data or preset
        offered = sorted(site.municipalities[s].name for s in trial)
        return render_page(
            "visit.html",
            lang=lang,
            title=_("Ask for a try-out visit"),
            description=_(
                "Come and see the region: homes, workplaces, schools and coworking, with a relocation guide."
            ),
            alternate=_other("visit", lang) + (f"?{MUNICIPALITY_PARAMETER}={preset}" if preset else ""),
            status=status,
            form=form,
            notice=notice or _notice(form),
            privacy_url=routes.url("privacy", lang),
            # Trial living is offered only where a coworking space has it: hidden for the others.
            trial_here=not chosen or chosen in trial,
            trial_where=", ".join(offered),
        )

    if request.method == "GET":
        key = (request.endpoint, lang, preset, today.strftime("%Y-%m"))  # the months offered start with this one

        def page(markers):
            form = make_form()
            for name, marker in markers.items():
                if name == "csrf_token":
                    form.csrf_token.current_token = marker
                else:
                    form[name].data = marker
            if lang == "sv":
                form.country.data = "SE"
            return render(form)[0]

        values = {
            "csrf_token": generate_csrf(),
            "submission_id": (submission_id := secrets.token_urlsafe(24)),
            "started": abuse.start_token(submission_id),
            **{name: campaign.value(request.args.get(name)) or "" for name in UTM_FIELDS},
        }
        html = filled(key, lang, page, values)
        return html, 200, {"Content-Type": "text/html; charset=utf-8"}
    form = make_form()
    errors.offer_form_again(lambda status, notice: render(form, status, notice))
    session = db.session()
    if form.validate():
        try:
            visiting.save(form, lang, site)
            done = True
        except IntegrityError:  # a double click: the first copy is stored, this one is not
            session.rollback()
            done = visiting.stored(session, form.submission_id.data)
            if not done:
                raise
    else:
        done = visiting.stored(session, form.submission_id.data)  # sent again after it was stored?
    if done:
        return redirect(f"{routes.url('visit', lang)}{RECEIPT[lang]}/", 303)
    return render(form, 422)


@pair("visit", "{receipt}/")
def visit_receipt(lang: str):
    """The thanks after a request: names nothing, since the request may have joined a registration
    made before (whose reference the one who asked need not know)."""
    site = content.site()
    return render_page(
        "message.html",
        lang=lang,
        title=_("Thank you, we have your request"),
        description=_("Your request for a try-out visit has been received."),
        alternate=_other("visit", lang, "{receipt}/"),
        text=_(
            "We have saved your request for a try-out visit. A relocation guide will get in touch within "
            "%(days)d working days to plan the programme with you. A confirmation is on its way to your e-mail.",
            days=site.region.response_days,
        ),
        back_url=routes.url("home", lang),
        back_text=_("Back to the home page"),
    )
