"""The mover's own page, "My registration", from the link in their e-mails (see `mylink`).

What they sent, their guide and how far they have come; they change their contact details,
municipalities, timeframe, what they seek and occupations (the registration form's own fields and
checks), ask for a new link, or withdraw (the withdrawal page, `withdrawal`). A link that has run
out, been replaced or was never ours gets a page that offers "send me my link"; one to a household
withdrawn or erased gets a neutral page that shows nothing of it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

from intake import choices, db
from intake.builtsite import content
from intake.builtsite.shell import render_page
from intake.events import facts, paths
from intake.models import Household, utcnow
from intake.notify import emails
from intake.pipeline import mover_changes, welcome
from intake.privacy import consent
from intake.public import abuse, mylink, occupations
from intake.public.forms import RegistrationForm, select_choices
from intake.public.forms import email as email_field
from intake.web import errors, redaction
from tasteget.site import routes

bp = Blueprint("mine", __name__)


@bp.url_value_preprocessor
def _language(endpoint, values):
    g.lang = values.get("lang", "sv") if values else "sv"


class MineForm(RegistrationForm):
    """The registration form's fields that the mover may change, with their checks and messages."""

    website = started = submission_id = None  # a person with their own link: no robot checks
    utm_source = utm_medium = utm_campaign = utm_term = utm_content = None
    country = place = children_count = children_ages = None
    housing_tenure = housing_types = housing_setting = message = heard_from = privacy = None


class AskForm(FlaskForm):
    """The form of "send me my link": the address the mover registered with."""

    email = email_field(_l("The e-mail address you registered with"))


# What the mover reads of the household's status (`Household.status`): only what concerns them.
def _status_text(status: str, days: int) -> str:
    texts = {
        "new": _(
            "We have your registration. A relocation guide will get in touch within %(days)d working days.", days=days
        ),
        "contacted": _("A relocation guide has been in touch with you."),
        "visiting": _("A visit is being planned with your guide."),
        "decided": _("You have decided to move here. Your guide helps you with the next steps."),
        "moved": _("You have moved here. Welcome!"),
        "settled": _("You have moved here. Welcome!"),
        "closed": _("Your guide has closed your registration. Write to them if you would like to take it up again."),
    }
    return texts.get(status, texts["new"])


def _found(lang: str, token: str):
    """The household the link names while it may be shown, else the page to answer with."""
    reading = mylink.read(current_app.secret_key, token, current_app.config["MY_REGISTRATION_LINK_DAYS"])
    h = None
    if reading.reference is not None:
        h = db.session().scalar(select(Household).where(Household.reference == reading.reference))
    if reading.state != "invalid" and (h is None or h.withdrawn_at is not None or h.erased_at is not None):
        return None, _nothing(lang, token)  # ours, to a registration withdrawn, erased or deleted since
    if h is None or reading.state == "invalid":
        about = _("This link does not work. Check that you copied all of it, or ask for a new one.")
        return None, _ask_page(lang, AskForm(formdata=None), 404, token=token, about_link=about)
    if reading.state == "expired" or reading.generation != (h.link_generation or 0):
        about = (
            _("This link has run out. Ask for a new one: we send it to the address you registered with.")
            if reading.state == "expired"
            else _(
                "This link has been replaced by a newer one. Use the link in our latest e-mail, or ask for a new one."
            )
        )
        return None, _ask_page(lang, AskForm(formdata=None), 410, token=token, about_link=about)
    return h, None


def _nothing(lang: str, token: str):
    return render_page(
        "message.html",
        lang=lang,
        title=_("My registration"),
        description=_("My registration"),
        alternate=mylink.path(routes.other(lang), token),
        status=404,
        text=_("There is nothing to show here."),
        back_url=routes.url("home", lang),
        back_text=_("Back to the home page"),
    )


def _ask_page(
    lang: str,
    form: AskForm,
    status: int = 200,
    notice: str | None = None,
    token: str | None = None,
    about_link: str | None = None,
):
    other = routes.other(lang)
    return render_page(
        "mine_ask.html",
        lang=lang,
        title=_("Send me my link"),
        description=_("Get a new link to your registration by e-mail."),
        alternate=mylink.path(other, token) if token else mylink.ask_path(other),
        status=status,
        form=form,
        notice=notice,
        about_link=about_link,
        action=mylink.ask_path(lang),
    )


