"""The intake's forms in a real browser: a household registers, a magazine is ordered, by mouse and
by keyboard alone, and axe-core finds nothing on the empty form, the form with errors and the receipt."""

from __future__ import annotations

import re

import pytest

from intake.models import Household, MagazineOrder

from tests.browser.axe import axe_report

TEXT = {
    "sv": {
        "url": "/registrera/",
        "name": "Ditt namn",
        "email": "E-post",
        "place": "Ort där du bor nu",
        "occupation": "Ditt yrke eller område (frivilligt)",
        "children": "Antal barn som flyttar med",
        "ages": "Barnens åldrar",
        "send": "Skicka min anmälan",
        "privacy": "Jag har läst",
        "timeframe": "Inom 6 månader",
        "house": "Hus",
        "job": "Ett jobb",
        "country": "Land där du bor nu",
        "thanks": "Tack, vi har fått din anmälan",
        "order": "/bestall-magasinet/",
    },
    "en": {
        "url": "/en/register/",
        "name": "Your name",
        "email": "E-mail",
        "place": "Town or place you live in now",
        "occupation": "Your occupation or field (optional)",
        "children": "Number of children moving with you",
        "ages": "The children's ages",
        "send": "Send my registration",
        "privacy": "I have read",
        "timeframe": "Within 6 months",
        "house": "House",
        "job": "A job",
        "country": "Country you live in now",
        "thanks": "Thank you, we have your registration",
        "order": "/en/order-magazine/",
    },
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_household_registers(live, rows, lang):
    t = TEXT[lang]
    page = live
    page.goto(t["url"] + "?utm_source=magasinet&utm_campaign=host2026")
    page.get_by_label(t["name"]).fill("Karin Ek")
    page.get_by_role("textbox", name=t["email"], exact=True).fill("karin@example.com")
    page.get_by_label(t["country"]).select_option("FI")
    page.get_by_label(t["place"]).fill("Vasa")
    page.get_by_label(t["occupation"]).fill("Elektriker")
    page.get_by_label(t["children"]).fill("1")
    page.get_by_label(t["ages"]).fill("4")
    page.get_by_label("Krokom").check()
    page.get_by_label("Berg").check()
    page.get_by_label(t["job"], exact=True).check()
    page.get_by_label(t["house"], exact=True).check()
    page.get_by_label(t["timeframe"]).check()
    page.get_by_label(t["privacy"]).check()
    page.get_by_role("button", name=t["send"]).click()
    page.wait_for_url(re.compile(r".*/(tack|thanks)/H-[^/]+/$"))
    assert page.locator("h1").inner_text() == t["thanks"]
    [household] = rows(Household)
    assert household.reference in page.content()
    assert (household.name, household.email, household.country, household.place, household.occupation) == (
        "Karin Ek",
        "karin@example.com",
        "FI",
        "Vasa",
        "Elektriker",
    )
    assert sorted(household.municipality_slugs) == ["berg", "krokom"]
    assert (household.children_count, household.children_ages, household.seeks) == (1, [4], ["job"])
    assert (household.housing_types, household.timeframe, household.contact_language) == (["house"], "6m", lang)
    assert (household.utm_source, household.utm_campaign, household.form_language) == ("magasinet", "host2026", lang)
    assert axe_report(page) == ""


def tab_to(page, element_id: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_registration_with_the_keyboard_alone(live, rows):
    page = live
    page.goto("/en/register/")
    tab_to(page, "name")
    page.keyboard.type("Keyboard User")
    tab_to(page, "email")
    page.keyboard.type("keys@example.com")
    tab_to(page, "country")
    page.keyboard.type("Finland")  # a closed select picks the option typed
    tab_to(page, "place")
    page.keyboard.type("Umeå")
    tab_to(page, "occupation")
    page.keyboard.type("Developer")
    tab_to(page, "municipalities-7")  # Östersund
    page.keyboard.press("Space")
    tab_to(page, "timeframe-0")
    page.keyboard.press("ArrowDown")  # moves to and selects "In 6–12 months"
    tab_to(page, "privacy")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the privacy notice link
    page.keyboard.press("Tab")  # the send button
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/thanks/H-[^/]+/$"))
    [household] = rows(Household)
    assert (household.name, household.country, household.municipality_slugs, household.timeframe) == (
        "Keyboard User",
        "FI",
        ["ostersund"],
        "12m",
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_forms_have_no_axe_violations_empty_or_with_errors(live, lang, width):
    page = live
    page.set_viewport_size({"width": width, "height": 900})
    for url in (TEXT[lang]["url"], TEXT[lang]["order"]):
        page.goto(url)
        assert axe_report(page) == "", f"empty {url}"
        page.locator("form.ts-form button[type=submit]").click()
        page.wait_for_selector(".ts-error-summary")
        assert page.locator(".ts-field-error").count() >= 4
        assert axe_report(page) == "", f"errors on {url}"


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_the_error_summary_takes_focus_names_each_field_and_links_to_it(live, width):
    page = live
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/registrera/")
    page.get_by_role("textbox", name="E-post", exact=True).fill("inte-en-adress")
    page.locator("form.ts-form button[type=submit]").click()
    summary = page.locator(".ts-error-summary")
    summary.wait_for()
    # Its deferred script gives it focus (a screen reader reads it; Tab goes on from it): wait for
    # that, rather than racing the script; a summary that never takes focus fails here.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    assert summary.get_attribute("role") == "alert" and summary.get_attribute("tabindex") == "-1"
    links = summary.locator("a")
    assert links.all_inner_texts()[:3] == [
        "Namn: skriv ditt namn.",
        "E-post: skriv en e-postadress som namn@exempel.se.",
        "Ort: skriv orten där du bor.",
    ]
    # The error next to each field stays.
    assert page.locator("#name-error").inner_text().endswith("Skriv ditt namn.")
    # Each link moves focus to its field, by mouse or by keyboard, its label or legend in view.
    links.nth(1).click()
    assert focused(page) == "email"
    page.locator("#error-summary").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "name"
    summary.get_by_role("link", name="Kommuner: välj minst en kommun", exact=False).click()
    assert focused(page) == "municipalities-0"
    # Its legend is in view, below the site's sticky header (the scroll may be smooth: wait for it).
    page.wait_for_function(
        """() => {
            const legend = document.querySelector('#municipalities-0').closest('fieldset').querySelector('legend');
            return legend.getBoundingClientRect().top >= document.querySelector('.md-header').getBoundingClientRect().bottom;
        }""",
        timeout=3000,
    )
    assert axe_report(page) == ""


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_the_order_form_in_english_asks_for_the_country_and_checks_its_postal_codes(live, rows, width):
    page = live
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/en/order-magazine/")
    country = page.get_by_label("Country")
    assert country.input_value() == ""  # no country assumed on the English page
    page.get_by_label("Name").fill("Ola Nordmann")
    page.get_by_label("Street address").fill("Karl Johans gate 1")
    page.get_by_label("Postal code").fill("831 34")  # a Swedish code, the country not yet chosen
    page.get_by_label("Town or city").fill("Oslo")
    page.get_by_label("I have read").check()
    page.get_by_role("button", name="Order the magazine").click()
    page.locator(".ts-error-summary").wait_for()
    assert page.locator(".ts-error-summary a").all_inner_texts() == ["Country: choose the country you live in."]
    country.select_option("NO")
    page.get_by_role("button", name="Order the magazine").click()
    page.locator(".ts-error-summary").wait_for()
    assert page.locator(".ts-error-summary a").all_inner_texts() == [
        "Postal code: enter a postal code as used in Norway, e.g. 0150."
    ]
    assert country.input_value() == "NO"  # kept
    page.get_by_label("Postal code").fill("0150")
    page.get_by_role("button", name="Order the magazine").click()
    page.wait_for_url(re.compile(r".*/order-magazine/thanks/M-[^/]+/$"))
    [order] = rows(MagazineOrder)
    assert (order.country, order.postal_code) == ("NO", "0150")


def test_a_dutch_postal_code_is_written_the_dutch_way(live, rows):
    page = live
    page.goto("/bestall-magasinet/")
    assert page.get_by_label("Land").input_value() == "SE"  # the Swedish page starts at Sweden
    page.get_by_label("Namn", exact=True).fill("Anneke de Vries")
    page.get_by_label("Gatuadress").fill("Damrak 1")
    page.get_by_label("Postnummer").fill("1012lg")
    page.get_by_label("Ort").fill("Amsterdam")
    page.get_by_label("Land").select_option("NL")
    page.get_by_label("Jag har läst").check()
    page.get_by_role("button", name="Beställ magasinet").click()
    page.wait_for_url(re.compile(r".*/bestall-magasinet/tack/M-[^/]+/$"))
    [order] = rows(MagazineOrder)
    assert (order.country, order.postal_code) == ("NL", "1012 LG")


@pytest.mark.parametrize("url", ["/registrera/", "/en/order-magazine/", "/en/register/thanks/H-XXXX-XXXX/"])
def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_the_content(live, url):
    page = live
    page.set_viewport_size({"width": 375, "height": 800})
    response = page.goto(url)
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    assert link.get_attribute("href") == "#ts-main"
    assert link.inner_text() in ("Gå till innehållet", "Skip to content")
    assert link.is_visible()
    page.wait_for_function("() => getComputedStyle(document.activeElement).opacity === '1'", timeout=3000)
    page.keyboard.press("Enter")
    assert focused(page) == "ts-main"
    page.keyboard.press("Tab")  # on into the page's content, past the header
    assert page.evaluate("() => document.getElementById('ts-main').contains(document.activeElement)")
    assert response.status in (200, 404)


def test_the_magazine_is_ordered_and_the_receipt_is_accessible(live, rows):
    page = live
    page.goto("/en/order-magazine/")
    page.get_by_label("Name").fill("Per Persson")
    page.get_by_label("Street address").fill("Kyrkgatan 12")
    page.get_by_label("Postal code").fill("83134")
    page.get_by_label("Town or city").fill("Östersund")
    page.get_by_label("Country").select_option("SE")
    page.get_by_label("E-mail").fill("per@example.com")
    page.get_by_label("I have read").check()
    page.get_by_role("button", name="Order the magazine").click()
    page.wait_for_url(re.compile(r".*/order-magazine/thanks/M-[^/]+/$"))
    [order] = rows(MagazineOrder)
    assert order.postal_code == "831 34" and order.reference in page.content()
    assert axe_report(page) == ""
    # The receipt offers registering the household, the order's details filled in.
    page.get_by_role("link", name="Register your household").click()
    page.wait_for_url("**/en/register/?carry=1")
    assert page.get_by_label("Your name").input_value() == "Per Persson"
    assert page.get_by_role("textbox", name="E-mail", exact=True).input_value() == "per@example.com"
    assert page.get_by_label("Country you live in now").input_value() == "SE"
    assert page.get_by_label("Town or place you live in now").input_value() == "Östersund"
    assert axe_report(page) == ""
    page.get_by_label("Krokom").check()
    page.get_by_label("Within 6 months").check()
    page.get_by_label("I have read").check()
    page.get_by_role("button", name="Send my registration").click()
    page.wait_for_url(re.compile(r".*/thanks/H-[^/]+/$"))
    [household] = rows(Household)
    assert (household.name, household.email, household.place) == ("Per Persson", "per@example.com", "Östersund")


def test_forms_work_without_javascript(browser, intake_server, app, rows):
    context = browser.new_context(base_url=intake_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/bestall-magasinet/")
    page.get_by_label("Namn", exact=True).fill("Utan Skript")
    page.get_by_label("Gatuadress").fill("Bygatan 3")
    page.get_by_label("Postnummer").fill("840 50")
    page.get_by_label("Ort").fill("Gällö")
    page.get_by_label("Jag har läst").check()
    page.get_by_role("button", name="Beställ magasinet").click()
    page.wait_for_url(re.compile(r".*/bestall-magasinet/tack/M-[^/]+/$"))
    assert len(rows(MagazineOrder)) == 1
    context.close()


def test_language_switcher_on_a_form_keeps_you_on_the_form(live):
    page = live
    page.goto("/registrera/", wait_until="networkidle")  # Material's script has done what it does after load
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url("**/en/register/")
    assert page.locator("h1").inner_text() == "Register your interest"


# --- the occupation autocomplete ------------------------------------------------------------------


def _fill_the_rest(page, lang: str) -> None:
    t = TEXT[lang]
    page.get_by_label(t["name"]).fill("Yrkes Person")
    page.get_by_role("textbox", name=t["email"], exact=True).fill("yrke@example.com")
    page.get_by_label(t["country"]).select_option("SE")
    page.get_by_label(t["place"]).fill("Kiruna")
    page.get_by_label("Berg").check()
    page.get_by_label(t["timeframe"]).check()
    page.get_by_label(t["privacy"]).check()


@pytest.mark.parametrize(
    ("lang", "typed", "chosen", "ssyk"),
    [
        ("sv", "sjuksköterska, grund", "Sjuksköterska, grundutbildad", "2221"),
        ("en", "professional nur", "Professional nurses", "2221"),
    ],
)
def test_the_occupation_is_chosen_by_keyboard_and_its_concept_stored(live, rows, lang, typed, chosen, ssyk):
    page = live
    page.goto(TEXT[lang]["url"])
    assert not [r for r in page.requested if "/static/occupations/" in r]  # not loaded with the page
    tab_to(page, "occupation")
    page.keyboard.type(typed)
    listbox = page.locator("#occupation__listbox")
    option = listbox.get_by_role("option", name=chosen, exact=True)
    option.wait_for()
    # Only the names under the query's first letter, once, however many letters follow.
    assert [r for r in page.requested if "/static/occupations/" in r] == [f"/static/occupations/{lang}/{typed[0]}.json"]
    field = page.locator("#occupation")
    assert field.get_attribute("role") == "combobox" and field.get_attribute("aria-expanded") == "true"
    assert "occupation-hint" in field.get_attribute("aria-describedby")  # our hint, beside the library's
    assert axe_report(page) == ""  # the open list too
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.textContent").startswith(chosen)
    page.keyboard.press("Enter")
    assert field.input_value() == chosen
    _fill_the_rest(page, lang)
    page.get_by_role("button", name=TEXT[lang]["send"]).click()
    page.wait_for_url(re.compile(r".*/(tack|thanks)/H-[^/]+/$"))
    [household] = rows(Household)
    from tasteget.occupations import taxonomy

    found = taxonomy.load().match(chosen, lang)
    assert (household.occupation, household.occupation_concept, household.occupation_ssyk) == (
        chosen,
        found.concept_id,
        ssyk,
    )
    assert not page.foreign_requests and not page.failed


def test_suggestions_are_text_never_markup(live):
    page = live
    page.goto("/en/register/")
    page.route(
        "**/static/occupations/en/i.json",
        lambda route: route.fulfill(json=["Studying", "<img src=x onerror=alert(1)> & co"], status=200),
    )
    page.locator("#occupation").click()
    page.keyboard.type("img")
    # The list may first say "no occupation found" while the names load: wait for the suggestion.
    option = page.locator("#occupation__listbox [role=option]").filter(has_text="onerror").first
    option.wait_for()
    assert option.inner_text().startswith("<img src=x onerror=alert(1)> & co")
    assert page.locator("#occupation__listbox img").count() == 0


def test_the_occupation_field_works_without_javascript(browser, intake_server, app, rows):
    context = browser.new_context(base_url=intake_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/registrera/")
    page.get_by_label(TEXT["sv"]["occupation"]).fill("Pensionär")
    page.get_by_label("Partnerns yrke eller område").fill("Grundutbildade sjuksköterskor")
    _fill_the_rest(page, "sv")
    page.get_by_role("button", name=TEXT["sv"]["send"]).click()
    page.wait_for_url(re.compile(r".*/registrera/tack/H-[^/]+/$"))
    [household] = rows(Household)
    assert (household.occupation, household.occupation_situation, household.occupation_ssyk) == (
        "Pensionär",
        "retired",
        None,
    )
    assert (household.partner_occupation, household.partner_occupation_ssyk) == (
        "Grundutbildade sjuksköterskor",
        "2221",
    )
    context.close()
