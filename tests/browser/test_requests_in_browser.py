"""Everything a page asks for answers, including what Material's JavaScript fetches after load.

Material fetches `sitemap.xml` under every `<link rel="alternate">` in the head. The head names none
(the sitemaps carry each page's translation), so it fetches no sitemap; were the head to name a page
and its translation, that would be two 404 answers on every page view.
"""

from __future__ import annotations

import pytest


def sitemaps(page) -> set[str]:
    return {path for path in page.requested if path.endswith("sitemap.xml")}


@pytest.mark.parametrize("path", ["/", "/integritet/", "/kommuner/are/", "/en/", "/en/municipalities/are/"])
def test_a_site_page_makes_no_failed_request(page, path):
    page.goto(path, wait_until="networkidle")
    assert page.failed == []
    assert page.foreign_requests == []
    assert sitemaps(page) == set()


@pytest.mark.parametrize("path", ["/registrera/", "/en/register/"])
def test_the_registration_form_makes_no_failed_request(live, path):
    live.goto(path, wait_until="networkidle")
    assert live.locator('input[autocomplete="email"]').count() == 1
    assert live.failed == []
    assert live.foreign_requests == []
    assert sitemaps(live) == set()


def search_files(page) -> list[str]:
    return [path for path in page.requested if "/search/" in path or "/workers/search." in path or "/lunr/" in path]


@pytest.mark.parametrize(
    ("path", "index"),
    [("/kommuner/are/", "/search/search_index.json"), ("/en/municipalities/are/", "/en/search/search_index.json")],
)
def test_the_search_loads_when_it_is_used(page, path, index):
    """docs/assets/javascripts/search-on-use.js: no worker, index or stemmer until the search is used."""
    page.goto(path, wait_until="networkidle")
    assert search_files(page) == []
    page.locator(".md-search__input").click()
    page.keyboard.type("coworking", delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    assert index in search_files(page) and page.failed == []


@pytest.mark.parametrize(("path", "index"), [("/registrera/", "/search/"), ("/en/register/", "/en/search/")])
def test_the_forms_search_their_own_language_and_only_when_used(live, path, index):
    live.goto(path, wait_until="networkidle")
    assert search_files(live) == []
    live.keyboard.press("s")  # Material's shortcut opens the search and focuses its field
    live.locator(".md-search__input").press_sequentially("coworking", delay=30)
    live.locator(".md-search-result__item").first.wait_for()
    assert [f for f in search_files(live) if f.endswith("search_index.json")] == [f"{index}search_index.json"]
    assert live.failed == [] and live.foreign_requests == []


def test_a_page_opened_from_a_search_result_loads_the_index_to_highlight(page):
    page.goto("/kommuner/are/?h=coworking", wait_until="networkidle")
    assert "/search/search_index.json" in search_files(page)
