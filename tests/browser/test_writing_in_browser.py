"""A guide writes to a household in a real browser, on a phone and on a desk: picks a message, edits
it, sees what will be sent, sends it, and the message is read at the SMTP server with its Reply-To;
axe-core on each state, screenshots of the form in /tmp/write-*.png."""

from __future__ import annotations

import pytest

from intake.models import Household

from tests.browser.axe import axe_report
from tests.browser.test_week_in_browser import no_sideways_scrolling
from tests.support.intake_helpers import (
    REGISTRATION,
    deliver_all,
    expand_events,
    log_in,
    make_staff,
    submit,
)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_guide_writes_to_a_household_and_the_message_arrives(live, app, client, rows, smtp, width):
    app.config.update(MAIL_URL=smtp.url)
    guide = make_staff(app, "guide@are.example", "guide", ["are"])
    submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"], "contact_language": "en"})
    expand_events(app)
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, guide)
    page.wait_for_url("**/crm/households/")
    [household] = rows(Household)
    page.get_by_role("link", name=household.reference).first.click()
    page.wait_for_url(f"**/crm/households/{household.reference}/")
    assert page.get_by_role("link", name="070-123 45 67").get_attribute("href") == "tel:0701234567"

    # From the household's page: pick a message to start from.
    writing = page.locator("section[aria-labelledby=writing]")
    writing.screenshot(path=f"/tmp/write-household-{width}.png")
    writing.get_by_label("Utgå från").select_option(label="Inbjudan till ett besök")
    writing.get_by_role("button", name="Skriv ett meddelande").click()
    page.wait_for_url("**/write/?template=visit-invitation")
    assert page.get_by_label("Ärenderad").input_value().startswith("Come and visit Åre")
    assert page.get_by_label("Markera hushållet som kontaktat").is_checked()
    assert axe_report(page) == ""
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/write-form-{width}.png", full_page=True)

    # An empty subject is answered next to the field; the text is kept.
    page.get_by_label("Ärenderad").fill("")
    page.get_by_role("button", name="Visa vad som skickas").click()
    assert page.locator("#subject-error").inner_text() == "Ge meddelandet en ärenderad."
    assert "Would you like to come and look around?" in page.get_by_label("Text").input_value()
    assert axe_report(page) == ""
    page.screenshot(path=f"/tmp/write-error-{width}.png", full_page=True)

    # Edited and sent at once: the page shows the edited message first, then it is sent.
    page.get_by_label("Ärenderad").fill("A visit in March?")
    text = page.get_by_label("Text").input_value()
    page.get_by_label("Text").fill(text.replace("Would you like", "Would you and the children like"))
    page.get_by_role("button", name="Skicka", exact=True).click()
    preview = page.locator("section[aria-labelledby=preview]")
    assert "Du har ändrat meddelandet" in preview.inner_text()
    assert "Would you and the children like" in preview.locator("pre").inner_text()
    assert "guide@are.example" in preview.inner_text() and "English" in preview.inner_text()
    assert axe_report(page) == ""
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/write-preview-{width}.png", full_page=True)
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.wait_for_url("**/crm/households/*/#timeline")
    assert page.get_by_role("status").inner_text() == "Skickat."
    timeline = page.locator("section[aria-labelledby=timeline]")
    assert "skrev till hushållet (väntar på att skickas): A visit in March?" in " ".join(timeline.inner_text().split())
    assert axe_report(page) == ""

    # Read at the SMTP server: From the campaign, Reply-To the guide, in English, with the edit.
    deliver_all(app)
    [received] = [m for m in smtp.to("anna@example.com") if m["Subject"] == "A visit in March?"]
    assert received["From"] == f"Ta Steget <{app.config['MAIL_FROM']}>" and received["Reply-To"] == guide
    assert received["Content-Language"] == "en"
    body = received.get_body(("plain",)).get_content()
    assert "Would you and the children like to come and look around?" in body
    with open(f"/tmp/write-received-{width}.eml", "wb") as out:
        out.write(received.as_bytes())
    page.reload()
    timeline = page.locator("section[aria-labelledby=timeline]")
    assert "skrev till hushållet (skickat)" in timeline.inner_text()
    timeline.get_by_text("Meddelandet").click()  # the text, folded away under the subject
    assert "Would you and the children like" in timeline.inner_text()
    assert axe_report(page) == ""
    timeline.screenshot(path=f"/tmp/write-timeline-{width}.png")
