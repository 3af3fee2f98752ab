"""Events in the back office: each event with its sign-ups, places and waiting list, and one event's
list of who signed up, where the guide marks who came.

The coordinator sees every event; a guide those of their municipalities and the region-wide ones
(an event of no municipality). The needs for the day are shown on an event's own list only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from intake import db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.crm import bp, wording
from intake.crm.access import require_role, visible_households
from intake.events import facts, figures, signups
from intake.models import HOLDS_PLACES, EventSignUp, Household, utcnow
from intake.privacy import audit

STATUS_ORDER = ("confirmed", "attended", "no_show", "waiting", "cancelled", "held")


def visible_events(user) -> dict:
    """The content's events `user` may see, in the order they start."""
    events = content.site().events
    if user.role == "coordinator":
        return dict(events)
    mine = set(user.municipality_slugs)
    return {slug: e for slug, e in events.items() if not e.municipalities or mine & set(e.municipalities)}


@dataclass(frozen=True)
class Row:
    slug: str
    title: str
    starts_on: date
    kind: str
    capacity: int | None
    taken: int
    signed_up: int
    waiting: int
    attended: int


def _counts(session, slugs: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """(sign-ups, people) by event and status."""
    found: dict[str, dict[str, tuple[int, int]]] = {}
    query = (
        select(EventSignUp.event, EventSignUp.status, func.count(EventSignUp.id), func.sum(EventSignUp.people))
        .where(EventSignUp.event.in_(slugs))
        .group_by(EventSignUp.event, EventSignUp.status)
    )
    for slug, status, count, people in session.execute(query):
        found.setdefault(slug, {})[status] = (count, int(people or 0))
    return found


@bp.get("/events/")
@login_required
def events():
    require_role("guide", "coordinator")
    session = db.session()
    shown = visible_events(current_user.user)
    counts = _counts(session, list(shown))
    rows = []
    for slug, e in shown.items():
        by = counts.get(slug, {})
        rows.append(
            Row(
                slug,
                e.title.get(g.lang),
                e.starts_on,
                e.kind,
                e.capacity,
                sum(by.get(s, (0, 0))[1] for s in HOLDS_PLACES),
                sum(by.get(s, (0, 0))[0] for s in HOLDS_PLACES),
                by.get("waiting", (0, 0))[0],
                by.get("attended", (0, 0))[0],
            )
        )
    today = date.today()
    every = session.execute(
        select(EventSignUp.event, EventSignUp.status, EventSignUp.people).where(EventSignUp.event.in_(list(shown)))
    )
    by_kind, by_place = figures.tally(every, shown)
    return render_staff(
        "crm/events.html",
        _("Events"),
        upcoming=[r for r in rows if r.starts_on >= today],
        past=[r for r in rows if r.starts_on < today][::-1],
        by_kind=sorted((str(wording.EVENT_TYPES.get(k, k)), r) for k, r in by_kind.items()),
        by_place=sorted(
            (_("The whole region") if p == figures.WHOLE_REGION else wording.place(p), r) for p, r in by_place.items()
        ),
    )


def _event_or_404(slug: str):
    event = visible_events(current_user.user).get(slug)
    if event is None:
        abort(404)
    return event


@bp.get("/events/<slug>/")
@login_required
def event_page(slug: str):
    require_role("guide", "coordinator")
    event = _event_or_404(slug)
    session = db.session()
    listed = session.scalars(
        select(EventSignUp)
        .where(EventSignUp.event == slug, EventSignUp.erased_at.is_(None))
        .order_by(EventSignUp.queue_number, EventSignUp.created_at, EventSignUp.id)
    ).all()
    if current_user.role != "coordinator":
        listed = [s for s in listed if s.status != "held"]  # the quarantine is the coordinator's
    listed = sorted(listed, key=lambda s: STATUS_ORDER.index(s.status))
    households = {
        h.id: h.reference
        for h in session.scalars(
            visible_households(current_user.user, few=True).where(
                Household.id.in_([s.household_id for s in listed if s.household_id])
            )
        )
    }
    audit.record(session, "view", "event", slug[:40], "sign-ups")
    session.commit()
    return render_staff(
        "crm/event.html",
        event.title.get(g.lang),
        event=event,
        slug=slug,
        when=facts.when(event, g.lang),
        where=facts.where(event, g.lang),
        sign_ups=listed,
        households=households,
        positions={s.id: n for n, s in enumerate(signups.waiting(session, slug), 1)},
        taken=signups.taken(session, slug),
        can_mark=event.starts_at() <= utcnow(),
        form=FlaskForm(),
    )


@bp.post("/events/<slug>/sign-ups/<reference>/attendance/")
@login_required
def mark_attendance(slug: str, reference: str):
    require_role("guide", "coordinator")
    event = _event_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    session = db.session()
    sign_up = session.scalar(select(EventSignUp).where(EventSignUp.event == slug, EventSignUp.reference == reference))
    if sign_up is None or sign_up.erased_at is not None:
        abort(404)
    if event.starts_at() > utcnow():
        abort(409)  # nobody has come, or not, before it starts
    if not signups.mark(session, sign_up, request.form.get("status", ""), current_user.user, utcnow()):
        abort(409)
    flash(_("Saved: %(name)s", name=sign_up.name), "saved")
    return redirect(url_for("crm.event_page", slug=slug) + f"#{reference}", 303)
