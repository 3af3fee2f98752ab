"""The accessibility rules Lighthouse counts beyond WCAG's (axe's best practice), on the pages its
score is reported for: the site, a municipality, both forms empty and with errors, a receipt, My registration."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import LIGHTHOUSE_EXTRA, axe_report
from tests.browser.test_mine_in_browser import registered
from tests.support.intake_helpers import ORDER, submit

PAGES = ["/", "/en/", "/kommuner/are/", "/en/municipalities/are/", "/kompetensbehov/", "/en/coworking/"]
FORMS = ["/registrera/", "/en/register/", "/bestall-magasinet/", "/en/order-magazine/"]


@pytest.mark.parametrize("path", PAGES)
def test_site_pages_pass_lighthouses_extra_rules(page, path):
    page.set_viewport_size({"width": 412, "height": 823})  # Lighthouse's phone
    page.goto(path)
    assert axe_report(page, LIGHTHOUSE_EXTRA) == ""


@pytest.mark.parametrize("path", FORMS)
def test_forms_pass_lighthouses_extra_rules_empty_and_with_errors(live, path):
    page = live
    page.set_viewport_size({"width": 412, "height": 823})
    page.goto(path)
    assert axe_report(page, LIGHTHOUSE_EXTRA) == "", "empty"
    page.locator("form.ts-form button[type=submit]").click()
    page.locator(".ts-error-summary").wait_for()
    assert axe_report(page, LIGHTHOUSE_EXTRA) == "", "with errors"


def test_a_receipt_passes_lighthouses_extra_rules(live, client):
    response = submit(client, "/en/order-magazine/", ORDER)
    assert re.search(r"/thanks/M-", response.headers["Location"])
    live.goto(response.headers["Location"])
    assert axe_report(live, LIGHTHOUSE_EXTRA) == ""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_my_registration_passes_lighthouses_extra_rules(live, app, rows, lang):
    live.set_viewport_size({"width": 412, "height": 823})
    live.goto(registered(app, rows, lang))
    assert axe_report(live, LIGHTHOUSE_EXTRA) == ""
