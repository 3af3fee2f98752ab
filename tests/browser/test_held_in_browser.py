"""The coordinator deletes, in a browser, a registration held only for being sent too fast that the
mover has had a confirmation of: the page says the mover will be told, and the mover is."""

from __future__ import annotations

from intake.models import Household

from tests.browser.axe import axe_report
from tests.support.intake_helpers import REGISTRATION, deliver_all, log_in, make_staff, submit


def test_deleting_a_confirmed_held_registration_says_so_and_tells_the_mover(live, mail_app, client, rows, smtp):
    mail_app.config["MIN_FILL_SECONDS"] = 3600
    submit(client, "/registrera/", {**REGISTRATION, "contact_language": "sv", "municipalities": ["are"]})
    deliver_all(mail_app)
    [h] = rows(Household)
    [confirmation] = smtp.received
    page = live
    log_in(page, make_staff(mail_app, "samordnare@region.example", "coordinator"))
    page.wait_for_url("**/crm/figures/")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/crm/households/{h.reference}/")
        told = page.get_by_text("Den som anmälde sig har fått en bekräftelse")
        told.scroll_into_view_if_needed()
        assert told.is_visible()
        assert axe_report(page) == ""
        page.screenshot(path=f"/tmp/held-{width}.png", full_page=True)
    page.get_by_role("button", name="Radera: en robot").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/crm/households/")
    assert rows(Household) == []
    deliver_all(mail_app)
    [_, notice] = smtp.to("anna@example.com")
    assert notice["Subject"] == f"Ta Steget: din anmälan {h.reference} har tagits bort"
