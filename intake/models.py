"""The CRM's tables: households with their municipalities of interest, magazine orders, notices."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# No date in the campaign's CRM is older than this, whoever writes it (an import, a guide): a year
# such as 0001 (a spreadsheet's blank date, a slip) would stretch the figures' months over two
# thousand years.
EARLIEST_DAY = date(2000, 1, 1)


def utcnow() -> datetime:
    return datetime.now(UTC)


class utc_day(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """The UTC day of a stored time, as datetime.date() of it gives, in a form both databases can
    index: SQLite keeps times as text ('YYYY-MM-DD HH:MM:SS.ffffff', UTC), whose first ten
    characters are the day; PostgreSQL's date() of a timestamptz follows the session's time zone,
    so it is not immutable, while the day in UTC is."""

    type = Date()
    name = "utc_day"
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"date(timezone('UTC', {compiler.process(element.clauses, **kw)}))"


class Base(DeclarativeBase):
    pass


class PrivacyNotice(Base):
    """Every version of the privacy notice that someone acknowledged, kept to be shown again."""

    __tablename__ = "privacy_notices"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the text
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission:
    """What households and orders share: reference, idempotency, campaign source, consent."""

    reference: Mapped[str] = mapped_column(String(16), unique=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)  # one per rendered form
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The day of created_at, kept by the database itself (VIRTUAL on SQLite, STORED on PostgreSQL:
    # see migration 0009): the figures count by it, and an index in its order lets SQLite group
    # them as it reads instead of sorting every row first (see intake/figures/counts.py).
    created_on: Mapped[date] = mapped_column(Date, Computed(utc_day(literal_column("created_at"))))
    form_language: Mapped[str] = mapped_column(String(2))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    privacy_version: Mapped[str] = mapped_column(String(64), ForeignKey("privacy_notices.version"))
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC: the notice acknowledged
    # The consent record: under which legal basis and for which purpose the data is kept.
    legal_basis: Mapped[str] = mapped_column(String(20), default="consent")  # consent | public_task
    purpose: Mapped[str] = mapped_column(String(40), default="")
    # A record's end: withdrawn by the person (hidden from guides at once), then erased: personal
    # data removed, the anonymous rest kept so that every figure stays the same.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Set when an abuse check tripped: kept for the coordinator to review, never dropped.
    quarantine_reason: Mapped[str | None] = mapped_column(String(40), index=True)


GUIDES_SEE = "quarantine_reason IS NULL AND withdrawn_at IS NULL AND erased_at IS NULL"
COUNTED = "quarantine_reason IS NULL"  # what the figures count (see intake/figures/counts.py)
FIGURES = (
    "created_on",
    "utm_source",
    "moved_on",
    "moved_to",
    "created_at",
    "first_contacted_at",
    "follow_up_on",
    "status",
    "quarantine_reason",
)


class Household(Submission, Base):
    """A household that registered its interest in moving: the unit the campaign counts."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)  # duplicates are found by it
    contact_channel: Mapped[str] = mapped_column(String(10))
    contact_language: Mapped[str] = mapped_column(String(2))
    country: Mapped[str] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(200))
    # Each adult's occupation as typed (optional), and what it maps to: the taxonomy's concept id and
    # SSYK-4 group when the text names an occupation or group (tasteget.occupations), or one of
    # `intake.public.occupations.SITUATIONS` ("studying", "retired", "not_working") when it says that instead.
    occupation: Mapped[str | None] = mapped_column(String(200))
    occupation_concept: Mapped[str | None] = mapped_column(String(40))
    occupation_ssyk: Mapped[str | None] = mapped_column(String(4))
    occupation_situation: Mapped[str | None] = mapped_column(String(12))
    work_sought: Mapped[str | None] = mapped_column(String(500))
    partner_occupation: Mapped[str | None] = mapped_column(String(200))
    partner_occupation_concept: Mapped[str | None] = mapped_column(String(40))
    partner_occupation_ssyk: Mapped[str | None] = mapped_column(String(4))
    partner_occupation_situation: Mapped[str | None] = mapped_column(String(12))
    partner_work_sought: Mapped[str | None] = mapped_column(String(500))
    children_count: Mapped[int] = mapped_column(Integer, default=0)
    children_ages: Mapped[list] = mapped_column(JSON, default=list)
    unsure: Mapped[bool] = mapped_column(Boolean, default=False)  # "not sure yet" which municipality
    seeks: Mapped[list] = mapped_column(JSON, default=list)
    housing_tenure: Mapped[str | None] = mapped_column(String(10))
    housing_types: Mapped[list] = mapped_column(JSON, default=list)
    housing_setting: Mapped[str | None] = mapped_column(String(10))
    timeframe: Mapped[str] = mapped_column(String(10))
    message: Mapped[str | None] = mapped_column(Text)
    heard_from: Mapped[str | None] = mapped_column(String(20))
    # Follow-up in the back office.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    first_contacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moved_to: Mapped[str | None] = mapped_column(String(60))
    moved_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[str | None] = mapped_column(String(200))
    # The links to the mover's own page signed with an older number stop working (see public/mylink.py).
    link_generation: Mapped[int] = mapped_column(Integer, server_default="0")

    municipalities: Mapped[list[HouseholdMunicipality]] = relationship(
        back_populates="household", cascade="all, delete-orphan", lazy="selectin"
    )
    owner: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        # The list's order (newest first, then id) read straight from the index, page after page;
        # with the marks that hide a household from guides (quarantine, withdrawn, erased), so a plan
        # walking it for a guide's list can skip those rows unread.
        Index("ix_households_list_order", "created_at", "id", "quarantine_reason", "withdrawn_at", "erased_at"),
        # The households a guide may see (see crm/access.py), in the list's order: PostgreSQL counts
        # and pages a guide's list from this narrow index instead of reading every wide row.
        Index(
            "ix_households_guides_see",
            "created_at",
            "id",
            postgresql_where=text(GUIDES_SEE),
            sqlite_where=text(GUIDES_SEE),
        ),
        # The list's competence filters (a need, a group, a field) test both adults' groups: counting
        # them from this narrow index instead of the wide rows (migration 0013).
        Index("ix_households_occupations", "occupation_ssyk", "partner_occupation_ssyk"),
        # Possible duplicates share an e-mail address whatever its case.
        Index("ix_households_email_lower", func.lower(email)),
        # What the list's search reads (a substring anywhere, so no index can seek it): scanning
        # this narrow index instead of the wide rows halves a search at 100 000 households.
        Index("ix_households_search", "name", "email", "reference"),
        # Every column the figures count by, the households they count (not quarantined) only, in
        # the order of their GROUP BYs (day, source, move): SQLite, which can only group sorted
        # rows, reads them from this narrow index in that order instead of sorting 100 000 rows per
        # figure. created_at and quarantine_reason are columns too, so the figures that sort anyway
        # find everything they read here (SQLite takes no index as covering for a virtual column).
        Index(
            "ix_households_figures",
            *FIGURES,
            postgresql_where=text(COUNTED),
            sqlite_where=text(COUNTED),
        ),
        # The figures by where they heard of us (registered, and moved) and by country, grouped in
        # these indexes' order: each read from a narrow index instead of sorting the wide rows
        # (a tenth of the time at 100 000 households on SQLite, bench/CRM_RESULTS.md; migration 0017).
        Index(
            "ix_households_heard",
            "created_on",
            "heard_from",
            "moved_on",
            postgresql_where=text(COUNTED),
            sqlite_where=text(COUNTED),
        ),
        Index(
            "ix_households_country", "created_on", "country", postgresql_where=text(COUNTED), sqlite_where=text(COUNTED)
        ),
    )

    @property
    def municipality_slugs(self) -> list[str]:
        return [m.municipality for m in self.municipalities]


