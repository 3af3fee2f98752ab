"""Registration and magazine orders, end to end through the real app and the real database."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import update

from intake import db
from intake.models import Base, Household, MagazineOrder, PrivacyNotice

from tests.support.intake_helpers import ORDER, REGISTRATION, errors_in, fetch_form, submit

REGISTER = {"sv": "/registrera/", "en": "/en/register/"}
ORDER_URL = {"sv": "/bestall-magasinet/", "en": "/en/order-magazine/"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_household_registers_and_every_field_is_stored(client, rows, lang):
    url = REGISTER[lang] + "?utm_source=facebook&utm_medium=social&utm_campaign=vinter2026&utm_content=film"
    response = submit(client, url, REGISTRATION)
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    [household] = rows(Household)
    assert receipt_url == f"{REGISTER[lang]}{'tack' if lang == 'sv' else 'thanks'}/{household.reference}/"
    receipt = client.get(receipt_url).get_data(as_text=True)
    assert household.reference in receipt
    assert re.fullmatch(r"H-[2-9A-Z]{4}-[2-9A-Z]{4}", household.reference)
    expected = {
        "name": "Anna Andersson",
        "email": "anna@example.com",
        "phone": "070-123 45 67",
        "contact_channel": "phone",
        "contact_language": "en",
        "country": "NO",
        "place": "Trondheim",
        "occupation": "Sjuksköterska",
        "work_sought": "Sjuksköterska på vårdcentral",
        "partner_occupation": "Snickare",
        "partner_work_sought": "Egen firma",
        "children_count": 2,
        "children_ages": [3, 7],
        "unsure": False,
        "seeks": ["job", "partner_job", "housing", "visit"],
        "housing_tenure": "buy",
        "housing_types": ["house", "farm"],
        "housing_setting": "village",
        "timeframe": "6m",
        "message": "Vi längtar efter fjällen.\nOch efter lugnet.",
        "heard_from": "social",
        "utm_source": "facebook",
        "utm_medium": "social",
        "utm_campaign": "vinter2026",
        "utm_term": None,
        "utm_content": "film",
        "form_language": lang,
        "status": "new",
        "quarantine_reason": None,
    }
    assert {k: getattr(household, k) for k in expected} == expected
    assert sorted(household.municipality_slugs) == ["are", "ostersund"]
    assert household.consented_at is not None and household.created_at is not None
    [notice] = rows(PrivacyNotice)
    assert household.privacy_version == notice.version == hashlib.sha256(notice.text.encode()).hexdigest()
    assert notice.language == lang
    # The receipt names who gets in touch: the guides of the chosen municipalities.
    assert "inflytt@are.example" in receipt and "inflytt@ostersund.example" in receipt


def test_not_sure_yet_goes_to_the_coordinator(client, rows):
    data = {**REGISTRATION, "municipalities": ["unsure"]}
    response = submit(client, "/registrera/", data)
    [household] = rows(Household)
    assert household.unsure and household.municipality_slugs == []
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "inflytt@region.example" in receipt


def test_minimal_registration(client, rows):
    data = {
        "name": "Li",
        "email": "li@example.org",
        "contact_channel": "email",
        "contact_language": "sv",
        "country": "SE",
        "place": "Malmö",
        "occupation": "Lärare",
        "municipalities": ["berg"],
        "timeframe": "curious",
        "privacy": "y",
        "children_count": "",
    }
    assert submit(client, "/registrera/", data).status_code == 303
    [household] = rows(Household)
    assert household.phone is None and household.children_count == 0 and household.seeks == []


def test_the_form_page_is_part_of_the_site(client):
    html = client.get("/registrera/").get_data(as_text=True)
    assert '<html lang="sv"' in html
    assert "<title>Anmäl ditt intresse - Ta Steget</title>" in html
    assert 'class="md-tabs__link"' in html and 'href="/kommuner/"' in html  # the site's navigation
    assert 'href="/integritet/"' in html and 'href="/tillganglighet/"' in html  # the site's footer
    assert re.search(r'<a class="ts-lang__link" href="/en/register/" hreflang="en"', html)
    assert "/assets/stylesheets/tasteget.css" in html and "../" not in re.sub(r"<main.*</main>", "", html, flags=re.S)
    assert "@@TS-" not in html
    for field, token in [("name", "name"), ("email", "email"), ("phone", "tel"), ("country", "country-name")]:
        assert re.search(rf'<(input|select)[^>]*autocomplete="{token}"[^>]*id="{field}"', html) or re.search(
            rf'<(input|select)[^>]*id="{field}"[^>]*autocomplete="{token}"', html
        ), field
    english = client.get("/en/register/").get_data(as_text=True)
    assert '<html lang="en"' in english and "Register your interest" in english
    assert re.search(r'<a class="ts-lang__link" href="/registrera/" hreflang="sv"', english)


def test_order_form_autocomplete_tokens(client):
    html = client.get("/en/order-magazine/").get_data(as_text=True)
    for field, token in [
        ("name", "name"),
        ("street", "street-address"),
        ("postal_code", "postal-code"),
        ("city", "address-level2"),
        ("country", "country-name"),
        ("email", "email"),
    ]:
        tag = re.search(rf'<(?:input|select)[^>]*id="{field}"[^>]*>', html).group(0)
        assert f'autocomplete="{token}"' in tag, field


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_magazine_is_ordered(client, rows, lang):
    response = submit(client, ORDER_URL[lang] + "?utm_source=tidning", ORDER)
    assert response.status_code == 303
    [order] = rows(MagazineOrder)
    assert (order.name, order.street, order.postal_code, order.city, order.country, order.email) == (
        "Bo Berg",
        "Storgatan 1",
        "831 31",
        "Östersund",
        "SE",
        "bo@example.com",
    )
    assert order.utm_source == "tidning" and order.form_language == lang
    assert order.reference in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_same_address_again_gets_a_friendly_answer_and_no_second_order(client, rows):
    submit(client, "/bestall-magasinet/", ORDER)
    again = {**ORDER, "name": "Bo  BERG", "street": "storgatan 1.", "postal_code": "831 31"}
    response = submit(client, "/bestall-magasinet/", again)
    assert response.status_code == 200
    assert "Magasinet är redan på väg" in response.get_data(as_text=True)
    assert len(rows(MagazineOrder)) == 1


@pytest.mark.parametrize("url", ["/registrera/", "/bestall-magasinet/"])
def test_a_double_submit_stores_one_and_shows_the_same_receipt(client, rows, url):
    data = REGISTRATION if url == "/registrera/" else ORDER
    form = fetch_form(client, url)
    first = submit(client, url, data, form=form)
    second = submit(client, url, data, form=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    # Sent again once its token has expired (the browser's back and resend, hours later): the same receipt.
    late = submit(client, url, data, form={**form, "csrf_token": "expired"})
    assert late.status_code == 303 and late.headers["Location"] == first.headers["Location"]
    assert len(rows(Household if url == "/registrera/" else MagazineOrder)) == 1


def test_an_expired_form_is_shown_again_with_the_data_and_a_clear_message(client, rows):
    form = fetch_form(client, "/en/register/")
    form["csrf_token"] = "expired-or-forged"
    response = submit(client, "/en/register/", REGISTRATION, form=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The form had expired, so nothing was sent yet" in html
    assert 'value="Anna Andersson"' in html and "Trondheim" in html
    assert rows(Household) == []
    # The re-shown form carries a fresh token, so sending it again works.
    assert submit(client, "/en/register/", REGISTRATION).status_code == 303


def summary_in(html: str) -> dict[str, str]:
    """The error summary at the top of the page: {link target: text}."""
    summary = re.search(r'<div class="ts-error-summary".*?</div>', html, re.S).group(0)
    return {target: unescape(text) for target, text in re.findall(r'<a href="#([\w-]+)">(.*?)</a>', summary)}


def test_errors_are_shown_next_to_each_field_in_the_pages_language_and_input_is_kept(client, rows):
    data = {**REGISTRATION, "email": "not-an-address", "name": "", "municipalities": [], "timeframe": ""}
    response = submit(client, "/registrera/", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert errors_in(html) == {
        "name": "Skriv ditt namn.",
        "email": "Skriv en e-postadress som namn@exempel.se.",
        "municipalities": "Välj minst en kommun, eller ”vet inte än”.",
        "timeframe": "Välj när du funderar på att flytta.",
    }
    # The summary at the top names each field and what is wrong, and links to the field.
    assert summary_in(html) == {
        "name": "Namn: skriv ditt namn.",
        "email": "E-post: skriv en e-postadress som namn@exempel.se.",
        "municipalities-0": "Kommuner: välj minst en kommun, eller ”vet inte än”.",
        "timeframe-0": "När: välj när du funderar på att flytta.",
    }
    assert 'value="not-an-address"' in html and 'value="Trondheim"' in html and "Sjuksköterska" in html
    assert re.search(r'id="email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="email"', html)
    assert rows(Household) == []
    english = submit(client, "/en/register/", data).get_data(as_text=True)
    assert errors_in(english)["name"] == "Enter your name."
    assert summary_in(english)["name"] == "Name: enter your name."


def test_no_field_is_asked_for_with_the_same_bare_words(client):
    """Every field left empty says what to fill in, never "Fill in this field." again and again."""
    for url in ("/en/register/", "/en/order-magazine/"):
        html = submit(client, url, {"privacy": ""}, form=fetch_form(client, url)).get_data(as_text=True)
        texts = list(summary_in(html).values())
        assert len(texts) >= 4 and len(set(texts)) == len(texts), texts
        assert not [t for t in texts if "Fill in this field" in t]


@pytest.mark.parametrize("trap", ["honeypot", "too-fast"])
def test_robots_land_in_quarantine_not_in_the_bin(client, app, rows, trap):
    if trap == "honeypot":
        data = {**REGISTRATION, "website": "http://spam.example"}
    else:
        app.config["MIN_FILL_SECONDS"] = 60
        data = REGISTRATION
    response = submit(client, "/registrera/", data)
    assert response.status_code == 303  # the sender sees the usual receipt
    [household] = rows(Household)
    assert household.quarantine_reason == trap


def test_a_forged_start_time_is_quarantined(client, rows):
    form = fetch_form(client, "/bestall-magasinet/")
    form["started"] = "1700000000"
    submit(client, "/bestall-magasinet/", ORDER, form=form)
    [order] = rows(MagazineOrder)
    assert order.quarantine_reason == "no-start-time" and order.address_key is None


@pytest.mark.parametrize("url", ["/registrera/", "/bestall-magasinet/"])
def test_one_form_pages_start_time_replayed_for_other_submissions_is_quarantined(client, rows, url):
    """A robot that waits once and then posts the same page's start time again and again."""
    model, data = (Household, REGISTRATION) if url == "/registrera/" else (MagazineOrder, ORDER)
    form = fetch_form(client, url)
    for i in range(3):
        changed = {**data, "name": f"Robot {i}", "street": f"Gatan {i}"} if model is MagazineOrder else data
        sent = submit(
            client,
            url,
            {**changed, "email": f"robot{i}@example.com"},
            form={**form, "submission_id": f"robot-form-{i:012d}"} if i else form,
        )
        assert sent.status_code == 303  # the usual receipt
    reasons = sorted(str(row.quarantine_reason) for row in rows(model))
    assert reasons == ["None", "replayed", "replayed"]


