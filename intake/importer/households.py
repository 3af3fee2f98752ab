"""Households from the previous CRM: their columns, the checks across columns, and the record to store."""

from __future__ import annotations

from intake import choices
from intake.importer import cells, occupations
from intake.importer.rows import KEY_PREFIX, Column, Context, Row, key, noon, not_before
from intake.models import PIPELINE, UTM_FIELDS, Household, HouseholdEvent, HouseholdMunicipality, JobRun
from intake.notify import followup
from intake.references import new_reference

NAME = "households"
MODEL = Household
RECORD = "household"  # its purpose, see intake.privacy.consent.PURPOSES
MOVED = ("moved", "settled")
FOLLOW_UP_YEARS = 2  # the longest timeframe a mover can give (24m): a later follow-up is a mistyped year


def _staff(value: str, ctx: Context) -> int:
    account = ctx.staff.get(value.lower())
    if account is None:
        raise cells.Invalid("no staff account has this e-mail (add it first: tasteget user add)")
    return account


def _moved_to(value: str, ctx: Context) -> str:
    slugs = cells.municipalities(value, ctx.municipalities)
    if len(slugs) != 1:
        raise cells.Invalid("name one municipality")
    return slugs[0]


COLUMNS = [
    Column("id", key, required=True),
    Column("registered", lambda v, ctx: cells.day(v, ctx.today), required=True),
    Column("name", lambda v, _: cells.text(v), required=True),
    Column("email", lambda v, _: cells.email(v), required=True),
    Column("municipalities", lambda v, ctx: cells.municipalities(v, ctx.municipalities), required=True),
    Column("phone", lambda v, _: cells.phone(v)),
    Column("contact_channel", lambda v, _: cells.one_of(v, choices.CHANNELS), default="email"),
    Column("contact_language", lambda v, _: cells.one_of(v, choices.LANGUAGES), default="sv"),
    Column("country", lambda v, _: cells.country(v), default="SE"),
    Column("place", lambda v, _: cells.text(v), default=""),
    Column("occupation", lambda v, _: cells.text(v)),  # optional, as on the form: none is NULL
    Column("occupation_ssyk", lambda v, _: occupations.ssyk(v)),
    Column("work_sought", lambda v, _: cells.text(v, 500)),
    Column("partner_occupation", lambda v, _: cells.text(v)),
    Column("partner_occupation_ssyk", lambda v, _: occupations.ssyk(v)),
    Column("partner_work_sought", lambda v, _: cells.text(v, 500)),
    Column("children_count", lambda v, _: cells.whole_number(v, 0, 15), default=0),
    Column("children_ages", lambda v, _: cells.ages(v), default=list),
    Column("seeks", lambda v, _: cells.several(v, choices.SEEKS), default=list),
    Column("housing_tenure", lambda v, _: cells.one_of(v, choices.TENURES)),
    Column("housing_types", lambda v, _: cells.several(v, choices.HOUSING_TYPES), default=list),
    Column("housing_setting", lambda v, _: cells.one_of(v, choices.SETTINGS)),
    Column("timeframe", lambda v, _: cells.one_of(v, choices.TIMEFRAMES), default=""),
    Column("message", lambda v, _: cells.text(v, 3000, one_line=False)),
    Column("heard_from", lambda v, _: cells.one_of(v, choices.HEARD_FROM)),
    *(Column(name, lambda v, _: cells.text(v)) for name in UTM_FIELDS),
    Column("status", lambda v, _: cells.one_of(v, [(s, s) for s in PIPELINE]), default="new"),
    Column("first_contacted", lambda v, ctx: cells.day(v, ctx.today)),
    Column("moved_to", _moved_to),
    Column("moved_on", lambda v, ctx: cells.day(v, ctx.today)),
    Column("closed_reason", lambda v, _: cells.text(v)),
    Column("owner", _staff),
    Column("follow_up_on", lambda v, ctx: cells.day(v, ctx.today, FOLLOW_UP_YEARS)),
    Column("consented", lambda v, ctx: cells.day(v, ctx.today)),
]


def check(values: dict, ctx: Context) -> list[tuple[str, str]]:
    """What the back office and the form ask across fields: where and when for a move, and so on.

    `values` holds only the cells that could be read; a check whose cells could not is skipped.
    """
    problems = not_before(values, "registered", "first_contacted", "moved_on")
    if values.get("contact_channel") == "phone" and not values.get("phone"):
        problems.append(("phone", "needed when contact_channel is phone"))
    count, ages = values.get("children_count"), values.get("children_ages")
    if count and ages and len(ages) != count:
        problems.append(("children_ages", f"give one age per child ({count})"))
    status = values.get("status")
    if status in MOVED:
        problems += [(c, f"needed when status is {status}") for c in ("moved_to", "moved_on") if not values.get(c)]
    if status == "closed" and not values.get("closed_reason"):
        problems.append(("closed_reason", "needed when status is closed"))
    return problems


def unique_keys(values: dict) -> list[tuple[str, str]]:
    return [("id", values["id"])] if "id" in values else []


def same_as(column: str, row: int) -> str:
    return f"the same id as row {row}"


def build(row: Row, notice_version: str) -> Household:
    v = row.values
    return Household(
        reference=new_reference("H"),
        submission_id=row.submission_id,
        created_at=noon(v["registered"]),
        form_language=v["contact_language"],
        privacy_version=notice_version,
        consented_at=noon(v["consented"] or v["registered"]),
        **{name: v[name] for name in UTM_FIELDS},
        name=v["name"],
        email=v["email"],
        phone=v["phone"],
        contact_channel=v["contact_channel"],
        contact_language=v["contact_language"],
        country=v["country"],
        place=v["place"],
        **occupations.stored("occupation", v["occupation"], v["occupation_ssyk"], v["contact_language"]),
        work_sought=v["work_sought"],
        **occupations.stored(
            "partner_occupation", v["partner_occupation"], v["partner_occupation_ssyk"], v["contact_language"]
        ),
        partner_work_sought=v["partner_work_sought"],
        children_count=v["children_count"] or len(v["children_ages"]),
        children_ages=v["children_ages"],
        unsure=not v["municipalities"],
        municipalities=[HouseholdMunicipality(municipality=slug) for slug in v["municipalities"]],
        seeks=v["seeks"],
        housing_tenure=v["housing_tenure"],
        housing_types=v["housing_types"],
        housing_setting=v["housing_setting"],
        timeframe=v["timeframe"],
        message=v["message"],
        heard_from=v["heard_from"],
        status=v["status"],
        first_contacted_at=noon(v["first_contacted"]),
        moved_to=v["moved_to"],
        moved_on=v["moved_on"],
        closed_reason=v["closed_reason"],
        owner_id=v["owner"],
        follow_up_on=v["follow_up_on"],
    )


def taken(session, rows: list[Row]) -> dict[int, tuple[str, str]]:
    """Households have no rule beyond their id: the back office flags same e-mail or phone itself."""
    return {}


def after_insert(session, households: list[Household], today, follow_up_days: tuple[int, int, int]) -> None:
    """A line on each timeline, and the backlog of reminders marked done (see below)."""
    for h in households:
        session.add(HouseholdEvent(household_id=h.id, kind="import", new=h.submission_id.removeprefix(KEY_PREFIX)))
        # A household that was "new" for months in the previous CRM would otherwise send its guides a
        # reminder and the coordinator an escalation at the worker's next hourly run, all at once.
        # What is already due is marked as sent; what falls due later is sent as usual.
        for kind in followup.due(h, today, *follow_up_days):
            session.add(JobRun(job=f"{kind}:{h.id}", period="once"))
