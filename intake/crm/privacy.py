"""The coordinator's data-protection tools: export or erase one household, or erase one sign-up to an
event by its own reference (each with a reason, which goes to the audit log), and the audit log itself."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from intake import db
from intake.builtsite.shell import render_staff
from intake.crm import agenda, bp, params
from intake.crm.access import require_role
from intake.crm.forms import EraseForm, EraseSignUpForm, ReasonForm
from intake.crm.households import _detail, _visible, saved
from intake.models import (
    AUDIT_ACTIONS,
    AuditEntry,
    EventSignUp,
    Household,
    MagazineOrder,
    PrivacyNotice,
    User,
    utcnow,
)
from intake.notify import webhook
from intake.privacy import erasure, export

AUDIT_PAGE = 100


def _coordinator(reference: str):
    session, h = _visible(reference)
    require_role("coordinator")
    return session, h


@bp.post("/households/<reference>/export/")
@login_required
def export_household(reference: str):
    """Every personal detail, the history and the consent record, as a JSON download."""
    session, h = _coordinator(reference)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail(h, reason_form=form, status=422)
    data = export.export_json(session, h, reason=form.reason.data)
    session.commit()
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="household-{h.reference}.json"'},
    )


@bp.get("/households/<reference>/erase/")
@login_required
def confirm_erasure(reference: str):
    """The confirmation step before erasing: what goes, what stays, and the reference to type."""
    session, h = _coordinator(reference)
    if h.erased_at is not None:
        return redirect(url_for("crm.household", reference=reference), 303)
    return _erase_page(h, EraseForm())


def _erase_page(h: Household, form: EraseForm, status: int = 200):
    title = _("Erase the personal data of %(reference)s", reference=h.reference)
    return render_staff("crm/erase.html", title, status=status, h=h, form=form)


@bp.post("/households/<reference>/erase/")
@login_required
def erase_household(reference: str):
    """Remove the personal data once the reference is typed; the anonymous row stays, so the figures
    do not change. A wrong or empty reference erases nothing and says so."""
    session, h = _coordinator(reference)
    form = EraseForm()
    valid = form.validate_on_submit()
    if h.erased_at is None and not (form.confirms(h.reference) and valid):
        return _erase_page(h, form, 422)
    if h.erased_at is None:
        hand_off = webhook.enabled(current_app.config)
        erasure.erase_household(session, h, utcnow(), reason=form.reason.data, hand_off=hand_off)
        session.commit()
        db.scrub(db.engine(), erasure.ERASED_TABLES)
    return saved(reference)


def _sign_up_or_404(reference: str) -> EventSignUp:
    """A sign-up by its reference (E-…), for the coordinator only; whether or not it has a household."""
    require_role("coordinator")
    found = db.session().scalar(select(EventSignUp).where(EventSignUp.reference == reference.strip().upper()[:40]))
    if found is None:
        abort(404)
    return found


def _erase_sign_up_page(s: EventSignUp, form: EraseSignUpForm, status: int = 200):
    title = _("Erase the personal data of %(reference)s", reference=s.reference)
    return render_staff("crm/erase_sign_up.html", title, status=status, s=s, form=form)


@bp.get("/sign-ups/<reference>/erase/")
@login_required
def confirm_sign_up_erasure(reference: str):
    """The confirmation step before erasing a sign-up to an event (e.g. someone with no household
    asks to be erased): what goes, what stays, and the reference to type."""
    s = _sign_up_or_404(reference)
    if s.erased_at is not None:
        return redirect(url_for("crm.events"), 303)
    return _erase_sign_up_page(s, EraseSignUpForm())


@bp.post("/sign-ups/<reference>/erase/")
@login_required
def erase_sign_up(reference: str):
    """Remove the sign-up's name, address and needs once its reference is typed; the anonymous row
    stays for the event's figures. A wrong or empty reference erases nothing and says so."""
    s = _sign_up_or_404(reference)
    form = EraseSignUpForm()
    valid = form.validate_on_submit()
    if s.erased_at is None and not (form.confirms(s.reference) and valid):
        return _erase_sign_up_page(s, form, 422)
    if s.erased_at is None:
        erasure.erase_sign_up(db.session(), s, utcnow(), reason=form.reason.data)
        db.session().commit()
        db.scrub(db.engine(), erasure.ERASED_TABLES)
        flash(_("Erased: %(reference)s", reference=s.reference), "saved")
    return redirect(url_for("crm.events"), 303)


@bp.get("/privacy-notices/")
@login_required
def privacy_notices():
    """Every version of the privacy notice people have acknowledged, with how many did."""
    require_role("coordinator")
    session = db.session()

    def acknowledged(model) -> dict[str, int]:
        counted = session.execute(select(model.privacy_version, func.count(model.id)).group_by(model.privacy_version))
        return {version: n for version, n in counted}

    notices = session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.first_seen.desc())).all()
    return render_staff(
        "crm/privacy_notices.html",
        _("Privacy notice versions"),
        notices=notices,
        households=acknowledged(Household),
        orders=acknowledged(MagazineOrder),
    )


@bp.get("/privacy-notices/<version>/")
@login_required
def privacy_notice(version: str):
    """One version's text, exactly as people acknowledged it."""
    require_role("coordinator")
    notice = db.session().get(PrivacyNotice, version[:64])
    if notice is None:
        abort(404)
    return render_staff("crm/privacy_notice.html", _("Privacy notice %(version)s", version=version[:12]), notice=notice)


@bp.get("/audit/")
@login_required
def audit_log():
    """Who viewed, changed, exported or erased which record; filtered by action, person, reference, days."""
    require_role("coordinator")
    session, args = db.session(), request.args
    query = select(AuditEntry)
    if args.get("action") in AUDIT_ACTIONS:
        query = query.where(AuditEntry.action == args["action"])
    if args.get("user"):
        query = query.where(AuditEntry.user_id == params.number(args["user"]))
    if args.get("reference"):
        query = query.where(AuditEntry.reference == args["reference"].strip().upper()[:40])
    # Whole days in the region's time zone, as the times are shown, turned into UTC, as they are
    # stored: a range on the indexed time, on both databases.
    if day := params.day(args.get("from")):
        query = query.where(AuditEntry.at >= agenda.start_of(day))
    if day := params.day(args.get("to")):
        query = query.where(AuditEntry.at < agenda.start_of(day + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, params.number(args.get("page"), 1))
    entries = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)
    ).all()
    return render_staff(
        "crm/audit.html",
        _("Audit log"),
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE)),
        args=args,
        actions={
            "view": _("viewed"),
            "change": _("changed"),
            "export": _("exported"),
            "erase": _("erased"),
            "withdraw": _("withdrawn"),
            "resend": _("sent again"),
        },
        staff=session.scalars(select(User).where(User.role != "admin").order_by(User.name)).all(),
    )