class HouseholdMunicipality(Base):
    __tablename__ = "household_municipalities"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)

    household: Mapped[Household] = relationship(back_populates="municipalities")


class MagazineOrder(Submission, Base):
    """An order of the printed magazine, to a postal address."""

    __tablename__ = "magazine_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(12))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(254))
    # The normalised address; one order per address (quarantined orders have none).
    address_key: Mapped[str | None] = mapped_column(String(400), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)  # in a mailing batch

    __table_args__ = (
        # The orders the figures count, by day and source, in that order (see Household's).
        Index(
            "ix_magazine_orders_figures",
            "created_on",
            "utm_source",
            "quarantine_reason",
            postgresql_where=text(COUNTED),
            sqlite_where=text(COUNTED),
        ),
    )


class OutboxMessage(Base):
    """An e-mail waiting to be sent, written in the same transaction as what caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)  # stable across retries
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str | None] = mapped_column(String(200))  # no longer written: To carries the address only
    # Where replies go, when not to MAIL_FROM: a guide's address on their message to a household.
    reply_to: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("magazine_orders.id", ondelete="SET NULL"), index=True)
    sign_up_id: Mapped[int | None] = mapped_column(ForeignKey("event_sign_ups.id"), index=True)  # never deleted
    # An iCalendar file (text/calendar; method=PUBLISH) attached to the e-mail: an event's confirmation.
    calendar: Mapped[str | None] = mapped_column(Text)
    # pending -> sending (claimed by a worker until lease_until) -> sent, or back to pending; dead at the end.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household: Mapped[Household | None] = relationship()
    order: Mapped[MagazineOrder | None] = relationship()
    sign_up: Mapped[EventSignUp | None] = relationship()

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The per-address daily limit counts by address whatever its case (outbox.sent_recently).
        Index("ix_outbox_to_address_lower", func.lower(to_address), "created_at"),
    )


class JobRun(Base):
    """One run of a scheduled job per period; the unique key stops two workers running it twice."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(50), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)  # e.g. the day, 2026-11-27
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The back office -------------------------------------------------------------------------------

