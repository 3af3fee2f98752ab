"""Events in figures, as a table: what each sign-up adds to its kind and its municipalities."""

from __future__ import annotations

from intake.events.figures import WHOLE_REGION, Row, tally

from tests.events.conftest import make_event

EVENTS = {
    "kvall": make_event(municipalities=["ostersund", "are"]),
    "helg": make_event(kind="tryout_weekend", municipalities=[]),
}


def test_sign_ups_and_attendance_count_by_kind_and_by_each_municipality():
    by_kind, by_place = tally(
        [
            ("kvall", "confirmed", 2),
            ("kvall", "attended", 3),
            ("kvall", "no_show", 1),
            ("kvall", "waiting", 4),
            ("kvall", "cancelled", 5),
            ("kvall", "held", 9),  # a robot's: never counted
            ("helg", "attended", 2),
            ("gone", "attended", 7),  # an event no longer in the content
        ],
        EVENTS,
    )
    assert by_kind == {
        "information_evening": Row(sign_ups=3, people=6, waiting=1, came=3, did_not_come=1),
        "tryout_weekend": Row(sign_ups=1, people=2, came=2),
    }
    assert by_place["ostersund"] == by_place["are"] == by_kind["information_evening"]
    assert by_place[WHOLE_REGION] == Row(sign_ups=1, people=2, came=2)
