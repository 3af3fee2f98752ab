"""One form's details carried over to the other: the order receipt offers registering the household,
the registration receipt offers the magazine, each with what this browser just sent filled in.

Nothing personal travels in a link or a log: the session (signed, this browser's, as the forms'
CSRF token) remembers only which record of each form this browser sent and when; the other form
reads the record from the database, and only within `MAX_AGE` of sending it. A withdrawn or erased
record carries nothing over. A household registered within `MAX_AGE` also keeps the order's receipt
from offering a second registration (`sent`)."""

from __future__ import annotations

import time

from flask import session
from sqlalchemy import select

from intake import db
from intake.models import Household, MagazineOrder

MAX_AGE = 30 * 60  # seconds: long enough to read the receipt and fill in the other form
KEY = "carry"
PARAMETER = "carry"  # ?carry=1 on the receipt's link: the form then looks in the session
SOURCES = {"order": MagazineOrder, "household": Household}


def remember(kind: str, reference: str) -> None:
    """This browser has just sent the `kind` ("order" or "household") with this reference (one mark
    per kind: the latest of each)."""
    marks = session.get(KEY)
    marks = {k: v for k, v in marks.items() if k in SOURCES} if isinstance(marks, dict) else {}
    session[KEY] = {**marks, kind: {"reference": reference, "at": int(time.time())}}


def _mark(kind: str) -> dict | None:
    """This browser's mark of the `kind` it sent within `MAX_AGE`, if any."""
    marks = session.get(KEY)
    mark = marks.get(kind) if isinstance(marks, dict) else None
    if not isinstance(mark, dict) or not isinstance(mark.get("at"), int):
        return None
    return mark if 0 <= time.time() - mark["at"] <= MAX_AGE else None


def sent(kind: str) -> bool:
    """Whether this browser sent the `kind` within `MAX_AGE` (a household registered: the order's
    receipt offers no second registration, which would make a duplicate household)."""
    return _mark(kind) is not None


def _recalled(kind: str):
    mark = _mark(kind)
    if mark is None:
        return None
    model = SOURCES[kind]
    found = select(model).where(
        model.reference == str(mark.get("reference")), model.withdrawn_at.is_(None), model.erased_at.is_(None)
    )
    return db.session().scalar(found)


def for_registration() -> dict[str, str]:
    """The registration form's fields from the magazine order this browser just sent, if any."""
    order = _recalled("order")
    if order is None:
        return {}
    values = {"name": order.name, "country": order.country, "place": order.city}
    return {**values, "email": order.email} if order.email else values


def for_order() -> dict[str, str]:
    """The order form's fields from the household this browser just registered, if any."""
    household = _recalled("household")
    if household is None:
        return {}
    return {"name": household.name, "email": household.email, "country": household.country, "city": household.place}
