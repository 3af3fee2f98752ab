"""The welcome's pure rules: which checklist a household has, when it is complete, which event for
newcomers it is invited to, and the first year's figures per municipality."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from intake.figures.welcome import Moved, tally
from intake.pipeline.welcome import checklist, completed, next_event
from tasteget.content.schema import Event, WelcomeItem

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def event(days: int, audience: str = "newcomers", municipalities=(), kind: str = "newcomer_meetup") -> Event:
    return Event.model_validate(
        {
            "title": {"sv": f"Träff om {days} dagar"},
            "kind": kind,
            "audience": audience,
            "description": {"sv": "Fika."},
            "starts_on": NOW.date() + timedelta(days=days),
            "start": "18:00",
            "end": "20:00",
            "place": {"sv": "Biblioteket"},
            "municipalities": list(municipalities),
        }
    )


@pytest.mark.parametrize(
    ("events", "municipality", "expected"),
    [
        ({}, "are", None),
        # for those thinking of moving only: not for newcomers
        ({"info": event(5, "movers")}, "are", None),
        # over already (yesterday's), or the whole region's: the region's counts for every municipality
        ({"past": event(-1), "region": event(9)}, "are", "region"),
        # another municipality's is not theirs; their own comes even when later than the region's
        ({"berg": event(2, municipalities=["berg"]), "are": event(4, "both", ["are", "krokom"])}, "are", "are"),
        # the first to start, whatever the order in the content
        ({"later": event(20), "sooner": event(3, "both")}, "krokom", "sooner"),
        # a household whose move has no known municipality gets the region's only
        ({"are": event(2, municipalities=["are"])}, None, None),
    ],
    ids=["none", "movers only", "past skipped", "own municipality", "soonest", "no municipality"],
)
def test_the_next_event_for_newcomers(events, municipality, expected):
    found = next_event(events, municipality, NOW)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("keys", "ticked", "expected"),
    [
        (["a", "b"], {"a", "b"}, True),
        (["a", "b"], {"a"}, False),
        (["a"], {"a", "gone"}, True),  # a tick of a step since removed from the content changes nothing
        ([], set(), False),  # no checklist: nothing to complete
    ],
)
def test_a_checklist_is_complete_when_every_step_is_ticked(keys, ticked, expected):
    assert completed(keys, ticked) is expected


STEPS = [WelcomeItem.model_validate({"key": "sfi", "title": {"sv": "Anmäl dig till SFI"}})]
SITE = SimpleNamespace(municipalities={"are": SimpleNamespace(welcome=STEPS), "berg": SimpleNamespace(welcome=[])})


@pytest.mark.parametrize(
    ("status", "moved_to", "expected"),
    [
        ("moved", "are", ["sfi"]),
        ("settled", "are", ["sfi"]),
        ("decided", None, []),  # not moved yet
        ("closed", "are", []),  # closed after the move: no welcome any more
        ("moved", "berg", []),  # its municipality has no list
        ("moved", "gone", []),  # a municipality no longer in the content
    ],
)
def test_a_household_has_the_checklist_of_where_it_moved(status, moved_to, expected):
    household = SimpleNamespace(status=status, moved_to=moved_to)
    assert [i.key for i in checklist(household, SITE)] == expected


def test_the_first_year_figures_per_municipality():
    rows = tally(
        [
            Moved("are", "moved", frozenset({"sfi", "skola"}), False),
            Moved("are", "settled", frozenset({"sfi"}), True),
            Moved("are", "settled", frozenset(), True),
            Moved("berg", "moved", frozenset({"sfi"}), False),
        ],
        {"are": ["sfi", "skola"], "berg": []},
    )
    are, berg = rows["are"], rows["berg"]
    assert (are.moved, are.completed, are.settled, are.introduced, are.settled_share) == (3, 1, 2, 2, 67)
    assert (berg.moved, berg.completed, berg.settled, berg.introduced) == (1, 0, 0, 0)


def test_try_out_visits_asked_for_and_held_per_municipality():
    from intake.figures.visits import NOT_GIVEN
    from intake.figures.visits import tally as visits

    day = NOW.date()
    rows = visits(
        [
            ("are", True, "requested", day + timedelta(days=9)),  # asked for, not confirmed yet
            ("are", True, "planned", day - timedelta(days=1)),  # asked for, confirmed, over: held
            ("are", True, "planned", day),  # confirmed, its last day is today: not held yet
            (None, False, "planned", day - timedelta(days=30)),  # planned by a guide, no municipality
        ],
        day,
    )
    assert (rows["are"].requested, rows["are"].held) == (3, 1)
    assert (rows[NOT_GIVEN].requested, rows[NOT_GIVEN].held) == (0, 1)