@pytest.mark.parametrize(("age", "reason"), [(10, None), (5 * 3600, "no-start-time")])
def test_a_page_shown_before_start_times_were_bound_to_it_is_taken_while_it_can_be_sent(client, rows, age, reason):
    from itsdangerous import URLSafeSerializer

    form = fetch_form(client, "/registrera/")
    form["started"] = URLSafeSerializer("test-secret", salt="form-started").dumps(time.time() - age)
    assert submit(client, "/registrera/", REGISTRATION, form=form).status_code == 303
    [household] = rows(Household)
    assert household.quarantine_reason == reason


def test_the_same_form_page_sent_again_with_other_data_is_quarantined(client, rows):
    form = fetch_form(client, "/registrera/")
    first = submit(client, "/registrera/", REGISTRATION, form=form)
    same = submit(client, "/registrera/", REGISTRATION, form=form)
    other = submit(
        client, "/registrera/", {**REGISTRATION, "name": "Someone Else", "email": "x@example.com"}, form=form
    )
    assert first.status_code == same.status_code == other.status_code == 303
    assert first.headers["Location"] == same.headers["Location"] != other.headers["Location"]
    stored = {h.name: h.quarantine_reason for h in rows(Household)}
    assert stored == {"Anna Andersson": None, "Someone Else": "replayed"}


