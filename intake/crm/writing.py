"""Writing to a household from its page: pick a message from the content, edit it, see what will be
sent, send it through the outbox (`intake.pipeline.messages`).

The household page includes `crm/_writing.html`, which asks `writing_section(h)` for what it shows
(the messages to start from, or why the household cannot be written to), so the page's own view
needs to know nothing about writing. The page to write on is `/crm/households/<reference>/write/`.
"""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from intake import db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.crm import bp, households
from intake.models import Household, OutboxMessage
from intake.notify import emails, outbox
from intake.pipeline import messages
from intake.web.errors import checks_its_own_fields
from tasteget.content.schema import MESSAGE_SUBJECT_MAX, MESSAGE_TEXT_MAX

# Any control character (a line break included) in a subject: a header is one line of text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In a text: control characters other than the line break and the tab.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

REFUSALS = {
    "withdrawn": _l("This household has withdrawn its registration: nobody writes to it any more."),
    "erased": _l("This household's personal data has been erased: it cannot be written to."),
    "quarantine": _l("This household is in quarantine: release it first if it is a real household."),
    "no_address": _l("This household gave no e-mail address."),
}


def one_line(form, field) -> None:
    if field.data and CONTROL.search(field.data):
        raise ValidationError(_l("Write the subject on one line, without line breaks or control characters."))


