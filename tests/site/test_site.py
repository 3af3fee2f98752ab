"""The built site: every page at its printed address, in both languages, with nothing from elsewhere."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse
from xml.etree import ElementTree

import pytest

from tasteget.content.load import check
from tasteget.editor.page import EDITOR_DIR
from tasteget.site import routes, shell
from tasteget.site.pages import render

from tests.support.helpers import ROOT, tasteget
from tests.support.sample_content import write_sample, write_story

SLUGS = ["are", "berg", "bracke", "harjedalen", "krokom", "ostersund", "ragunda", "stromsund"]
SECTION_PAGES = ["home", "municipalities", "skills", "coworking", "stories", "events", "privacy", "accessibility"]


class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self, html: str):
        super().__init__()
        self.loads: list[str] = []  # URLs the browser fetches on its own
        self.links: list[tuple[str, dict]] = []
        self.meta: dict[str, str] = {}
        self.hreflang: dict[str, str] = {}
        self.lang = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if (
            tag == "link"
            and a.get("href")
            and set((a.get("rel") or "").split())
            & {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "preconnect"}
        ):
            self.loads.append(a["href"])
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.hreflang[a["hreflang"]] = a["href"]
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], a))
        if tag == "meta" and a.get("content") is not None:
            self.meta[a.get("property") or a.get("name") or ""] = a["content"]


def read(site: Path, url: str) -> Page:
    path = site / url.lstrip("/") / "index.html"
    assert path.is_file(), f"{url} was not built"
    return Page(path.read_text(encoding="utf-8"))


def all_pages(site: Path) -> list[Path]:
    """The site's pages; not the editor's (/redigera/, tested in tests/editor/), which is no page of the site."""
    return sorted(path for path in site.rglob("*.html") if path.relative_to(site).parts[0] != EDITOR_DIR)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_municipality_page_in_both_languages_with_its_facts(built_site, slug):
    site = check(ROOT / "content").site
    m = site.municipalities[slug]
    for lang in routes.LANGS:
        url = routes.url("municipalities", lang, slug)
        html = (built_site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert "<h1" in html and m.name in html
        assert m.seat in html
        if m.population:
            figure = f"{m.population.count:,}".replace(",", "\u00a0" if lang == "sv" else ",")
            assert figure in html, f"{url} lacks its population figure"
        for space in m.coworking:
            assert space.name in html
        for guide in m.guides:
            assert f"mailto:{guide.email}" in html


def test_printed_addresses_exist(built_site):
    for path in [
        "/",
        "/kommuner/",
        "/kompetensbehov/",
        "/coworking/",
        "/berattelser/",
        "/integritet/",
        "/tillganglighet/",
        "/en/",
        "/en/municipalities/",
        "/en/skills-in-demand/",
        "/en/coworking/",
        "/en/stories/",
        "/en/privacy/",
        "/en/accessibility/",
    ]:
        read(built_site, path)
    assert (built_site / "404.html").is_file() and (built_site / "en" / "404.html").is_file()


def test_intake_paths_are_linked_but_not_generated(built_site):
    for path in ["registrera", "bestall-magasinet", "en/register", "en/order-magazine"]:
        assert not (built_site / path).exists()
    home = read(built_site, "/")
    hrefs = [h for h, _ in home.links]
    assert "/registrera/" in hrefs and "/bestall-magasinet/" in hrefs
    assert {"/en/register/", "/en/order-magazine/"} <= {h for h, _ in read(built_site, "/en/").links}


def test_nothing_is_loaded_from_another_host(built_site):
    offenders = []
    for path in all_pages(built_site):
        page = Page(path.read_text(encoding="utf-8"))
        offenders += [f"{path}: {u}" for u in page.loads if urlparse(u).netloc or u.startswith("//")]
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        offenders += [f"{css}: {u}" for u in re.findall(r"@import\s+url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text)]
        offenders += [f"{css}: {u}" for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text)]
    assert offenders == []
    assert "fonts.googleapis" not in (built_site / "index.html").read_text(encoding="utf-8")


def test_language_switcher_links_to_the_same_page(built_site):
    pairs = [(routes.url(s, "sv"), routes.url(s, "en")) for s in SECTION_PAGES]
    pairs += [(routes.url("municipalities", "sv", s), routes.url("municipalities", "en", s)) for s in SLUGS]
    for sv, en in pairs:
        for here, there, lang in ((sv, en, "en"), (en, sv, "sv")):
            page = read(built_site, here)
            switch = [h for h, a in page.links if a.get("hreflang") == lang]
            assert switch == [there], f"{here} switches to {switch}, expected {there}"


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(built_site: Path, lang: str) -> dict[str, dict[str, str]]:
    """Each `<loc>` of one language's sitemap, as a path, with its hreflang links, as paths."""
    root = ElementTree.parse(built_site / routes.PREFIX[lang].lstrip("/") / "sitemap.xml").getroot()
    return {
        urlparse(url.findtext("s:loc", namespaces=SITEMAP_NS)).path: {
            link.get("hreflang"): urlparse(link.get("href")).path
            for link in url.findall("x:link[@rel='alternate']", SITEMAP_NS)
        }
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_sitemaps_pair_every_page_with_its_translation(built_site):
    sitemaps = {lang: sitemap(built_site, lang) for lang in routes.LANGS}
    sv, en = routes.url("municipalities", "sv", "are"), routes.url("municipalities", "en", "are")
    assert sitemaps["sv"][sv] == {"sv": sv, "en": en}
    assert sitemaps["en"][en] == {"sv": sv, "en": en}
    for lang, urls in sitemaps.items():
        assert not any(shell.SHELL_DIR in loc for loc in urls)
        for loc, versions in urls.items():
            assert versions[lang] == loc
            there = versions[routes.other(lang)]
            assert sitemaps[routes.other(lang)].get(there) == versions, f"{loc} and {there} do not name each other"


def test_no_head_names_alternates_for_material_to_fetch_sitemaps_under(built_site):
    """Material fetches sitemap.xml under every `<link rel="alternate">` in the head (a 404 under a
    page's own path), so the sitemaps alone carry hreflang, and no head can contradict them."""
    assert [path for path in all_pages(built_site) if Page(path.read_text(encoding="utf-8")).hreflang] == []


def test_robots_txt_names_both_sitemaps_by_address_and_keeps_the_shells_out(built_site):
    """The sitemaps alone carry the language pairs, so search engines are told where both are."""
    assert not (built_site / "en" / "robots.txt").exists()  # robots.txt counts only at the root
    lines = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert [urlparse(address).path for address in sitemaps] == ["/sitemap.xml", "/en/sitemap.xml"]
    for address in sitemaps:
        assert urlparse(address).scheme in ("http", "https"), "robots.txt must name sitemaps by full address"
        assert (built_site / urlparse(address).path.lstrip("/")).is_file(), address
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    assert disallowed == [f"{routes.PREFIX[lang]}{shell.SHELL_DIR}/" for lang in routes.LANGS]
    for path in disallowed:
        assert (built_site / path.lstrip("/") / "index.html").is_file(), f"{path} is not in the build"


def test_pages_have_language_description_open_graph_and_footer(built_site):
    for path in all_pages(built_site):
        if path.name == "404.html":
            continue
        page = Page(path.read_text(encoding="utf-8"))
        lang = "en" if "/en/" in f"/{path.relative_to(built_site).as_posix()}" else "sv"
        assert page.lang == lang, path
        assert page.meta.get("description"), f"{path} has no description"
        for tag in ("og:title", "og:description", "og:url", "og:site_name", "og:locale", "og:image", "og:image:alt"):
            assert page.meta.get(tag), f"{path} has no {tag}"
        hrefs = [h for h, _ in page.links]
        assert routes.url("privacy", lang) in hrefs and routes.url("accessibility", lang) in hrefs, path


def test_404_pages_speak_their_language(built_site):
    assert "Sidan finns inte" in (built_site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in (built_site / "en" / "404.html").read_text(encoding="utf-8")


def test_search_uses_each_language(built_site):
    sv = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    en = json.loads((built_site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert sv["config"]["lang"] == ["sv"] and en["config"]["lang"] == ["en"]
    assert any("Härjedalen" in d["title"] for d in sv["docs"])
    assert not any(d["location"].startswith("en/") for d in sv["docs"])


def test_stories_page_invites_newcomers_to_tell_theirs(built_site):
    """Not an empty page: the invitation from region.yml (`stories.invite`), with its address, in each language."""
    invite = check(ROOT / "content").site.region.stories.invite
    for url, lang, said in [
        ("/berattelser/", "sv", "den första kan vara din"),
        ("/en/stories/", "en", "the first could be yours"),
    ]:
        html = (built_site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert said in html
        assert invite.text.get(lang).split(" – ")[0] in html
        assert f'href="mailto:{invite.email}"' in html


def test_stories_page_falls_back_to_the_coordinator_without_an_invitation(sample):
    site = check(sample).site
    assert site.region.stories is None
    page = next(p for p in render(site, "en") if p.src_path == routes.src_path("stories", "en"))
    assert "Tell your story" in page.markdown
    assert 'href="mailto:samordnare@prov.example"' in page.markdown


def test_coworking_page_groups_spaces_and_works_without_javascript(built_site):
    html = (built_site / "coworking" / "index.html").read_text(encoding="utf-8")
    for name in ("Kollektivet", "House Be", "Samverket"):
        assert name in html
    # The filter is hidden until the script shows it; every space is in the HTML.
    assert re.search(r'<form class="ts-filter" hidden>', html)
    assert html.count('class="ts-space"') == 3
    assert 'data-offers="drop_in phone_room meeting_room"' in html


def test_overview_compares_municipalities(built_site):
    html = (built_site / "kommuner" / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr>") == 9  # header + eight municipalities
    assert "6\u00a0145 km²" in html


def test_missing_english_falls_back_to_swedish_with_a_note(sample):
    path = sample / "municipalities" / "kommun-0000.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    en: Forestry and tourism.\n", ""), "utf-8")
    page = next(p for p in render(check(sample).site, "en") if p.src_path == "municipalities/kommun-0000.md")
    assert '<div class="ts-untranslated" lang="sv" markdown="1">' in page.markdown
    assert "This text is only available in Swedish." in page.markdown
    assert "Skog och turism." in page.markdown


def test_every_content_file_renders(sample):
    write_story(sample, "anna", "kommun-0001")
    site = check(sample).site
    for lang in routes.LANGS:
        paths = {p.src_path for p in render(site, lang)}
        for slug in site.municipalities:
            assert routes.src_path("municipalities", lang, slug) in paths
        assert routes.src_path("stories", lang, "anna") in paths
        assert {routes.src_path(s, lang) for s in SECTION_PAGES} <= paths


def test_generated_site_builds_strictly(tmp_path):
    content = write_sample(tmp_path / "content", municipalities=3, spaces=2)
    write_story(content, "anna", "kommun-0001")
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), content=content)
    assert result.returncode == 0, result.stdout + result.stderr
    story = read(tmp_path / "site", "/berattelser/anna/")
    assert "/en/stories/anna/" in [h for h, _ in story.links]
    assert "anna/" in (tmp_path / "site" / "kommuner" / "kommun-0001" / "index.html").read_text("utf-8")


def test_edit_links_point_at_the_content_file(sample, tmp_path):
    result = tasteget(
        "build", "--site-dir", str(tmp_path / "site"), content=sample, env={"REPO_URL": "https://git.example/ts"}
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "en" / "municipalities" / "kommun-0001" / "index.html").read_text("utf-8")
    assert 'href="https://git.example/ts/edit/main/content/municipalities/kommun-0001.yml"' in html


def test_build_stops_on_content_errors_with_the_checks_message(sample, tmp_path):
    path = sample / "municipalities" / "kommun-0000.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    desks: 2\n", "    desks: many\n"), "utf-8")
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), content=sample)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert f'{path}:29: coworking[0].desks: expected a whole number, got "many"' in out
    assert "Traceback" not in out
    assert not (tmp_path / "site" / "index.html").exists()


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("seat: &seat Kommun0000by\n", "anchors and aliases (&, *) are not allowed: write the value out in full"),
        ("seat: !!python/object:os.system ls\n", 'tag "!!python/object:os.system" is not allowed'),
    ],
    ids=["alias", "tag"],
)
def test_build_refuses_hostile_yaml_with_a_line(sample, tmp_path, new, message):
    path = sample / "municipalities" / "kommun-0000.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("seat: Kommun0000by\n", new), "utf-8")
    line = text[: text.index("seat:")].count("\n") + 1
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), content=sample)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"{path}:{line}: {message}" in out
    assert "Traceback" not in out


