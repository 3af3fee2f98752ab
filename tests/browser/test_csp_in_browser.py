"""The Content-Security-Policy in a real browser: the built site under the headers the build writes
for the web server, and the intake's forms and back office under its own, without one violation.

Nothing here bypasses the policy. Violations are caught twice: the `securitypolicyviolation`
event (recorded by a script the browser runs before the page's own) and Chromium's console errors.
"""

from __future__ import annotations

import pytest

RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""
SITE_PAGES = [
    "/",
    "/kommuner/",
    "/kommuner/are/",
    "/coworking/",
    "/berattelser/",
    "/integritet/",
    "/en/",
    "/en/municipalities/ostersund/",
    "/en/coworking/",
    "/en/stories/",
    "/en/accessibility/",
    "/404.html",
    "/en/404.html",
]
INTAKE_PAGES = [
    "/registrera/",
    "/en/register/",
    "/bestall-magasinet/",
    "/en/order-magazine/",
    "/crm/login/",
    "/crm/password/forgot/",
    "/kommuner/are/",  # the static site, as `make run` serves it on the intake's port
    "/en/no-such-page/",
]


@pytest.fixture
def watched(browser):
    """Open pages on a server with a fresh context; `violations(page)` lists what the policy blocked."""
    contexts = []

    def open_page(server: str):
        context = browser.new_context(base_url=server)
        contexts.append(context)
        context.add_init_script(RECORD)
        page = context.new_page()
        page.console_violations = []
        page.on(
            "console",
            lambda m: page.console_violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def violations(page) -> list[str]:
    return page.evaluate("() => window.__violations") + page.console_violations


def test_the_site_sends_the_headers_the_build_wrote(site_headers):
    policy = site_headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert site_headers["X-Content-Type-Options"] == "nosniff"
    assert site_headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", SITE_PAGES)
def test_site_pages_run_under_the_policy(watched, base_url, path):
    page = watched(base_url)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => typeof __md_get") == "function"  # Material's inline script did run
    assert violations(page) == []


def test_search_works_under_the_policy(watched, base_url):
    """Material's search runs in a worker that loads its index and language files from the site."""
    page = watched(base_url)
    page.goto("/en/")
    page.keyboard.press("s")
    page.locator(".md-search__input").press_sequentially("coworking", delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    assert violations(page) == []


def test_coworking_filter_works_under_the_policy(watched, base_url):
    page = watched(base_url)
    page.goto("/coworking/")
    page.get_by_label("Prova-på-boende").check()
    assert page.locator(".ts-filter__count").inner_text() == "Visar 1 av 3 platser."
    assert violations(page) == []


def test_an_injected_script_is_blocked_and_seen(watched, base_url):
    """The check above would notice a violation: a script or style slipped into a page is refused."""
    page = watched(base_url)
    page.goto("/")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.injected = true';
        document.body.append(s);
        document.body.setAttribute('style', 'color: red');
    }""")
    page.wait_for_function("() => window.__violations.length >= 2")
    assert page.evaluate("() => window.injected") is None
    assert any(v.startswith("script-src-elem blocked inline") for v in violations(page))
    assert any(v.startswith("style-src-attr blocked inline") for v in violations(page))


@pytest.mark.parametrize("path", INTAKE_PAGES)
def test_intake_and_back_office_pages_run_under_the_policy(watched, app, intake_server, path):
    page = watched(intake_server)
    response = page.goto(path)
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_a_form_with_errors_runs_under_the_policy(watched, app, intake_server):
    page = watched(intake_server)
    page.goto("/en/order-magazine/")
    page.get_by_role("button", name="Order the magazine").click()
    page.locator(".ts-field-error").first.wait_for()
    assert violations(page) == []
