"""Who gets an event's places: the pure rules, as a table."""

from __future__ import annotations

import pytest

from intake.events.places import Party, fits, position, promote


@pytest.mark.parametrize(
    ("capacity", "taken", "people", "expected"),
    [
        (4, 0, 4, True),  # exactly the places left
        (4, 1, 4, False),  # one short
        (4, 3, 1, True),  # the last place
        (4, 4, 1, False),  # full
        (None, 1000, 10, True),  # no limit
        (4, 5, 1, False),  # more taken than places (the capacity lowered in the content)
    ],
)
def test_a_party_fits_when_all_of_it_has_places(capacity, taken, people, expected):
    assert fits(capacity, taken, people) is expected


@pytest.mark.parametrize(
    ("capacity", "taken", "waiting", "given"),
    [
        (10, 8, [(1, 2), (2, 1)], [1]),  # the first fits and takes both places
        (10, 8, [(1, 3), (2, 2), (3, 1)], [2]),  # the first does not fit: it keeps its turn, the next gets them
        (10, 7, [(1, 4), (2, 1), (3, 2)], [2, 3]),  # several that fit, in the list's order
        (10, 10, [(1, 1)], []),  # nothing free
        (10, 9, [], []),  # nobody waiting
        (None, 50, [(1, 10), (2, 10)], [1, 2]),  # no limit: everyone
        (6, 0, [(1, 5), (2, 2), (3, 1)], [1, 3]),  # the second does not fit after the first; the third does
    ],
)
def test_a_freed_place_goes_to_the_first_on_the_list_whose_party_fits(capacity, taken, waiting, given):
    assert promote(capacity, taken, [Party(i, n) for i, n in waiting]) == given


@pytest.mark.parametrize(
    ("number", "others", "expected"), [(5, [5], 1), (5, [2, 5, 9], 2), (9, [2, 5, 9], 3), (3, [1, 2, 3, 4], 3)]
)
def test_the_place_in_the_queue_counts_those_before(number, others, expected):
    assert position(number, others) == expected


@pytest.mark.parametrize(
    ("before", "after", "taken", "waiting", "given"),
    [
        (4, 6, 4, [(1, 2), (2, 1)], [1]),  # two places more: the first party of two
        (4, 5, 4, [(1, 2), (2, 1)], [2]),  # one more: the party of two keeps its turn, the one behind gets it
        (4, 10, 4, [(1, 2), (2, 3), (3, 1)], [1, 2, 3]),  # room for everyone waiting
        (4, None, 4, [(1, 10), (2, 10)], [1, 2]),  # the limit taken away
        (4, 4, 4, [(1, 1)], []),  # unchanged
        (6, 4, 6, [(1, 1)], []),  # lowered: those with places keep them, nobody more gets one
        (6, 7, 6, [(1, 3), (2, 2)], []),  # raised, but no party waiting fits
    ],
)
def test_places_added_in_the_content_go_to_the_waiting_list(before, after, taken, waiting, given):
    parties = [Party(i, n) for i, n in waiting]
    assert promote(before, taken, parties) == []  # they waited because it was full
    assert promote(after, taken, parties) == given
