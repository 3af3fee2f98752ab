"""Events in figures: sign-ups and attendance by kind of event and by municipality, from the events'
content and their sign-ups' status and size alone (never a name, never the needs for the day)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from intake.models import HOLDS_PLACES

WHOLE_REGION = ""  # an event of no municipality counts here


@dataclass
class Row:
    """One breakdown's counts: sign-ups with places, the people in them, on the waiting list, and
    the people marked as come or not."""

    sign_ups: int = 0
    people: int = 0
    waiting: int = 0
    came: int = 0
    did_not_come: int = 0

    def add(self, status: str, people: int) -> None:
        if status in HOLDS_PLACES:
            self.sign_ups += 1
            self.people += people
        if status == "waiting":
            self.waiting += 1
        elif status == "attended":
            self.came += people
        elif status == "no_show":
            self.did_not_come += people


def tally(sign_ups: Iterable[tuple[str, str, int]], events: dict) -> tuple[dict[str, Row], dict[str, Row]]:
    """(by kind, by municipality) from (event slug, status, people) of each sign-up; an event of
    several municipalities counts under each, one of none under WHOLE_REGION. Sign-ups to events no
    longer in the content are left out (their kind and place are not known)."""
    by_kind: dict[str, Row] = {}
    by_place: dict[str, Row] = {}
    for slug, status, people in sign_ups:
        event = events.get(slug)
        if event is None or status == "held":
            continue
        by_kind.setdefault(event.kind, Row()).add(status, people)
        for place in event.municipalities or [WHOLE_REGION]:
            by_place.setdefault(place, Row()).add(status, people)
    return by_kind, by_place
