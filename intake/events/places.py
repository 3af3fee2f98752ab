"""Who gets an event's places: pure rules, the same for a sign-up, a cancellation and a raised capacity.

Places count people: a party of three takes three. A party that does not fit waits, in the order it
came; a freed place goes to the first on the list whose party fits, and those skipped keep their turn.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """A sign-up on the waiting list: its id and how many people."""

    id: int
    people: int


def free(capacity: int | None, taken: int) -> int | None:
    """Places left (None: no limit)."""
    return None if capacity is None else max(capacity - taken, 0)


def fits(capacity: int | None, taken: int, people: int) -> bool:
    """Whether a party of `people` gets places now."""
    left = free(capacity, taken)
    return left is None or people <= left


def promote(capacity: int | None, taken: int, waiting: list[Party]) -> list[int]:
    """The ids of the waiting parties (in the list's order) that get the places free now: each in
    turn takes its places if it fits in what is left; one that does not fit keeps its turn."""
    given = []
    for party in waiting:
        if fits(capacity, taken, party.people):
            given.append(party.id)
            taken += party.people
    return given


def position(queue_number: int, waiting_numbers: list[int]) -> int:
    """A waiting party's place in the queue (1 is next): how many wait before it, plus one."""
    return sum(1 for n in waiting_numbers if n < queue_number) + 1
