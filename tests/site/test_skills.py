"""The region's skill needs on the site: the skills page in both languages, the home page's block,
the municipality pages' pointer, and the search index that finds the occupations."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from tasteget.content.load import check
from tasteget.occupations import barometer, taxonomy
from tasteget.site import routes, skills
from tasteget.site.labels import LABELS, OUTLOOKS, STATUSES

from tests.support.helpers import ROOT

PATHS = {"sv": "/kompetensbehov/", "en": "/en/skills-in-demand/"}


def html(site: Path, url: str) -> str:
    path = site / url.lstrip("/") / "index.html"
    assert path.is_file(), f"{url} was not built"
    return path.read_text(encoding="utf-8")


def article(page: str) -> str:
    """The page's own content, without the header, navigation and footer."""
    return page.split("<article", 1)[1].rsplit("</article>", 1)[0]


def search_docs(site: Path, lang: str) -> list[dict]:
    folder = site / routes.PREFIX[lang].lstrip("/") / "search" / "search_index.json"
    return json.loads(folder.read_text(encoding="utf-8"))["docs"]


def tokens(text: str) -> set[str]:
    """Words as lunr's tokenizer and trimmer make them (whitespace and hyphens split, punctuation trimmed)."""
    plain = unescape(re.sub(r"<[^>]+>", " ", text)).casefold()
    return {re.sub(r"^\W+|\W+$", "", w) for w in re.split(r"[\s\-]+", plain)} - {""}


def test_the_new_addresses_are_stable():
    assert routes.url("skills", "sv") == PATHS["sv"]
    assert routes.url("skills", "en") == PATHS["en"]


def test_the_page_lists_every_national_shortage_row_by_field_with_level_round_and_source(built_site):
    b, tax = barometer.load(), taxonomy.load()
    shortage = b.in_area(barometer.NATIONAL, "brist")
    assert len(shortage) > 50  # the shipped round's 57
    for lang, url in PATHS.items():
        t = LABELS[lang]
        page = unescape(html(built_site, url))
        assert f">{t['skills_title']}</h1>" in page
        body = article(page)
        for label in (
            t["skills_level_national"],
            t["skills_round_value"].format(round="2026-1"),
            "Yrkesbarometer",
            "CC0",
        ):
            assert label in body, f"{url} does not name {label!r}"
        for row in shortage:
            assert row.occupation in body
            for code in row.ssyk:
                group = tax.group(code)
                # The group under its field's heading (in the page's language), with its vacancies link
                field = re.escape(tax.group(group.field).name(lang))
                section = re.search(rf'<h2 id="[^"]*">{field}</h2>(.*?)(?:<h2 |$)', body, re.S)
                assert section, f"{url}: no heading for field {group.field}"
                assert f'<h3 id="ssyk-{code}">{group.name(lang)}</h3>' in section.group(1)
                link = f"https://arbetsformedlingen.se/platsbanken/annonser?p=5:{group.concept_id}"
                assert f'href="{link}"' in section.group(1)
        # English names from SCB on the English page, Swedish as published on the Swedish one
        assert (
            '<h3 id="ssyk-2221">' + ("Professional nurses" if lang == "en" else "Grundutbildade sjuksköterskor") in body
        )
        # Not attributed to any municipality
        for m in check(ROOT / "content").site.municipalities.values():
            assert not re.search(rf"\b{re.escape(m.name)}\b", body), f"{url} names {m.name}"


def test_every_row_of_a_shown_group_is_listed_with_its_own_status(built_site):
    # 8332 Lastbilsförare m.fl. has three shortage rows and one in balance
    rows = barometer.load().rows_for("8332")
    assert {r.status for r in rows} == {"brist", "balans"}
    for lang, url in PATHS.items():
        body = unescape(article(html(built_site, url)))
        card = body.split('<h3 id="ssyk-8332">', 1)[1].split("</article>", 1)[0]
        items = re.findall(r"<li>(.*?)</li>", card, re.S)
        assert len(items) == len(rows)
        for item, row in zip(items, rows, strict=True):
            assert row.occupation in item
            assert f">{STATUSES[lang][row.status][0]}</span>" in item
            assert OUTLOOKS[lang][row.outlook] in item


