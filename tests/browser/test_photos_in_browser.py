"""Photos in a real browser: a municipality page with a generated hero photo and a coworking space's photo,
served with the production headers (CSP): accessible at phone and desktop width, alt text read, the
hero loaded at once in a modern format and the photo below the fold left for later."""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer

import pytest

from tests.browser.axe import axe_report
from tests.browser.conftest import _SiteServer, snippet_headers, watch_requests
from tests.support.helpers import tasteget
from tests.support.sample_content import add_photos, photo_yaml, write_photo, write_sample, write_story

PAGE = {"sv": "/kommuner/kommun-0000/", "en": "/en/municipalities/kommun-0000/"}
HERO_ALT = "Fjäll och sjö i kvällsljus"


@pytest.fixture(scope="module")
def photo_base_url(tmp_path_factory):
    """Generated content (two municipalities, many coworking spaces so the space photo is far down)
    with a hero photo and a space's photo, built and served as production serves it."""
    root = tmp_path_factory.mktemp("photo-site")
    content = write_sample(root / "content", municipalities=2, spaces=10)
    add_photos(content, space="photos/space.jpg")
    # The photographed space is the last of ten, far below the fold even on a desktop screen.
    path = content / "municipalities" / "kommun-0000.yml"
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("    photos:\n", 1)
    block, after = rest.split("    trial_living:", 1)
    text = first + "    trial_living:" + after
    text = text.rstrip("\n") + "\n"
    head, last = text.rsplit("    trial_living:", 1)
    path.write_text(head + "    photos:\n" + block + "    trial_living:" + last, encoding="utf-8")
    write_story(content, "anna", "kommun-0000")
    story = content / "stories" / "anna.yml"
    story.write_text(story.read_text(encoding="utf-8") + "photos:\n" + photo_yaml("photos/anna.jpg"), "utf-8")
    write_photo(content, "photos/anna.jpg", (1400, 933))
    result = tasteget("build", "--site-dir", str(root / "site"), content=content)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    handler = functools.partial(
        type("Handler", (_SiteServer,), {"extra_headers": snippet_headers(site)}), directory=str(site)
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def photo_page(browser, photo_base_url):
    context = browser.new_context(base_url=photo_base_url)
    page = context.new_page()
    watch_requests(page, photo_base_url)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def _photos(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.ts-photo img')].map(img => ({
        alt: img.alt, loading: img.loading, complete: img.complete, natural: img.naturalWidth,
        current: img.currentSrc, top: img.getBoundingClientRect().top,
        width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height,
        credit: img.closest('figure').querySelector('figcaption').innerText}))""")


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_municipality_page_with_photos_is_accessible_and_loads_the_hero_only(photo_page, lang, width):
    page = photo_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(PAGE[lang], wait_until="networkidle")
    assert axe_report(page) == ""
    assert page.foreign_requests == [] and page.failed == [] and page.console_errors == []
    hero, space = _photos(page)
    assert hero["alt"] == HERO_ALT + (" (English)" if lang == "en" else "")
    assert space["alt"].startswith("Skrivbord vid ett fönster")
    assert hero["credit"] == space["credit"] == "Foto: Testbild genererad av testerna, CC0"
    # The hero is in the first screen, loaded, in the best format the browser takes, and it fits.
    assert hero["loading"] == "eager" and hero["complete"] and hero["natural"] > 0
    assert hero["current"].endswith(".avif")
    assert hero["top"] < 800 and hero["width"] <= width
    assert abs(hero["height"] - hero["width"] * 1067 / 1600) < 2  # width and height keep its shape
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # The space's photo is far below the fold: lazy, and not fetched until scrolled to.
    assert space["loading"] == "lazy" and space["top"] > 800 + 2500  # beyond Chromium's lazy-load margin
    assert not any("/photos/space-" in path for path in page.requested)
    page.locator(".ts-space img").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.ts-space img').complete")
    assert any("/photos/space-" in path for path in page.requested)
    assert axe_report(page) == ""


def test_a_phone_fetches_a_size_for_its_screen_not_the_largest(browser, photo_base_url):
    context = browser.new_context(
        base_url=photo_base_url, viewport={"width": 375, "height": 667}, device_scale_factor=2
    )
    page = context.new_page()
    watch_requests(page, photo_base_url)
    page.goto(PAGE["sv"], wait_until="networkidle")
    heroes = [p for p in page.requested if "/photos/hero-" in p]
    # 375 px less the margins at 2x is about 700 px: the 800 px AVIF, and nothing else of the hero.
    assert len(heroes) == 1 and heroes[0].endswith("-800.avif"), heroes
    context.close()


@pytest.mark.parametrize("path", ["/berattelser/", "/berattelser/anna/", "/en/stories/", "/en/stories/anna/"])
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_story_pages_with_photos_are_accessible(photo_page, path, width):
    page = photo_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path, wait_until="networkidle")
    page.locator("picture img").first.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('picture img')].every(i => i.complete)")
    assert axe_report(page) == ""
    assert page.foreign_requests == [] and page.failed == [] and page.console_errors == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    alts = page.evaluate("() => [...document.querySelectorAll('picture img')].map(i => i.alt)")
    assert alts and all(alt.startswith("Fjäll och sjö i kvällsljus") for alt in alts)
    assert page.get_by_role(
        "heading", name="Tell your story" if "/en/" in path else "Berätta din historia"
    ).is_visible()
