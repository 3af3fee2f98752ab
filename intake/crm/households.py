"""Households in the back office: the list, one household, and what staff do to it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import Text, cast, func, or_, select

from intake import choices, db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.competence import conditions, matches
from intake.crm import agenda, bp, params
from intake.crm import bulk as bulk_form
from intake.crm import needs as skill_needs
from intake.crm.access import household_or_404, require_role, visible_contacts, visible_households
from intake.crm.forms import STATUS_LABELS, FollowUpForm, NoteForm, OwnerForm, ReasonForm, StatusForm
from intake.models import (
    Contact,
    Household,
    HouseholdContact,
    HouseholdEvent,
    HouseholdMunicipality,
    OutboxMessage,
    User,
    UserMunicipality,
)
from intake.notify import followup, outbox
from intake.pipeline import duplicates, steps, triage
from intake.privacy import audit, erasure
from intake.public.forms import select_choices
from tasteget.occupations import taxonomy

PAGE_SIZE = 50


def saved(reference: str, anchor: str = ""):
    """After a change to a household: back to its page, which says "Saved" once (announced)."""
    flash(_("Saved."), "saved")
    return redirect(url_for("crm.household", reference=reference) + anchor, 303)


def _visible(reference: str):
    """The session and the household, if this user may see it (404 otherwise)."""
    require_role("guide", "coordinator")
    session = db.session()
    return session, household_or_404(session, current_user.user, reference)


def _recordable(reference: str):
    """As `_visible`, for adding what staff write (notes, visits, contacts): an erased household's
    personal data is gone, and nothing new that erasure would have removed is recorded on it (409)."""
    session, h = _visible(reference)
    if h.erased_at is not None:
        abort(409)
    return session, h


@bp.get("/")
@login_required
def home():
    """Each role lands where its work starts: accounts, the campaign's figures, or the households."""
    landing = {"admin": "crm.account_list", "coordinator": "crm.dashboard"}
    return redirect(url_for(landing.get(current_user.role, "crm.households")))


@bp.get("/households/")
@login_required
def households():
    require_role("guide", "coordinator")
    return list_page(request.args)


def list_page(args, status: int = 200, **bulk):
    """The list for `args` (a query string's values); `bulk`: what the selection form shows again
    after a refused change (the ticked references, its errors; see `crm.bulk`)."""
    query = visible_households(current_user.user)
    if args.get("status") in STATUS_LABELS:
        query = query.where(Household.status == args["status"])
    if args.get("municipality"):
        chosen = select(HouseholdMunicipality.household_id).where(
            HouseholdMunicipality.municipality == args["municipality"]
        )
        query = query.where(Household.id.in_(chosen))
    if args.get("seeks") in dict(choices.SEEKS):
        # JSON lists are stored as text on both databases; the quotes make the match exact.
        query = query.where(cast(Household.seeks, Text).contains(f'"{args["seeks"]}"'))
    if args.get("source"):
        query = query.where(Household.utm_source == args["source"][:200])
    # Registered from and to whole days in the region's time zone, as the list shows the days.
    if day := params.day(args.get("from")):
        query = query.where(Household.created_at >= agenda.start_of(day))
    if day := params.day(args.get("to")):
        query = query.where(Household.created_at < agenda.start_of(day + timedelta(days=1)))
    site = content.site()
    needs = matches.needs_of(site)
    if args.get("need"):
        query = query.where(conditions.matches_a_need(needs))
    if args.get("ssyk"):
        query = query.where(conditions.in_group(args["ssyk"]))
    if args.get("field"):
        query = query.where(conditions.in_field(args["field"]))
    if args.get("mine"):
        # One's own and, for a guide, those nobody (active) owns: whom the reminders go to too.
        # Closed households have nothing left to follow up (nor in the week ahead or the feed).
        query = query.where(
            followup.falls_to(current_user.user),
            Household.follow_up_on <= agenda.local_today(),
            Household.status != "closed",
        )
    session = db.session()
    q = (args.get("q") or "").strip()[:200]
    if q:
        contains = _contains(session, q)
        # As a set of ids: a search that matches few households would otherwise walk the whole
        # list in date order, reading every row to test it (seconds at 100 000 on SQLite).
        found = select(Household.id).where(
            or_(contains(Household.name), contains(Household.email), Household.reference == q.upper())
        )
        query = query.where(Household.id.in_(found))
    page = max(1, params.number(args.get("page"), 1))
    newest_first = (Household.created_at.desc(), Household.id.desc())
    # The page's ids from the list-order index alone, then only those 50 rows in full: far
    # pages no longer read every household before them.
    page_ids = query.with_only_columns(Household.id).order_by(*newest_first).limit(PAGE_SIZE)
    page_ids = page_ids.offset((page - 1) * PAGE_SIZE)
    count = query.with_only_columns(func.count(Household.id)).order_by(None)
    if q:
        # A search reads every row anyway: the total comes in the same pass as the page.
        found = session.execute(page_ids.add_columns(func.count().over())).all()
        ids = [i for i, _ in found]
        total = found[0][1] if found else session.scalar(count)
    else:
        total = session.scalar(count)
        ids = session.scalars(page_ids).all()
    rows = session.scalars(select(Household).where(Household.id.in_(ids)).order_by(*newest_first)).all() if ids else []
    twins = _twins(session, rows)
    return render_staff(
        "crm/households.html",
        _("Households"),
        status=status,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        args=args,
        statuses=STATUS_LABELS,
        twins=twins,
        municipalities={slug: m.name for slug, m in site.municipalities.items() if _may_filter(slug)},
        seeks=choices.SEEKS,
        groups=_group_choices(needs, args.get("ssyk")),
        fields=[(f.code, f"{f.code} {f.name(g.lang)}") for f in taxonomy.load().fields()],
        bulk=bulk_form.for_list(args, **bulk),
    )


