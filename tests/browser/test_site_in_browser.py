"""The site in a real browser: accessibility (axe-core, keyboard), language switching, filtering."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_report

PAGES = [
    "/",
    "/kommuner/",
    "/kommuner/are/",
    "/kompetensbehov/",
    "/coworking/",
    "/berattelser/",
    "/integritet/",
    "/tillganglighet/",
    "/en/",
    "/en/municipalities/",
    "/en/municipalities/are/",
    "/en/skills-in-demand/",
    "/en/coworking/",
    "/en/stories/",
    "/en/privacy/",
    "/en/accessibility/",
    "/404.html",
    "/en/404.html",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_no_axe_violations_and_nothing_from_elsewhere(page, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)
    assert axe_report(page) == ""
    assert page.foreign_requests == []


def test_filtered_coworking_page_stays_accessible(page):
    page.goto("/coworking/")
    page.get_by_label("Prova-på-boende").check()
    assert axe_report(page) == ""


def _tab_through(page, limit=400) -> set[str]:
    """Press Tab until focus comes back round; return the ids of the links it reached."""
    page.evaluate("""() => document.querySelectorAll('a[href]').forEach((a, i) => a.dataset.tsId = i)""")
    reached, first = set(), None
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(
            "() => { const e = document.activeElement; return e ? (e.dataset.tsId || e.tagName + (e.id || '')) : ''; }"
        )
        if current == first:
            break
        first = first or current
        reached.add(current)
    return reached


@pytest.mark.parametrize("path", ["/", "/kommuner/are/", "/coworking/", "/en/municipalities/are/"])
def test_keyboard_reaches_every_visible_link(page, path):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(path)
    reached = _tab_through(page)
    visible = page.evaluate("""() => [...document.querySelectorAll('a[href]')]
        .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
        .map(a => a.dataset.tsId)""")
    missing = [
        page.evaluate(f"() => document.querySelector('[data-ts-id=\"{i}\"]').outerHTML.slice(0, 120)")
        for i in visible
        if i not in reached
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("start", "name", "lands"),
    [
        ("/kommuner/are/", "English", "/en/municipalities/are/"),
        ("/en/municipalities/ostersund/", "Svenska", "/kommuner/ostersund/"),
        ("/coworking/", "English", "/en/coworking/"),
        ("/en/privacy/", "Svenska", "/integritet/"),
        ("/berattelser/", "English", "/en/stories/"),
    ],
)
def test_language_switcher_lands_on_the_same_page(page, start, name, lands):
    page.goto(start, wait_until="networkidle")  # Material's script has done what it does after load
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**{lands}")
    assert page.url.endswith(lands)


def test_coworking_filter_narrows_the_list(page):
    page.goto("/coworking/")
    spaces = page.locator(".ts-space")
    assert spaces.count() == 3
    page.get_by_label("Prova-på-boende").check()
    assert [s.locator("h3").inner_text() for s in spaces.all() if s.is_visible()] == ["House Be"]
    assert page.locator(".ts-filter__count").inner_text() == "Visar 1 av 3 platser."
    page.get_by_label("Prova-på-boende").uncheck()
    assert sum(s.is_visible() for s in spaces.all()) == 3


def test_coworking_page_is_complete_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/coworking/")
    assert not page.locator(".ts-filter").is_visible()
    assert sum(s.is_visible() for s in page.locator(".ts-space").all()) == 3
    context.close()


def test_search_finds_swedish_word_forms(page):
    """Swedish stemming: "kommunen" finds the page titled "Kommunerna"."""
    page.goto("/")
    page.keyboard.press("s")
    page.locator(".md-search__input").press_sequentially("kommunen", delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert "Kommunerna" in titles


@pytest.mark.parametrize("path", ["/kompetensbehov/", "/en/skills-in-demand/"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_skills_page_fits_and_stays_accessible_with_names_shown(page, path, width):
    """No sideways scrolling at phone width; an opened list of occupation names still passes axe."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    card = page.locator("article.ts-need", has=page.locator("#ssyk-2221"))
    card.locator("summary").click()
    assert card.get_by_text("Sjuksköterska, grundutbildad").is_visible()
    assert axe_report(page) == ""
    assert page.foreign_requests == []


@pytest.mark.parametrize(
    ("start", "query", "title"),
    [
        ("/en/", "nurse", "Professional nurses"),
        ("/", "sjuksköterska", "Grundutbildade sjuksköterskor"),
        ("/", "undersköterska", "Undersköterskor, hemtjänst, hemsjukvård, äldreboende och habilitering"),
    ],
)
def test_search_finds_occupations_on_the_skills_page(page, start, query, title):
    page.goto(start)
    page.keyboard.press("s")
    page.locator(".md-search__input").press_sequentially(query, delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    results = page.locator(".md-search-result__link")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    titles = [
        x.strip()
        for x in page.locator(".md-search-result__article h1, .md-search-result__article h2").all_text_contents()
    ]
    assert title in titles, titles
    assert any("#ssyk-" in (h or "") for h in hrefs)
    assert page.foreign_requests == []


@pytest.mark.parametrize("path", ["/", "/kommuner/are/", "/en/coworking/", "/en/404.html"])
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_the_content(page, path, width):
    """Pages with a table of contents (Material's own skip link) and pages without one alike."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    assert link.get_attribute("href") == "#ts-main"
    assert link.inner_text() == ("Skip to content" if path.startswith("/en/") else "Gå till innehållet")
    page.wait_for_function("() => getComputedStyle(document.activeElement).opacity === '1'", timeout=3000)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "ts-main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('ts-main').contains(document.activeElement)")
    assert page.get_by_role("dialog", name="Search" if path.startswith("/en/") else "Sök").count() == 1