def plain_text(form, field) -> None:
    if field.data and TEXT_CONTROL.search(field.data):
        raise ValidationError(_l("The text has control characters that cannot be sent: remove them."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lines(value):
    """The text as typed, with the browser's line breaks (CRLF) as plain ones and no blank edges."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip() if isinstance(value, str) else value


class WriteForm(FlaskForm):
    subject = StringField(
        _l("Subject"),
        [
            DataRequired(_l("Give the message a subject.")),
            Length(max=MESSAGE_SUBJECT_MAX, message=_l("Keep the subject to %(max)d characters.")),
            one_line,
        ],
        filters=[_strip],
    )
    text = TextAreaField(
        _l("Text"),
        [
            DataRequired(_l("Write the message.")),
            Length(max=MESSAGE_TEXT_MAX, message=_l("Keep the text to %(max)d characters; it has %(length)d.")),
            plain_text,
        ],
        filters=[_lines],
    )
    mark_contacted = BooleanField(_l("Mark the household as contacted"), default=True)
    previewed = HiddenField()  # the fingerprint of the message the guide last saw in the preview


def fingerprint(subject: str, text: str) -> str:
    """Which message the preview showed: a send is only taken for the message last previewed."""
    return hashlib.sha256(f"{subject}\0{text}".encode()).hexdigest()[:32]


def placeholder_values(h: Household, site) -> dict[str, str]:
    """What a message template fills in: facts the back office holds, never free text someone typed."""
    names = [site.municipalities[s].name for s in h.municipality_slugs if s in site.municipalities]
    return {
        "reference": h.reference,
        "guide": current_user.user.name,
        "municipalities": ", ".join(names) or site.region.name,
        "region": site.region.name,
        "campaign": site.region.campaign,
    }


def _first_message(session, h: Household) -> bool:
    sent = select(OutboxMessage.id).where(
        OutboxMessage.household_id == h.id, OutboxMessage.kind == outbox.HOUSEHOLD_MESSAGE
    )
    return session.scalar(sent.limit(1)) is None


@bp.app_template_global()
def writing_section(h: Household) -> SimpleNamespace:
    """What the household page's section on writing shows: the messages to start from (titles in
    the back office's language), or why the household cannot be written to."""
    site = content.site()
    reason = messages.refusal(h)
    return SimpleNamespace(
        refused=REFUSALS[reason] if reason else None,
        templates=_templates(site),
        language=_language(h),
    )


def _language(h: Household) -> str:
    """The language the household is written to, named as the page names it."""
    return "svenska" if (h.contact_language or h.form_language) == "sv" else "English"


def delivery(h: Household) -> dict[str, str]:
    """Each of the household's messages by message id, with its outbox status (for the timeline)."""
    rows = db.session().execute(
        select(OutboxMessage.message_id, OutboxMessage.status).where(
            OutboxMessage.household_id == h.id, OutboxMessage.kind == outbox.HOUSEHOLD_MESSAGE
        )
    )
    return dict(rows.all())


@bp.app_template_filter("tel")
def tel(phone: str | None) -> str:
    """A phone number as typed, as a `tel:` link's number: its digits, and a leading + (empty when it
    has no digits)."""
    digits = re.sub(r"\D", "", phone or "")
    return ("+" if (phone or "").strip().startswith("+") else "") + digits if digits else ""


bp.add_app_template_global(delivery, "message_delivery")
bp.add_app_template_global(messages.split, "message_parts")


def _page(h: Household, form: WriteForm, site, status: int = 200, notice: str | None = None, error=None):
    """The write page: the form, and the message as it will be sent (when the form holds one)."""
    preview = None
    if form.subject.data and form.text.data and not (form.subject.errors or form.text.errors):
        composed = emails.household_message(
            h, current_user.user.email, current_user.user.name, form.subject.data, form.text.data, site
        )
        if composed.status == "dead":
            form.subject.errors = [*form.subject.errors, _("This subject cannot be sent as an e-mail header.")]
            status = 422
        else:
            preview = composed
            form.previewed.data = fingerprint(form.subject.data, form.text.data)
    return render_staff(
        "crm/write.html",
        _("Write to household %(reference)s", reference=h.reference),
        status=status,
        h=h,
        form=form,
        preview=preview,
        mail_from=current_app.config["MAIL_FROM"],
        offer_contacted=h.status == "new",
        templates=_templates(site),
        chosen=request.args.get("template", ""),
        language=_language(h),
        notice=notice,
        error=error,
    )


def _writable(reference: str):
    """The session and the household, if this user may see it and it may be written to (409 page otherwise)."""
    session, h = households._visible(reference)
    reason = messages.refusal(h)
    return session, h, (REFUSALS[reason] if reason else None)


@bp.get("/households/<reference>/write/")
@login_required
def write_to_household(reference: str):
    session, h, refused = _writable(reference)
    site = content.site()
    if refused:
        return households._detail(h, status=409, error=refused)
    form = WriteForm(formdata=None, data={"mark_contacted": _first_message(session, h)})
    template = site.messages.get(request.args.get("template", ""))
    if template is not None:
        lang = h.contact_language or h.form_language
        form.subject.data, form.text.data = template.fill(lang, placeholder_values(h, site))
    return _page(h, form, site)


@bp.post("/households/<reference>/write/")
@checks_its_own_fields()  # a control character is answered next to its field, with the message kept
@login_required
def send_to_household(reference: str):
    session, h, refused = _writable(reference)
    site = content.site()
    if refused:  # a page left open while the household withdrew, or a forged request
        return households._detail(h, status=409, error=refused)
    form = WriteForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(h, form, site, status=422)
    if request.form.get("action") != "send":
        return _page(h, form, site)
    if form.previewed.data != fingerprint(form.subject.data, form.text.data):
        return _page(h, form, site, notice=_("You changed the message: check it below, then send it."))
    message = emails.household_message(
        h, current_user.user.email, current_user.user.name, form.subject.data, form.text.data, site
    )
    try:
        sent = messages.send(
            session,
            h,
            current_user.user,
            message,
            form.subject.data,
            form.text.data,
            mark_contacted=h.status == "new" and form.mark_contacted.data,
        )
    except ValueError:
        form.subject.errors = [_("This subject cannot be sent as an e-mail header.")]
        return _page(h, form, site, status=422)
    session.commit()
    flash(_("Sent.") if sent else _("Sent already: the same message went out moments ago."), "saved")
    return redirect(url_for("crm.household", reference=reference) + "#timeline", 303)


def _templates(site) -> list[tuple[str, str]]:
    """The messages a guide can start from: (slug, title in the staff's language)."""
    return [(slug, m.title.get(g.lang)) for slug, m in site.messages.items()]
