"""The editor at /redigera/ in a real browser, from a built site as `tasteget serve` sends it: Decap's
login screen in Swedish under the editor's own policy with no violation, our page without a git host
passing axe, and our widget for a text in both languages and our preview on an entry of the content.

The edit screens run on the real preview over a git checkout of the content (saving itself is
test_editor_journey_in_browser's).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tasteget.occupations import taxonomy
from tasteget.site.build import build_site
from tasteget.site.csp import editor_policy

from tests.browser.axe import WCAG_AA, axe_report
from tests.support.helpers import ROOT, serving
from tests.support.preview import content_checkout, previewing

SHOTS = Path(os.environ.get("TASTEGET_SHOTS", "/tmp/shots/editor-app"))
GITEA = {
    "EDITOR_BACKEND": "gitea",
    "EDITOR_REPO": "region/tasteget",
    "EDITOR_BASE_URL": "https://git.region.example",
    "EDITOR_API_ROOT": "https://git.region.example/api/v1",
    "EDITOR_APP_ID": "client-id",
}
RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def build(folder: Path, env: dict[str, str] | None = None, **options) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        build_site(ROOT, folder, compress=False, **options)
    return folder


def tasteget_serve(site: Path, folder: Path):
    """`tasteget serve` on the built site, in its own process; yields its address."""
    with serving(folder, site, "--no-worker") as server:
        yield server.base


@pytest.fixture(scope="module")
def gitea_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor-gitea")
    yield from tasteget_serve(build(folder / "site", GITEA), folder)


@pytest.fixture(scope="module")
def unconfigured_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor-off")
    yield from tasteget_serve(build(folder / "site"), folder)


@pytest.fixture
def opened(browser):
    """A page on a server, recording policy violations (event and console) and failed requests."""
    contexts = []

    def open_page(base: str, width: int = 1280):
        context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
        contexts.append(context)
        context.add_init_script(RECORD)
        page = context.new_page()
        page.console_violations, page.failed = [], []
        page.on(
            "console",
            lambda m: page.console_violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        return page

    yield open_page
    for context in contexts:
        context.close()


def violations(page) -> list[str]:
    return page.evaluate("() => window.__violations") + page.console_violations


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editor_greets_with_decaps_swedish_login_under_its_own_policy(opened, gitea_server, width):
    page = opened(gitea_server, width)
    response = page.goto("/redigera/")
    policy = response.headers["content-security-policy"]
    assert policy == editor_policy(["https://git.region.example"], ["https://git.region.example"])
    assert response.headers["x-robots-tag"] == "noindex"
    login = page.get_by_role("button", name="Logga in med Gitea")
    login.wait_for()
    assert page.title() == "Redigera – Ta Steget" and page.locator("html").get_attribute("lang") == "sv"
    page.screenshot(path=str(SHOTS / f"login-gitea-{width}.png"))
    assert violations(page) == []
    assert page.failed == []
    # The rest of the site keeps the strict policy, in the same browser.
    home = page.goto("/")
    assert "unsafe" not in home.headers["content-security-policy"]


def test_without_a_git_host_our_page_says_so_and_passes_axe(opened, unconfigured_server):
    page = opened(unconfigured_server)
    response = page.goto("/redigera/")
    assert response.headers["content-security-policy"] == editor_policy()
    assert page.get_by_role("heading", level=1).inner_text() == "Redigera – Ta Steget"
    assert "Redigeraren är inte inställd" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "not-set-up-1280.png"))
    assert axe_report(page) == ""
    assert violations(page) == [] and page.failed == []


# The edit screens, on the real preview -----------------------------------------------------------------


@pytest.fixture(scope="module")
def local_editor(tmp_path_factory):
    """The real preview (`make preview`) over a git checkout of the content: the editor saves and checks
    through the preview's own backend."""
    content = content_checkout(tmp_path_factory.mktemp("editor-local"))
    with previewing(
        content, ("/kommuner/are/", "Järpen"), {"TASTEGET_EDITOR_AUTHOR": "Kim <kim@region.example>"}
    ) as base:
        yield base


def checks_sent(page) -> list[dict]:
    """What the page's editor sends to the check, as it sends it."""
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/redigera/api/check") else None,
    )
    return sent


