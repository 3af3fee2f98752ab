"""The events on the site: the events page (upcoming, then the archive), each event's page with its
calendar file and sign-up link, the feed, the municipality pages, in both languages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

import pytest
from icalendar import Calendar

from tasteget.content.load import check
from tasteget.site import routes
from tasteget.site.csp import inline_script_hashes
from tasteget.site.generate import ContentErrors, generate
from tasteget.site.pages import render

from tests.browser.conftest import snippet_headers
from tests.site.test_site import Page, read, sitemap
from tests.support.helpers import ROOT, tasteget
from tests.support.sample_content import write_photo
from tests.support.sample_events import write_event

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def pages(sample, lang: str, now: datetime = NOW) -> dict[str, str]:
    report = check(sample, today=now.date())
    assert report.errors == [], report.errors
    return {p.src_path: p.markdown for p in render(report.site, lang, now=now)}


def section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next one."""
    return markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def three(sample):
    write_event(sample, "senare", date(2027, 4, 2), title={"sv": "Senare kväll", "en": "Later evening"})
    write_event(sample, "snart", date(2027, 2, 10), title={"sv": "Snart kväll", "en": "Soon evening"})
    write_event(sample, "forr", date(2026, 10, 1), title={"sv": "Förra hösten", "en": "Last autumn"})
    return sample


@pytest.mark.parametrize("lang", routes.LANGS)
def test_the_events_page_lists_upcoming_first_then_the_archive(three, lang):
    page = pages(three, lang)[routes.src_path("events", lang)]
    t = {"sv": ("Kommande evenemang", "Tidigare evenemang"), "en": ("Upcoming events", "Past events")}[lang]
    upcoming, past = section(page, t[0]), section(page, t[1])
    titles = {
        "sv": ("Snart kväll", "Senare kväll", "Förra hösten"),
        "en": ("Soon evening", "Later evening", "Last autumn"),
    }
    soon, later, last = titles[lang]
    assert upcoming.index(soon) < upcoming.index(later)
    assert last not in upcoming and last in past and soon not in past
    assert page.index(t[0]) < page.index(t[1])
    when = {"sv": "onsdag 10 februari 2027, 18:00–20:00", "en": "Wednesday 10 February 2027, 18:00–20:00"}
    assert when[lang] in upcoming
    assert {"sv": "Biblioteket, Storgatan 1", "en": "The library, Storgatan 1"}[lang] in upcoming
    assert f'href="{routes.url("municipalities", lang, "kommun-0000")}"' in upcoming
    assert {"sv": "Informationskväll", "en": "Information evening"}[lang] in upcoming
    assert {"sv": "Dig som funderar på att flytta hit", "en": "People thinking of moving here"}[lang] in upcoming
    assert f'href="{routes.PREFIX[lang]}{routes.events_feed(lang)}"' in page
    assert "](forr.md)" in past


def test_an_event_that_ended_this_morning_is_in_the_archive(sample):
    write_event(sample, "natt", date(2027, 1, 31), start="22:00", end="23:30")
    write_event(sample, "ikvall", date(2027, 2, 1), start="18:00")
    page = pages(sample, "sv")[routes.src_path("events", "sv")]
    assert "Informationskväll ikvall" in section(page, "Kommande evenemang")
    assert "Informationskväll natt" in section(page, "Tidigare evenemang")


def test_without_events_the_page_says_so_and_points_to_registering(sample):
    for lang in routes.LANGS:
        page = pages(sample, lang)[routes.src_path("events", lang)]
        assert {"sv": "Just nu finns inga evenemang", "en": "There are no events planned"}[lang] in page
        assert f"]({routes.url('register', lang)})" in page
        assert "## " not in page  # neither an empty "upcoming" nor an empty archive
        assert ".ics" not in page


@pytest.mark.parametrize("lang", routes.LANGS)
def test_an_open_events_page_has_its_facts_sign_up_and_calendar(sample, lang):
    write_event(sample, "kvall", date(2027, 3, 11), sign_up_until="2027-03-09", contact="evenemang@region.example")
    page = pages(sample, lang)[routes.src_path("events", lang, "kvall")]
    sign_up = {"sv": "/evenemang/kvall/anmal/", "en": "/en/events/kvall/sign-up/"}[lang]
    assert f'href="{sign_up}"' in page
    assert f'href="{routes.PREFIX[lang]}{routes.event_ics(lang, "kvall")}" type="text/calendar"' in page
    assert {"sv": "Lägg till i kalendern", "en": "Add to calendar"}[lang] in page
    assert {"sv": "tisdag 9 mars 2027", "en": "Tuesday 9 March 2027"}[lang] in page  # last day to sign up
    assert "<dd>40</dd>" in page
    assert 'href="mailto:evenemang@region.example"' in page
    assert {"sv": "Vi berättar om **jobb**", "en": "We talk about **jobs**"}[lang] in page
    assert {"sv": "Anmälan är stängd", "en": "Sign-up is closed"}[lang] not in page


