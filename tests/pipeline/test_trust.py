"""Pipeline data that can be trusted: a move's where and when change on the timeline like any step,
a move is recorded once it has happened, a follow-up is planned ahead, and a follow-up nobody owns
falls to every guide of the household's municipalities (the reminders' rule, and the list's)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from intake.crm.access import visible_households
from intake.models import Household, HouseholdEvent, User
from intake.notify import followup
from intake.pipeline import steps

from tests.pipeline.test_pipeline import acting, household
from tests.support.intake_helpers import register

TODAY = date.today()


def test_changing_where_or_when_a_household_moved_is_on_its_timeline(app, client, rows):
    reference = register(client, municipalities=["are", "berg"])
    first, second = TODAY - timedelta(days=10), TODAY - timedelta(days=3)
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        steps.change_status(session, h, guide, "moved", moved_to="are", moved_on=first)
        session.commit()
        steps.change_status(session, h, guide, "moved", moved_to="berg", moved_on=first)  # where, corrected
        steps.change_status(session, h, guide, "moved", moved_to="berg", moved_on=second)  # when, corrected
        steps.change_status(session, h, guide, "moved", moved_to="berg", moved_on=second)  # nothing new
        session.commit()
        name = guide.name
    moves = [(e.old, e.new) for e in rows(HouseholdEvent, HouseholdEvent.kind == "move")]
    assert moves == [
        (None, f"are, {first}"),
        (f"are, {first}", f"berg, {first}"),
        (f"berg, {first}", f"berg, {second}"),
    ]
    assert {e.user.name for e in rows(HouseholdEvent, HouseholdEvent.kind == "move")} == {name}
    [h] = rows(Household)
    assert (h.status, h.moved_to, h.moved_on) == ("moved", "berg", second)


def test_a_household_taken_back_before_its_move_forgets_the_move_on_its_timeline(app, client, rows):
    """Back to contacted (a move recorded by mistake): the list and the figures no longer call it moved."""
    reference = register(client, municipalities=["are"])
    moved_on = TODAY - timedelta(days=2)
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        steps.change_status(session, h, guide, "moved", moved_to="are", moved_on=moved_on)
        steps.change_status(session, h, guide, "contacted")
        session.commit()
    [h] = rows(Household)
    assert (h.status, h.moved_to, h.moved_on) == ("contacted", None, None)
    assert [(e.old, e.new) for e in rows(HouseholdEvent, HouseholdEvent.kind == "move")] == [
        (None, f"are, {moved_on}"),
        (f"are, {moved_on}", None),
    ]


def test_a_move_in_the_future_is_refused_and_changes_nothing(app, client, rows):
    reference = register(client, municipalities=["are"])
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        with pytest.raises(ValueError, match="a move is recorded once it has happened; use a follow-up until then"):
            steps.change_status(session, h, guide, "moved", moved_to="are", moved_on=TODAY + timedelta(days=1))
        session.commit()
    [h] = rows(Household)
    assert (h.status, h.moved_on) == ("new", None)
    assert rows(HouseholdEvent) == []


def test_settled_needs_a_move_first(app, client, rows):
    """A household the list calls settled has moved: the figures count it so."""
    reference = register(client, municipalities=["are"])
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        with pytest.raises(ValueError, match="settled"):
            steps.change_status(session, h, guide, "settled")
        steps.change_status(session, h, guide, "moved", moved_to="are", moved_on=TODAY)
        steps.change_status(session, h, guide, "settled")
        session.commit()
    [h] = rows(Household)
    assert (h.status, h.moved_to) == ("settled", "are")


def test_a_follow_up_in_the_past_is_refused(app, client, rows):
    reference = register(client, municipalities=["are"])
    with acting(app, "guide", "are") as (session, guide):
        h = household(session, reference)
        with pytest.raises(ValueError, match="past"):
            steps.set_follow_up(session, h, guide, TODAY - timedelta(days=1), today=TODAY)
        steps.set_follow_up(session, h, guide, TODAY, today=TODAY)
        steps.set_follow_up(session, h, guide, None, today=TODAY)
        session.commit()
    assert [(e.old, e.new) for e in rows(HouseholdEvent, HouseholdEvent.kind == "follow_up")] == [
        ("", str(TODAY)),
        (str(TODAY), ""),
    ]


def test_a_follow_up_nobody_owns_falls_to_every_guide_of_its_municipalities(app, client):
    reference = register(client, municipalities=["are", "berg"])
    with acting(app, "guide", "krokom") as (session, elsewhere):
        pass
    with acting(app, "guide", "berg") as (session, berg):
        pass
    with acting(app, "guide", "are") as (session, are):
        h = household(session, reference)
        berg, elsewhere = session.get(User, berg.id), session.get(User, elsewhere.id)

        def falls_to(user):
            # As the list of one's follow-ups asks it: among the households this user may see.
            mine = visible_households(user).with_only_columns(Household.id).where(followup.falls_to(user))
            return session.scalar(mine.where(Household.id == h.id)) is not None

        assert followup.unowned(h)
        assert [falls_to(u) for u in (are, berg, elsewhere)] == [True, True, False]
        steps.set_owner(session, h, are, are)
        session.flush()
        assert not followup.unowned(h)
        assert [falls_to(u) for u in (are, berg)] == [True, False]
        are.active = False  # the owner left: its households fall to the guides again
        session.flush()
        assert followup.unowned(h)
        assert falls_to(berg)
        session.rollback()