def _ask(lang: str):
    form = AskForm()
    if request.method == "POST":
        if form.validate():
            session = db.session()
            session.add(mylink.request_link(form.email.data, lang))
            session.commit()
            return redirect(mylink.sent_path(lang), 303)
        expired = _("The page had expired, so nothing was sent yet. Send it again.") if form.csrf_token.errors else None
        return _ask_page(lang, form, 422, expired)
    return _ask_page(lang, form)


def _sent(lang: str):
    return render_page(
        "message.html",
        lang=lang,
        title=_("Check your e-mail"),
        description=_("Check your e-mail"),
        alternate=mylink.sent_path(routes.other(lang)),
        text=_(
            "If the address is registered with us, we have sent a link to it. It can take a few minutes; look in your spam folder too. Any link we sent you before stops working."
        ),
        back_url=routes.url("home", lang),
        back_text=_("Back to the home page"),
    )


def _form(site, data: dict | None = None) -> MineForm:
    """The change form: as sent (a POST), or filled in with `data`."""
    form = MineForm() if data is None else MineForm(formdata=None, data=data)
    form.municipalities.choices = select_choices(
        [*((slug, m.name) for slug, m in site.municipalities.items()), (choices.UNSURE, _("Not sure yet"))]
    )
    return form


def _current(h: Household) -> dict:
    values = {name: getattr(h, name) for name in mover_changes.LABELS}
    values["municipalities"] = h.municipality_slugs or [choices.UNSURE]
    return values


def _contacts(h: Household, site, lang: str):
    """Their contact person, as the e-mails' Reply-To (`emails.mover_contact`), and the other people
    who will get in touch, in the form's order, as the confirmation lists them."""
    person = emails.mover_contact(db.session(), h, site, lang)
    listed = emails.contacts_for(emails.in_form_order(h.municipality_slugs, site), site, lang)
    if person is None:
        return None, listed
    same = [c for c in listed if (c["email"] or "").lower() == person.email.lower()]
    others = [c for c in listed if c not in same]
    return (same[0] if same else person), others  # as listed where it is (with the municipality's name)


def _children(h: Household) -> str:
    count = h.children_count or len(h.children_ages or [])
    if count and h.children_ages:
        return _("%(count)d (aged %(ages)s)", count=count, ages=", ".join(str(age) for age in h.children_ages))
    return str(count)


def _sent_details(h: Household, site, lang: str) -> list[tuple[str, str]]:
    """What they sent, as they read it (the fields they cannot change here too)."""
    names = {slug: m.name for slug, m in site.municipalities.items()}
    rows = [
        (_("Name"), h.name),
        (_("E-mail"), h.email),
        (_("Phone"), h.phone),
        (_("How we contact you"), choices.label(choices.CHANNELS, h.contact_channel)),
        (_("Language"), choices.label(choices.LANGUAGES, h.contact_language)),
        (_("Country you live in now"), choices.country_name(h.country, lang)),
        (_("Town or place you live in now"), h.place),
        (_("Your occupation or field"), h.occupation),
        (_("The work you are looking for"), h.work_sought),
        (_("Your partner's occupation or field"), h.partner_occupation),
        (_("The work your partner is looking for"), h.partner_work_sought),
        (_("Children"), _children(h)),
        (_("Municipalities"), ", ".join(names.get(m, m) for m in h.municipality_slugs) or _("Not sure yet")),
        (_("What you are looking for"), ", ".join(choices.label(choices.SEEKS, s) for s in h.seeks or [])),
        (_("Rent or buy"), choices.label(choices.TENURES, h.housing_tenure) if h.housing_tenure else None),
        (_("Kind of home"), ", ".join(choices.label(choices.HOUSING_TYPES, t) for t in h.housing_types or [])),
        (
            _("Where you would like to live"),
            choices.label(choices.SETTINGS, h.housing_setting) if h.housing_setting else None,
        ),
        (_("When"), choices.label(choices.TIMEFRAMES, h.timeframe)),
        (_("Your message"), h.message),
    ]
    return [(label, value) for label, value in rows if value]


def _values(form: MineForm) -> dict:
    values = {name: form[name].data for name in mover_changes.LABELS}
    for name in ("phone", "occupation", "work_sought", "partner_occupation", "partner_work_sought"):
        values[name] = values[name] or None
    values["seeks"] = list(values["seeks"] or [])
    return values


