"""Events to sign up to, put into the intake's loaded content for a test (the real content has none
of these), and the helpers that sign up as a browser would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tasteget.content.schema import Event

from tests.support.intake_helpers import expand_events, submit

SIGN_UP = {"name": "Lisa Lind", "email": "lisa@example.com", "people": "1", "privacy": "y"}


def make_event(days_ahead: int = 20, **fields) -> Event:
    """An information evening `days_ahead` days from today, with 4 places unless told otherwise."""
    starts = date.today() + timedelta(days=days_ahead)
    values = {
        "title": {"sv": "Informationskväll i Östersund", "en": "Information evening in Östersund"},
        "kind": "information_evening",
        "description": {"sv": "Om att flytta hit.", "en": "About moving here."},
        "starts_on": starts,
        "start": "18:00",
        "end": "20:00",
        "place": {"sv": "Stadsbiblioteket, Rådhusgatan 25, Östersund", "en": "The city library, Rådhusgatan 25"},
        "municipalities": ["ostersund"],
        "capacity": 4,
        **fields,
    }
    return Event.model_validate(values)


@pytest.fixture(name="events")
def events_fixture(app):
    """Put events into the intake's content for this test: events(slug=Event, ...)."""
    site = app.extensions["site_content"].site
    before = dict(site.events)

    def put(**new):
        site.events.update(new)
        return new

    yield put
    site.events.clear()
    site.events.update(before)


def sign_up(client, slug: str, lang: str = "sv", expand: bool = True, **changes):
    """Sign up through the form; return the answer (a 303 to the receipt when it was stored)."""
    url = f"/evenemang/{slug}/anmal/" if lang == "sv" else f"/en/events/{slug}/sign-up/"
    response = submit(client, url, {**SIGN_UP, **changes})
    if expand:
        expand_events(client.application)
    return response


def reference_of(response) -> str:
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
