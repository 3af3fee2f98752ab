"""Benchmark the public site: build time (real and generated content) and a page's weight.

Measures, each in its own function:

1. the real site's build time: `tasteget build` in a fresh process, both languages;
2. build time with generated content at 1x, 10x and 100x the real number of municipalities,
   to show how the cost grows with the number of pages;
3. the gzip-transferred weight of a municipality page's first load on the real site, and the
   HTML size of a municipality page at the smallest and largest scale.

Run from anywhere (`make bench` runs it without options):

    .venv/bin/python bench/site_build.py [--runs N] [--quick] [--write]

Results are Markdown on stdout (and in bench/RESULTS.md with --write); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.support.sample_content import slug_for, write_sample  # noqa: E402

TASTEGET = REPO / ".venv" / "bin" / "tasteget"
RESULTS = REPO / "bench" / "RESULTS.md"

REAL_MUNICIPALITIES = 8  # content/municipalities/*.yml
SPACES_PER_MUNICIPALITY = 20  # coworking spaces in each generated municipality
SCALES = [1, 10, 100]  # multiples of the real number of municipalities
MAX_RUNS_100X = 3  # the 100x build takes minutes; fewer runs are enough there

PAGE = "/kommuner/are/"  # the municipality page whose weight is measured
GZIP_LEVEL = 6  # a typical server's setting (nginx gzip_comp_level 1..9)
ORIGIN = "https://site.invalid"  # stands in for the site's own host when resolving URLs
LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload"}
SEARCH_INDEX = "search/search_index.json"
SITEMAP = "sitemap.xml"
# Fetched by Material's JavaScript right after load, not referenced in the markup: observed in
# Chromium on /kommuner/are/ with mkdocs-material 9.8.2 (search worker and index, the Swedish
# stemmer). No sitemap: Material fetches one only under a `<link rel="alternate">` in the head, and
# the head names none (mkdocs.yml, `extra.alternate`). Glob patterns inside the built site.
SCRIPT_FETCHES = [
    "assets/javascripts/workers/search.*.min.js",
    SEARCH_INDEX,
    "assets/javascripts/lunr/min/lunr.stemmer.support.min.js",
    "assets/javascripts/lunr/min/lunr.sv.min.js",
]

TARGET_BUILD_S = 3.0
TARGET_PAGE_KB = 100
# Growth counts as linear when the cost of one more page (the slope between two scales) at the
# largest scale is at most this many times the slope between the two smallest scales.
LINEAR_TOLERANCE = 1.5


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- building ------------------------------------------------------------------------------------


def build_once(site_dir: Path, content: Path | None = None) -> float:
    """Build both languages in a fresh `tasteget build` process; return the wall-clock seconds."""
    if site_dir.exists():
        shutil.rmtree(site_dir)
    env = dict(os.environ)
    env.pop("TASTEGET_CONTENT", None)
    if content is not None:
        env["TASTEGET_CONTENT"] = str(content)
    started = time.perf_counter()
    result = subprocess.run(
        [str(TASTEGET), "build", "--site-dir", str(site_dir)], cwd=REPO, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"tasteget build failed:\n{result.stdout}{result.stderr}")
    return elapsed


def count_pages(site_dir: Path) -> int:
    """Pages built: every index.html in both languages (404.html is not counted)."""
    return sum(1 for _ in site_dir.rglob("index.html"))


@dataclass
class BuildTimes:
    label: str
    municipalities: int
    spaces: int
    times: list[float]
    pages: int
    site_dir: Path

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.median / self.pages


def time_builds(
    label: str, runs: int, site_dir: Path, content: Path | None = None, municipalities: int = 0, spaces: int = 0
) -> BuildTimes:
    times = []
    for run in range(1, runs + 1):
        times.append(build_once(site_dir, content))
        progress(f"{label}: run {run}/{runs} took {times[-1]:.2f} s")
    return BuildTimes(label, municipalities, spaces, times, count_pages(site_dir), site_dir)


def bench_real_site(runs: int, work: Path) -> BuildTimes:
    """1. The real content, as a user builds it."""
    municipalities = len(list((REPO / "content" / "municipalities").glob("*.yml")))
    return time_builds("real site", runs, work / "real-site", municipalities=municipalities)


def bench_scales(scales: list[int], runs: int, work: Path) -> list[BuildTimes]:
    """2. Generated content at several multiples of the real number of municipalities."""
    results = []
    for scale in scales:
        municipalities = REAL_MUNICIPALITIES * scale
        content = write_sample(
            work / f"content-{scale}x", municipalities=municipalities, spaces=SPACES_PER_MUNICIPALITY
        )
        scale_runs = min(runs, MAX_RUNS_100X) if scale >= 100 else runs
        progress(f"{scale}x: {municipalities} municipalities x {SPACES_PER_MUNICIPALITY} spaces, {scale_runs} run(s)")
        results.append(
            time_builds(
                f"{scale}x",
                scale_runs,
                work / f"site-{scale}x",
                content,
                municipalities,
                municipalities * SPACES_PER_MUNICIPALITY,
            )
        )
    return results


# -- page weight ---------------------------------------------------------------------------------


class AssetCollector(HTMLParser):
    """Collect the URLs a page loads through its own markup: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link":
            rels = set((attributes.get("rel") or "").lower().split())
            # "icon", "shortcut icon" and "apple-touch-icon" all count as icons.
            if rels & LINK_RELS or any(rel.endswith("icon") for rel in rels):
                self.add(attributes.get("href"))
        elif tag in ("script", "img"):
            self.add(attributes.get("src"))

    def add(self, url: str | None) -> None:
        if url and url not in self.urls:
            self.urls.append(url)


