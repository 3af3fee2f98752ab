"""What a municipality page with a hero photo transfers on a phone, measured in a real browser.

Copies content/ into a temporary folder, gives one municipality (`are`) a generated photo (Pillow: a
sky over thousands of small trees and grain at a camera's 2400 x 1600 pixels, detailed enough to
encode about as large as a landscape photo; never a real photo, and none ships in content/)
and builds the site twice, without and with it. Each build is served on a loopback port with the
production headers (the CSP the build writes) and the page is loaded in the system Chromium
(Playwright, never a downloaded browser) at 375 x 667 CSS pixels, at device pixel ratios 1, 2 and 3,
in two steps:

1. **first load**: until the network is idle, untouched (the site search loads only when used);
2. **scrolled**: after scrolling to the end of the page (what lazy loading held back).

Every response is counted by Playwright's resource type, the hero photo on its own line. The test
server does not compress, so text (HTML, CSS, JavaScript, JSON) is counted gzipped at level 6 (a
typical nginx `gzip_comp_level`), as a server would send it; pictures are sent as they are.
Results are Markdown on stdout (and in bench/PHOTO_RESULTS.md with --write); progress on stderr.

    .venv/bin/python bench/photo_weight.py [--write]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasteget.site.csp import NGINX_SNIPPET  # noqa: E402
from tasteget.site.shell import SHELL_DIR  # noqa: E402

from tests.support.sample_content import photo_yaml  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
SLUG = "are"
PAGE = f"/kommuner/{SLUG}/"
PHOTO = "photos/are-bench.jpg"
SOURCE_SIZE = (2400, 1600)
VIEWPORT = {"width": 375, "height": 667}
DENSITIES = (1, 2, 3)
TEXT_TYPES = {"document", "stylesheet", "script", "fetch", "xhr", "manifest", "other"}
STEPS = ("first load", "scrolled")


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Resource:
    path: str
    kind: str
    step: str
    raw: int
    sent: int  # what a compressing server sends: gzip -6 for text, pictures as they are

    @property
    def hero(self) -> bool:
        return "/assets/photos/are-bench-" in self.path


def landscape(path: Path, size: tuple[int, int], seed: int = 17) -> None:
    """A generated picture with a photo's amount of detail: a sky over a forest of small trees, grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=(90 + y * 60 // height, 140 + y * 40 // height, 200))
    for _ in range(9000):
        x, y = rnd.uniform(0, width), rnd.uniform(height * 0.4, height)
        s = rnd.uniform(4, 30) * y / height
        colour = (rnd.randint(20, 60), rnd.randint(50, 120), rnd.randint(20, 60))
        draw.polygon([(x, y - 2.5 * s), (x - s, y), (x + s, y)], fill=colour)
    grain = Image.effect_noise(size, 50).convert("RGB")
    image = Image.blend(image, grain, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90)


def content_with_photo(folder: Path) -> Path:
    """A copy of content/ where `are` has a generated photo as its hero."""
    content = folder / "content-photo"
    shutil.copytree(ROOT / "content", content)
    landscape(content / PHOTO, SOURCE_SIZE)
    path = content / "municipalities" / f"{SLUG}.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("\nguides:\n", "\nphotos:\n" + photo_yaml(PHOTO) + "guides:\n", 1)
    path.write_text(text, encoding="utf-8")
    return content


def build(content: Path, site_dir: Path) -> None:
    env = {**os.environ, "TASTEGET_CONTENT": str(content), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "intake", "build", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"photo_weight: the build failed:\n{result.stdout}{result.stderr}")