@pytest.mark.parametrize("lang", routes.LANGS)
def test_a_closed_sign_up_says_so_and_links_nowhere_to_sign_up(sample, lang):
    write_event(sample, "stangd", date(2027, 3, 11), sign_up_until="2027-01-31")
    page = pages(sample, lang)[routes.src_path("events", lang, "stangd")]
    assert {"sv": "Anmälan är stängd.", "en": "Sign-up is closed."}[lang] in page
    assert routes.sign_up_url(lang, "stangd") not in page
    assert routes.event_ics(lang, "stangd") in page  # still worth a place in one's calendar
    # The last day is open to its end in the event's own zone: 23:30 in Stockholm on 31 January, and
    # closed at 00:30 on 1 February although it is still 31 January in UTC.
    path = routes.src_path("events", lang, "stangd")
    assert routes.sign_up_url(lang, "stangd") in pages(sample, lang, datetime(2027, 1, 31, 22, 30, tzinfo=UTC))[path]
    assert (
        routes.sign_up_url(lang, "stangd") not in pages(sample, lang, datetime(2027, 1, 31, 23, 30, tzinfo=UTC))[path]
    )


def test_a_past_event_says_it_has_been_and_an_event_without_sign_up_says_none_is_needed(sample):
    write_event(sample, "forr", date(2026, 10, 1))
    write_event(sample, "fritt", date(2027, 3, 1), sign_up=False, capacity=None)
    found = pages(sample, "sv")
    past = found[routes.src_path("events", "sv", "forr")]
    assert past.index("Det här evenemanget har redan varit.") < past.index("<dl")
    assert "<dd>40</dd>" not in past and "Anmäl dig senast" not in past  # places and sign-up no longer matter
    assert "anmal/" not in past and ".ics" not in past
    free = found[routes.src_path("events", "sv", "fritt")]
    assert "Ingen anmälan behövs." in free and "anmal/" not in free and "Anmäl dig senast" not in free


def test_times_in_another_zone_name_it_and_online_events_say_where_the_link_goes(sample):
    write_event(
        sample,
        "helg",
        date(2027, 5, 14),
        ends_on="2027-05-16",
        end="14:00",
        time_zone="Europe/Helsinki",
        online=True,
        place=None,
        join_url="https://meet.region.example/hemlig-lank-123",
        kind="tryout_weekend",
    )
    page = pages(sample, "en")[routes.src_path("events", "en", "helg")]
    assert "Friday 14 May 2027, 18:00 – Sunday 16 May 2027, 14:00 (Europe/Helsinki)" in page
    assert "Online. The link is sent to you when you have signed up." in page
    assert "Try-out weekend" in page
    assert not [p for lang in ("sv", "en") for p in pages(sample, lang).values() if "hemlig-lank" in p]
    stockholm = pages(sample, "en")[routes.src_path("events", "en")]
    assert "(Europe/Stockholm)" not in stockholm


def test_municipality_pages_list_their_upcoming_events_only(sample):
    write_event(sample, "har", date(2027, 3, 1), municipalities=["kommun-0001"])
    write_event(sample, "dar", date(2027, 3, 2), municipalities=["kommun-0000"])
    write_event(sample, "forr", date(2026, 10, 1), municipalities=["kommun-0001"])
    found = pages(sample, "sv")
    here = found[routes.src_path("municipalities", "sv", "kommun-0001")]
    listed = section(here, "Evenemang i Kommun0001")
    assert "- [Informationskväll har](../evenemang/har.md) – måndag 1 mars 2027, 18:00–20:00" in listed
    assert "dar" not in listed and "forr" not in listed
    assert "Informationskväll dar" in section(
        found[routes.src_path("municipalities", "sv", "kommun-0000")], "Evenemang i Kommun0000"
    )
    # Once they have all been, the heading goes too.
    later = pages(sample, "sv", datetime(2027, 6, 1, tzinfo=UTC))
    assert "## Evenemang i" not in later[routes.src_path("municipalities", "sv", "kommun-0001")]


def test_each_event_gets_its_calendar_file_and_the_feed_beside_its_page(three, tmp_path):
    for lang in routes.LANGS:
        out = tmp_path / lang
        generate(three, ROOT / "docs", out, lang, site_url="https://flytta.example/", now=NOW)
        for slug in ("senare", "snart", "forr"):
            (event,) = Calendar.from_ical((out / routes.event_ics(lang, slug)).read_bytes()).walk("VEVENT")
            assert str(event["url"]) == "https://flytta.example" + routes.url("events", lang, slug)
        feed = Calendar.from_ical((out / routes.events_feed(lang)).read_bytes())
        assert len(feed.walk("VEVENT")) == 3


