"""The households matching the needs and a household's occupations, in a real browser with axe-core."""

from __future__ import annotations

from tests.browser.axe import axe_report
from tests.support.intake_helpers import log_in, make_staff, register


def test_a_guide_finds_a_matching_household_and_its_occupations(live, app, client):
    reference = register(client, occupation="Sjuksköterska", partner_occupation="Präst", municipalities=["are"])
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    page = live
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")
    page.get_by_role("navigation", name="CRM").get_by_role("link", name="Matchar våra behov").click()
    page.wait_for_url("**/crm/needs/")
    assert page.locator("h1").inner_text() == "Hushåll som matchar våra behov"
    row = page.get_by_role("row").filter(has_text="2221 Grundutbildade sjuksköterskor")
    assert row.get_by_role("cell").nth(1).inner_text() == "1"
    page.get_by_text("efterfrågade yrkesgrupper som inget hushåll har ännu").click()  # the rest, opened by a click
    assert page.get_by_text("5120 Kockar").is_visible()
    assert axe_report(page) == ""
    row.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/crm/households/{reference}/")
    skills = page.get_by_role("region", name="Yrken och kompetensbehov")
    assert "2221 Grundutbildade sjuksköterskor" in skills.inner_text()
    assert "2671 Präster" in skills.inner_text() and "ingen bedömning" in skills.inner_text()
    assert axe_report(page) == ""
