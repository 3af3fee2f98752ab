"""The back office in its staff's language, in a real browser on a phone and a desk: a household's
page (municipality names, statuses, local times on the timeline) and the dashboard with where
households heard of us, their countries and what open follow-ups count; axe-core on each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from intake.models import Household

from tests.browser.axe import axe_report
from tests.browser.test_week_in_browser import no_sideways_scrolling
from tests.support.figures_data import store
from tests.support.intake_helpers import REGISTRATION, expand_events, log_in, make_staff, submit


@pytest.mark.parametrize("width", [390, 1280])
def test_the_household_page_and_the_figures_in_swedish(live, app, client, rows, width):
    store(app)
    coordinator = make_staff(app, "samordnare@region.example", "coordinator")
    submit(
        client,
        "/registrera/",
        {**REGISTRATION, "name": "Anna Andersson", "municipalities": ["are", "ostersund"], "heard_from": "social"},
    )
    expand_events(app)
    [household] = rows(Household, Household.name == "Anna Andersson")
    with app.extensions["db_engine"].begin() as connection:  # registered just before midnight UTC
        connection.execute(
            update(Household)
            .where(Household.id == household.id)
            .values(created_at=datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
        )
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, coordinator)
    page.wait_for_url("**/crm/figures/")

    page.goto(f"/crm/households/{household.reference}/")
    page.get_by_label("Status").select_option("contacted")
    page.get_by_role("button", name="Spara status").click()
    page.wait_for_url(f"**/crm/households/{household.reference}/")
    timeline = page.locator("section[aria-labelledby=timeline]").inner_text()
    assert "status Ny → Kontaktad" in timeline
    assert "2026-12-07 00:30 anmäld" in timeline  # 23:30 UTC is past midnight in Stockholm
    facts = page.locator("section[aria-labelledby=submitted]").inner_text()
    assert "Åre, Östersund" in facts and "ostersund" not in facts
    assert axe_report(page) == ""
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/lang-household-{width}.png", full_page=True)

    page.goto("/crm/figures/?as_of=2026-12-31")
    assert page.get_by_role("heading", name="Per var de hörde om oss").is_visible()
    assert page.get_by_role("heading", name="Per bosättningsland").is_visible()
    assert "Öppna uppföljningar: hushåll" in page.locator("#follow-ups-meaning").inner_text()
    countries = page.get_by_role("table", name="Per bosättningsland: siffrorna").inner_text()
    assert "Norge" in countries and "Tyskland" in countries
    assert axe_report(page) == ""
    page.screenshot(path=f"/tmp/lang-dashboard-{width}.png", full_page=True)
    assert no_sideways_scrolling(page)
