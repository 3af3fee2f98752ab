"""The intake's own pages are compressed only where nothing in them comes from the request, so a
page's compressed length never tells a secret on it (BREACH; see intake.web.compression)."""

from __future__ import annotations

import gzip
import random
import statistics

import brotli
import pytest

from intake.web import compression

from tests.support.intake_helpers import REGISTRATION, hidden_fields, make_staff, staff_login, submit

BOTH = {"Accept-Encoding": "br, gzip"}
FORMS = ["/registrera/", "/bestall-magasinet/", "/en/register/", "/en/order-magazine/"]


def get(client, url, **headers):
    return client.get(url, headers={**BOTH, **headers}, buffered=True)


@pytest.mark.parametrize("url", FORMS)
def test_a_form_page_reached_from_the_site_is_compressed(client, url):
    response = get(client, url)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br" and "Accept-Encoding" in response.headers["Vary"]
    html = brotli.decompress(response.get_data()).decode()
    assert hidden_fields(html)["csrf_token"] and len(response.get_data()) < len(html) / 3
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    gzipped = get(client, url, **{"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and "</html>" in gzip.decompress(gzipped.get_data()).decode()
    plain = client.get(url, buffered=True)
    assert "Content-Encoding" not in plain.headers and "</html>" in plain.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]


def test_nothing_reflected_from_the_request_is_compressed(app, client):
    # A campaign link: its utm_* values are in the page, beside the CSRF token.
    campaign = get(client, "/registrera/?utm_source=facebook&utm_campaign=var2027")
    assert "Content-Encoding" not in campaign.headers and 'value="var2027"' in campaign.get_data(as_text=True)
    # A form sent back with its errors shows what was typed.
    sent = submit(client, "/registrera/", {**REGISTRATION, "email": "not an address"}, headers=BOTH)
    assert sent.status_code == 422 and "Content-Encoding" not in sent.headers
    # A receipt (reached by its reference) and the back office: private, and never compressed.
    done = submit(client, "/registrera/", REGISTRATION)
    receipt = get(client, done.headers["Location"])
    assert receipt.status_code == 200 and "Content-Encoding" not in receipt.headers
    assert "Content-Encoding" not in get(client, "/crm/login/").headers
    staff_login(client, make_staff(app, "samordnare@region.example", "coordinator"))
    for url in ("/crm/households/", "/crm/households/?q=Anna"):
        office = get(client, url)
        assert office.status_code == 200 and "Content-Encoding" not in office.headers


def test_flask_wtf_tokens_begin_the_same_in_every_response_of_a_session(client):
    """Why a form page with reflected input is not compressed (rather than masking the token):
    Flask-WTF's token is the session's secret signed with a timestamp, and begins with that secret."""
    tokens = {
        hidden_fields(client.get("/registrera/", buffered=True).get_data(as_text=True))["csrf_token"] for _ in range(3)
    }
    assert len({token.split(".")[0] for token in tokens}) == 1


def transferred(client, guess: str) -> int:
    return len(get(client, f"/registrera/?utm_campaign={guess}").get_data())


def test_a_form_pages_compressed_size_does_not_tell_a_guessed_token_prefix(client):
    """BREACH: an attacker makes the victim's browser load the form with guesses in utm_campaign. A
    right guess of the token's beginning must not make the page any shorter on the wire (with these
    pages compressed, 24 right characters came out 24 bytes shorter, every time)."""
    secret = hidden_fields(client.get("/registrera/", buffered=True).get_data(as_text=True))["csrf_token"].split(".")[0]
    prefix = secret[:24]
    shuffled = random.Random(18).sample(prefix, len(prefix))
    wrong = "".join(shuffled) if "".join(shuffled) != prefix else prefix[::-1]
    rights, wrongs = [], []
    for _ in range(15):
        rights.append(transferred(client, prefix))
        wrongs.append(transferred(client, wrong))
    # A page's own values (its token's timestamp, say) may change its length by a byte now and then.
    assert abs(statistics.median(rights) - statistics.median(wrongs)) <= 2, (rights, wrongs)


def test_what_is_compressed_is_decided_per_response(app):
    with app.test_request_context("/registrera/?utm_source=x"):
        response = app.response_class("<html>" + "x" * 5000, mimetype="text/html")
        assert not compression.safe_to_compress(response)
    with app.test_request_context("/registrera/"):
        assert compression.safe_to_compress(app.response_class("<html>", mimetype="text/html"))
        assert not compression.safe_to_compress(app.response_class("{}", mimetype="application/json"))
        kept = app.response_class("<html>", mimetype="text/html", headers={"Cache-Control": "no-store"})
        assert not compression.safe_to_compress(kept)
        small = compression.compress(app.response_class("<html></html>", mimetype="text/html"))
        assert "Content-Encoding" not in small.headers  # too small to gain anything


@pytest.mark.parametrize(
    "url",
    [
        "/static/vendor/accessible-autocomplete/3.0.1/accessible-autocomplete.min.js",
        "/static/public/occupation.css",
        "/static/occupations/sv/s.json",
        "/crm/static/crm.css",
    ],
)
def test_the_intakes_own_files_are_compressed_and_still_conditional(client, url):
    plain = client.get(url, buffered=True)
    response = get(client, url)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == plain.get_data()
    assert response.headers["Content-Type"] == plain.headers["Content-Type"]
    assert "Accept-Encoding" in response.headers["Vary"] and response.headers["ETag"] != plain.headers["ETag"]
    again = get(client, url, **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    gzipped = get(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert gzipped.status_code == 200 and gzip.decompress(gzipped.get_data()) == plain.get_data()
    ranged = get(client, url, Range="bytes=0-9")
    assert "Content-Encoding" not in ranged.headers
