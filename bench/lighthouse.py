"""Lighthouse scores of the public pages and the forms: accessibility, performance, bytes transferred.

Builds the site and starts the product as `make run` does (`tasteget build`, then `tasteget serve` on
a free loopback port) with a temporary database, mail folder and secret, so nothing of the checkout's
`site/` or `instance/` is used or changed. Then runs Lighthouse 12 (pinned in
bench/lighthouse/package.json: Lighthouse 13 needs a newer Node than 20) in the system Chromium,
headless, with Lighthouse's defaults: mobile form factor, simulated throttling. Each page is measured
`--runs` times (default 5), the pages taking turns so that a busy moment of the machine falls on all
of them alike, and the median of each figure is reported:

- the accessibility and performance scores (0-100; the range over the runs beside them);
- the bytes transferred (Lighthouse's `total-byte-weight`: the development server does not compress,
  so these are raw bytes, not what a gzip-ing web server sends);
- first and largest contentful paint, total blocking time, cumulative layout shift (simulated);
- every accessibility audit that failed in any run, with the failing nodes' selectors and axe's
  explanation.

Results are Markdown on stdout (and in bench/LIGHTHOUSE_RESULTS.md with --write); progress goes to
stderr. Install Lighthouse first (once; nothing of it is committed and no test needs it):

    npm ci --prefix bench/lighthouse
    .venv/bin/python bench/lighthouse.py [--runs N] [--pages home,register,...] [--write]
        [--require-accessibility 100] [--reports DIR] [--root CHECKOUT]

`--root DIR` measures another checkout (a worktree) with this script and this Lighthouse.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NODE_DIR = HERE / "lighthouse"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_MAJOR = "12"
INSTALL = "npm ci --prefix bench/lighthouse"
RESULTS = HERE / "LIGHTHOUSE_RESULTS.md"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Names for --pages; any path starting with "/" is accepted as well.
PAGES = {
    "home": "/",
    "municipality": "/kommuner/are/",
    "skills": "/kompetensbehov/",
    "register": "/registrera/",
    "order": "/bestall-magasinet/",
    "en-home": "/en/",
    "en-municipality": "/en/municipalities/are/",
    "en-register": "/en/register/",
    "en-order": "/en/order-magazine/",
}
GROUPS = {
    "sv": ["home", "municipality", "register", "order"],
    "en": ["en-home", "en-municipality", "en-register", "en-order"],
}
GROUPS["all"] = GROUPS["sv"] + GROUPS["en"]
# Issue 18's pages through nginx: the municipality page carries a generated hero photo there.
GROUPS["nginx"] = ["home", "municipality", "skills", "register", "order"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
DEFAULT_PAGES = "all"
RUN_TIMEOUT = 240  # seconds for one Lighthouse run; a normal one takes 10-20 s
METRICS = {  # audit id -> (column, unit conversion)
    "first-contentful-paint": "FCP s",
    "largest-contentful-paint": "LCP s",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
}


class BenchError(Exception):
    """A reason the benchmark cannot go on, said in one line."""


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Failure:
    """One failing accessibility audit on one page, over all runs."""

    audit: str
    title: str
    weight: int
    runs: int = 0
    nodes: dict[str, str] = field(default_factory=dict)  # selector -> snippet and axe's explanation


@dataclass
class PageResult:
    path: str
    accessibility: list[float] = field(default_factory=list)
    performance: list[float] = field(default_factory=list)
    transferred: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)
    best_practices: list[float] = field(default_factory=list)  # --through-nginx only
    seo: list[float] = field(default_factory=list)  # --through-nginx only
    other_failures: dict[str, Failure] = field(default_factory=dict)  # best-practices and SEO audits
    requests: set[str] = field(default_factory=set)  # every URL the page fetched, in any run
    gzipped: int | None = None  # the same-origin bodies of `requests`, each gzipped at level 6
    other_hosts: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Options


def parse_pages(text: str) -> list[str]:
    paths: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.startswith("/"):
            found = [item]
        elif item in GROUPS:
            found = [PAGES[name] for name in GROUPS[item]]
        elif item in PAGES:
            found = [PAGES[item]]
        else:
            names = ", ".join([*PAGES, *GROUPS])
            raise argparse.ArgumentTypeError(f"unknown page {item!r}: use a path starting with / or one of {names}")
        paths += [path for path in found if path not in paths]
    if not paths:
        raise argparse.ArgumentTypeError("no pages given")
    return paths


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def score_option(text: str) -> int:
    value = positive(text)
    if value > 100:
        raise argparse.ArgumentTypeError(f"a score is at most 100, not {value}")
    return value


def options(argv: list[str] | None = None) -> argparse.Namespace:
    names = "\n".join(f"  {name:<16} {path}" for name, path in PAGES.items())
    groups = "\n".join(f"  {name:<16} {', '.join(members)}" for name, members in GROUPS.items())
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"pages by name:\n{names}\ngroups:\n{groups}\n\nInstall Lighthouse first: {INSTALL}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--through-nginx",
        action="store_true",
        help="serve through deploy/nginx/tasteget.conf (Debian's nginx, HTTPS with a self-signed certificate) "
        "in front of one gunicorn, with a generated hero photo on the municipality page; all four categories",
    )
    parser.add_argument("--runs", type=positive, default=5, help="Lighthouse runs per page (default 5)")
    parser.add_argument(
        "--pages",
        type=parse_pages,
        help=f"comma-separated names, groups or paths (default {DEFAULT_PAGES}: the four Swedish pages and their "
        "English twins; with --through-nginx: nginx)",
    )
    parser.add_argument("--write", action="store_true", help=f"also rewrite {RESULTS.relative_to(REPO)}")
    parser.add_argument(
        "--require-accessibility",
        type=score_option,
        metavar="SCORE",
        help="exit with code 3 if a page's median accessibility score is below SCORE (e.g. 100)",
    )
    parser.add_argument("--reports", type=Path, help="keep every run's Lighthouse JSON report and a summary.json here")
    parser.add_argument("--root", type=Path, default=REPO, help="the checkout to build and serve (default: this one)")
    parser.add_argument(
        "--chrome-path",
        default=os.environ.get("CHROME_PATH") or "/usr/bin/chromium",
        help="the Chromium to run (default: CHROME_PATH or /usr/bin/chromium)",
    )
    opts = parser.parse_args(argv)
    if opts.pages is None:
        opts.pages = parse_pages("nginx" if opts.through_nginx else DEFAULT_PAGES)
    return opts


# ---------------------------------------------------------------------------------------------------
# What is needed, checked before anything starts


def lighthouse_version() -> str:
    package = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    if not LIGHTHOUSE.exists() or not package.is_file():
        raise BenchError(f"Lighthouse is not installed: run `{INSTALL}` in {REPO}")
    if not shutil.which("node"):
        raise BenchError(f"node is not installed (Lighthouse {LIGHTHOUSE_MAJOR} needs Node 18.16 or later)")
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    if version.split(".")[0] != LIGHTHOUSE_MAJOR:
        raise BenchError(f"Lighthouse {version} is installed, the benchmark pins {LIGHTHOUSE_MAJOR}.x: run `{INSTALL}`")
    return version


def check_chromium(path: str) -> None:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise BenchError(f"no Chromium at {path}: install Debian's chromium or pass --chrome-path")


def check_root(root: Path) -> None:
    if not (root / "mkdocs.yml").is_file() or not (root / "intake").is_dir():
        raise BenchError(f"{root} is not a Ta Steget checkout (no mkdocs.yml and intake/ there)")


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------------
# The product, as `make run` starts it


# `tasteget` from this interpreter; PYTHONPATH (product_env) makes it import the measured checkout's
# code, so a worktree wins over the venv's editable install.
TASTEGET = [sys.executable, "-m", "intake"]


def product_env(root: Path, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    env.update(
        SITE_DIR=str(folder / "site"),
        DATABASE_URL=f"sqlite:///{folder / 'tasteget.db'}",
        MAIL_DIR=str(folder / "mail"),
        SECRET_KEY=secrets.token_hex(32),
    )
    for key in ("PORT", "MAIL_URL", "PUBLIC_URL", "WEBHOOK_URL", "CONTENT_DIR"):
        env.pop(key, None)
    return env


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def build_site(root: Path, folder: Path, env: dict[str, str]) -> None:
    progress(f"building the site of {root} ...")
    done = subprocess.run(
        [*TASTEGET, "build", "--site-dir", str(folder / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BenchError(f"tasteget build failed: {last_line(done.stderr or done.stdout)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_product(root: Path, folder: Path, env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    port = free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [*TASTEGET, "serve", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"tasteget serve stopped: {last_line((folder / 'serve.log').read_text())}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return base, server
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop_product(server)
    raise BenchError(f"tasteget serve did not answer on {base}/healthz within 60 s")


def stop_product(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def start_through_nginx(root: Path, folder: Path, env: dict[str, str]) -> tuple[str, list]:
    """The deployment as deploy/ ships it, on loopback: the site built from a copy of content/ whose
    municipality page has a generated hero photo (bench/photo_weight.py's), one gunicorn started as
    deploy/systemd/tasteget-web@.service starts it (one worker: enough for one browser), SQLite, and
    Debian's nginx on deploy/nginx/tasteget.conf with a self-signed certificate, both as
    tests/ops/test_deployment.py runs them (its helpers)."""
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(HERE))
    from photo_weight import content_with_photo

    from tests.ops.test_deployment import certificate
    from tests.support import nginx

    if not nginx.installed():
        raise BenchError("nginx is not installed (Debian: apt-get install nginx)")
    content = content_with_photo(folder)
    env.update(TASTEGET_CONTENT=str(content), CONTENT_DIR=str(content))
    build_site(root, folder, env)
    done = subprocess.run([*TASTEGET, "db", "upgrade"], cwd=root, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BenchError(f"tasteget db upgrade failed: {last_line(done.stderr or done.stdout)}")
    key, cert = certificate(folder)
    web, https_port, http_port = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    env.update(TRUSTED_PROXIES="1", PUBLIC_URL=f"{base}/")
    log = (folder / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:intake.gunicorn_conf", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{web}", "intake.wsgi:app"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = nginx.Nginx(
        folder / "nginx",
        site_dir=folder / "site",
        certificate=cert,
        key=key,
        https_port=https_port,
        http_port=http_port,
        upstreams=[web],
    )
    try:
        server.start()
    except AssertionError as exc:
        stop_product(gunicorn)
        raise BenchError(f"nginx did not start: {last_line(str(exc))}") from None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            server.stop()
            raise BenchError(f"gunicorn stopped: {last_line((folder / 'gunicorn.log').read_text())}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2, context=UNVERIFIED):
                return base, [gunicorn, server]
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop_product(gunicorn)
    server.stop()
    raise BenchError(f"nothing answered on {base}/healthz within 60 s")


UNVERIFIED = ssl._create_unverified_context()  # the self-signed certificate of --through-nginx


def check_pages(base: str, paths: list[str]) -> None:
    for path in paths:
        try:
            with urllib.request.urlopen(base + path, timeout=10, context=UNVERIFIED):
                pass
        except urllib.error.HTTPError as exc:
            raise BenchError(f"{path} answers {exc.code}: check --pages") from None


# ---------------------------------------------------------------------------------------------------
# Lighthouse


def stop_lighthouse(lighthouse: subprocess.Popen) -> None:
    """Stop a Lighthouse run and its Chromium, which chrome-launcher starts in a process group of its own
    and kills only when Lighthouse gets SIGINT (a SIGTERM or SIGKILL would leave it running)."""
    lighthouse.send_signal(signal.SIGINT)
    try:
        lighthouse.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        lighthouse.kill()
        lighthouse.communicate()


def run_lighthouse(url: str, chrome: str, output: Path, categories=("accessibility", "performance")) -> dict:
    # A self-signed certificate (--through-nginx): Chromium is told to accept it.
    flags = CHROME_FLAGS + (["--ignore-certificate-errors"] if url.startswith("https://127.0.0.1") else [])
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={chrome}",
        "--chrome-flags=" + " ".join(flags),
        "--only-categories=" + ",".join(categories),
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    # In a session of its own, so that a signal to this script's process group reaches only this script,
    # which then stops Lighthouse the one way that also stops its Chromium (stop_lighthouse).
    lighthouse = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = lighthouse.communicate(timeout=RUN_TIMEOUT)
    except BaseException as exc:  # a timeout, Ctrl-C or SIGTERM: never leave its Chromium behind
        stop_lighthouse(lighthouse)
        if isinstance(exc, subprocess.TimeoutExpired):
            raise BenchError(f"Lighthouse took more than {RUN_TIMEOUT} s on {url}") from None
        raise
    if lighthouse.returncode or not output.is_file():
        raise BenchError(f"Lighthouse failed on {url}: {last_line(err or out)}")
    report = json.loads(output.read_text(encoding="utf-8"))
    error = report.get("runtimeError")
    if error:
        raise BenchError(f"Lighthouse could not load {url}: {error.get('code')}: {error.get('message')}")
    for name in categories:
        if report["categories"][name]["score"] is None:
            raise BenchError(f"Lighthouse gave no {name} score for {url}: {report.get('runWarnings')}")
    return report


def failing_audits(report: dict, category: str = "accessibility") -> list[Failure]:
    """The audits of `category` that failed (or could not run) in one report, with their nodes."""
    failures = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        mode = audit["scoreDisplayMode"]
        failed = mode in ("binary", "numeric") and audit["score"] is not None and audit["score"] < 1
        if not (failed or mode == "error"):
            continue
        failure = Failure(ref["id"], audit["title"], ref["weight"])
        if mode == "error":
            failure.nodes["(audit error)"] = audit.get("errorMessage", "")
        for item in (audit.get("details") or {}).get("items", []):
            if "node" not in item and category != "accessibility":  # a URL or a console message
                what = item.get("url") or item.get("description") or item.get("source") or json.dumps(item)[:200]
                failure.nodes[str(what)[:200]] = audit.get("displayValue", "") or audit.get("explanation", "")
                continue
            node = item.get("node") or {}
            explanation = " / ".join(line.strip() for line in node.get("explanation", "").splitlines() if line.strip())
            failure.nodes[node.get("selector", "?")] = f"`{node.get('snippet', '')}` — {explanation}"
        failures.append(failure)
    return failures


def record(result: PageResult, report: dict) -> None:
    result.accessibility.append(report["categories"]["accessibility"]["score"] * 100)
    result.performance.append(report["categories"]["performance"]["score"] * 100)
    result.transferred.append(report["audits"]["total-byte-weight"]["numericValue"])
    for audit in METRICS:
        result.metrics.setdefault(audit, []).append(report["audits"][audit]["numericValue"])
    for failure in failing_audits(report):
        seen = result.failures.setdefault(failure.audit, failure)
        seen.runs += 1
        seen.nodes.update(failure.nodes)
    for category, scores in (("best-practices", result.best_practices), ("seo", result.seo)):
        if category not in report["categories"]:
            continue
        scores.append(report["categories"][category]["score"] * 100)
        for failure in failing_audits(report, category):
            seen = result.other_failures.setdefault(failure.audit, failure)
            seen.runs += 1
            seen.nodes.update(failure.nodes)
    requests = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    result.requests.update(item["url"] for item in requests if urlsplit(item["url"]).scheme in ("http", "https"))


def weigh_gzipped(base: str, result: PageResult) -> None:
    """What a gzip-ing web server would send: each same-origin body fetched again and gzipped at level 6
    (a typical nginx `gzip_comp_level`; the development server sends them raw). Another host is listed:
    the site must never ask one."""
    total = 0
    for url in sorted(result.requests):
        if urlsplit(url).netloc != urlsplit(base).netloc:
            result.other_hosts.append(url)
            continue
        with urllib.request.urlopen(url, timeout=10, context=UNVERIFIED) as answer:
            total += len(gzip.compress(answer.read(), compresslevel=6, mtime=0))
    result.gzipped = total


# ---------------------------------------------------------------------------------------------------
# The report


def score(values: list[float]) -> str:
    median = f"{statistics.median(values):.0f}"
    low, high = min(values), max(values)
    return median if round(low) == round(high) else f"{median} ({low:.0f}–{high:.0f})"


def metric(audit: str, values: list[float]) -> str:
    median = statistics.median(values)
    if audit == "cumulative-layout-shift":
        return f"{median:.3f}"
    if audit == "total-blocking-time":
        return f"{median:.0f}"
    return f"{median / 1000:.1f}"


def markdown(results: list[PageResult], runs: int, facts: dict[str, str], command: str) -> str:
    lines = [
        "# Lighthouse: accessibility, performance, bytes",
        "",
        f"- Date: {facts['date']}",
        f"- Revision: {facts['revision']}",
        f"- Command: `{command}`",
        f"- Lighthouse {facts['lighthouse']} (axe-core {facts['axe']}), Node {facts['node']}, "
        f"{facts['chromium']} headless; mobile form factor, simulated throttling (Lighthouse's defaults)",
        f"- Machine: {facts['machine']}; Lighthouse's benchmark index (higher: a faster, less busy machine) median {facts['benchmark_index']}; "
        f"load average {facts['load']}",
        "- Served by `tasteget serve` (Werkzeug, no compression): Lighthouse's transferred bytes are raw. "
        "*gzip KiB* is what a gzip-ing server would send: every same-origin response of the page, "
        "fetched again and gzipped at level 6 (bodies only).",
        "",
        f"Medians of {runs} run{'s' if runs != 1 else ''} per page (the range in brackets when the runs differ).",
        "",
        "| page | accessibility | performance | transferred KiB | gzip KiB | requests | "
        + " | ".join(METRICS.values())
        + " |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(METRICS),
    ]
    for r in results:
        cells = [
            f"`{r.path}`",
            score(r.accessibility),
            score(r.performance),
            f"{statistics.median(r.transferred) / 1024:.0f}",
            "?" if r.gzipped is None else f"{r.gzipped / 1024:.0f}",
            str(len(r.requests)),
            *(metric(audit, r.metrics[audit]) for audit in METRICS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    others = sorted({url for r in results for url in r.other_hosts})
    lines += ["", f"Requests to another host: {', '.join(others) if others else 'none'}."]
    lines += ["", "## Failing accessibility audits", ""]
    if not any(r.failures for r in results):
        lines.append("None: every accessibility audit passed (or was not applicable) on every page, in every run.")
        return "\n".join(lines) + "\n"
    # The same audit failing on the same nodes is the same finding: listed once, with its pages.
    findings: dict[tuple, list[tuple[str, Failure]]] = {}
    for r in results:
        for failure in r.failures.values():
            key = (failure.audit, tuple(sorted(failure.nodes.items())))
            findings.setdefault(key, []).append((r.path, failure))
    for (audit, nodes), pages in findings.items():
        first = pages[0][1]
        lines.append(f"- **`{audit}`** (weight {first.weight}): {first.title}")
        where = ", ".join(f"`{path}` ({failure.runs} of {runs} runs)" for path, failure in pages)
        lines.append(f"  - on {where}")
        for selector, detail in nodes:
            lines.append(f"  - `{selector}`: {detail}")
    clean = [r.path for r in results if not r.failures]
    if clean:
        lines.append(f"- none on {', '.join(f'`{path}`' for path in clean)}")
    return "\n".join(lines) + "\n"


NGINX_SECTION = "## Through nginx"


def markdown_nginx(results: list[PageResult], runs: int, facts: dict[str, str], command: str) -> str:
    """The --through-nginx section: all four categories, the bytes nginx really sent."""
    lines = [
        NGINX_SECTION,
        "",
        "Served as deployed: Debian's nginx on `deploy/nginx/tasteget.conf` (its paths and ports substituted as "
        "tests/ops/test_deployment.py does; HTTP/2, TLS with a self-signed certificate that Chromium is told to "
        "accept with `--ignore-certificate-errors`; the build's gzip copies, Brotli where the module is installed) "
        "in front of one gunicorn (one worker) with SQLite. The municipality page carries a generated hero photo "
        "(bench/photo_weight.py's, in a temporary copy of content/; none is committed). *transferred KiB* is what "
        "nginx sent (Lighthouse's `total-byte-weight`: compressed text, headers included).",
        "",
        f"- Date: {facts['date']}",
        f"- Revision: {facts['revision']}",
        f"- Command: `{command}`",
        f"- Lighthouse {facts['lighthouse']}, Node {facts['node']}, {facts['chromium']} headless; mobile form factor, "
        "simulated throttling (Lighthouse's defaults)",
        f"- Machine: {facts['machine']}; benchmark index median {facts['benchmark_index']}; load average {facts['load']}",
        "",
        f"Medians of {runs} run{'s' if runs != 1 else ''} per page (the range in brackets when the runs differ).",
        "",
        "| page | performance | accessibility | best practices | SEO | transferred KiB | requests | "
        + " | ".join(METRICS.values())
        + " |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(METRICS),
    ]
    for r in results:
        cells = [
            f"`{r.path}`",
            score(r.performance),
            score(r.accessibility),
            score(r.best_practices),
            score(r.seo),
            f"{statistics.median(r.transferred) / 1024:.0f}",
            str(len(r.requests)),
            *(metric(audit, r.metrics[audit]) for audit in METRICS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    others = sorted({url for r in results for url in r.other_hosts})
    lines += ["", f"Requests to another host: {', '.join(others) if others else 'none'}.", ""]
    lines += ["### Failing audits (accessibility, best practices, SEO)", ""]
    found = False
    for r in results:
        for failure in [*r.failures.values(), *r.other_failures.values()]:
            found = True
            lines.append(f"- `{r.path}` **`{failure.audit}`** ({failure.runs} of {runs} runs): {failure.title}")
            for what, detail in list(failure.nodes.items())[:5]:
                lines.append(f"  - `{what}`{': ' + detail if detail else ''}")
    if not found:
        lines.append("None on any page in any run.")
    return "\n".join(lines) + "\n"


def write_results(text: str, through_nginx: bool) -> None:
    """Rewrite bench/LIGHTHOUSE_RESULTS.md: the --through-nginx section at its end, kept when the
    `tasteget serve` part is rewritten and the other way round."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    served, _, nginx_part = old.partition(NGINX_SECTION)
    if through_nginx:
        RESULTS.write_text(served.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    else:
        RESULTS.write_text(text + ("\n" + NGINX_SECTION + nginx_part if nginx_part else ""), encoding="utf-8")


def summary(results: list[PageResult], runs: int, facts: dict[str, str]) -> dict:
    return {
        "facts": facts,
        "runs": runs,
        "pages": {
            r.path: {
                "accessibility": statistics.median(r.accessibility),
                "performance": statistics.median(r.performance),
                "transferred_bytes": statistics.median(r.transferred),
                "gzipped_bytes": r.gzipped,
                "requests": sorted(r.requests),
                **{audit: statistics.median(values) for audit, values in r.metrics.items()},
                "failing_accessibility_audits": {
                    f.audit: {"title": f.title, "runs": f.runs, "selectors": list(f.nodes)} for f in r.failures.values()
                },
            }
            for r in results
        },
    }


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()


def revision(root: Path) -> str:
    where = "" if root == REPO else f" in {root}"
    rev = git(root, "rev-parse", "--short", "HEAD")
    if not rev:
        return f"not a Git checkout{where}"
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD")
    dirty = git(root, "status", "--porcelain", "--untracked-files=no")
    return f"{rev}{f' ({branch})' if branch else ''}{' with uncommitted changes' if dirty else ''}{where}"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip() + ", "
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}{os.cpu_count()} cores (shared with other work)"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---------------------------------------------------------------------------------------------------


def measure(opts: argparse.Namespace, folder: Path, reports: Path) -> tuple[list[PageResult], dict[str, str]]:
    root = opts.root.resolve()
    env = product_env(root, folder)
    measured = revision(root)  # before the build: what is committed later is not what was measured
    if opts.through_nginx:
        base, servers = start_through_nginx(root, folder, env)
        categories = CATEGORIES
    else:
        build_site(root, folder, env)
        base, server = start_product(root, folder, env)
        servers, categories = [server], ("accessibility", "performance")
    results = {path: PageResult(path) for path in opts.pages}
    facts = {"load": load() + " (start)"}
    index, environment = [], {}
    try:
        check_pages(base, opts.pages)
        total = opts.runs * len(opts.pages)
        done = 0
        for run in range(1, opts.runs + 1):
            for path in opts.pages:
                done += 1
                started = time.monotonic()
                name = "home" if path == "/" else path.strip("/").replace("/", "_")
                report = run_lighthouse(base + path, opts.chrome_path, reports / f"{name}.{run}.json", categories)
                record(results[path], report)
                environment = report["environment"]
                index.append(environment.get("benchmarkIndex", 0))
                r = results[path]
                progress(
                    f"[{done}/{total}] {path} run {run}: accessibility {r.accessibility[-1]:.0f}, "
                    f"performance {r.performance[-1]:.0f}, {r.transferred[-1] / 1024:.0f} KiB "
                    f"({time.monotonic() - started:.0f} s)"
                )
        for result in results.values():
            weigh_gzipped(base, result)
    finally:
        for server in servers:
            stop_product(server) if isinstance(server, subprocess.Popen) else server.stop()
    facts["load"] += f", {load()} (end)"
    chromium = environment.get("hostUserAgent", "")
    chromium = next((p.replace("HeadlessChrome", "Chromium") for p in chromium.split() if "Chrome/" in p), "Chromium")
    facts.update(
        chromium=chromium,
        axe=environment.get("credits", {}).get("axe-core", "?"),
        benchmark_index=f"{statistics.median(index):.0f} (runs {min(index):.0f}–{max(index):.0f})" if index else "?",
        revision=measured,
    )
    return list(results.values()), facts


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    opts = options(argv)
    try:
        check_root(opts.root)
        version = lighthouse_version()
        check_chromium(opts.chrome_path)
        started = datetime.now(UTC)
        with tempfile.TemporaryDirectory(prefix="lighthouse-bench-") as tmp:
            folder = Path(tmp)
            reports = opts.reports or folder / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            results, facts = measure(opts, folder, reports)
    except BenchError as exc:
        print(f"lighthouse: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lighthouse: interrupted", file=sys.stderr)
        return 130
    facts.update(
        date=f"{started:%Y-%m-%d %H:%M} UTC",
        lighthouse=version,
        node=node_version(),
        machine=machine(),
    )
    command = "python bench/lighthouse.py" + " ".join(["", *(argv if argv is not None else sys.argv[1:])]).replace(
        " --write", ""
    )
    text = (markdown_nginx if opts.through_nginx else markdown)(results, opts.runs, facts, command)
    print(text, end="")
    if opts.reports:
        (opts.reports / "summary.json").write_text(json.dumps(summary(results, opts.runs, facts), indent=2) + "\n")
        progress(f"reports and summary.json in {opts.reports}")
    if opts.write:
        write_results(text, opts.through_nginx)
        progress(f"wrote {RESULTS}")
    return below_required(results, opts.require_accessibility)


def below_required(results: list[PageResult], required: int | None) -> int:
    """3 (and one line saying where) if a page's median accessibility is below `required`, else 0."""
    if required is None:
        return 0
    below = [r for r in results if statistics.median(r.accessibility) < required]
    if not below:
        return 0
    pages = ", ".join(f"{r.path} {statistics.median(r.accessibility):.0f}" for r in below)
    print(f"lighthouse: accessibility below {required}: {pages}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupted)  # clean up (server, Chromium, temporary folder) as on Ctrl-C
    sys.exit(main())