def test_rate_limit_answers_politely_in_the_pages_language(client, app, rows):
    app.config["RATELIMIT_FORMS"] = "2 per day"
    for _ in range(2):
        assert submit(client, "/en/order-magazine/", {**ORDER, "street": f"Gatan {_}"}).status_code == 303
    response = submit(client, "/en/order-magazine/", {**ORDER, "street": "Gatan 9"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 24 * 3600  # when to come back
    assert len(rows(MagazineOrder)) == 2
    assert client.get("/en/order-magazine/").status_code == 200  # reading is never limited


def test_rate_limit_uses_the_address_our_proxy_saw(app, client):
    app.config["RATELIMIT_FORMS"] = "1 per day"
    assert submit(client, "/bestall-magasinet/", ORDER).status_code == 303
    # Without trusted proxies, a client cannot dodge the limit by claiming another address.
    spoofed = submit(
        client, "/bestall-magasinet/", {**ORDER, "street": "Annan 2"}, headers={"X-Forwarded-For": "10.9.9.9"}
    )
    assert spoofed.status_code == 429


def test_an_oversized_request_gets_a_clear_413(client, rows):
    form = fetch_form(client, "/registrera/")
    response = submit(client, "/registrera/", {**REGISTRATION, "message": "x" * 70_000}, form=form)
    assert response.status_code == 413
    assert "För mycket text" in response.get_data(as_text=True)
    assert rows(Household) == []


@pytest.mark.parametrize(
    "url", ["/registrera/tack/H-2222-2222/", "/en/register/thanks/nope/", "/bestall-magasinet/tack/M-XXXX-XXXX/"]
)
def test_unknown_receipts_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True) or "Page not found" in response.get_data(as_text=True)


def test_receipt_switches_language_to_the_same_receipt(client):
    response = submit(client, "/registrera/", REGISTRATION)
    receipt = response.headers["Location"]
    reference = receipt.rstrip("/").rsplit("/", 1)[1]
    html = client.get(receipt).get_data(as_text=True)
    assert f'href="/en/register/thanks/{reference}/" hreflang="en"' in html
    english = client.get(f"/en/register/thanks/{reference}/").get_data(as_text=True)
    assert "Thank you, we have your registration" in english


def test_each_receipt_shows_its_own_household(client):
    """Receipts are made once per choice of municipalities and language: each still names its own
    reference (text, canonical address, language switcher) and its own municipalities' guides."""
    pages = {}
    for name, chosen in [("a", ["are"]), ("b", ["are"]), ("c", ["ostersund"])]:
        response = submit(
            client, "/registrera/", {**REGISTRATION, "email": f"{name}@example.com"} | {"municipalities": chosen}
        )
        location = response.headers["Location"]
        pages[name] = (location.rstrip("/").rsplit("/", 1)[1], client.get(location).get_data(as_text=True))
    for name, (reference, html) in pages.items():
        others = [ref for other, (ref, _html) in pages.items() if other != name]
        assert reference in html and not any(ref in html for ref in others)
        assert f'/registrera/tack/{reference}/"' in html and f'/en/register/thanks/{reference}/"' in html
    assert "inflytt@are.example" in pages["b"][1] and "inflytt@ostersund.example" not in pages["b"][1]
    assert "inflytt@ostersund.example" in pages["c"][1] and "inflytt@are.example" not in pages["c"][1]


@pytest.mark.parametrize("url", ["/registrera/", "/bestall-magasinet/"])
def test_the_notice_is_stored_again_if_the_database_lost_it(app, client, rows, url):
    """The process remembers which notice versions it has stored; a database emptied or restored under
    it (the notice gone) still gets the notice with the next form, not a refused row."""
    data = REGISTRATION if url == "/registrera/" else ORDER
    assert submit(client, url, data).status_code == 303
    with app.extensions["db_engine"].begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    assert rows(PrivacyNotice) == []
    assert submit(client, url, data).status_code == 303
    [notice] = rows(PrivacyNotice)
    [stored] = rows(Household if url == "/registrera/" else MagazineOrder)
    assert stored.privacy_version == notice.version


def field_values(html: str) -> dict[str, str]:
    """The values the form shows: text inputs' values and each select's chosen option."""
    found = {name: unescape(value) for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html)}
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        found[name] = chosen.group(1) if chosen else ""
    return found


