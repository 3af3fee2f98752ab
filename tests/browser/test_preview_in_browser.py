"""A communicator breaks a content file while previewing: the open page reloads with a banner naming
the file, line and what to do, in Swedish, above the last good page; fixed, the banner goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import LIGHTHOUSE_EXTRA, axe_report
from tests.support.preview import previewing

SHOTS = Path("/tmp/shots/content-errors")


@pytest.fixture
def preview(sample):
    """The preview of a copy of the sample content; its URL."""
    with previewing(sample, ("/kommuner/kommun-0000/", "Kommun0000 är en kommun")) as url:
        yield url


@pytest.mark.parametrize("width", [375, 1280])
def test_a_broken_file_shows_a_banner_on_the_open_page_until_it_is_fixed(browser, preview, sample, width):
    muni = sample / "municipalities" / "kommun-0000.yml"
    good = muni.read_text(encoding="utf-8")
    context = browser.new_context(base_url=preview, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/en/municipalities/kommun-0000/")
        assert page.locator(".tasteget-problems").count() == 0
        page.evaluate("window.scrollTo(0, 400)")  # reading further down the page while editing

        muni.write_text(good.replace("  sv: Kommun0000 är en kommun", "  sv: Kommun0000: en kommun"), encoding="utf-8")
        # The live reload reloads the open page once the rebuild has failed, keeping the reader's place:
        # a strip at the bottom says so and leads to the banner at the top.
        banner = page.get_by_role("region", name="Innehållet har fel – sidan nedan är den senaste som fungerade")
        banner.wait_for(timeout=60_000)
        jump = page.get_by_role("link", name="Innehållet har fel – gå till felen överst på sidan")
        expect(jump).to_be_in_viewport()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"scrolled-{width}.png"))
        jump.focus()
        page.keyboard.press("Enter")
        expect(banner).to_be_in_viewport()
        assert page.evaluate("window.scrollY") == 0

        text = banner.inner_text()
        assert f"{muni}, rad 3, kolumn 17, fältet summary.sv" in text, text
        assert "ett kolon följt av mellanslag inne i en text: sätt hela texten inom citattecken" in text
        assert page.get_by_role("heading", level=1).inner_text() == "Kommun0000"  # the last good page below
        box = banner.bounding_box()
        assert box["y"] == 0 and box["width"] == width  # at the very top, across the page
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than a phone
        assert axe_report(page) == ""
        assert axe_report(page, LIGHTHOUSE_EXTRA) == ""
        page.screenshot(path=str(SHOTS / f"banner-{width}.png"))

        page.goto("/kommuner/")  # every page carries it, the Swedish ones too
        assert page.locator(".tasteget-problems").count() == 1

        muni.write_text(good, encoding="utf-8")
        banner.wait_for(state="detached", timeout=60_000)
        assert page.locator(".tasteget-problems").count() == 0
    finally:
        context.close()


def test_when_no_build_has_worked_yet_the_page_lists_the_problems_until_they_are_fixed(browser, sample):
    muni = sample / "municipalities" / "kommun-0000.yml"
    good = muni.read_text(encoding="utf-8")
    muni.write_text(good.replace("seat: Kommun0000by\n", "seat: Kommun0000by\n\tarea_km2: 12\n"), encoding="utf-8")
    with previewing(sample, ("/kommuner/kommun-0000/", "ingen sida har kunnat byggas")) as url:
        context = browser.new_context(base_url=url, viewport={"width": 375, "height": 800})
        page = context.new_page()
        try:
            page.goto("/kommuner/kommun-0000/")
            heading = page.get_by_role("heading", level=1)
            assert heading.inner_text() == "Innehållet har fel – ingen sida har kunnat byggas ännu"
            text = page.get_by_role("main").inner_text()
            assert "rad 9, kolumn 1" in text and "här dras raden in med tabb" in text, text
            assert axe_report(page) == ""
            assert axe_report(page, LIGHTHOUSE_EXTRA) == ""
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "no-build-yet-375.png"))

            muni.write_text(good, encoding="utf-8")
            expect(heading).to_have_text("Kommun0000", timeout=60_000)  # reloaded by itself
            assert page.locator(".tasteget-problems").count() == 0
        finally:
            context.close()
