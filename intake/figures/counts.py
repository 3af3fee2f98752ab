"""The campaign's figures: the same numbers for the dashboard and `tasteget report`.

`figures_of` defines every figure from tallies: households and orders counted by the few facts the
figures need. The database counts them (`load`, GROUP BY) and so does `tally`, from plain records,
for the tests. Quarantined submissions never count. A household that chose three municipalities
counts once in the totals and once under each of them.

The competence-attraction figures (households with a needed skill, targets against actual) are
defined in `competence`; given a `competence.Plan` (the content's needs and targets), `figures_of`
adds them, from the tallies `load` and `tally` count when given the groups the needs name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, Date, String, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from intake.figures import competence
from intake.models import Household, HouseholdMunicipality, MagazineOrder, utc_day

UNSURE = "unsure"
NO_SOURCE = "(none)"
NO_ANSWER = "(no answer)"  # "where did you hear about us" left empty (or from before the form asked)
UNKNOWN = "(unknown)"  # a move recorded without its destination
REPORT_HEADER = ("figure", "breakdown", "value")


@dataclass(frozen=True)
class HouseholdRecord:
    registered: date
    municipalities: tuple[str, ...]  # empty: not sure yet
    source: str | None
    status: str
    first_contact: date | None
    moved_to: str | None
    moved_on: date | None
    follow_up_on: date | None
    contact_ssyk: str | None = None  # the SSYK-4 group of each adult's occupation, when it maps to one
    partner_ssyk: str | None = None
    heard_from: str | None = None  # the form's "where did you hear about us" (choices.HEARD_FROM)
    country: str | None = None  # of residence (ISO code)


@dataclass(frozen=True)
class OrderRecord:
    ordered: date
    source: str | None


@dataclass
class Figures:
    as_of: date
    registered: int = 0
    moved: int = 0
    orders: int = 0
    conversion: float = 0.0  # moved / registered
    median_days_to_first_contact: float | None = None
    open_follow_ups: int = 0
    by_municipality: Counter = field(default_factory=Counter)
    moves_by_destination: Counter = field(default_factory=Counter)
    registered_by_month: Counter = field(default_factory=Counter)
    moved_by_month: Counter = field(default_factory=Counter)
    orders_by_month: Counter = field(default_factory=Counter)
    registered_by_source: Counter = field(default_factory=Counter)
    moved_by_source: Counter = field(default_factory=Counter)
    orders_by_source: Counter = field(default_factory=Counter)
    registered_by_heard: Counter = field(default_factory=Counter)
    moved_by_heard: Counter = field(default_factory=Counter)
    registered_by_country: Counter = field(default_factory=Counter)
    competence: competence.Competence | None = None  # with a plan only

    def rows(self) -> list[tuple[str, str, int | float | str]]:
        """(figure, breakdown, value): the flat form of the report and its CSV."""
        out: list[tuple[str, str, int | float | str]] = [
            ("households registered", "", self.registered),
            ("households moved", "", self.moved),
            ("magazine orders", "", self.orders),
            ("conversion registered to moved", "", round(self.conversion, 4)),
            (
                "median days to first contact",
                "",
                "" if self.median_days_to_first_contact is None else self.median_days_to_first_contact,
            ),
            ("open follow-ups", "", self.open_follow_ups),
        ]
        for name, counter in (
            ("households by municipality of interest", self.by_municipality),
            ("moves by destination", self.moves_by_destination),
            ("households registered by month", self.registered_by_month),
            ("households moved by month", self.moved_by_month),
            ("magazine orders by month", self.orders_by_month),
            ("households registered by source", self.registered_by_source),
            ("households moved by source", self.moved_by_source),
            ("magazine orders by source", self.orders_by_source),
            ("households registered by where they heard of us", self.registered_by_heard),
            ("households moved by where they heard of us", self.moved_by_heard),
            ("households registered by country of residence", self.registered_by_country),
        ):
            out += [(name, key, counter[key]) for key in sorted(counter)]
        if self.competence is not None:
            out += self.competence.rows()
        return out


FINISHED = ("settled", "closed")  # a follow-up date on these no longer counts as open


@dataclass
class Tallies:
    """Households and orders counted by the few facts the figures need, each keyed by the day the
    household registered (nothing registered after the chosen day counts): what `load` gets from
    the database by GROUP BY, and `tally` from plain records."""

    registered: Counter = field(default_factory=Counter)  # (day, source)
    interest: Counter = field(default_factory=Counter)  # (day, municipality or UNSURE)
    moves: Counter = field(default_factory=Counter)  # (day, moved on, moved to, source)
    first_contacts: Counter = field(default_factory=Counter)  # (day, day of first contact)
    # (the later of the day registered and the follow-up day,): an open follow-up counts from then on.
    follow_ups: Counter = field(default_factory=Counter)
    orders: Counter = field(default_factory=Counter)  # (day ordered, source)
    heard: Counter = field(default_factory=Counter)  # (day, answer)
    heard_moves: Counter = field(default_factory=Counter)  # (day, moved on, answer)
    countries: Counter = field(default_factory=Counter)  # (day, country)
    # Counted only when given the groups some need names (`needed`), and only of the households with
    # such a group; a group no need names is kept as None. (day, contact's group, partner's group,
    # the chosen municipalities sorted) and (day, moved on, moved to, contact's group, partner's group).
    skilled: Counter = field(default_factory=Counter)
    skilled_moves: Counter = field(default_factory=Counter)


def tally(
    households: list[HouseholdRecord], orders: list[OrderRecord], needed: frozenset[str] = frozenset()
) -> Tallies:
    t = Tallies()
    for h in households:
        contact = h.contact_ssyk if h.contact_ssyk in needed else None
        partner = h.partner_ssyk if h.partner_ssyk in needed else None
        if contact or partner:
            t.skilled[h.registered, contact, partner, tuple(sorted(h.municipalities))] += 1
            if h.moved_on:
                t.skilled_moves[h.registered, h.moved_on, h.moved_to, contact, partner] += 1
        t.registered[h.registered, h.source] += 1
        for slug in h.municipalities or (UNSURE,):
            t.interest[h.registered, slug] += 1
        if h.moved_on:  # a move counts from its date, whatever the status says since
            t.moves[h.registered, h.moved_on, h.moved_to, h.source] += 1
        if h.first_contact:
            t.first_contacts[h.registered, h.first_contact] += 1
        if h.follow_up_on and h.status not in FINISHED:
            t.follow_ups[max(h.registered, h.follow_up_on),] += 1
        t.heard[h.registered, h.heard_from] += 1
        if h.moved_on:
            t.heard_moves[h.registered, h.moved_on, h.heard_from] += 1
        t.countries[h.registered, h.country] += 1
    for o in orders:
        t.orders[o.ordered, o.source] += 1
    return t


@lru_cache(maxsize=4096)
def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def _median(counts: Counter) -> float | None:
    """statistics.median of values given as {value: how many times}, without listing each one."""
    total = sum(counts.values())
    if not total:
        return None
    low_at, high_at = (total - 1) // 2, total // 2  # the middle position(s) in the sorted values
    low, seen = None, 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_at:
            low = value
        if seen > high_at:
            return low if total % 2 else (low + value) / 2
    return None


def figures_of(t: Tallies, as_of: date, plan: competence.Plan | None = None) -> Figures:
    """Everything as it stood at the end of `as_of`: the one place the figures are defined (the
    competence figures too, with a plan, in `competence.competence_of`)."""
    f = Figures(as_of)
    for (day, source), n in t.registered.items():
        if day <= as_of:
            f.registered += n
            f.registered_by_month[_month(day)] += n
            f.registered_by_source[source or NO_SOURCE] += n
    for (day, slug), n in t.interest.items():
        if day <= as_of:
            f.by_municipality[slug] += n
    for (day, moved_on, moved_to, source), n in t.moves.items():
        if day <= as_of and moved_on <= as_of:
            f.moved += n
            f.moves_by_destination[moved_to or UNKNOWN] += n
            f.moved_by_month[_month(moved_on)] += n
            f.moved_by_source[source or NO_SOURCE] += n
    contact_days = Counter()
    for (day, contacted), n in t.first_contacts.items():
        if day <= as_of and contacted <= as_of:
            contact_days[(contacted - day).days] += n
    f.open_follow_ups = sum(n for (due,), n in t.follow_ups.items() if due <= as_of)
    for (day, answer), n in t.heard.items():
        if day <= as_of:
            f.registered_by_heard[answer or NO_ANSWER] += n
    for (day, moved_on, answer), n in t.heard_moves.items():
        if day <= as_of and moved_on <= as_of:
            f.moved_by_heard[answer or NO_ANSWER] += n
    for (day, country), n in t.countries.items():
        if day <= as_of:
            f.registered_by_country[country or UNKNOWN] += n
    for (day, source), n in t.orders.items():
        if day <= as_of:
            f.orders += n
            f.orders_by_month[_month(day)] += n
            f.orders_by_source[source or NO_SOURCE] += n
    f.conversion = f.moved / f.registered if f.registered else 0.0
    f.median_days_to_first_contact = _median(contact_days)
    if plan is not None:
        f.competence = competence_figures(t, as_of, plan)
    return f


def compute(
    households: list[HouseholdRecord], orders: list[OrderRecord], as_of: date, plan: competence.Plan | None = None
) -> Figures:
    """The figures of plain records, as of the end of `as_of`."""
    return figures_of(tally(households, orders, plan.needs.all_codes if plan else frozenset()), as_of, plan)


def _counted(connection: Connection, query) -> Counter:
    """{(key, ...): count} from a query whose last column is the count."""
    return Counter({tuple(keys): n for *keys, n in connection.execute(query)})


def load(session: Session, needed: frozenset[str] = frozenset()) -> Tallies:
    """The tallies, counted by the database (quarantine left out): a few thousand grouped rows
    instead of a hundred thousand households, whichever day the figures are for. With `needed`
    (the groups some need names: `Needs.all_codes`) the competence tallies too, see `_skilled`.

    SQLite groups sorted rows only (it has no hash aggregate), so each GROUP BY that can lists its
    keys in the order of the figures' index (see models.py): registered and moves by `created_on`
    first, then source, read from the index in that order instead of sorting every household. The
    others sort whatever their order, and count by the same day taken from `created_at`, which the
    index holds too: SQLite (3.40) never takes an index as covering for a query that reads a virtual
    column such as created_on, and then planned follow-ups through the wide rows, twice as slow."""
    connection = session.connection()  # Core rows: the ORM's result machinery adds nothing here
    h, hm, o = Household, HouseholdMunicipality, MagazineOrder
    day = utc_day(h.created_at)  # = h.created_on

    def grouped(*keys, where=()):
        return _counted(
            connection, select(*keys, func.count()).where(h.quarantine_reason.is_(None), *where).group_by(*keys)
        )

    # The later of the two days: a few hundred keys instead of tens of thousands of pairs.
    due = type_coerce(case((h.follow_up_on > day, h.follow_up_on), else_=day), Date)
    slug = func.coalesce(hm.municipality, UNSURE)  # a household without municipalities is not sure yet
    skilled, skilled_moves = _skilled(connection, needed) if needed else (Counter(), Counter())
    return Tallies(
        registered=grouped(h.created_on, h.utm_source),
        interest=_counted(
            connection,
            select(day, slug, func.count())
            .outerjoin(hm, hm.household_id == h.id)
            .where(h.quarantine_reason.is_(None))
            .group_by(day, slug),
        ),
        moves=_moves(connection),
        first_contacts=grouped(day, utc_day(h.first_contacted_at), where=[h.first_contacted_at.is_not(None)]),
        follow_ups=grouped(due, where=[h.follow_up_on.is_not(None), h.status.not_in(FINISHED)]),
        orders=_counted(
            connection,
            select(o.created_on, o.utm_source, func.count())
            .where(o.quarantine_reason.is_(None))
            .group_by(o.created_on, o.utm_source),
        ),
        # In the order of their indexes (ix_households_heard, ix_households_country): read, not sorted.
        heard=grouped(h.created_on, h.heard_from),
        heard_moves=Counter(
            {
                (on, moved_on, answer): n
                for (on, answer, moved_on), n in grouped(
                    h.created_on, h.heard_from, h.moved_on, where=[h.moved_on.is_not(None)]
                ).items()
            }
        ),
        countries=grouped(h.created_on, h.country),
        skilled=skilled,
        skilled_moves=skilled_moves,
    )


def load_competence(session: Session, needed: frozenset[str]) -> Tallies:
    """Only the tallies the competence figures read (`competence_figures`): the moves and the
    competence tallies, for the dashboard's competence page, which has a second to itself."""
    connection = session.connection()
    skilled, skilled_moves = _skilled(connection, needed) if needed else (Counter(), Counter())
    return Tallies(moves=_moves(connection), skilled=skilled, skilled_moves=skilled_moves)


