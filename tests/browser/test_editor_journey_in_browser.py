"""A communicator edits the site in the browser: the editor at /redigera/ in a real `tasteget preview`
over a git checkout of the content, saving through the preview's own backend.

They change a municipality's summary, add a skill need chosen by name and a coworking space, and
save: the file on disk keeps its comment and everything else, passes the check, is one commit in
their name, and the preview shows the change. A value that cannot be right is refused with the field
named before anything is written; the same journey works with the keyboard alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tasteget.content import yamlfile
from tasteget.content.load import check
from tasteget.site import csp

from tests.browser.axe import WCAG_AA
from tests.browser.test_editor_in_browser import RECORD, violations
from tests.support import preview
from tests.support.preview import content_checkout, git

SHOTS = Path(os.environ.get("TASTEGET_SHOTS", "/tmp/shots/editor-journey"))
AUTHOR = ("Kim Kommunikatör", "kim@region.example")
COMMENT = "# Granskad av kommunikatören 2026-12-01: den här raden ska stå kvar."
ARE = Path("municipalities/are.yml")
SUMMARY = "Åre har fjäll, sjöar och jobb året runt. Centralorten Järpen ligger vid E14 och Mittbanan."


@pytest.fixture
def checkout(tmp_path) -> Path:
    """The shipped content as a git checkout of its own, with a comment a communicator wrote."""
    content = content_checkout(tmp_path)
    are = content / ARE
    are.write_text(COMMENT + "\n" + are.read_text(encoding="utf-8"), encoding="utf-8")
    git(content, "-c", "user.name=Setup", "-c", "user.email=setup@example.se", "commit", "-q", "-am", "comment")
    return content


def previewing(content: Path):
    """`make preview`'s command over `content`, saving in the communicator's name."""
    return preview.previewing(
        content, ("/kommuner/are/", "Järpen"), {"TASTEGET_EDITOR_AUTHOR": f"{AUTHOR[0]} <{AUTHOR[1]}>"}
    )


@pytest.fixture
def editor(browser, checkout):
    """The editor in a browser page on the preview, signed in; failed requests are recorded."""
    with previewing(checkout) as base:
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD)  # the editor runs under its own policy, as in production
        page = context.new_page()
        page.failed, page.console_violations = [], []
        page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on(
            "console",
            lambda m: page.console_violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto("/redigera/")
        page.get_by_role("button", name="Logga in").click()
        page.get_by_role("link", name="Kommuner").first.wait_for()
        yield page
        context.close()


def open_are(page) -> None:
    page.goto("/redigera/#/collections/municipalities/entries/are")
    page.get_by_label("Sammanfattning").first.wait_for()


def publish(page) -> None:
    page.get_by_role("button", name="Publicera", exact=True).click()
    page.get_by_role("menuitem", name="Publicera nu").click()


def commits(content: Path) -> list[str]:
    return git(content, "log", "--format=%an <%ae>|%s").splitlines()


def test_a_communicator_edits_a_municipality_and_the_preview_shows_it(editor, checkout):
    page = editor
    before = (checkout / ARE).read_text(encoding="utf-8")
    open_are(page)
    page.get_by_label("Sammanfattning").first.fill(SUMMARY)
    page.get_by_role("button", name="Lägg till kompetensbehov").click()
    page.get_by_role("combobox", name="Yrkesgrupp (SSYK)").last.fill("grundutbildade sjuksk")
    page.get_by_role("option", name=re.compile(r"^2221 Grundutbildade sjuksköterskor")).click()
    page.get_by_role("button", name="Lägg till coworkingplatser").click()
    page.get_by_label("Namn", exact=True).last.fill("Hallens kontorshotell")
    page.get_by_label("Ort", exact=True).last.fill("Hallen")
    # Our preview: the entry in the site's look, and the check's verdict on it before saving.
    preview = page.frame_locator("iframe").first
    expect(preview.get_by_text("Kontrollen hittar inga fel.")).to_be_visible(timeout=15_000)
    frame = next(f for f in page.frames if f != page.main_frame and f.locator("article.ts-preview").count())
    results = Axe().run(frame, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "edited-1280.png"))

    publish(page)
    for _ in range(60):
        if len(commits(checkout)) == 3:
            break
        page.wait_for_timeout(500)
    after = (checkout / ARE).read_text(encoding="utf-8")
    data = yamlfile.parse(after).data
    assert after.startswith(COMMENT + "\n")  # the communicator's comment stays
    assert " ".join(data["summary"]["sv"].split()) == SUMMARY
    assert data["summary"]["en"] == yamlfile.parse(before).data["summary"]["en"]  # untouched, as written
    assert before.split("en: >-")[1].split("\n\n")[0] in after  # ...to the line
    assert data["work"]["in_demand"] == [{"ssyk": "2221"}] and '- ssyk: "2221"' in after
    assert data["coworking"][-1]["name"] == "Hallens kontorshotell" and data["coworking"][-1]["locality"] == "Hallen"
    report = check(checkout)
    assert report.errors == []
    # One commit, in the communicator's name, of that file alone; nothing left uncommitted.
    assert commits(checkout)[0].startswith(f"{AUTHOR[0]} <{AUTHOR[1]}>|") and len(commits(checkout)) == 3
    assert git(checkout, "show", "--name-only", "--format=", "HEAD").split() == [ARE.as_posix()]
    assert git(checkout, "status", "--porcelain") == ""
    # The preview rebuilds from the saved file.
    for _ in range(60):
        shown = page.request.get("/kommuner/are/").text()
        if "Hallens kontorshotell" in shown:
            break
        page.wait_for_timeout(1000)
    assert "Hallens kontorshotell" in shown and "jobb året runt" in shown
    site = page.context.new_page()
    site.goto("/kommuner/are/")
    site.screenshot(path=str(SHOTS / "preview-after-save-1280.png"))
    assert [f for f in page.failed if "/redigera/api/" in f] == []
    assert page.request.get("/redigera/").headers["content-security-policy"] == csp.editor_policy()
    assert violations(page) == []


def test_a_value_that_cannot_be_right_is_refused_at_its_field_before_anything_is_written(editor, checkout):
    page = editor
    before = (checkout / ARE).read_bytes()
    open_are(page)
    page.get_by_label("År (frivillig)", exact=True).fill("1850")  # the population's year: from 1900 in the schema
    publish(page)
    # Decap checks the schema's bounds at the field before it sends anything; our preview says what the
    # check says, in Swedish, with the field.
    expect(page.get_by_text(re.compile("år måste vara mellan 1900 och 2100", re.I))).to_be_visible()
    problems = page.frame_locator("iframe").first.get_by_role("alert")
    expect(problems).to_contain_text("population.year")
    expect(problems).to_contain_text("minst 1900")
    page.wait_for_timeout(1000)  # time for a save that should not happen
    page.screenshot(path=str(SHOTS / "refused-in-the-form-1280.png"))
    assert (checkout / ARE).read_bytes() == before and len(commits(checkout)) == 2


def test_what_only_the_check_knows_is_refused_with_file_line_and_field_and_nothing_written(editor, checkout):
    """A population without its year: the editor cannot require the year of something that may be
    left out, so the check, run before the save, refuses it, in Swedish, naming file, line and field."""
    page = editor
    before = (checkout / ARE).read_bytes()
    open_are(page)
    page.get_by_label("År (frivillig)", exact=True).fill("")
    publish(page)
    toast = page.get_by_text("Sparades inte", exact=False).first
    toast.wait_for(timeout=30_000)
    text = toast.inner_text()
    assert "municipalities/are.yml, rad" in text and "fältet population.year" in text, text
    page.screenshot(path=str(SHOTS / "refused-by-the-check-1280.png"))
    assert (checkout / ARE).read_bytes() == before and len(commits(checkout)) == 2


def tab_to(page, test: str, limit: int = 300, back: bool = False) -> None:
    """Press Tab (Shift+Tab with `back`) until the focused element passes the JavaScript `test(el)`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({test})(el); }}"):
            return
    raise AssertionError(f"no element passing {test} within {limit} presses")


