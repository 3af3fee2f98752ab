"""The outbox as the coordinator sees it: messages that could not be delivered, and sending them again."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from intake import db
from intake.builtsite.shell import render_staff
from intake.crm import bp, params
from intake.crm.access import require_role
from intake.models import OutboxMessage, utcnow
from intake.notify import dead_letters, outbox


@bp.get("/messages/")
@login_required
def undelivered():
    require_role("coordinator")
    session = db.session()
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.kind.not_in(outbox.EVENT_KINDS))
            .group_by(OutboxMessage.status)
        ).all()
    )
    dead = dead_letters.dead(session)
    return render_staff(
        "crm/messages.html",
        _("Undelivered messages"),
        dead=dead,
        refused={m.id for m in dead if dead_letters.refusal(m)},
        retrying=dead_letters.retrying(session),
        counts=counts,
    )


@bp.post("/messages/send-again/")
@login_required
def send_again():
    """One dead message (`message`), or every one (`all`), back in the queue; the worker sends it."""
    require_role("coordinator")
    form = FlaskForm()
    one = request.form.get("message", type=params.number)
    if not form.validate_on_submit() or (one is None and not request.form.get("all")):
        abort(422)
    session = db.session()
    outcome = dead_letters.send_again(session, utcnow(), None if one is None else [one])
    session.commit()
    _say(outcome)
    return redirect(url_for("crm.undelivered"), 303)


def _say(outcome: dead_letters.Outcome) -> None:
    """What happened, as messages on the page that follows."""
    gone = sum(1 for _m, reason in outcome.refused if reason == dead_letters.GONE)
    stale = len(outcome.refused) - gone + len(outcome.missing)
    if outcome.queued:
        flash(
            ngettext(
                "%(num)d message queued to be sent again.",
                "%(num)d messages queued to be sent again.",
                len(outcome.queued),
            ),
            "status",
        )
    if gone:
        flash(
            ngettext(
                "%(num)d message was not sent again: its household or order has been withdrawn or erased, so it must not go out.",
                "%(num)d messages were not sent again: their household or order has been withdrawn or erased, so they must not go out.",
                gone,
            ),
            "error",
        )
    if stale:
        flash(
            ngettext(
                "%(num)d message was no longer undelivered (already sent again or sent).",
                "%(num)d messages were no longer undelivered (already sent again or sent).",
                stale,
            ),
            "status",
        )
    if not (outcome.queued or outcome.refused or outcome.missing):
        flash(_("There was nothing to send again."), "status")