def open_are(page):
    page.goto("/redigera/#/collections/municipalities/entries/are")
    page.get_by_label("Svenska").first.wait_for()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_text_in_both_languages_is_edited_side_by_side_or_stacked(opened, local_editor, width):
    page = opened(local_editor, width)
    page.goto("/redigera/")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Kommuner").first.wait_for()
    page.screenshot(path=str(SHOTS / f"collections-{width}.png"))
    assert page.request.get("/redigera/config.yml").headers["content-type"].startswith("text/yaml")
    open_are(page)
    summary = page.locator("#" + page.get_by_label("Sammanfattning").first.get_attribute("id"))
    sv = summary
    en = page.locator(f"#{sv.get_attribute('id')}-en")
    assert (sv.get_attribute("lang"), en.get_attribute("lang")) == ("sv", "en")
    assert page.locator(f"label[for='{sv.get_attribute('id')}'][lang='sv']").inner_text() == "Svenska"
    assert page.locator(f"label[for='{sv.get_attribute('id')}-en'][lang='en']").inner_text().startswith("English")
    assert sv.input_value().startswith("Åre") or sv.input_value()  # the file's Swedish text, read
    left, right = sv.bounding_box(), en.bounding_box()
    if width >= 1000:
        assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + left["width"]  # side by side
    else:
        assert right["y"] > left["y"] + left["height"]  # stacked
    page.screenshot(path=str(SHOTS / f"edit-are-{width}.png"))
    assert violations(page) == []


def test_the_preview_sends_the_entry_to_the_check_and_shows_its_problems(opened, local_editor):
    page = opened(local_editor, 1280)
    sent = checks_sent(page)
    page.goto("/redigera/")
    page.get_by_role("button", name="Logga in").click()
    open_are(page)
    sv = page.get_by_label("Sammanfattning").first
    en = page.locator(f"#{sv.get_attribute('id')}-en")
    en.fill("")  # English left out: the value keeps Swedish only
    sv.fill("Fjäll, sjöar och jobb: en rad.")
    preview = page.frame_locator("iframe").first
    expect(preview.get_by_text("Kontrollen hittar inga fel.")).to_be_visible(timeout=15_000)
    page.wait_for_timeout(600)  # the check is asked once typing pauses
    assert sent[-1]["path"] == "content/municipalities/are.yml"
    assert json.loads(sent[-1]["raw"])["summary"] == {"sv": "Fjäll, sjöar och jobb: en rad."}
    en.fill("Fells, lakes and work.")
    page.wait_for_timeout(600)
    assert json.loads(sent[-1]["raw"])["summary"] == {
        "sv": "Fjäll, sjöar och jobb: en rad.",
        "en": "Fells, lakes and work.",
    }
    page.get_by_label("Landareal (km²) (frivillig)", exact=True).fill("0")  # the schema wants more than 0
    alert = preview.get_by_role("alert")
    expect(alert).to_contain_text("area_km2", timeout=15_000)
    page.screenshot(path=str(SHOTS / "preview-check-1280.png"))
    assert violations(page) == []
    # The preview is ours: axe finds nothing in its frame.
    frame = next(f for f in page.frames if f != page.main_frame and f.locator("article.ts-preview").count())
    assert frame.evaluate("() => [document.documentElement.lang, document.title]") == ["sv", "Förhandsgranskning"]
    results = Axe().run(frame, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_a_municipalitys_long_text_is_edited_as_its_plain_markdown_file(opened, local_editor):
    page = opened(local_editor, 1280)
    page.goto("/redigera/")
    page.get_by_role("button", name="Logga in").click()
    page.goto("/redigera/#/collections/municipality_texts")
    page.get_by_text("are.en").first.wait_for()  # both languages' files are listed
    page.goto("/redigera/#/collections/municipality_texts/entries/are")
    first_heading = next(
        line.lstrip("# ").strip()
        for line in (ROOT / "content/municipalities/are.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    )
    # The markdown editor, loaded lazily from the site, shows the plain Markdown as the file has it.
    page.get_by_text(f"## {first_heading}").first.wait_for()
    preview = page.frame_locator("iframe").first
    preview.get_by_role("heading", level=2, name=first_heading).wait_for()  # rendered in the preview
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "edit-are-text-1280.png"))
    assert violations(page) == [] and page.failed == []


def test_a_skill_need_is_chosen_from_the_occupation_list_by_name(opened, local_editor):
    page = opened(local_editor, 1280)
    sent = checks_sent(page)
    page.goto("/redigera/")
    page.get_by_role("button", name="Logga in").click()
    open_are(page)
    page.get_by_role("button", name="Lägg till kompetensbehov").click()  # Decap's Swedish, completed by us
    group = page.get_by_role("combobox", name="Yrkesgrupp (SSYK)").last
    group.fill("grundutbildade sjuksk")  # searched by name: nobody types a code
    page.get_by_role("option", name=re.compile(r"^2221 Grundutbildade sjuksköterskor")).click()
    name = page.get_by_role("combobox", name="Yrkesbenämning").last
    name.fill("Sjuksköterska, grund")
    page.get_by_role("option", name="Sjuksköterska, grundutbildad (2221)").click()
    page.wait_for_timeout(800)  # the check is asked once typing pauses
    page.screenshot(path=str(SHOTS / "need-chosen-1280.png"))
    need = json.loads(sent[-1]["raw"])["work"]["in_demand"][-1]
    assert need["ssyk"] == "2221"
    assert need["occupation"] == next(
        o.concept_id for o in taxonomy.load().occupations() if o.name_sv == "Sjuksköterska, grundutbildad"
    )
    assert violations(page) == []