def test_the_edit_and_save_journey_works_with_the_keyboard_alone(browser, checkout):
    with previewing(checkout) as base:
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            page.goto("/redigera/")
            page.get_by_role("button", name="Logga in").wait_for()
            tab_to(page, "el => el.textContent.trim() === 'Logga in'")
            page.keyboard.press("Enter")
            page.get_by_role("link", name="Kommuner").first.wait_for()
            tab_to(page, "el => el.tagName === 'A' && el.textContent.trim() === 'Kommuner'")
            page.keyboard.press("Enter")
            page.get_by_role("link", name=re.compile("^Åre")).first.wait_for()
            tab_to(page, "el => el.tagName === 'A' && el.textContent.trim().startsWith('Åre')")
            page.keyboard.press("Enter")
            page.get_by_label("Sammanfattning").first.wait_for()
            tab_to(page, "el => el.tagName === 'TEXTAREA' && el.lang === 'sv'")
            page.keyboard.press("Control+A")
            page.keyboard.type(SUMMARY)
            tab_to(page, "el => el.textContent.trim() === 'Publicera'", back=True)
            page.keyboard.press("Enter")
            page.get_by_role("menuitem", name="Publicera nu").wait_for()
            for _ in range(5):  # a menu: its items are reached with the arrow keys
                if page.evaluate("() => document.activeElement.textContent.trim()") == "Publicera nu":
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            for _ in range(60):
                if len(commits(checkout)) == 3:
                    break
                page.wait_for_timeout(500)
            data = yamlfile.parse((checkout / ARE).read_text(encoding="utf-8")).data
            assert " ".join(data["summary"]["sv"].split()) == SUMMARY
            assert commits(checkout)[0].startswith(f"{AUTHOR[0]} <{AUTHOR[1]}>|")
        finally:
            context.close()


