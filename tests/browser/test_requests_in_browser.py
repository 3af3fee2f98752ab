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
