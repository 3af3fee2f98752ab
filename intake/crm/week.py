"""The week ahead: a guide's follow-ups and visits, overdue, today and the next seven days, by day
(the coordinator's: everyone's, or one guide's); and where staff turn their calendar feed on or off."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from intake import db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.crm import agenda, bp, calendar, params
from intake.crm.access import require_role
from intake.crm.forms import STATUS_LABELS
from intake.crm.visits import arranged_labels
from intake.models import CalendarFeed, User

DAYS_AHEAD = 7


def _owner_filter(session):
    """The coordinator's choice of whose follow-ups to see: (the choice, the people to choose from)."""
    if current_user.role != "coordinator":
        return None, []
    people = session.scalars(
        select(User).where(User.role.in_(("guide", "coordinator")), User.active.is_(True)).order_by(User.name)
    ).all()
    chosen = request.args.get("guide", "")
    if chosen == agenda.NOBODY:
        return agenda.NOBODY, people
    number = params.number(chosen, 0)
    return (number if any(p.id == number for p in people) else None), people


def _summary_rows(session, counts: dict, people: list[User]) -> list[tuple[str, str, agenda.Counts]]:
    """The coordinator's table: (whose, the choice that shows their week, their counts), the active
    staff by name, then nobody's (no owner, or a deactivated one: `agenda.by_owner` counts those as
    nobody's), then anyone else who owns some (e.g. an account whose role changed), unlinked."""
    rows = [(p.name, str(p.id), counts.pop(p.id)) for p in people if p.id in counts]
    if None in counts:
        rows.append((_("Nobody's yet"), agenda.NOBODY, counts.pop(None)))
    for user in session.scalars(select(User).where(User.id.in_(list(counts))).order_by(User.name)):
        rows.append((user.name, "", counts[user.id]))
    return rows


def _week(feed_url: str | None = None):
    require_role("guide", "coordinator")
    session = db.session()
    today = agenda.local_today()
    owner, people = _owner_filter(session)
    last = today + timedelta(days=DAYS_AHEAD)
    summary = None
    if current_user.role == "coordinator" and owner is None:
        # Everyone's week, by guide: at 100 000 households a week's lists run to a thousand lines.
        summary = _summary_rows(session, agenda.by_owner(session, current_user.user, today, last), people)
        found = agenda.Agenda(today, last)
        found.requested = agenda.requested(session, agenda.conditions_for(current_user.user, None))
    else:
        found = agenda.agenda(session, current_user.user, today, last, owner=owner)
    site = content.site()
    return render_staff(
        "crm/week.html",
        _("The week ahead"),
        found=found,
        summary=summary,
        today=today,
        owner=owner,
        people=people,
        nobody=agenda.NOBODY,
        feed=session.get(CalendarFeed, current_user.id),
        feed_url=feed_url,
        form=FlaskForm(),
        # Translated once here, not once for each of a busy week's hundreds of lines.
        statuses={key: str(label) for key, label in STATUS_LABELS.items()},
        labels={
            "follow_up": _("Follow-up"),
            "visit": _("Visit"),
            "requested": _("Requested visit"),
            "owner": _("Owner"),
            "nobody": _("nobody yet"),
            "unsure": _("Not sure yet"),
        },
        arranged=arranged_labels(),
        municipalities={slug: m.name for slug, m in site.municipalities.items()},
    )


@bp.get("/week/")
@login_required
def week():
    return _week()


@bp.post("/week/calendar/")
@login_required
def calendar_address():
    """A new secret address for the user's own feed (shown this once; the old one stops working),
    or the feed turned off."""
    require_role("guide", "coordinator")
    action = request.form.get("action")
    if not FlaskForm().validate_on_submit() or action not in ("new", "off"):
        abort(422)
    session = db.session()
    if action == "off":
        calendar.revoke(session, current_user.user)
        session.commit()
        flash(_("Saved."), "saved")
        return redirect(url_for("crm.week") + "#calendar", 303)
    token = calendar.issue(session, current_user.user)
    session.commit()
    return _week(feed_url=calendar.feed_url(token))
