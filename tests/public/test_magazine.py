"""The magazine's order page says, from content, what someone wants to know before ordering: its
language(s), whether it is posted abroad, its price and how long it takes; what content leaves out,
the page leaves out."""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest

from intake import create_app
from intake.models import MagazineOrder

from tests.support.helpers import ROOT, tasteget
from tests.support.intake_helpers import ORDER, errors_in, intake_config, submit

# Test data only: the shipped content states none of these (our sources do not say).
FACTS = """\
  languages: [sv, en]
  ships_abroad: false
  price: {sv: Gratis, en: Free}
  delivery: {sv: Inom två veckor, en: Within two weeks}
"""


def facts_in(html: str) -> dict[str, str]:
    found = re.search(r'<dl class="ts-magazine-facts">(.*?)</dl>', html, re.S)
    if found is None:
        return {}
    return {unescape(dt): unescape(dd) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", found.group(1))}


@pytest.fixture(scope="module")
def stated_site(tmp_path_factory):
    """A copy of the content whose magazine states all four facts, and the site built from it."""
    folder = tmp_path_factory.mktemp("stated")
    content = shutil.copytree(ROOT / "content", folder / "content")
    region = content / "region.yml"
    text = region.read_text(encoding="utf-8")
    region.write_text(text.replace("\n# Keep the number of days", f"{FACTS}\n# Keep the number of days", 1), "utf-8")
    site = folder / "site"
    result = tasteget("build", "--site-dir", str(site), content=content)
    assert result.returncode == 0, result.stdout + result.stderr
    return content, site


@pytest.fixture
def stated(app, stated_site):
    """The intake on that content."""
    content, site = stated_site
    started = create_app(intake_config(app.config["DATABASE_URL"], site, CONTENT_DIR=str(content)))
    yield started
    started.extensions["db_engine"].dispose()


def test_the_order_page_states_the_magazines_facts_in_the_pages_language(stated):
    client = stated.test_client()
    assert facts_in(client.get("/en/order-magazine/").get_data(as_text=True)) == {
        "Language": "Swedish and English",
        "Posted to": "Addresses in Sweden only",
        "Price": "Free",
        "Delivery": "Within two weeks",
    }
    assert facts_in(client.get("/bestall-magasinet/").get_data(as_text=True)) == {
        "Språk": "Svenska och engelska",
        "Skickas till": "Bara adresser i Sverige",
        "Pris": "Gratis",
        "Leverans": "Inom två veckor",
    }


def test_posted_in_sweden_only_refuses_an_address_abroad_and_says_why(stated, rows):
    client = stated.test_client()
    response = submit(client, "/en/order-magazine/", {**ORDER, "country": "NO", "postal_code": "0150"})
    assert response.status_code == 422
    assert (
        errors_in(response.get_data(as_text=True))["country"] == "The magazine is posted to addresses in Sweden only."
    )
    assert rows(MagazineOrder) == []
    assert submit(client, "/en/order-magazine/", ORDER).status_code == 303


def test_what_content_does_not_state_is_left_off_the_page(client):
    """The shipped content states none of the four (`tasteget check` warns): nothing is guessed."""
    html = client.get("/en/order-magazine/").get_data(as_text=True)
    assert facts_in(html) == {} and "ts-magazine-facts" not in html
    assert submit(client, "/en/order-magazine/", {**ORDER, "country": "NO", "postal_code": "0150"}).status_code == 303
