"""Events in `tasteget check`: kept when past, warned about where a communicator would want to know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tasteget.content.load import check
from tasteget.site import routes

from tests.support.helpers import ROOT, tasteget
from tests.support.sample_events import write_event

TODAY = date(2027, 2, 1)


def line_of(path, marker: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(marker)].count("\n") + 1


def event_warnings(report) -> list[str]:
    return [str(w) for w in report.warnings if "/events/" in w.path]


def test_events_load_in_the_order_they_start_and_past_ones_are_kept_without_a_word(sample):
    write_event(sample, "var", date(2027, 4, 2))
    write_event(sample, "vinter", date(2027, 2, 10), sign_up_until="2027-02-05")
    write_event(sample, "forra-aret", date(2026, 3, 5), sign_up_until="2026-03-01")
    report = check(sample, today=TODAY)
    assert report.errors == []
    assert list(report.site.events) == ["forra-aret", "vinter", "var"]
    assert event_warnings(report) == []


def test_sign_up_without_capacity_is_fine(sample):
    write_event(sample, "oppen", date(2027, 3, 1), capacity=None)
    report = check(sample, today=TODAY)
    assert report.errors == []
    assert report.site.events["oppen"].capacity is None
    assert event_warnings(report) == []


def test_a_last_sign_up_day_past_for_an_event_still_to_come_is_a_warning_with_its_line(sample):
    path = write_event(sample, "stangd", date(2027, 3, 1), sign_up_until="2027-01-20")
    report = check(sample, today=TODAY)
    assert report.errors == []
    assert event_warnings(report) == [
        f"{path}:{line_of(path, 'sign_up_until:')}: sign_up_until: the last day to sign up (2027-01-20) has passed "
        "but the event is still to come (2027-03-01): the page says sign-up is closed; move the date if that is a "
        "mistake"
    ]
    # The day itself is still a day to sign up on.
    assert event_warnings(check(sample, today=date(2027, 1, 20))) == []


def test_places_or_an_online_link_nobody_signs_up_for_are_warnings(sample):
    counted = write_event(sample, "fika", date(2027, 3, 1), sign_up=False)
    online = write_event(sample, "webb", date(2027, 3, 2), sign_up=False, capacity=None, online=True, place=None)
    report = check(sample, today=TODAY)
    assert report.errors == []
    assert event_warnings(report) == [
        f"{counted}:{line_of(counted, 'capacity:')}: capacity: capacity without sign-up (sign_up: false): nobody is "
        "counted against the places; remove capacity or set sign_up: true",
        f"{online}:{line_of(online, 'online:')}: online: online without sign-up (sign_up: false): the link is sent "
        "to those signed up, so nobody gets it; set sign_up: true or give the link in the description",
    ]


def test_an_online_event_to_sign_up_to_without_its_link_to_join_is_an_error(sample):
    path = write_event(sample, "webb", date(2027, 3, 2), online=True, place=None)
    report = check(sample, today=TODAY)
    [error] = [str(e) for e in report.errors]
    assert error.startswith(f"{path}:") and "join_url" in error and "link to join" in error
    path.unlink()
    write_event(sample, "webb", date(2027, 3, 2), online=True, place=None, join_url="http://meet.example/x")
    assert "https" in str(check(sample, today=TODAY).errors[0])
    write_event(sample, "webb", date(2027, 3, 2), online=True, place=None, join_url="https://meet.example/x")
    assert check(sample, today=TODAY).errors == []


def test_an_event_without_english_counts_in_the_translation_coverage(sample):
    before = check(sample, today=TODAY).coverage
    path = write_event(sample, "svenska", date(2027, 3, 1), title={"sv": "Bara svenska"})
    coverage = check(sample, today=TODAY).coverage
    assert coverage.total == before.total + 3  # title, description, place
    assert coverage.translated == before.translated + 2
    assert coverage.missing[-1:] == [f"{path}:1: title"]


def test_an_unknown_municipality_is_an_error_with_its_line(sample):
    path = write_event(sample, "fel", date(2027, 3, 1), municipalities=["kommun-0000", "atlantis"])
    report = check(sample, today=TODAY)
    assert [str(e) for e in report.errors] == [
        f'{path}:{line_of(path, "- atlantis")}: municipalities[1]: unknown municipality "atlantis" '
        "(expected one of: kommun-0000, kommun-0001)"
    ]


def test_tasteget_check_prints_an_event_warning_and_passes(sample):
    soon = date.today() + timedelta(days=60)
    path = write_event(sample, "snart", soon, sign_up=False)
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"warning: {path}:{line_of(path, 'capacity:')}: capacity: capacity without sign-up" in result.stdout
    assert ", 1 events; " in result.stdout


def _event(**fields):
    from tasteget.content.schema import Event

    base = {"title": {"sv": "Helg"}, "kind": "tryout_weekend", "description": {"sv": "Kom."}, "place": {"sv": "Här"}}
    return Event.model_validate({**base, **fields}, strict=False)


@pytest.mark.parametrize(
    "fields,ends",
    [
        ({"starts_on": date(2027, 3, 12), "start": "18:00", "end": "20:00"}, "2027-03-12 20:00"),
        ({"starts_on": date(2027, 3, 12), "start": "18:00"}, "2027-03-12 21:00"),  # a calendar needs an end
        ({"starts_on": date(2027, 3, 12), "start": "10:00", "ends_on": date(2027, 3, 14)}, "2027-03-15 00:00"),
        (
            {"starts_on": date(2027, 3, 12), "start": "10:00", "ends_on": date(2027, 3, 14), "end": "14:00"},
            "2027-03-14 14:00",
        ),
    ],
)
def test_an_event_ends_when_its_last_day_does(fields, ends):
    """A try-out weekend without an end time lasts to the end of its last day, not three hours: its
    sign-ups' cancel links, the archive and the calendar follow it."""
    assert _event(**fields).ends_at().strftime("%Y-%m-%d %H:%M") == ends


