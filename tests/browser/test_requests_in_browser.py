"""Everything a page asks for answers, including what Material's JavaScript fetches after load.

Material fetches `sitemap.xml` under every `<link rel="alternate">` in the head; those must be the
language roots, where the sitemaps are, or each page view costs two 404 answers.
"""

from __future__ import annotations

import pytest

SITEMAPS = {"/sitemap.xml", "/en/sitemap.xml"}


def sitemaps(page) -> set[str]:
    return {path for path in page.requested if path.endswith("sitemap.xml")}


@pytest.mark.parametrize("path", ["/integritet/", "/kommuner/are/", "/en/"])
def test_a_site_page_makes_no_failed_request(page, path):
    page.goto(path, wait_until="networkidle")
    assert page.failed == []
    assert page.foreign_requests == []
    assert sitemaps(page) == SITEMAPS


@pytest.mark.parametrize("path", ["/registrera/", "/en/register/"])
def test_the_registration_form_makes_no_failed_request(live, path):
    live.goto(path, wait_until="networkidle")
    assert live.locator('input[autocomplete="email"]').count() == 1
    assert live.failed == []
    assert live.foreign_requests == []
    assert sitemaps(live) == SITEMAPS
