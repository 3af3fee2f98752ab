"""Bad input: every case gets field errors or a clear 4xx, never a 500, and nothing is stored."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from intake.models import Household, MagazineOrder

from intake_helpers import ORDER, REGISTRATION, errors_in, fetch_form, hidden_fields, submit

SCRIPT = "<script>alert(1)</script>"

# (id, changes to a valid registration, the field that must show an error)
REGISTRATION_CASES = [
    ("missing name", {"name": ""}, "name"),
    ("blank name", {"name": "   "}, "name"),
    ("missing email", {"email": ""}, "email"),
    ("email without at", {"email": "anna.example.com"}, "email"),
    ("email without domain", {"email": "anna@"}, "email"),
    ("email with space", {"email": "an na@example.com"}, "email"),
    ("email header injection", {"email": "anna@example.com\r\nBcc: victim@example.org"}, "email"),
    ("email too long", {"email": "a" * 250 + "@example.com"}, "email"),
    ("phone with letters", {"phone": "call me maybe"}, "phone"),
    ("phone too short", {"phone": "12"}, "phone"),
    ("phone needed for calls", {"phone": "", "contact_channel": "phone"}, "contact_channel"),
    ("unknown channel", {"contact_channel": "pigeon"}, "contact_channel"),
    ("missing channel", {"contact_channel": ""}, "contact_channel"),
    ("unknown language", {"contact_language": "de"}, "contact_language"),
    ("unknown country", {"country": "XX"}, "country"),
    ("country name instead of code", {"country": "Sweden"}, "country"),
    ("missing place", {"place": ""}, "place"),
    ("line break in place", {"place": "Göteborg\r\nBcc: x@example.org"}, "place"),
    ("line feed in name", {"name": "Anna\nAndersson"}, "name"),
    ("control character in name", {"name": "Anna\x00Andersson"}, "name"),
    ("script in name", {"name": SCRIPT}, "name"),
    ("html in occupation", {"occupation": '<a href="http://spam.example">cheap</a>'}, "occupation"),
    ("html in message", {"message": f"Hej {SCRIPT}"}, "message"),
    ("script in partner", {"partner_occupation": SCRIPT}, "partner_occupation"),
    ("missing occupation", {"occupation": ""}, "occupation"),
    ("name too long", {"name": "A" * 201}, "name"),
    ("place too long", {"place": "B" * 201}, "place"),
    ("work sought too long", {"work_sought": "C" * 501}, "work_sought"),
    ("message of 10 000 characters", {"message": "D" * 10_000}, "message"),
    ("negative children", {"children_count": "-1"}, "children_count"),
    ("absurd number of children", {"children_count": "99"}, "children_count"),
    ("children not a number", {"children_count": "two"}, "children_count"),
    ("negative age", {"children_ages": "-3, 7"}, "children_ages"),
    ("absurd age", {"children_ages": "3, 170"}, "children_ages"),
    ("age not a number", {"children_ages": "three, seven"}, "children_ages"),
    ("ages do not match count", {"children_count": "3", "children_ages": "3, 7"}, "children_ages"),
    ("no municipality", {"municipalities": []}, "municipalities"),
    ("unknown municipality", {"municipalities": ["atlantis"]}, "municipalities"),
    ("unsure and a municipality", {"municipalities": ["unsure", "are"]}, "municipalities"),
    ("forged seek", {"seeks": ["job", "gold"]}, "seeks"),
    ("forged tenure", {"housing_tenure": "steal"}, "housing_tenure"),
    ("forged housing type", {"housing_types": ["castle"]}, "housing_types"),
    ("forged setting", {"housing_setting": "moon"}, "housing_setting"),
    ("missing timeframe", {"timeframe": ""}, "timeframe"),
    ("forged timeframe", {"timeframe": "never"}, "timeframe"),
    ("forged heard from", {"heard_from": "tv"}, "heard_from"),
    ("privacy not acknowledged", {"privacy": ""}, "privacy"),
]

ORDER_CASES = [
    ("missing name", {"name": ""}, "name"),
    ("missing street", {"street": ""}, "street"),
    ("script in street", {"street": SCRIPT}, "street"),
    ("line break in street", {"street": "Storgatan 1\r\nTo: x@example.org"}, "street"),
    ("missing postal code", {"postal_code": ""}, "postal_code"),
    ("swedish code too short", {"postal_code": "1234"}, "postal_code"),
    ("swedish code too long", {"postal_code": "123456"}, "postal_code"),
    ("swedish code with letters", {"postal_code": "12A 45"}, "postal_code"),
    ("swedish code split wrongly", {"postal_code": "12 345"}, "postal_code"),
    ("norwegian code of five", {"country": "NO", "postal_code": "01500"}, "postal_code"),
    ("danish code with letters", {"country": "DK", "postal_code": "DK-1050"}, "postal_code"),
    ("finnish code of four", {"country": "FI", "postal_code": "0010"}, "postal_code"),
    ("foreign code with symbols", {"country": "DE", "postal_code": "10$15"}, "postal_code"),
    ("foreign code too long", {"country": "GB", "postal_code": "SW1A 1AA 1AA 1"}, "postal_code"),
    ("missing city", {"city": ""}, "city"),
    ("unknown country", {"country": "XX"}, "country"),
    ("bad e-mail", {"email": "bo@"}, "email"),
    ("privacy not acknowledged", {"privacy": ""}, "privacy"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [c[1:] for c in REGISTRATION_CASES], ids=[c[0] for c in REGISTRATION_CASES]
)
def test_bad_registration(client, rows, changes, field):
    response = submit(client, "/registrera/", {**REGISTRATION, **changes})
    assert response.status_code == 422
    errors = errors_in(response.get_data(as_text=True))
    assert field in errors, errors
    assert rows(Household) == []


@pytest.mark.parametrize(("changes", "field"), [c[1:] for c in ORDER_CASES], ids=[c[0] for c in ORDER_CASES])
def test_bad_order(client, rows, changes, field):
    response = submit(client, "/en/order-magazine/", {**ORDER, **changes})
    assert response.status_code == 422
    errors = errors_in(response.get_data(as_text=True))
    assert field in errors, errors
    assert rows(MagazineOrder) == []


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("SE", "83131", "831 31"),
        ("SE", "831 31", "831 31"),
        ("NO", "0150", "0150"),
        ("DK", "1050", "1050"),
        ("FI", "00100", "00100"),
        ("GB", "sw1a 1aa", "SW1A 1AA"),
        ("DE", "10115", "10115"),
    ],
)
def test_good_postal_codes_are_stored_in_their_usual_form(client, rows, country, typed, stored):
    assert submit(client, "/bestall-magasinet/", {**ORDER, "country": country, "postal_code": typed}).status_code == 303
    [order] = rows(MagazineOrder)
    assert order.postal_code == stored


REQUEST_CASES = [
    ("no csrf token", lambda form: form.pop("csrf_token")),
    ("no submission id", lambda form: form.pop("submission_id")),
    ("forged submission id", lambda form: form.update(submission_id="../../etc/passwd")),
]


@pytest.mark.parametrize("mangle", [c[1] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES])
def test_mangled_hidden_fields_renew_the_form_and_keep_the_data(client, rows, mangle):
    form = fetch_form(client, "/registrera/")
    mangle(form)
    response = submit(client, "/registrera/", REGISTRATION, form=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Formuläret hade hunnit gå ut" in html and 'value="Anna Andersson"' in html
    assert rows(Household) == []
    renewed = hidden_fields(html)
    assert submit(client, "/registrera/", REGISTRATION, form=renewed).status_code == 303


# Campaign parameters come from a link, not from the person who sends the form: a value that is not
# a campaign name is dropped, the form is never refused for it.
CAMPAIGN_CASES = [
    ("facebook", "facebook"),
    ("höstkampanj 2026", "höstkampanj 2026"),  # the Swedish letters; a + in a link is a space
    ("Vinter-2026_v1.2~b", "Vinter-2026_v1.2~b"),
    ("  padded  ", "padded"),
    ("x" * 100, "x" * 100),
    ("x" * 101, None),
    ('=HYPERLINK("http://evil.example","x")', None),
    ("-2+3", None),
    ("@SUM(1+1)", None),
    ("+46", None),
    ("a;=1+1", None),
    ("<script>alert(1)</script>", None),
    ("tab\tinside", None),
    ("line\nbreak", None),
    ("http://evil.example/", None),
]


@pytest.mark.parametrize(("sent", "stored"), CAMPAIGN_CASES)
@pytest.mark.parametrize("how", ["link", "post"])
def test_campaign_parameters_that_are_not_campaign_names_are_dropped(client, rows, sent, stored, how):
    if how == "link":
        form = fetch_form(client, "/registrera/?" + urlencode({"utm_source": sent, "utm_term": sent}))
        assert form["utm_source"] == (stored or "")  # the page never carries it on
        response = submit(client, "/registrera/", REGISTRATION, form=form)
    else:  # a forged post skips the page
        response = submit(client, "/registrera/", {**REGISTRATION, "utm_source": sent, "utm_term": sent})
    assert response.status_code == 303
    [household] = rows(Household)
    assert (household.utm_source, household.utm_term) == (stored, stored)


def test_an_order_drops_them_too(client, rows):
    assert (
        submit(client, "/bestall-magasinet/", {**ORDER, "utm_campaign": "=1+1", "utm_medium": "e-post"}).status_code
        == 303
    )
    [order] = rows(MagazineOrder)
    assert (order.utm_campaign, order.utm_medium) == (None, "e-post")


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "x" * 100_000, "content_type": "application/x-www-form-urlencoded"}, 413),
        ({"data": b"\xff\xfe\x00garbage", "content_type": "application/x-www-form-urlencoded"}, 422),
        ({"json": {"name": "Anna"}}, 422),
        ({"data": "", "content_type": "multipart/form-data; boundary=broken"}, 422),
    ],
    ids=["oversized body", "undecodable body", "json body", "broken multipart"],
)
def test_malformed_requests_get_a_4xx(client, rows, kwargs, status):
    response = client.post("/registrera/", **kwargs)
    assert response.status_code == status
    assert rows(Household) == []


def test_there_are_at_least_fifty_bad_inputs():
    assert len(REGISTRATION_CASES) + len(ORDER_CASES) + len(REQUEST_CASES) >= 50