def url_to_file(site_dir: Path, url: str) -> Path | None:
    """The built file behind a same-origin URL, or None for another host."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    path = parts.path
    if path.endswith("/"):
        path += "index.html"
    return site_dir / path.lstrip("/")


@dataclass
class Transfer:
    path: str
    raw: int
    gzipped: int


def transfer(site_dir: Path, file: Path) -> Transfer:
    data = file.read_bytes()
    gzipped = len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    return Transfer("/" + file.relative_to(site_dir).as_posix(), len(data), gzipped)


def page_weight(site_dir: Path, page: str) -> tuple[list[Transfer], list[str]]:
    """3. The page's HTML and every same-origin file its markup references; other hosts listed."""
    page_url = ORIGIN + page
    html_file = url_to_file(site_dir, page_url)
    collector = AssetCollector()
    collector.feed(html_file.read_text(encoding="utf-8"))
    files, elsewhere = [transfer(site_dir, html_file)], []
    for url in collector.urls:
        file = url_to_file(site_dir, urljoin(page_url, url))
        if file is None:
            elsewhere.append(url)
        elif file.is_file():
            files.append(transfer(site_dir, file))
        else:
            sys.exit(f"{page} references {url}, which is not in the built site")
    return files, elsewhere


def script_fetches(site_dir: Path) -> list[Transfer]:
    """The files Material's JavaScript fetches after load (see SCRIPT_FETCHES)."""
    return [transfer(site_dir, file) for pattern in SCRIPT_FETCHES for file in site_dir.glob(pattern)]


def municipality_html(result: BuildTimes) -> Transfer:
    """A generated municipality page (the first one) at one scale."""
    return transfer(result.site_dir, result.site_dir / "kommuner" / slug_for(0) / "index.html")


def coworking_html(result: BuildTimes) -> tuple[Transfer, int]:
    """The coworking overview, which lists every space: its size and number of headings."""
    file = result.site_dir / "coworking" / "index.html"
    headings = len(re.findall(r"<h[1-6][\s>]", file.read_text(encoding="utf-8")))
    return transfer(result.site_dir, file), headings


