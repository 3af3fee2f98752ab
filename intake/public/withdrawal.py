"""The mover withdraws a registration, from the link in their confirmation e-mail.

The link opens a page that asks them to confirm; only the POST withdraws (mail scanners follow
links). Withdrawn households vanish from the guides at once; they are erased at once where the
legal basis is consent, otherwise when the retention period the region's deletion decision sets
has run out. The page names the household by its reference only.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from intake import db
from intake.builtsite.shell import render_page
from intake.models import Household, utcnow
from intake.notify import webhook
from intake.privacy import consent, erasure, retention
from intake.public import abuse
from intake.web import redaction
from tasteget.site import routes

bp = Blueprint("withdrawal", __name__)


@bp.url_value_preprocessor
def _language(endpoint, values):
    g.lang = values.get("lang", "sv") if values else "sv"


def _view(lang: str, token: str):
    reference = consent.reference_from_token(current_app.secret_key, token)
    session = db.session()
    h = session.scalar(select(Household).where(Household.reference == reference)) if reference else None
    if h is None:
        abort(404)
    form = FlaskForm()
    expired = request.method == "POST" and not form.validate_on_submit()
    if request.method == "POST" and not expired:
        if h.withdrawn_at is None:
            consent.withdraw(session, h, utcnow(), actor="mover", hand_off=webhook.enabled(current_app.config))
            session.commit()
            # Erased or kept as an official record, the link's campaign detail is gone: from the files too.
            db.scrub(db.engine(), erasure.ERASED_TABLES)
        return redirect(request.path, 303)
    other = routes.other(lang)
    page = dict(
        lang=lang,
        alternate=consent.withdraw_path(other, token),
        reference=h.reference,
    )
    if h.withdrawn_at is not None:
        if h.erased_at is not None:
            text = _("Your registration is withdrawn and your personal details have been erased.")
        else:
            last_day = retention.erased_by(h.withdrawn_at, current_app.config["RETENTION_MONTHS"])
            text = _(
                "Your registration is withdrawn: the relocation guides no longer see it. As an official record it is kept until %(date)s at the latest, as the region's deletion decision sets, and then erased.",
                date=format_date(last_day, "long"),
            )
        return render_page(
            "withdrawn.html",
            title=_("Your registration is withdrawn"),
            description=_("Your registration is withdrawn."),
            text=text,
            home_url=routes.url("home", lang),
            **page,
        )
    if h.legal_basis == "consent":
        consequence = _("Your personal details will be erased at once. This cannot be undone.")
    else:
        consequence = _(
            "The relocation guides will no longer see your registration. As an official record it is kept for as long as the region's deletion decision sets, and then erased."
        )
    # A page left open too long (or a forged post) is asked again, never answered with a bare 400.
    notice = _("The page had expired, so nothing was done yet. Confirm again to withdraw.") if expired else None
    return render_page(
        "withdraw.html",
        title=_("Withdraw your registration"),
        description=_("Withdraw your registration of interest."),
        status=400 if expired else 200,
        consequence=consequence,
        notice=notice,
        form=form,
        privacy_url=routes.url("privacy", lang),
        **page,
    )


for _lang in routes.LANGS:
    bp.add_url_rule(
        consent.withdraw_path(_lang, "<token>"),
        "withdraw_" + _lang,
        abuse.limiter.limit(abuse.form_limit, methods=["POST"])(redaction.private(_view)),
        defaults={"lang": _lang},
        methods=["GET", "POST"],
    )
