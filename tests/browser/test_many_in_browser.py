"""Many households at once in a real browser: three ticked by keyboard and handed to another guide,
the change on each timeline; and every back-office page at phone width without sideways scrolling
(WCAG 1.4.10), axe-core on each state. Screenshots in /tmp/many-*.png."""

from __future__ import annotations

import pytest

from intake.models import Household, User

from tests.browser.axe import axe_report
from tests.browser.test_crm_in_browser import coordinator_logged_in
from tests.support.intake_helpers import ORDER, REGISTRATION, expand_events, log_in, make_staff, submit

PHONE = 390


def page_width(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


# The outermost elements reaching past the screen's right edge: what to fix when a page is too wide.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.parentElement.closest('.table-frame, .chart-frame'))
  .filter(e => !(e.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')
      + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_a_guide_hands_three_households_to_a_colleague_by_keyboard(live, app, client, rows, width):
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    make_staff(app, "berit@are.example", "guide", ["are"])
    [berit] = rows(User, User.email == "berit@are.example")
    for i in range(4):
        submit(client, "/registrera/", {**REGISTRATION, "email": f"h{i}@example.com", "municipalities": ["are"]})
    expand_events(app)
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")
    references = page.locator("tbody td a").all_inner_texts()
    chosen = references[:3]
    # By keyboard: Space ticks a row's checkbox (named for its household), Tab passes the row's link
    # to the next row's checkbox.
    page.get_by_role("checkbox", name=f"Markera hushåll {chosen[0]}").focus()
    for i, reference in enumerate(chosen):
        if i:
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        assert page.get_by_role("checkbox", name=f"Markera hushåll {reference}").is_checked()
    assert not page.get_by_role("checkbox", name=f"Markera hushåll {references[3]}").is_checked()
    page.get_by_label("Lämna över till").focus()
    page.get_by_label("Lämna över till").select_option(label=f"{berit.name} ({berit.email})")
    assert axe_report(page) == ""
    page.screenshot(path=f"/tmp/many-list-{width}.png", full_page=True)
    assert page_width(page) <= width
    page.get_by_role("button", name="Lämna över dem").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("status").filter(has_text="Sparat: 3 hushåll").is_visible()
    assert axe_report(page) == ""
    owners = {h.reference: h.owner_id for h in rows(Household)}
    assert [owners[r] for r in chosen] == [berit.id] * 3 and owners[references[3]] is None
    page.goto(f"/crm/households/{chosen[0]}/")
    timeline = page.locator("#timeline ~ ol").inner_text()
    assert f"ansvarig – → {berit.name}" in timeline
    page.screenshot(path=f"/tmp/many-household-{width}.png", full_page=True)


def test_every_back_office_page_fits_a_phone(live, app, client, rows):
    """At 390 px nothing makes the page itself scroll sideways; a wide data table scrolls on its own
    in a focusable, named region (allowed for data tables by WCAG 1.4.10)."""
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    submit(client, "/bestall-magasinet/", ORDER)
    expand_events(app)
    page = live
    page.set_viewport_size({"width": PHONE, "height": 800})
    coordinator_logged_in(page, app)
    [h] = rows(Household)
    paths = {
        "list": "/crm/households/",
        "household": f"/crm/households/{h.reference}/",
        "needs": "/crm/needs/",
        "week": "/crm/week/",
        "figures": "/crm/figures/",
        "competence": "/crm/figures/competence/",
        "contacts": "/crm/contacts/",
        "orders": "/crm/orders/",
        "staff": "/crm/staff/",
        "audit": "/crm/audit/",
    }
    too_wide, scrolling = {}, set()
    for name, path in paths.items():
        page.goto(path)
        page.screenshot(path=f"/tmp/many-{name}-{PHONE}.png", full_page=True)
        if page_width(page) > PHONE:
            too_wide[name] = (page_width(page), page.evaluate(OVERFLOWING))
        # Whatever scrolls by itself is a region a keyboard can reach and a screen reader names.
        for frame in page.locator(".table-frame, .chart-frame").all():
            if frame.evaluate("e => e.scrollWidth > e.clientWidth"):
                named = frame.get_attribute("aria-label") or frame.get_attribute("aria-labelledby")
                assert frame.get_attribute("tabindex") == "0" and named, (name, path)
                scrolling.add(name)
        assert axe_report(page) == "", path
    # A note written, then edited: the edit page, and the timeline with the old text, at phone width.
    page.goto(f"/crm/households/{h.reference}/")
    page.get_by_label("Anteckning", exact=True).fill("Ringde, vill besöka i mars.")
    page.get_by_role("button", name="Lägg till anteckning").click()
    page.get_by_role("link", name="Ändra eller ta bort anteckningen").first.click()
    page.wait_for_url("**/notes/*/")
    assert axe_report(page) == "" and page_width(page) <= PHONE
    page.get_by_label("Anteckning", exact=True).fill("Ringde, vill besöka i april.")
    page.get_by_role("button", name="Spara anteckningen").click()
    page.wait_for_url(f"**/crm/households/{h.reference}/#timeline")
    timeline = page.locator("#timeline ~ ol").inner_text()
    assert "anteckningen ändrad" in timeline and "Ringde, vill besöka i mars." in timeline
    assert axe_report(page) == "" and page_width(page) <= PHONE
    # A contact added, then edited: its page with the edit form and its history.
    page.goto("/crm/contacts/")
    page.get_by_label("Organisation").fill("Skistar")
    page.get_by_label("Person").fill("Sara Sund")
    page.get_by_role("button", name="Lägg till kontakten").click()
    page.wait_for_url("**/crm/contacts/*/")
    page.get_by_label("Person").fill("Per Pers")
    page.get_by_role("button", name="Spara kontakten").click()
    page.wait_for_url("**/crm/contacts/*/")
    assert page.get_by_role("heading", name="Historik").is_visible()
    page.screenshot(path=f"/tmp/many-contact-{PHONE}.png", full_page=True)
    assert axe_report(page) == "" and page_width(page) <= PHONE
    assert too_wide == {}
    assert scrolling <= {"figures", "competence", "week"}  # wide tables of numbers, each scrolling on its own