def test_the_order_receipt_offers_registering_with_the_details_carried_over(app, client, rows):
    response = submit(client, "/en/order-magazine/", {**ORDER, "country": "NO", "postal_code": "0150", "city": "Oslo"})
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<a class="md-button" href="/en/register/?carry=1">Register your household</a>' in receipt
    assert "Bo Berg" not in receipt and "bo@example.com" not in receipt  # nothing personal in the page's links
    page = client.get("/en/register/?carry=1")
    assert page.headers["Cache-Control"] == "no-store"
    shown = field_values(page.get_data(as_text=True))
    assert (shown["name"], shown["email"], shown["country"], shown["place"]) == (
        "Bo Berg",
        "bo@example.com",
        "NO",
        "Oslo",
    )
    # The form sends as any other: its own submission id, start time and CSRF token.
    form = {k: v for k, v in shown.items() if k in ("csrf_token", "submission_id", "started")}
    assert submit(client, "/en/register/", REGISTRATION, form=form).status_code == 303
    # Without the link's parameter, in another browser, or long after, the form is empty.
    assert "Bo Berg" not in client.get("/en/register/").get_data(as_text=True)
    assert "Bo Berg" not in app.test_client().get("/en/register/?carry=1").get_data(as_text=True)


def test_the_carried_details_expire_and_a_withdrawn_record_carries_nothing(app, client, rows):
    submit(client, "/bestall-magasinet/", ORDER)
    assert "Bo Berg" in client.get("/registrera/?carry=1").get_data(as_text=True)
    with client.session_transaction() as session:
        session["carry"] = {
            **session["carry"],
            "order": {**session["carry"]["order"], "at": int(time.time()) - 31 * 60},
        }
    assert "Bo Berg" not in client.get("/registrera/?carry=1").get_data(as_text=True)
    with client.session_transaction() as session:
        session["carry"] = {**session["carry"], "order": {**session["carry"]["order"], "at": int(time.time())}}
    assert "Bo Berg" in client.get("/registrera/?carry=1").get_data(as_text=True)
    with app.app_context():
        db.session().execute(update(MagazineOrder).values(withdrawn_at=datetime.now(UTC)))
        db.session().commit()
    assert "Bo Berg" not in client.get("/registrera/?carry=1").get_data(as_text=True)