def _group_choices(needs, chosen: str | None) -> list[tuple[str, str]]:
    """The groups the filter offers: the needed ones (what the list is filtered by for outreach;
    no query over every household's occupation), plus a group chosen by a link (e.g. from a
    household's page) that no municipality needs."""
    codes = set(needs.all_codes)
    if chosen and taxonomy.load().group(chosen) and len(chosen) == 4:
        codes.add(chosen)
    return [(code, matches.group_label(code, g.lang)) for code in sorted(codes)]


def _contains(session, text: str):
    """A case-insensitive substring test. SQLite's LIKE already ignores case (of ASCII letters, as
    its lower() does), and lower() on every row tripled a search's time at 100 000 households.
    PostgreSQL: lower() LIKE, whose row estimate keeps the good plan (with ILIKE the planner
    expected far more matches and chose a nested loop four times slower)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if session.get_bind().dialect.name == "sqlite":
        return lambda column: column.like(pattern, escape="\\")
    return lambda column: func.lower(column).like(pattern.lower(), escape="\\")


def _may_filter(slug: str) -> bool:
    return current_user.role == "coordinator" or slug in current_user.municipality_slugs


def _owner_choices(household: Household) -> list[tuple[str, str]]:
    """Guides of the household's municipalities (and the coordinators) who can own it."""
    session = db.session()
    guides = select(UserMunicipality.user_id).where(UserMunicipality.municipality.in_(household.municipality_slugs))
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), or_(User.id.in_(guides), User.role == "coordinator"))
        .order_by(User.name)
    ).all()
    return select_choices([("", _("Nobody"))] + [(str(u.id), f"{u.name} ({u.email})") for u in users])


@bp.get("/households/<reference>/")
@login_required
def household(reference: str):
    session, h = _visible(reference)
    audit.record(session, "view", "household", h.reference)
    session.commit()
    return _detail(h)


def _twins(session, rows: list[Household]) -> set[int]:
    """The households of a page that share an e-mail or phone with another this user may see: one
    query for the whole page (one per row took seconds at 100 000 households)."""
    rows = [h for h in rows if not duplicates.ended(h)]
    emails = {h.email.lower() for h in rows if h.email}
    phones = {h.phone for h in rows if h.phone}
    if not emails and not phones:
        return set()
    email = func.lower(Household.email)
    # In two steps, so each is driven by its index: the few households with those addresses, then
    # which of them this user may see (in one query the planner walked the guide's whole area).
    same = [*([email.in_(emails)] if emails else []), *([Household.phone.in_(phones)] if phones else [])]
    matches = session.execute(
        select(Household.id, email, Household.phone).where(or_(*same), *duplicates.STILL_HELD)
    ).all()
    visible = set(
        session.scalars(
            visible_households(current_user.user, few=True)
            .with_only_columns(Household.id)
            .where(Household.id.in_([i for i, _, _ in matches]))
        )
    )
    found = [m for m in matches if m[0] in visible]
    by_email = Counter(e for _, e, _ in found if e)
    by_phone = Counter(p for _, _, p in found if p)
    return {h.id for h in rows if (h.email and by_email[h.email.lower()] > 1) or (h.phone and by_phone[h.phone] > 1)}


