"""Browser fixtures: the built site on a loopback HTTP server and the system Chromium via Playwright.

Browsers are never downloaded: Playwright drives Debian's `chromium`. Without it the browser tests
are skipped with a note saying how to install it; on CI (CI=true) a missing Chromium is a failure.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tasteget.site.csp import NGINX_SNIPPET
from tasteget.site.shell import SHELL_DIR

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_HINT = "install Debian's chromium (sudo apt-get install chromium) to run them"
# Chromium's own background traffic is refused on closed networks; these flags keep it quiet.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            # When the browser navigates away mid-download, Werkzeug's test server (only used here;
            # production serves files with nginx) drops the connection without closing the file.
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but no Chromium found: {INSTALL_HINT}")
        pytest.skip(f"Browser tests skipped: no Chromium found; {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def snippet_headers(site_dir) -> dict[str, str]:
    """The headers the build wrote for the web server (the README's nginx include), parsed."""
    text = (site_dir / SHELL_DIR / NGINX_SNIPPET).read_text(encoding="utf-8")
    return dict(re.findall(r'^add_header (\S+) "([^"]*)" always;$', text, re.MULTILINE))


class _SiteServer(SimpleHTTPRequestHandler):
    """Serves the built site with the headers production sends, so every browser test runs under its CSP."""

    extra_headers: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_headers(built_site) -> dict[str, str]:
    return snippet_headers(built_site)


@pytest.fixture(scope="session")
def base_url(built_site, site_headers):
    handler = functools.partial(
        type("Handler", (_SiteServer,), {"extra_headers": site_headers}), directory=str(built_site)
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def watch_requests(page, base_url: str) -> None:
    """Record on `page` the paths it asks its own host for (`requested`), every request to another
    host (`foreign_requests`) and every request that failed or was answered with 400 or more (`failed`)."""
    host = urlsplit(base_url).netloc
    page.requested, page.foreign_requests, page.failed = [], [], []

    def request(r):
        url = urlsplit(r.url)
        if url.netloc == host:
            page.requested.append(url.path)
        elif url.scheme not in ("data", "blob"):
            page.foreign_requests.append(r.url)

    page.on("request", request)
    page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # A request the browser itself dropped because the page moved on (net::ERR_ABORTED: a script still
    # loading when a link is followed) failed nowhere; every other failure counts.
    page.on(
        "requestfailed",
        lambda r: page.failed.append(f"{r.failure} {r.url}") if r.failure != "net::ERR_ABORTED" else None,
    )


@pytest.fixture
def page(browser, base_url):
    """A fresh page on the built site that records its requests (see `watch_requests`)."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    watch_requests(page, base_url)
    yield page
    context.close()


@pytest.fixture(scope="session")
def intake_server(intake_app):
    """The intake (forms, receipts and the built site) on a loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, intake_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live(app, intake_server, browser):
    """A fresh browser page on the intake, with an empty CRM."""
    context = browser.new_context(base_url=intake_server)
    page = context.new_page()
    watch_requests(page, intake_server)
    yield page
    context.close()
