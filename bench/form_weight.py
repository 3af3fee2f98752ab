"""What the registration page transfers, measured in a real browser.

Starts the intake on a loopback port with a freshly built site (the forms inside the site's shell,
Material for MkDocs' assets served by the intake's own static route, as `make run` does), loads
`/registrera/` and `/en/register/` in the system Chromium (Playwright, never a downloaded browser)
and records every response the page and its workers receive, in three steps:

1. **first load**: the page until the network is idle, with no interaction;
2. **occupation list**: after focusing the occupation field and typing three letters (the list of
   names is fetched on first use);
3. **search used**: after typing three letters into the site search and seeing results.

Each resource is counted in the step in which it arrived; the site search's own files (worker,
index, stemmer) are marked "(search)" wherever they arrive.

Werkzeug does not compress, so each body is fetched again and gzipped here at level 9 (`gzip -9`,
the best a server can do) and at level 6 (a typical nginx `gzip_comp_level`); if a response did
arrive compressed, its `Content-Encoding` is shown. Results are Markdown on stdout, progress on
stderr. Target (issue 15): at most 100 KB gzipped in all, the occupation data included.

    .venv/bin/python bench/form_weight.py [--site-dir DIR] [--write]
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

from werkzeug.serving import make_server  # noqa: E402

from intake import create_app, db  # noqa: E402

from tests.support.intake_helpers import intake_config  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {"sv": "/registrera/", "en": "/en/register/"}
FIELD = "#occupation"
TYPED = {"sv": "sju", "en": "nur"}
# What the site search fetches (Material's worker and what it loads).
SEARCH = re.compile(r"/search/|/workers/search\.|/lunr/")
TARGET_KB = 100
STEPS = ("first load", "occupation list", "search used")


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Resource:
    url: str
    kind: str  # Playwright's resource type
    step: str
    encoding: str  # Content-Encoding as received ("" = none)
    raw: int = 0
    gz9: int = 0
    gz6: int = 0


def start_intake(site_dir: Path, folder: Path) -> tuple[str, callable]:
    app = create_app(intake_config(f"sqlite:///{folder / 'crm.db'}", site_dir))
    db.upgrade(app.extensions["db_engine"])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def measure_page(browser, base: str, lang: str) -> list[Resource]:
    context = browser.new_context(base_url=base)
    page = context.new_page()
    step = {"now": STEPS[0]}
    seen: dict[str, Resource] = {}

    def response(r):
        url = r.url
        if urlsplit(url).scheme in ("data", "blob") or url in seen:
            return
        seen[url] = Resource(url, r.request.resource_type, step["now"], r.headers.get("content-encoding", ""))

    context.on("response", response)
    page.goto(PAGES[lang], wait_until="networkidle")
    step["now"] = STEPS[1]
    page.locator(FIELD).focus()
    with page.expect_response(lambda r: "/static/occupations/" in r.url):
        page.keyboard.type(TYPED[lang])
    page.locator(f"{FIELD}__listbox [role=option]").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    step["now"] = STEPS[2]
    page.locator(".md-search__input").click()
    page.keyboard.type(TYPED[lang])
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_load_state("networkidle")
    context.close()
    for resource in seen.values():
        if urlsplit(resource.url).netloc != urlsplit(base).netloc:
            resource.raw = -1  # another host: must never happen (the tests check it)
            continue
        with urllib.request.urlopen(resource.url) as answer:
            body = answer.read()
        resource.raw = len(body)
        resource.gz9 = len(gzip.compress(body, compresslevel=9, mtime=0))
        resource.gz6 = len(gzip.compress(body, compresslevel=6, mtime=0))
    return list(seen.values())


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(lang: str, resources: list[Resource]) -> str:
    order = {step: i for i, step in enumerate(STEPS)}
    resources = sorted(resources, key=lambda r: (order[r.step], r.url))
    lines = [
        f"### {PAGES[lang]}",
        "",
        "| when | resource | type | raw KB | gzip -9 KB | gzip -6 KB |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in resources:
        path = urlsplit(r.url).path + (f"?{urlsplit(r.url).query}" if urlsplit(r.url).query else "")
        note = f" (sent {r.encoding})" if r.encoding else ""
        when = r.step + (" (search)" if SEARCH.search(urlsplit(r.url).path) else "")
        lines.append(f"| {when} | `{path}`{note} | {r.kind} | {kb(r.raw)} | {kb(r.gz9)} | {kb(r.gz6)} |")
    lines.append("")
    lines.append("| total | gzip -9 KB | gzip -6 KB | within 100 KB (-9) |")
    lines.append("|---|---:|---:|---|")
    included: set[str] = set()
    for step in STEPS:
        included.add(step)
        got = [r for r in resources if r.step in included]
        gz9, gz6 = sum(r.gz9 for r in got), sum(r.gz6 for r in got)
        label = {
            "first load": "first load",
            "occupation list": "+ occupation list",
            "search used": "+ search used (all)",
        }[step]
        lines.append(f"| {label} | **{kb(gz9)}** | {kb(gz6)} | {'yes' if gz9 <= TARGET_KB * 1024 else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, help="a site already built (default: build one now)")
    parser.add_argument("--write", action="store_true", help="also rewrite bench/FORM_RESULTS.md")
    options = parser.parse_args()
    if not CHROMIUM:
        sys.exit("form_weight: no Chromium found (install Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site_dir = options.site_dir
        if site_dir is None:
            site_dir = folder / "site"
            progress("building the site ...")
            subprocess.run(
                [BIN / "tasteget", "build", "--site-dir", site_dir], cwd=ROOT, check=True, capture_output=True
            )
        base, stop = start_intake(site_dir, folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                results = {}
                for lang in PAGES:
                    progress(f"loading {PAGES[lang]} ...")
                    results[lang] = measure_page(browser, base, lang)
                browser.close()
        finally:
            stop()
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    head = [
        "# Registration page weight",
        "",
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- Revision: {revision}{' (with uncommitted changes)' if dirty else ''}",
        f"- Machine: {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "- Command: `.venv/bin/python bench/form_weight.py --write`",
        "- Served by the intake (Werkzeug, uncompressed), so every body is gzipped here; "
        "the occupation field typed into: " + ", ".join(f'{PAGES[k]} "{v}"' for k, v in TYPED.items()),
        "",
        "Steps: **first load** = everything until the network is idle, untouched; **occupation list** = "
        "after focusing the occupation field and typing three letters; **search used** = after typing "
        "the same three letters into the site search and seeing results. Each file is counted in the "
        'step in which it arrived; "(search)" marks the site search\'s own files. Totals add up the steps.',
        "",
    ]
    text = "\n".join(head + [table(lang, results[lang]) + "\n" for lang in PAGES])
    print(text)
    if options.write:
        (ROOT / "bench" / "FORM_RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