def test_the_page_and_its_translation_are_in_the_navigation_and_the_language_switcher(built_site):
    for lang, url in PATHS.items():
        other = PATHS[routes.other(lang)]
        page = html(built_site, url)
        assert f'hreflang="{routes.other(lang)}"' in page or other in page
        assert f'href="{other}"' in page  # the language switcher
        home = html(built_site, routes.url("home", lang))
        nav = home.split('<nav class="md-tabs"', 1)[1].split("</nav>", 1)[0]
        assert LABELS[lang]["skills"] in nav and url.rstrip("/").rsplit("/", 1)[1] in nav


def test_home_page_shows_what_the_region_needs_and_links_every_anchor(built_site):
    for lang, url in PATHS.items():
        t = LABELS[lang]
        home = article(html(built_site, routes.url("home", lang)))
        assert f">{t['region_needs']}</h2>" in home
        block = home.split(f">{t['region_needs']}</h2>", 1)[1].split("<h2", 1)[0]
        anchors = re.findall(r'href="[^"#]*#(ssyk-\d{4})"', block)
        assert 3 <= len(anchors) <= 6
        skills_page = html(built_site, url)
        for anchor in anchors:
            assert f'id="{anchor}"' in skills_page
        assert t["region_needs_more"] in block


@pytest.mark.parametrize("lang", routes.LANGS)
def test_municipality_pages_without_needs_point_to_the_regions_page(built_site, lang):
    site = check(ROOT / "content").site
    for slug, m in site.municipalities.items():
        assert not m.work.in_demand  # all of them today; a municipality's own list replaces the pointer
        body = unescape(article(html(built_site, routes.url("municipalities", lang, slug))))
        assert LABELS[lang]["municipality_needs_none"].format(name=m.name) in body
        skills_link = "../../" + routes.SECTIONS["skills"][lang] + "/"
        assert f'href="{skills_link}"' in body, f"{slug} ({lang}) does not link to the skills page"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["nurses", "professional", "grundutbildade", "sjuksköterska"]),
        ("sv", ["sjuksköterska", "undersköterska", "sjuksköterskor", "nurses"]),
    ],
)
def test_search_index_has_the_occupations_by_group_and_occupation_names(built_site, lang, words):
    docs = [d for d in search_docs(built_site, lang) if d["location"].startswith(routes.SECTIONS["skills"][lang])]
    found = set().union(*(tokens(d["title"] + " " + d["text"]) for d in docs))
    assert set(words) <= found
    # Each group is its own search result, titled with its name in the language and anchored to it
    by_anchor = {d["location"].split("#", 1)[1]: d for d in docs if "#" in d["location"]}
    nurses = by_anchor["ssyk-2221"]
    assert nurses["title"] == taxonomy.load().group("2221").name(lang)
    assert "Sjuksköterska, grundutbildad" in nurses["text"]  # the taxonomy's occupation names under the group
    # An occupation name under a paradox group: "Undersköterska, hemtjänst, äldreboende och habilitering"
    assert "Undersköterska, hemtjänst" in by_anchor["ssyk-5321"]["text"]


def test_region_needs_uses_the_lans_rows_once_imported_and_lists_every_row():
    def row(name, ssyk, lan, status, outlook="öka"):
        return {
            "yb_yrke": name,
            "ssyk": ssyk,
            "lan": lan,
            "rekryteringssituation": status,
            "prognos": outlook,
            "omgang": "2026-1",
        }

    data = {
        "rows": [
            row("Grundutbildade sjuksköterskor", ["2221"], "00", "brist"),
            row("Lastbilsförare", ["8332"], "23", "brist"),
            row("Bygg- och anläggningsförare", ["8332"], "23", "balans"),
            row("Undersköterskor inom hemtjänst", ["5321"], "23", "paradox", "minska"),
            row("Kockar", ["5120"], "23", "balans"),  # not a need: not shown
            row("Okänd", ["9998"], "23", "brist"),  # a code the taxonomy lacks: skipped
        ]
    }
    b = barometer.from_data(data)
    needs = skills.region_needs("23", barometer=b)
    assert needs.area == "23" and not needs.national and needs.round == "2026-1"
    assert [f.field.code for f in needs.fields] == ["5", "8"]
    assert [d.group.code for d in needs.demands] == ["5321", "8332"]
    assert [r.status for r in needs.demands[1].rows] == ["brist", "balans"]
    assert needs.shortages == 2 and needs.statuses == ["brist", "balans", "paradox"]
    assert [d.group.code for d in needs.highlights()] == ["8332"]  # shortage groups only
    national = skills.region_needs("24", barometer=b)  # no rows for that län: Sweden as a whole
    assert national.national and [d.group.code for d in national.demands] == ["2221"]