def test_an_events_photos_are_shown_as_on_other_pages_the_first_at_the_top(sample, tmp_path):
    for name in ("sal.jpg", "fika.jpg"):
        write_photo(sample, f"photos/{name}")
    photos = [
        {"file": f"photos/{name}", "alt": {"sv": f"Bild {name}", "en": f"Picture {name}"}, "credit": "Foto: Testbild"}
        for name in ("sal.jpg", "fika.jpg")
    ]
    write_event(sample, "kvall", date(2027, 3, 11), photos=photos)
    out = tmp_path / "out"
    generate(sample, ROOT / "docs", out, "en", now=NOW, cache_dir=tmp_path / "cache")
    page = (out / routes.src_path("events", "en", "kvall")).read_text(encoding="utf-8")
    hero, other = (
        re.search(rf'<img [^>]*alt="Picture {name}"[^>]*>', page).group(0) for name in ("sal.jpg", "fika.jpg")
    )
    assert 'loading="eager"' in hero and 'loading="lazy"' in other
    assert page.index(hero) < page.index("<dl") < page.index("We talk about") < page.index(other)
    assert "image: /" in page.split("---", 2)[1]  # a shared link shows the event's first photo


def test_without_events_no_calendar_is_written(sample, tmp_path):
    generate(sample, ROOT / "docs", tmp_path / "out", "sv", now=NOW)
    assert list((tmp_path / "out").rglob("*.ics")) == []


def test_an_event_named_as_the_feed_is_refused(sample, tmp_path):
    write_event(sample, "evenemang", date(2027, 3, 1))
    with pytest.raises(ContentErrors, match='events/evenemang.yml:1: file name "evenemang" is reserved'):
        generate(sample, ROOT / "docs", tmp_path / "out", "sv", now=NOW)
    assert not (tmp_path / "out").exists()


# The built site --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample content with an upcoming and a past event, built by `tasteget build` today."""
    from tests.support.sample_content import write_sample

    tmp = tmp_path_factory.mktemp("events")
    content = write_sample(tmp / "content")
    today = date.today()
    write_event(content, "kommande", today + timedelta(days=30), municipalities=["kommun-0001"])
    write_event(content, "forr", today - timedelta(days=30))
    result = tasteget(
        "build", "--site-dir", str(tmp / "site"), content=content, env={"PUBLIC_URL": "https://flytta.example/"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "site"


def test_the_built_event_pages_link_their_calendar_files_which_are_there(built):
    for lang in routes.LANGS:
        for slug in ("kommande",):
            here = routes.url("events", lang, slug)
            page = read(built, here)
            calendars = [h for h, _ in page.links if h.endswith(".ics")]
            assert calendars == [routes.PREFIX[lang] + routes.event_ics(lang, slug)]
            assert (built / urljoin(here, calendars[0]).lstrip("/")).is_file()
            assert routes.sign_up_url(lang, slug) in [h for h, _ in page.links]
        listing = read(built, routes.url("events", lang))
        feed = [h for h, _ in listing.links if h.endswith(".ics")]
        assert feed == [routes.PREFIX[lang] + routes.events_feed(lang)]
        assert (built / feed[0].lstrip("/")).is_file()


def test_the_language_switcher_and_the_sitemaps_pair_the_event_pages(built):
    sitemaps = {lang: sitemap(built, lang) for lang in routes.LANGS}
    for slug in (None, "kommande", "forr"):
        sv, en = routes.url("events", "sv", slug), routes.url("events", "en", slug)
        assert sitemaps["sv"][sv] == sitemaps["en"][en] == {"sv": sv, "en": en}
        for here, there, lang in ((sv, en, "en"), (en, sv, "sv")):
            assert [h for h, a in read(built, here).links if a.get("hreflang") == lang] == [there]


def test_the_navigation_has_the_events_page_and_the_strict_policy_covers_its_pages(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="evenemang/"[^>]*>\s*Evenemang\s*</a>', home)
    en_home = (built / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="events/"[^>]*>\s*Events\s*</a>', en_home)
    policy = snippet_headers(built)["Content-Security-Policy"]
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    for path in ("evenemang/index.html", "evenemang/kommande/index.html", "en/events/forr/index.html"):
        html = (built / path).read_text(encoding="utf-8")
        assert inline_script_hashes(html) <= set(policy.split()) | {h.rstrip(";") for h in policy.split()}
        assert not re.search(r"\son[a-z]+=", html), f"{path} has an inline event handler"
        assert not [u for u in Page(html).loads if u.startswith(("http:", "https:", "//"))]