def _moves(connection: Connection) -> Counter:
    """Grouped in the index's order (day, source, move), then keyed in the tallies' own order."""
    h = Household
    keys = (h.created_on, h.utm_source, h.moved_on, h.moved_to)
    moves = _counted(
        connection,
        select(*keys, func.count()).where(h.quarantine_reason.is_(None), h.moved_on.is_not(None)).group_by(*keys),
    )
    return Counter({(on, moved_on, moved_to, source): n for (on, source, moved_on, moved_to), n in moves.items()})


def competence_figures(t: Tallies, as_of: date, plan: competence.Plan) -> competence.Competence:
    """The competence figures alone, as `figures_of` gives them in `Figures.competence`."""
    return competence.competence_of(t.skilled, t.skilled_moves, t.moves, as_of, plan)


def _skilled(connection: Connection, needed: frozenset[str]) -> tuple[Counter, Counter]:
    """The competence tallies: only the households with an adult in a group some need names, each
    with its chosen municipalities as one key (a correlated aggregate, read by the link table's
    primary key), so that a household is matched once however many it chose.

    The registered households are read one row each and counted here, not grouped by the database:
    a day, two groups and a choice of municipalities are nearly one household each, so a GROUP BY
    would return as many rows, and SQLite sorting them evaluates the aggregate twice (4 times as slow
    at 100 000 households, see bench/CRM_RESULTS.md)."""
    h, hm = Household, HouseholdMunicipality
    codes = sorted(needed)
    contact = case((h.occupation_ssyk.in_(codes), h.occupation_ssyk))
    partner = case((h.partner_occupation_ssyk.in_(codes), h.partner_occupation_ssyk))
    counted = [h.quarantine_reason.is_(None), or_(h.occupation_ssyk.in_(codes), h.partner_occupation_ssyk.in_(codes))]
    chosen = (
        select(func.aggregate_strings(hm.municipality, ","))
        .where(hm.household_id == h.id)
        .correlate(h)
        .scalar_subquery()
    )
    # The day as the driver gives it (SQLite: text, read here once a day instead of once a household).
    day = type_coerce(h.created_on, String)
    rows = connection.execute(select(day, contact, partner, chosen).where(*counted)).all()
    days = {d: d if isinstance(d, date) else date.fromisoformat(d) for d in {row[0] for row in rows}}
    # The database joins the slugs in no set order: each choice sorted once (there are few).
    sets = {joined: tuple(sorted(joined.split(","))) if joined else () for joined in {row[3] for row in rows}}
    skilled = Counter((days[d], c, p, sets[joined]) for d, c, p, joined in rows)
    # Grouped outside a subquery: PostgreSQL would not take two bound copies of the CASE as one key.
    moved = (
        select(h.created_on, h.moved_on, h.moved_to, contact.label("contact"), partner.label("partner"))
        .where(*counted, h.moved_on.is_not(None))
        .subquery()
    )
    keys = (moved.c.created_on, moved.c.moved_on, moved.c.moved_to, moved.c.contact, moved.c.partner)
    return skilled, _counted(connection, select(*keys, func.count()).group_by(*keys))