@pytest.mark.parametrize(
    ("slug", "clash"),
    [
        ("avboka", "/evenemang/avboka/"),  # the cancel links: /evenemang/avboka/<token>/
        ("cancel", "/en/events/cancel/"),
        ("evenemang", "/evenemang/evenemang.ics"),  # the feed, beside each event's own <slug>.ics
        ("events", "/en/events/events.ics"),
    ],
)
def test_an_event_named_like_a_fixed_path_of_the_events_section_is_refused(sample, slug, clash):
    path = write_event(sample, slug, date(2027, 3, 1))
    write_event(sample, f"{slug}-kvall", date(2027, 3, 2))  # a name that only starts so is fine
    report = check(sample, today=TODAY)
    names = "avboka, cancel, evenemang, events"
    [error] = report.errors
    assert str(error) == (
        f'{path}:1: file name "{slug}" is reserved: {clash} is a fixed address of the site and the event\'s address '
        f"would clash with it; name the file otherwise, e.g. {slug}-2027.yml (reserved: {names})"
    )
    assert error.message_sv == (
        f'filnamnet "{slug}" är upptaget: {clash} är en fast adress på webbplatsen och evenemangets adress skulle '
        f"krocka med den; döp filen till något annat, till exempel {slug}-2027.yml (upptagna: {names})"
    )
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
    assert f'{path}:1: file name "{slug}" is reserved' in result.stdout + result.stderr


def test_the_reserved_names_are_the_paths_the_site_and_the_intake_use():
    """Taken from where the paths are defined, so a new fixed path is reserved with it."""
    from intake.events import paths

    reserved = routes.reserved_event_slugs()
    assert set(reserved) == {"avboka", "cancel", "evenemang", "events"}
    for lang in routes.LANGS:
        assert routes.event_ics(lang, routes.EVENTS_FEED[lang].removesuffix(".ics")) == routes.events_feed(lang)
        assert paths.cancel(lang, "t").removesuffix("t/") == reserved[routes.CANCEL[lang]]