def _generated(site, lang: str, section: str) -> str:
    from tasteget.site.pages import render

    [page] = [p for p in render(site, lang) if p.src_path == routes.src_path(section, lang)]
    return page.markdown


def test_listed_needs_are_attributed_to_the_municipalities_that_listed_them(sample):
    """Once communicators list needs, the skills page names who needs each group (linked), keeps the
    barometer's groups attributed to no municipality, and shows a listed group the barometer does not
    assess with "no assessment"; the home page's block puts the listed groups first."""
    from tests.content.test_needs import set_needs

    set_needs(sample, '    - ssyk: "2221"\n    - ssyk: "0110"\n')  # the first; the second keeps 2221 alone
    site = check(sample).site
    first, second = list(site.municipalities)
    names = {slug: site.municipalities[slug].name for slug in site.municipalities}
    for lang in ("sv", "en"):
        t = LABELS[lang]
        page = _generated(site, lang, "skills")
        assert t["skills_listed"].format(level=t["skills_level_national"]) in page
        nurses = page.split('id="ssyk-2221"', 1)[1].split("</article>", 1)[0]
        links = ", ".join(
            f'<a href="{routes.url("municipalities", lang, slug)}">{names[slug]}</a>' for slug in (first, second)
        )
        assert f"{t['skills_needed_in']}: {links}" in nurses
        officers = page.split('id="ssyk-0110"', 1)[1].split("</article>", 1)[0]
        assert f'{routes.url("municipalities", lang, first)}"' in officers
        assert routes.url("municipalities", lang, second) not in officers
        assert t["need_no_assessment"] in officers
        # A national shortage group nobody listed is still shown, tied to no municipality.
        other = next(d for d in skills.site_needs(site).demands if not d.municipalities and d.shortage)
        shown = page.split(f'id="{other.anchor}"', 1)[1].split("</article>", 1)[0]
        assert t["skills_needed_in"] not in shown
        home = _generated(site, lang, "home")
        block = home.split(f"## {t['region_needs']}", 1)[1].split("\n## ", 1)[0]
        assert t["region_needs_listed_intro"] in block
        items = [line for line in block.splitlines() if line.startswith("- [")]
        assert "#ssyk-0110)" in items[0] or "#ssyk-2221)" in items[0]
        assert f"({names[first]}, {names[second]})" in block


def test_each_municipality_is_matched_on_its_listed_groups_else_the_assessed_ones(sample):
    from tests.content.test_needs import set_needs

    set_needs(sample, '    - ssyk: "0110"\n')
    second = sample / "municipalities" / "kommun-0001.yml"
    second.write_text(second.read_text(encoding="utf-8").replace('  in_demand:\n    - {ssyk: "2221"}\n', ""))
    site = check(sample).site
    needs = skills.site_needs(site)
    found = skills.needs_by_municipality(site, needs)
    assert found["kommun-0000"] == skills.MunicipalityNeeds("kommun-0000", frozenset({"0110"}), True)
    assessed = {d.group.code for d in needs.demands if d.assessed}
    assert found["kommun-0001"].codes == assessed and not found["kommun-0001"].listed
    assert "0110" not in assessed  # listed, but not a barometer shortage
    assert skills.region_codes(needs) == assessed | {"0110"}