# -- report --------------------------------------------------------------------------------------


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def load_average() -> str:
    """1, 5 and 15 minute load averages: other work on the machine skews the timings."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_note() -> str:
    try:
        cpus = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cpus = str(os.cpu_count())
    return (
        f"{cpus} CPUs (`nproc`), load average {load_average()} at the start; {platform.system()} "
        f"{platform.machine()}; Python {platform.python_version()}; mkdocs {version('mkdocs')}, "
        f"mkdocs-material {version('mkdocs-material')}"
    )


def revision() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} plus uncommitted changes" if changes else commit


def slopes(scales: list[BuildTimes]) -> list[float]:
    """Seconds per extra page between each pair of neighbouring scales."""
    return [(b.median - a.median) / (b.pages - a.pages) for a, b in zip(scales, scales[1:], strict=False)]


def command_line() -> str:
    python = Path(sys.executable)
    if python.is_relative_to(REPO):
        python = python.relative_to(REPO)
    script = Path(sys.argv[0]).resolve()
    if script.is_relative_to(REPO):
        script = script.relative_to(REPO)
    return shlex.join([str(python), str(script), *sys.argv[1:]])


def real_site_table(real: BuildTimes) -> list[str]:
    return [
        "| content | pages built | runs | median s | min s |",
        "|---|---:|---:|---:|---:|",
        f"| content/ ({real.municipalities} municipalities) | {real.pages} | {len(real.times)} "
        f"| {real.median:.2f} | {real.best:.2f} |",
    ]


def scales_table(scales: list[BuildTimes]) -> list[str]:
    base = scales[0]
    lines = [
        "| scale | municipalities | coworking spaces | pages built | runs | median s | min s "
        "| ms/page | time vs 1x | pages vs 1x | ms/page vs 1x | extra ms per extra page |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    marginals = ["–"] + [f"{1000 * slope:.0f}" for slope in slopes(scales)]
    for result, marginal in zip(scales, marginals, strict=True):
        lines.append(
            f"| {result.label} | {result.municipalities} | {result.spaces} | {result.pages} "
            f"| {len(result.times)} | {result.median:.2f} | {result.best:.2f} | {result.ms_per_page:.0f} "
            f"| {result.median / base.median:.1f}x | {result.pages / base.pages:.1f}x "
            f"| {result.ms_per_page / base.ms_per_page:.2f}x | {marginal} |"
        )
    return lines


def weight_table(files: list[Transfer]) -> list[str]:
    lines = ["| file | raw KB | gzip KB |", "|---|---:|---:|"]
    for item in files:
        lines.append(f"| `{item.path}` | {kb(item.raw)} | {kb(item.gzipped)} |")
    raw = sum(item.raw for item in files)
    gzipped = sum(item.gzipped for item in files)
    lines.append(f"| **total ({len(files)} files)** | **{kb(raw)}** | **{kb(gzipped)}** |")
    return lines


def growth_table(small: BuildTimes, large: BuildTimes) -> list[str]:
    lines = [
        "| scale | municipalities | municipality page HTML raw KB | its gzip KB "
        "| search index raw KB | its gzip KB | sitemap.xml gzip KB | coworking page raw KB | its headings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in (small, large):
        html = municipality_html(result)
        index = transfer(result.site_dir, result.site_dir / SEARCH_INDEX)
        sitemap = transfer(result.site_dir, result.site_dir / SITEMAP)
        coworking, headings = coworking_html(result)
        lines.append(
            f"| {result.label} | {result.municipalities} | {kb(html.raw)} | {kb(html.gzipped)} "
            f"| {kb(index.raw)} | {kb(index.gzipped)} | {kb(sitemap.gzipped)} | {kb(coworking.raw)} | {headings} |"
        )
    return lines


def growth_reading(scales: list[BuildTimes]) -> str:
    """How the build time grows: fixed cost, cost per extra page, and whether that stays flat."""
    base, top = scales[0], scales[-1]
    per_page = top.ms_per_page / base.ms_per_page
    steps = slopes(scales)
    if not steps:
        return "Only one scale was measured, so growth cannot be judged."
    fixed = base.median - base.pages * steps[0]
    share = "most" if fixed >= base.median / 2 else "a minor part"
    text = (
        f"With generated content, {base.label} takes {base.median:.2f} s for {base.pages} pages and "
        f"{top.label} takes {top.median:.1f} s for {top.pages} pages ({top.median / base.median:.0f}x the time "
        f"for {top.pages / base.pages:.0f}x the pages; {per_page:.2f}x the ms per page). The line through "
        f"{base.label} and {scales[1].label} puts about {fixed:.1f} s of every build in fixed cost (process "
        f"start, imports, theme files, two MkDocs runs), {share} of the {base.label} build, and "
        f"{1000 * steps[0]:.0f} ms on each extra page."
    )
    if len(steps) < 2:
        return text + " Run without --quick to see whether the cost per extra page stays flat."
    growth = steps[-1] / steps[0]
    if growth <= LINEAR_TOLERANCE:
        return text + (
            f" Between {scales[-2].label} and {top.label} an extra page costs {1000 * steps[-1]:.0f} ms "
            f"({growth:.1f}x), so growth is close to linear in pages."
        )
    return text + (
        f" Between {scales[-2].label} and {top.label} an extra page costs {1000 * steps[-1]:.0f} ms, "
        f"{growth:.1f}x as much: **growth is faster than linear**. Profile the largest build to find the "
        f"hot function (bench/README.md shows how, and what it found before)."
    )


def reading(real: BuildTimes, scales: list[BuildTimes], page_total: int, after_total: int) -> str:
    small, large = scales[0], scales[-1]
    build_verdict = "meets" if real.median <= TARGET_BUILD_S else "**misses**"
    weight_verdict = "within" if page_total <= TARGET_PAGE_KB * 1024 else "**over**"
    small_html, large_html = municipality_html(small), municipality_html(large)
    if large_html.raw <= small_html.raw * 1.05:
        nav_note = f"does not grow between {small.label} and {large.label}: the navigation stays fixed"
    else:
        nav_note = (
            f"**grows** from {kb(small_html.raw)} to {kb(large_html.raw)} KB between {small.label} and {large.label}"
        )
    large_index = transfer(large.site_dir, large.site_dir / SEARCH_INDEX)
    return (
        f"The real site builds in a median {real.median:.2f} s for both languages, which {build_verdict} the "
        f"{TARGET_BUILD_S:.0f} s target. {growth_reading(scales)}\n\n"
        f"The municipality page {PAGE} transfers {kb(page_total)} KB gzipped on first load counting what its "
        f"markup references, {weight_verdict} the {TARGET_PAGE_KB} KB target; with what Material's JavaScript "
        f"fetches right after load (search worker and index, stemmer) it is "
        f"{kb(page_total + after_total)} KB. Its HTML {nav_note}. The search index, fetched on every first "
        f"visit, does grow with the content: {kb(large_index.gzipped)} KB gzipped at {large.label}.\n\n"
        f"Timings come from a shared, noisy 2-core machine: compare medians and ratios, not single runs."
    )


def report(args, real: BuildTimes, scales: list[BuildTimes], started: datetime, machine: str) -> str:
    files, elsewhere = page_weight(real.site_dir, PAGE)
    page_total = sum(item.gzipped for item in files)
    index = transfer(real.site_dir, real.site_dir / SEARCH_INDEX)
    after_load = script_fetches(real.site_dir)
    after_total = sum(item.gzipped for item in after_load)
    small, large = scales[0], scales[-1]
    lines = [
        "# Site build benchmark",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M}",
        f"- Machine: {machine}",
        f"- Revision: {revision()}",
        f"- Command: `{command_line()}`",
        f"- Load average at the end: {load_average()}",
        f"- Runs: {args.runs} per step"
        + (f", at most {MAX_RUNS_100X} at 100x" if any(s.label == "100x" for s in scales) else "")
        + ("; --quick: 100x skipped" if args.quick else ""),
        "",
        "## 1. Real site build (both languages)",
        "",
        "Wall clock of `.venv/bin/tasteget build --site-dir <tmp>` run from the project folder, "
        "a fresh process each run.",
        "",
        *real_site_table(real),
        "",
        "## 2. Build time as the content grows",
        "",
        f"Generated content (`tests/sample_content.py`), {SPACES_PER_MUNICIPALITY} coworking spaces per "
        "municipality, selected with `TASTEGET_CONTENT`. Pages built counts `index.html` in both "
        "languages. The last column is the slope from the previous scale: the cost of one more page once "
        "the fixed cost is paid.",
        "",
        *scales_table(scales),
        "",
        f"## 3. Page weight of {PAGE} (real site, first load)",
        "",
        f"The HTML and every same-origin stylesheet, icon, preload, script and image its markup "
        f"references, each gzipped at level {GZIP_LEVEL}. The real content has no photos yet.",
        "",
        *weight_table(files),
        "",
        f"Other hosts referenced: {', '.join(elsewhere) if elsewhere else 'none'}.",
        "",
        f"Not counted: the search index `/{SEARCH_INDEX}`, {kb(index.raw)} KB raw, {kb(index.gzipped)} KB "
        "gzipped. It is listed below with the other files fetched after load.",
        "",
        "### Fetched by Material's JavaScript after load (not in the total above)",
        "",
        "The markup does not reference these, but Material requests them as soon as the page has "
        "loaded, not only when someone searches (seen in Chromium): the search worker and index, "
        "and the Swedish stemmer. It fetches no sitemap: the head names no alternate language (the "
        "sitemaps carry each page's translation).",
        "",
        *weight_table(after_load),
        "",
        f"Page and after-load fetches together: **{kb(page_total + after_total)} KB** gzipped.",
        "",
        f"### What grows with the content: {small.label} and {large.label} (generated content)",
        "",
        "The municipality page should not grow (the navigation is a fixed handful of entries); the search "
        "index, the sitemap and the coworking overview, which lists every space, do.",
        "",
        *growth_table(small, large),
        "",
        "## Reading",
        "",
        reading(real, scales, page_total, after_total),
        "",
    ]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the site build (real and generated content) and a municipality "
        "page's transferred weight. Markdown results on stdout, progress on stderr."
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        metavar="N",
        help=f"builds per step; median and min are reported (default 5, at most {MAX_RUNS_100X} at 100x)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="2 runs per step and no 100x step, for a check in about a minute"
    )
    parser.add_argument("--write", action="store_true", help=f"also write the results to {RESULTS.relative_to(REPO)}")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.quick:
        args.runs = min(args.runs, 2)
    return args


def main() -> None:
    args = parse_args()
    if not TASTEGET.exists():
        sys.exit(f"no {TASTEGET}: run `make` or `pip install -e .[test]` in .venv first")
    started = datetime.now()
    machine = machine_note()
    scales = [s for s in SCALES if not (args.quick and s >= 100)]
    with tempfile.TemporaryDirectory(prefix="tasteget-bench-") as tmp:
        work = Path(tmp)
        progress(f"real site, {args.runs} run(s)")
        real = bench_real_site(args.runs, work)
        generated = bench_scales(scales, args.runs, work)
        progress(f"page weight of {PAGE}")
        text = report(args, real, generated, started, machine)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
        progress(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