def test_relative_links_between_pages_resolve(built_site):
    """Every same-site link on every page points at a built page or file."""
    broken = []
    for path in all_pages(built_site):
        rel = path.relative_to(built_site).as_posix()
        if "_shell/" in rel:
            continue  # the intake's page template: its markers are filled per request
        base = "/" + rel
        for href, _ in Page(path.read_text(encoding="utf-8")).links:
            url = urlparse(urljoin(base, href))
            if url.scheme or url.netloc or href.startswith(("mailto:", "tel:", "#")):
                continue
            intake = (
                "/registrera/",
                "/bestall-magasinet/",
                "/besok/",
                "/en/register/",
                "/en/order-magazine/",
                "/en/visit/",
            )
            if url.path in intake:
                continue
            target = built_site / url.path.lstrip("/")
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{rel}: {href}")
    assert broken == []


@pytest.mark.parametrize("lang", routes.LANGS)
def test_the_shell_searches_its_own_languages_index(built_site, lang):
    """The intake's pages resolve Material's base to the language's root folder (with its slash), so
    the search on /en/register/ loads /en/search/search_index.json, not the Swedish index."""
    folder = built_site / routes.PREFIX[lang].lstrip("/") / shell.SHELL_DIR
    page = shell.Shell((folder / "index.html").read_text(encoding="utf-8"), f"{routes.PREFIX[lang]}{shell.SHELL_DIR}/")
    config = json.loads(
        re.search(r'<script id="__config" type="application/json">(.*?)</script>', page.head + page.tail).group(1)
    )
    assert config["base"] == routes.PREFIX[lang]
    assert (built_site / urljoin(config["base"], "search/search_index.json").lstrip("/")).is_file()


def test_every_page_starts_with_a_skip_link_to_its_content_and_names_its_search_dialog(built_site):
    """Material writes a skip link only on pages with a table of contents; ours is on every page
    (the shell of the forms too), the first link in the body, in the page's language."""
    pages = [*all_pages(built_site), *(built_site / p / shell.SHELL_DIR / "index.html" for p in ("", "en"))]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        lang = "en" if "/en/" in f"/{path.relative_to(built_site).as_posix()}" else "sv"
        # Material's own (on pages with a table of contents) is hidden by tasteget.css: Tab meets ours.
        body = re.sub(r'<div data-md-component="skip">.*?</div>', "", html.split("<body", 1)[1], flags=re.S)
        first_link = re.search(r"<a\b[^>]*>([^<]*)", body)
        assert 'href="#ts-main"' in first_link.group(0), path
        assert first_link.group(1).strip() == {"sv": "Gå till innehållet", "en": "Skip to content"}[lang], path
        assert len(re.findall(r'\bid="ts-main"[^>]*tabindex="-1"', html)) == 1, path
        name = {"sv": "Sök", "en": "Search"}[lang]
        assert f'role="dialog" aria-label="{name}"' in html, path  # Lighthouse's aria-dialog-name