def _duplicates(session, h: Household) -> list[Household]:
    """Other households this user may see with the same e-mail or phone: likely the same people."""
    if duplicates.ended(h):
        return []
    same = [func.lower(Household.email) == h.email.lower()]
    if h.phone:
        same.append(Household.phone == h.phone)
    return list(
        session.scalars(
            visible_households(current_user.user)
            .where(Household.id != h.id, or_(*same), *duplicates.STILL_HELD)
            .limit(10)
        )
    )


def _detail(h: Household, status_form=None, note_form=None, follow_form=None, reason_form=None, status=200, error=None):
    session = db.session()
    site = content.site()
    status_form = status_form or StatusForm(data={"status": h.status, "moved_to": h.moved_to, "moved_on": h.moved_on})
    status_form.moved_to.choices = _destinations(site)
    owner_form = OwnerForm(data={"owner": str(h.owner_id or "")})
    owner_form.owner.choices = _owner_choices(h)
    events = session.scalars(
        select(HouseholdEvent).where(HouseholdEvent.household_id == h.id).order_by(HouseholdEvent.at.desc())
    ).all()
    sent = session.scalars(
        # The outbox's internal events (e.g. "registered", turned into e-mails by the worker) are no message.
        select(OutboxMessage)
        .where(OutboxMessage.household_id == h.id, OutboxMessage.kind.not_in(outbox.EVENT_KINDS))
        .order_by(OutboxMessage.created_at.desc())
    ).all()
    needs = matches.needs_of(site)
    linked = session.scalars(select(HouseholdContact).where(HouseholdContact.household_id == h.id)).all()
    network = session.scalars(
        visible_contacts(current_user.user).order_by(Contact.organisation, Contact.person).limit(500)
    ).all()
    return render_staff(
        "crm/household.html",
        _("Household %(reference)s", reference=h.reference),
        status=status,
        h=h,
        site=site,
        events=events,
        sent=sent,
        statuses=STATUS_LABELS,
        labels=_labels(),
        status_form=status_form,
        note_form=note_form or NoteForm(),
        follow_form=follow_form or FollowUpForm(data={"follow_up_on": h.follow_up_on}),
        owner_form=owner_form,
        reason_form=reason_form or ReasonForm(),
        linked=linked,
        network=network,
        duplicates=_duplicates(session, h),
        adults=skill_needs.adults(h, needs, site),
        barometer=skill_needs.barometer_line(needs, site),
        error=error,
    )


def _destinations(site):
    return select_choices([("", _("Choose…"))] + [(s, m.name) for s, m in site.municipalities.items()])


def _labels() -> dict:
    return {
        "channels": dict(choices.CHANNELS),
        "seeks": dict(choices.SEEKS),
        "tenures": dict(choices.TENURES),
        "types": dict(choices.HOUSING_TYPES),
        "settings": dict(choices.SETTINGS),
        "timeframes": dict(choices.TIMEFRAMES),
        "heard": dict(choices.HEARD_FROM),
        "countries": dict(choices.countries(current_app.config["STAFF_LANGUAGE"])),
    }


@bp.post("/households/<reference>/status/")
@login_required
def change_status(reference: str):
    session, h = _visible(reference)
    form = StatusForm()
    form.moved_to.choices = _destinations(content.site())
    ok = form.validate_on_submit()
    if form.status.data == "settled" and h.moved_on is None:  # settling comes after a move
        form.status.errors = [*form.status.errors, _("Record where and when the household moved first.")]
        ok = False
    if not ok:
        return _detail(h, status_form=form, status=422)
    steps.change_status(
        session,
        h,
        current_user.user,
        form.status.data,
        moved_to=form.moved_to.data,
        moved_on=form.moved_on.data,
        closed_reason=form.closed_reason.data,
        today=agenda.local_today(),
    )
    session.commit()
    return saved(reference)


