"""The outbox as the coordinator sees it: messages that could not be delivered, and what waits."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from .. import db
from ..models import OutboxMessage
from ..pages import render_staff
from . import bp
from .access import require_role


@bp.get("/messages/")
@login_required
def undelivered():
    require_role("coordinator")
    session = db.session()
    dead = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "dead").order_by(OutboxMessage.created_at.desc()).limit(200)
    ).all()
    counts = dict(
        session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)).all()
    )
    return render_staff("crm/messages.html", _("Undelivered messages"), dead=dead, counts=counts)