ROLES = ("guide", "coordinator", "admin")
PIPELINE = ("new", "contacted", "visiting", "decided", "moved", "settled", "closed")


class User(Base):
    """A member of staff: a guide of some municipalities, the coordinator, or an admin (accounts only)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # the last code's time step: no replay
    # The login waiting for its second factor (its id is in that browser's cookie), and the wrong
    # codes it has been sent: kept here, so that every address, copy of the cookie and instance counts.
    login_pending: Mapped[str | None] = mapped_column(String(43))
    login_wrong_codes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    municipalities: Mapped[list[UserMunicipality]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserMunicipality.municipality"
    )

    @property
    def municipality_slugs(self) -> list[str]:
        return [m.municipality for m in self.municipalities]


class UserMunicipality(Base):
    __tablename__ = "user_municipalities"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class StaffSession(Base):
    """A login, kept on the server so that logging out (or a timeout) ends it for good."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a random token, in the signed cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")


class HouseholdEvent(Base):
    """The household's timeline: status changes, notes, owners, follow-ups and messages."""

    __tablename__ = "household_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # status, note, note_edited, note_removed, owner, …
    old: Mapped[str | None] = mapped_column(String(200))
    new: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(lazy="joined")


class PasswordReset(Base):
    """A single-use, short-lived link to choose a new password; only its hash is stored."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")


CONTACT_KINDS = ("employer", "landlord", "estate_agent", "coworking_host", "ambassador", "village_contact", "other")


class Contact(Base):
    """Someone in the partner network: an employer, a landlord, a coworking host, an ambassador…"""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    person: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(60), index=True)  # None: the whole region
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Removed from the network: no longer listed nor offered, its page and history kept.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An ambassador's offer (kind "ambassador"; see pipeline/ambassadors.py): suggested to households
    # only from the day they agreed. The country of origin can reveal ethnic origin: kept only with
    # their own opt-in (the day it was given), and removed with it.
    agreed_on: Mapped[date | None] = mapped_column(Date)
    languages: Mapped[list | None] = mapped_column(JSON)  # ISO 639-1 codes, e.g. ["ar", "en"]
    occupation_field: Mapped[str | None] = mapped_column(String(1))  # an SSYK-1 field, e.g. "2"
    interests: Mapped[str | None] = mapped_column(String(300))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    origin_consent_on: Mapped[date | None] = mapped_column(Date)

    @property
    def label(self) -> str:
        return " – ".join(p for p in (self.organisation, self.person) if p) or f"#{self.id}"


CONTACT_FIELDS = ("kind", "organisation", "person", "role", "municipality", "email", "phone", "notes")
# What an ambassador offers, kept in a change's `before` too (the country of origin only while opted in).
AMBASSADOR_FIELDS = ("agreed_on", "languages", "occupation_field", "interests", "origin_country", "origin_consent_on")


class ContactChange(Base):
    """A network contact edited or removed: what it said before (`before`: its CONTACT_FIELDS), by
    whom and when, shown on its page."""

    __tablename__ = "contact_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # edited | removed
    before: Mapped[dict] = mapped_column(JSON)

    user: Mapped[User | None] = relationship(lazy="joined")


class HouseholdContact(Base):
    """A household was introduced to a contact (an employer for the partner, a landlord)."""

    __tablename__ = "household_contacts"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    contact: Mapped[Contact] = relationship(lazy="joined")
    household: Mapped[Household] = relationship(lazy="joined")


class WelcomeTick(Base):
    """A step of the welcome checklist (the content's `welcome` of the municipality a household moved
    to, by its key) that the household ticked off: when, and by which member of staff (none: the
    household itself, on its own page). Part of the household: exported with it, gone when erased."""

    __tablename__ = "welcome_ticks"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    ticked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(lazy="joined")


AUDIT_ACTIONS = ("view", "change", "export", "erase", "withdraw", "resend")


class AuditEntry(Base):
    """Who did what to which record, and when. Records are named by reference, never by personal
    data; `user_id` is empty for what the mover or a scheduled job did (`actor` says which)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(20))  # staff | mover | purge | command
    action: Mapped[str] = mapped_column(String(20), index=True)
    record: Mapped[str] = mapped_column(String(20))  # household | order | orders | message
    reference: Mapped[str | None] = mapped_column(String(40), index=True)
    detail: Mapped[str | None] = mapped_column(String(500))  # what changed, or the reason given

    user: Mapped[User | None] = relationship(lazy="joined")


# The week ahead --------------------------------------------------------------------------------