def test_a_communicator_adds_an_event_and_it_is_on_the_events_page(editor, checkout):
    """Events ship with none: the first one is made in the editor, its municipality chosen by name."""
    page = editor
    page.goto("/redigera/#/collections/events/new")
    page.get_by_label("Rubrik").first.fill("Informationskväll i Åre")
    page.get_by_label("Slag", exact=True).click()
    page.get_by_role("option", name="Informationskväll").click()
    page.get_by_label("Beskrivning").first.fill("Vi berättar om jobb och boende.")
    page.get_by_label("Dag", exact=True).fill("2030-03-11")
    page.get_by_label("Börjar (klockan)").fill("18:00")
    page.get_by_label("Slutar (klockan) (frivillig)").fill("20:00")
    page.get_by_label("Plats (frivillig)").first.fill("Kulturhuset, Storgatan 3")
    page.get_by_label("Kommuner (frivillig)").fill("Åre")
    page.get_by_role("option", name="Åre").click()
    page.get_by_label("Antal platser (frivillig)").fill("40")
    expect(page.frame_locator("iframe").first.get_by_text("Kontrollen hittar inga fel.")).to_be_visible(timeout=15_000)
    publish(page)
    saved = checkout / "events" / "informationskvall-i-are.yml"
    for _ in range(60):
        if saved.exists():
            break
        page.wait_for_timeout(500)
    data = yamlfile.parse(saved.read_text(encoding="utf-8")).data
    assert (data["kind"], data["municipalities"], data["capacity"]) == ("information_evening", ["are"], 40)
    assert str(data["starts_on"]) == "2030-03-11" and data["start"] == "18:00"
    assert check(checkout).errors == []
    assert commits(checkout)[0].startswith(f"{AUTHOR[0]} <{AUTHOR[1]}>|Ny Evenemang")
    for _ in range(60):
        shown = page.request.get("/evenemang/").text()
        if "Informationskväll i Åre" in shown:
            break
        page.wait_for_timeout(1000)
    assert "Informationskväll i Åre" in shown
    assert violations(page) == []