def _view(lang: str, token: str):
    h, answer = _found(lang, token)
    if h is None:
        return answer
    site = content.site()
    action = request.form.get("action") if request.method == "POST" else None
    if action == "update":
        form = _form(site)
        errors.offer_form_again(lambda status, notice: _page(lang, token, h, site, form, status, notice))
        if form.validate():
            chosen = [m for m in form.municipalities.data if m != choices.UNSURE]
            session = db.session()
            changed = mover_changes.apply(session, h, _values(form), chosen, lang, site)
            session.commit()
            return redirect(f"{request.path}?done={'saved' if changed else 'unchanged'}", 303)
        notice = None
        if form.csrf_token.errors:  # a page left open too long: asked again, what was typed kept
            notice = _("The page had expired, so nothing was saved yet. Check your details and save again.")
        return _page(lang, token, h, site, form, 422, notice)
    if action == "new_link":
        if FlaskForm().validate():
            session = db.session()
            session.add(mylink.request_link(h.email, lang))
            session.commit()
            return redirect(f"{request.path}?done=link", 303)
        notice = _("The page had expired, so nothing was done yet. Try again.")
        return _page(lang, token, h, site, _form(site, _current(h)), 400, notice)
    if action == "welcome":
        if not FlaskForm().validate():
            notice = _("The page had expired, so nothing was ticked off yet. Try again.")
            return _page(lang, token, h, site, _form(site, _current(h)), 400, notice)
        session = db.session()
        try:
            welcome.tick(session, h, None, request.form.get("key", ""), site)
        except welcome.NotOnTheList:
            return _page(lang, token, h, site, _form(site, _current(h)), 422, _("That step is not on your list."))
        welcome.save(session)
        return redirect(f"{request.path}?done=ticked#mine-welcome", 303)
    return _page(lang, token, h, site, _form(site, _current(h)))


def _welcome(h: Household, site, lang: str) -> dict | None:
    """What the page shows of the household's welcome once it has moved: the checklist, and the next
    event for newcomers with the address of its page."""
    if h.status not in welcome.WELCOMED or not h.moved_to:
        return None
    steps = welcome.steps(db.session(), h, site)
    place = site.municipalities.get(h.moved_to)
    found = welcome.next_event(site.events, h.moved_to, utcnow())
    event = None
    if found is not None:
        slug, e = found
        event = {"title": e.title.get(lang), "when": facts.when(e, lang), "url": paths.event(lang, slug)}
    return {
        "place": place.name if place else h.moved_to,
        "steps": [
            {
                "key": s.item.key,
                "title": s.item.title.get(lang),
                "text": emails.markdown_html(s.item.text.get(lang)) if s.item.text else None,
                "link": s.item.link,
                "ticked": s.tick is not None,
            }
            for s in steps
        ],
        "event": event,
    }


def _page(lang: str, token: str, h: Household, site, form, status: int = 200, notice: str | None = None):
    done = request.args.get("done") if request.method == "GET" else None
    person, guides = _contacts(h, site, lang)
    done_texts = {
        "saved": _("Your changes are saved, and your guide has been told."),
        "unchanged": _("Nothing was changed."),
        "link": _("We are sending a new link to your e-mail address. Once it is sent, this link stops working."),
        "ticked": _("Ticked off. Your guide can see it too."),
    }
    return render_page(
        "mine.html",
        lang=lang,
        title=_("My registration"),
        description=_("Your registration of interest: what you sent, your guide and how far you have come."),
        alternate=mylink.path(routes.other(lang), token),
        status=status,
        form=form,
        notice=notice,
        done=done_texts.get(done),
        reference=h.reference,
        email=h.email,
        status_text=_status_text(h.status, site.region.response_days),
        person=person,
        guides=guides,
        details=_sent_details(h, site, lang),
        welcome=_welcome(h, site, lang),
        withdraw_url=consent.withdraw_path(lang, consent.withdrawal_token(current_app.secret_key, h.reference)),
        privacy_url=routes.url("privacy", lang),
        occupation_names=f"/static/occupations/{lang}/",
        occupation_texts=occupations.suggestion_texts(),
    )


def limited(view):
    return abuse.limiter.limit(abuse.form_limit, methods=["POST"])(view)


for _lang in routes.LANGS:
    bp.add_url_rule(
        mylink.ask_path(_lang),
        "ask_" + _lang,
        limited(_ask),
        defaults={"lang": _lang},
        methods=["GET", "POST"],
    )
    bp.add_url_rule(mylink.sent_path(_lang), "sent_" + _lang, _sent, defaults={"lang": _lang})
    bp.add_url_rule(
        mylink.path(_lang, "<token>"),
        "mine_" + _lang,
        limited(errors.checks_its_own_fields()(redaction.private(_view))),
        defaults={"lang": _lang},
        methods=["GET", "POST"],
    )
