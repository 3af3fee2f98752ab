"""Magazine orders from the previous CRM: one per postal address, as the order form has it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import choices
from intake.importer import cells
from intake.importer.rows import Column, Context, Row, key, noon, not_before
from intake.models import UTM_FIELDS, MagazineOrder
from intake.public import postal
from intake.references import new_reference

NAME = "orders"
MODEL = MagazineOrder
RECORD = "order"  # its purpose, see intake.privacy.consent.PURPOSES

COLUMNS = [
    Column("id", key, required=True),
    Column("ordered", lambda v, ctx: cells.day(v, ctx.today), required=True),
    Column("name", lambda v, _: cells.text(v), required=True),
    Column("street", lambda v, _: cells.text(v), required=True),
    Column("postal_code", lambda v, _: cells.text(v, 12), required=True),
    Column("city", lambda v, _: cells.text(v, 100), required=True),
    Column("country", lambda v, _: cells.country(v), default="SE"),
    Column("email", lambda v, _: cells.email(v)),
    Column("language", lambda v, _: cells.one_of(v, choices.LANGUAGES), default="sv"),
    Column("sent_on", lambda v, ctx: cells.day(v, ctx.today)),
    *(Column(name, lambda v, _: cells.text(v)) for name in UTM_FIELDS),
]


def check(values: dict, ctx: Context) -> list[tuple[str, str]]:
    """The dates in order, and the postal code in its country's form (which also makes the address key)."""
    problems = not_before(values, "ordered", "sent_on")
    if not all(column in values for column in ("street", "postal_code", "country")):
        return problems
    try:
        values["postal_code"] = cells.postal_code(values["postal_code"], values["country"])
    except cells.Invalid as exc:
        return [*problems, ("postal_code", str(exc))]
    values["address_key"] = postal.address_key(values["street"], values["postal_code"], values["country"])
    return problems


def unique_keys(values: dict) -> list[tuple[str, str]]:
    keys = [("id", values["id"])] if "id" in values else []
    return keys + ([("street", values["address_key"])] if "address_key" in values else [])


def same_as(column: str, row: int) -> str:
    if column == "street":
        return f"the same address as row {row} (one magazine per address)"
    return f"the same id as row {row}"


def taken(session: Session, rows: list[Row]) -> dict[int, tuple[str, str]]:
    """Rows whose address already has an order in the CRM (the form's "already ordered" rule)."""
    by_key = {row.values["address_key"]: row.number for row in rows}
    found = session.execute(
        select(MagazineOrder.address_key, MagazineOrder.reference).where(MagazineOrder.address_key.in_(by_key))
    )
    return {
        by_key[address]: ("street", f"the magazine has already been ordered to this address ({reference})")
        for address, reference in found
    }


def build(row: Row, notice_version: str) -> MagazineOrder:
    v = row.values
    return MagazineOrder(
        reference=new_reference("M"),
        submission_id=row.submission_id,
        created_at=noon(v["ordered"]),
        form_language=v["language"],
        privacy_version=notice_version,
        consented_at=noon(v["ordered"]),
        **{name: v[name] for name in UTM_FIELDS},
        name=v["name"],
        street=v["street"],
        postal_code=v["postal_code"],
        city=v["city"],
        country=v["country"],
        email=v["email"],
        address_key=v["address_key"],
        sent_at=noon(v["sent_on"]),
    )


def after_insert(session, orders: list[MagazineOrder], today, follow_up_days) -> None:
    """Nothing: an imported order sends no confirmation, and the daily summary counts by order date."""