def serve(site_dir: Path):
    text = (site_dir / SHELL_DIR / NGINX_SNIPPET).read_text(encoding="utf-8")
    headers = dict(re.findall(r'^add_header (\S+) "([^"]*)" always;$', text, re.MULTILINE))

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def measure(browser, base: str, density: int) -> list[Resource]:
    context = browser.new_context(base_url=base, viewport=VIEWPORT, device_scale_factor=density)
    page = context.new_page()
    step = {"now": STEPS[0]}
    seen: dict[str, Resource] = {}
    host = urlsplit(base).netloc

    def response(r):
        url = urlsplit(r.url)
        if url.scheme in ("data", "blob") or r.url in seen:
            return
        if url.netloc != host:
            sys.exit(f"photo_weight: a request to another host: {r.url}")
        try:
            body = r.body()
        except Exception:  # a redirect or a body the browser dropped
            body = b""
        kind = r.request.resource_type
        sent = len(gzip.compress(body, compresslevel=6, mtime=0)) if kind in TEXT_TYPES else len(body)
        seen[r.url] = Resource(url.path, kind, step["now"], len(body), sent)

    context.on("response", response)
    page.goto(PAGE, wait_until="networkidle")
    page.wait_for_timeout(300)
    step["now"] = STEPS[1]
    height = page.evaluate("() => document.documentElement.scrollHeight")
    for _ in range(0, height + VIEWPORT["height"], VIEWPORT["height"]):
        page.mouse.wheel(0, VIEWPORT["height"])
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    context.close()
    return list(seen.values())


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def totals(resources: list[Resource], steps: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for r in resources:
        if r.step in steps:
            out["hero photo" if r.hero else r.kind] += r.sent
    return out


def table(label: str, runs: dict[int, list[Resource]]) -> list[str]:
    kinds = sorted({k for res in runs.values() for k in totals(res, STEPS)}, key=lambda k: (k != "hero photo", k))
    lines = [
        f"### {label}",
        "",
        "| sent KB (text gzip -6) | " + " | ".join(f"{d}x first load | {d}x scrolled" for d in DENSITIES) + " |",
        "|---|" + "---:|---:|" * len(DENSITIES),
    ]
    for kind in kinds:
        cells = []
        for d in DENSITIES:
            cells += [kb(totals(runs[d], STEPS[:1]).get(kind, 0)), kb(totals(runs[d], STEPS).get(kind, 0))]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    cells = []
    for d in DENSITIES:
        cells += [
            f"**{kb(sum(totals(runs[d], STEPS[:1]).values()))}**",
            f"**{kb(sum(totals(runs[d], STEPS).values()))}**",
        ]
    lines.append("| **total** | " + " | ".join(cells) + " |")
    heroes = {d: [r for r in runs[d] if r.hero] for d in DENSITIES}
    if any(heroes.values()):
        lines += [
            "",
            "Hero photo fetched: "
            + "; ".join(
                f"{d}x `{', '.join(Path(r.path).name for r in heroes[d])}` ({kb(sum(r.raw for r in heroes[d]))} KB)"
                for d in DENSITIES
            ),
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="also rewrite bench/PHOTO_RESULTS.md")
    options = parser.parse_args()
    if not CHROMIUM:
        sys.exit("photo_weight: no Chromium found (install Debian's chromium)")
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[int, list[Resource]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = content_with_photo(folder)
        source_kb = kb((content / PHOTO).stat().st_size)
        sites = {"without a photo (content/ as shipped)": folder / "site-plain", "with a hero photo": folder / "site"}
        progress("building the site without the photo ...")
        build(ROOT / "content", sites["without a photo (content/ as shipped)"])
        progress("building the site with the photo ...")
        build(content, sites["with a hero photo"])
        renditions = sorted((sites["with a hero photo"] / "assets" / "photos").glob("are-bench-*"))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for label, site_dir in sites.items():
                base, server = serve(site_dir)
                try:
                    results[label] = {}
                    for density in DENSITIES:
                        progress(f"{label}: loading {PAGE} at 375 px, {density}x ...")
                        results[label][density] = measure(browser, base, density)
                finally:
                    server.shutdown()
                    server.server_close()
            browser.close()
        sizes = ", ".join(f"`{r.name.split('-', 3)[-1]}` {kb(r.stat().st_size)}" for r in renditions)
    revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Municipality page weight with a hero photo, on a phone",
        "",
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- Revision: {revision.stdout.strip()}{' (with uncommitted changes)' if dirty else ''}",
        f"- Machine: {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "- Command: `.venv/bin/python bench/photo_weight.py --write`",
        f"- Page: `{PAGE}` at {VIEWPORT['width']} x {VIEWPORT['height']} CSS px in Chromium, device pixel ratio "
        + ", ".join(f"{d}x" for d in DENSITIES),
        f"- Photo: generated by the benchmark ({SOURCE_SIZE[0]} x {SOURCE_SIZE[1]} px JPEG, {source_kb} KB: a sky "
        "over thousands of small trees and grain, about as detailed as a landscape photo; not a real photo). "
        f"The build made (KB): {sizes}",
        "",
        "**First load** = until the network is idle, untouched (the site search loads only when used, so "
        "it is in neither step); **scrolled** = after scrolling to the end. Text is counted gzipped (level 6), as a "
        "compressing server sends it; pictures as they are. The hero photo is its own line.",
        "",
    ]
    for label, runs in results.items():
        lines += table(label, runs) + [""]
    text = "\n".join(lines)
    print(text)
    if options.write:
        (ROOT / "bench" / "PHOTO_RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