@bp.post("/households/<reference>/notes/")
@login_required
def add_note(reference: str):
    session, h = _recordable(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        return _detail(h, note_form=form, status=422)
    steps.add_note(session, h, current_user.user, form.text.data)
    session.commit()
    return saved(reference, "#timeline")


@bp.post("/households/<reference>/follow-up/")
@login_required
def set_follow_up(reference: str):
    session, h = _visible(reference)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _detail(h, follow_form=form, status=422)
    steps.set_follow_up(session, h, current_user.user, form.follow_up_on.data, today=agenda.local_today())
    session.commit()
    return saved(reference)


@bp.post("/households/<reference>/owner/")
@login_required
def set_owner(reference: str):
    session, h = _visible(reference)
    form = OwnerForm()
    form.owner.choices = _owner_choices(h)
    if not form.validate_on_submit():
        return _detail(h, status=422)
    owner = session.get(User, int(form.owner.data)) if form.owner.data else None
    steps.set_owner(session, h, current_user.user, owner)
    session.commit()
    return saved(reference)


@bp.post("/households/<reference>/municipalities/")
@login_required
def assign_municipalities(reference: str):
    """Triage: the coordinator chooses municipalities for a household that was not sure yet
    (or changes them); the guides of the added ones are told."""
    session, h = _visible(reference)
    require_role("coordinator")
    form = FlaskForm()
    site = content.site()
    chosen = [m for m in dict.fromkeys(request.form.getlist("municipality")) if m in site.municipalities]
    if not form.validate_on_submit() or not chosen:
        abort(422)
    triage.assign_municipalities(session, h, current_user.user, chosen, site)
    session.commit()
    return saved(reference)


@bp.post("/households/<reference>/quarantine/")
@login_required
def review_quarantine(reference: str):
    """The coordinator releases a quarantined household (a person after all: its guides are told)
    or deletes it (a robot)."""
    session, h = _visible(reference)
    require_role("coordinator")
    form = FlaskForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or h.quarantine_reason is None or action not in ("release", "delete"):
        abort(422)
    if action == "delete":
        triage.delete_robot(session, h, content.site())  # the address is told if it was confirmed
        session.commit()
        db.scrub(db.engine(), erasure.ERASED_TABLES)
        flash(_("Saved."), "saved")
        return redirect(url_for("crm.households"), 303)
    triage.release(session, h, current_user.user)  # told as if it had just come in
    session.commit()
    return saved(reference)


@bp.post("/households/<reference>/contacts/")
@login_required
def link_contact(reference: str):
    """Record that the household was introduced to a contact; shown on both."""
    session, h = _recordable(reference)
    form = FlaskForm()
    contact_id = request.form.get("contact", type=params.number)
    found = session.scalar(visible_contacts(current_user.user).where(Contact.id == contact_id)) if contact_id else None
    if not form.validate_on_submit() or found is None:
        abort(422)
    if steps.link_contact(session, h, current_user.user, found):
        session.commit()
    return saved(reference)


@bp.post("/households/<reference>/merge/")
@login_required
def merge(reference: str):
    """The coordinator merges a duplicate into this household: its history, messages, contacts and
    municipalities come along, then the duplicate is removed (one household, counted once)."""
    session, keep = _visible(reference)
    require_role("coordinator")
    form = FlaskForm()
    other = session.scalar(
        visible_households(current_user.user).where(Household.reference == request.form.get("other", ""))
    )
    if not form.validate_on_submit() or other is None or other.id == keep.id:
        abort(422)
    try:
        duplicates.merge(session, keep, other, current_user.user)
    except duplicates.Refused as refused:  # a page left open while it was withdrawn, or a forged request
        return _detail(
            keep,
            status=409,
            error=_(
                "Not merged: %(reference)s has been withdrawn by the mover or erased, and such a household is never merged.",
                reference=refused.household.reference,
            ),
        )
    session.commit()
    return saved(reference)
