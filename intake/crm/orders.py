"""Magazine orders for the coordinator: the list, likely duplicates, the mailing house's CSV, batches."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update

from intake import choices, db
from intake.builtsite.shell import render_staff
from intake.crm import bp, csvfile, params
from intake.crm.access import require_role
from intake.models import MagazineOrder, utcnow
from intake.privacy import audit

CSV_COLUMNS = ["name", "address_line_1", "address_line_2", "postal_code", "city", "country"]


def _unsent():
    return select(MagazineOrder).where(MagazineOrder.sent_at.is_(None), MagazineOrder.quarantine_reason.is_(None))


def likely_duplicates(orders: list[MagazineOrder]) -> set[int]:
    """Orders whose name and postal code, or e-mail, match another order's: worth a look by hand."""
    seen: dict[tuple, int] = {}
    flagged: set[int] = set()
    for order in orders:
        keys = [("name", " ".join(order.name.casefold().split()), order.postal_code.replace(" ", ""))]
        if order.email:
            keys.append(("email", order.email.lower()))
        for key in keys:
            if key in seen:
                flagged.update({seen[key], order.id})
            else:
                seen[key] = order.id
    return flagged


@bp.get("/orders/")
@login_required
def orders():
    require_role("coordinator")
    session = db.session()
    unsent = session.scalars(_unsent().order_by(MagazineOrder.created_at)).all()
    sent_count = session.scalar(select(func.count(MagazineOrder.id)).where(MagazineOrder.sent_at.is_not(None)))
    quarantined = session.scalars(
        select(MagazineOrder).where(MagazineOrder.quarantine_reason.is_not(None)).order_by(MagazineOrder.created_at)
    ).all()
    return render_staff(
        "crm/orders.html",
        _("Magazine orders"),
        unsent=unsent,
        sent_count=sent_count,
        quarantined=quarantined,
        duplicates=likely_duplicates(unsent),
        countries=dict(choices.countries(current_app.config["STAFF_LANGUAGE"])),
        form=FlaskForm(),
    )


@bp.get("/orders/export.csv")
@login_required
def export_orders():
    """The unsent orders in the shape a mailing house takes."""
    require_role("coordinator")
    session = db.session()
    orders = session.scalars(_unsent().order_by(MagazineOrder.created_at)).all()
    audit.record(session, "export", "orders", None, f"mailing-house CSV, {len(orders)} orders")
    session.commit()
    countries = dict(choices.countries("sv"))
    return csvfile.download(
        "magazine-orders.csv",
        CSV_COLUMNS,
        ([o.name, o.street, "", o.postal_code, o.city, countries.get(o.country, o.country)] for o in orders),
    )


@bp.post("/orders/sent/")
@login_required
def mark_orders_sent():
    """Mark the orders that were in the export as sent (those received since are left for next time)."""
    require_role("coordinator")
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    ids = params.numbers(request.form.getlist("order"))
    session = db.session()
    if ids:
        session.execute(
            update(MagazineOrder)
            .where(
                MagazineOrder.id.in_(ids), MagazineOrder.sent_at.is_(None), MagazineOrder.quarantine_reason.is_(None)
            )
            .values(sent_at=utcnow())
        )
        audit.record(session, "change", "orders", None, f"{len(ids)} marked as sent")
        session.commit()
    flash(_("Saved."), "saved")
    return redirect(url_for("crm.orders"), 303)