def test_the_registration_receipt_offers_the_magazine_with_the_details_carried_over(client, rows):
    response = submit(client, "/registrera/", REGISTRATION)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<a class="md-button" href="/bestall-magasinet/?carry=1">Beställ magasinet</a>' in receipt
    page = client.get("/bestall-magasinet/?carry=1")
    assert page.headers["Cache-Control"] == "no-store"
    shown = field_values(page.get_data(as_text=True))
    assert (shown["name"], shown["email"], shown["country"], shown["city"]) == (
        "Anna Andersson",
        "anna@example.com",
        "NO",
        "Trondheim",
    )
    assert shown["street"] == "" and shown["postal_code"] == ""  # a registration has no street address
    # Ordered: the order's receipt offers no second registration (a duplicate household), and the
    # household is still remembered beside the order.
    form = {k: v for k, v in shown.items() if k in ("csrf_token", "submission_id", "started")}
    ordered = submit(client, "/bestall-magasinet/", {**ORDER, "name": "Anna Andersson"}, form=form)
    order_receipt = client.get(ordered.headers["Location"]).get_data(as_text=True)
    assert "Tack för din beställning" in order_receipt and "?carry=1" not in order_receipt
    assert "Anna Andersson" in client.get("/bestall-magasinet/?carry=1").get_data(as_text=True)
    # Long after registering, the offer is back (a household registered in another life of the session).
    with client.session_transaction() as session:
        marks = session["carry"]
        session["carry"] = {**marks, "household": {**marks["household"], "at": int(time.time()) - 31 * 60}}
    again = submit(client, "/bestall-magasinet/", {**ORDER, "street": "Bygatan 2"})
    assert "/registrera/?carry=1" in client.get(again.headers["Location"]).get_data(as_text=True)