# What a planned visit has arranged, in the order the page shows them.
VISIT_ARRANGEMENTS = ("viewings", "employer_meetings", "school", "coworking")
# What a household asking for a try-out visit wants to see (the form's choices, in its order).
VISIT_WISHES = ("homes", "workplaces", "schools", "coworking", "trial_living")
# A visit asked for by the household waits as "requested" until a guide confirms it as "planned".
VISIT_STATES = ("requested", "planned")


class Visit(Base):
    """A household's visit to the region: asked for by the household (`requested`, with the days
    they wish, what they want to see and their message) or planned by a guide (`planned`: when, and
    what is arranged). The note and the message are free text that may name people: erasure removes
    them, export includes them."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    viewings: Mapped[bool] = mapped_column(Boolean, default=False)
    employer_meetings: Mapped[bool] = mapped_column(Boolean, default=False)
    school: Mapped[bool] = mapped_column(Boolean, default=False)  # school or preschool
    coworking: Mapped[bool] = mapped_column(Boolean, default=False)  # a coworking trial
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The request (migration 0020): for "flexible" dates the wished month, its days in starts_on/ends_on.
    state: Mapped[str] = mapped_column(String(10), default="planned", server_default="planned", index=True)
    municipality: Mapped[str | None] = mapped_column(String(60))
    flexible_month: Mapped[str | None] = mapped_column(String(7))  # "2027-05"
    wishes: Mapped[list | None] = mapped_column(JSON)  # names from VISIT_WISHES
    message: Mapped[str | None] = mapped_column(Text)
    submission_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)  # one per form page
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household: Mapped[Household] = relationship(lazy="joined")

    __table_args__ = (
        # The visits of a stretch of days (the week view, the calendar feed): those not over yet, by
        # their last day, read from the index.
        Index("ix_visits_days", "ends_on", "starts_on"),
    )

    @property
    def arranged(self) -> list[str]:
        return [name for name in VISIT_ARRANGEMENTS if getattr(self, name)]


# Whose follow-ups fall due when (crm/agenda.py): every test the week ahead makes but the guide's
# municipalities, read from this index alone; the overdue of 100 000 households are counted in it.
Index(
    "ix_households_due",
    Household.follow_up_on,
    Household.owner_id,
    Household.status,
    Household.quarantine_reason,
    Household.withdrawn_at,
    Household.erased_at,
)


class CalendarFeed(Base):
    """A member of staff's private calendar feed: only the hash of its secret token is stored. A new
    token replaces the row, so the old address stops working."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


# Events ------------------------------------------------------------------------------------------

# A sign-up's life: confirmed (has its places) or waiting (on the list), then cancelled, or after the
# event attended / no_show as the guide marks it. "held": a suspected robot, kept for review, no place.
SIGN_UP_STATUSES = ("confirmed", "waiting", "cancelled", "attended", "no_show", "held")
HOLDS_PLACES = ("confirmed", "attended", "no_show")  # who came or not, their places were theirs


class EventSignUp(Base):
    """Someone signed up to an event of the content (`content/events/<slug>.yml`, by its slug): how
    many people, their consent, and optionally their needs for the day under a consent of its own
    (the text is erased a set number of days after the event: it can reveal health or religion)."""

    __tablename__ = "event_sign_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)  # one per rendered form
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    form_language: Mapped[str] = mapped_column(String(2))  # the person's language: every e-mail is in it
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    people: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    # The order of the waiting list: set on joining it, never renumbered (a party skipped because it
    # did not fit a freed place keeps its turn); the position shown is the count of those before.
    queue_number: Mapped[int | None] = mapped_column(Integer)
    privacy_version: Mapped[str] = mapped_column(String(64), ForeignKey("privacy_notices.version"))
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    legal_basis: Mapped[str] = mapped_column(String(20), default="consent")
    purpose: Mapped[str] = mapped_column(String(40), default="")
    needs: Mapped[str | None] = mapped_column(Text)
    needs_consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    needs_erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # sha256 of the cancel link's token (intake.events.signups.cancel_token): the token is not stored
    # here; the e-mails that carry it keep their text in the outbox only until the event is over,
    # when the purge blanks it (intake.privacy.retention.blank_event_mails).
    cancel_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"), index=True)
    quarantine_reason: Mapped[str | None] = mapped_column(String(40))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # attendance
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    household: Mapped[Household | None] = relationship()

    __table_args__ = (Index("ix_event_sign_ups_event", "event", "status", "queue_number"),)


class EventLock(Base):
    """One row per event that has had a sign-up: every change of its places first updates this row,
    which (PostgreSQL's row lock; SQLite's single writer) lets one transaction at a time count and
    give out its places, so two people can never both take the last one."""

    __tablename__ = "event_locks"

    event: Mapped[str] = mapped_column(String(80), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0)
