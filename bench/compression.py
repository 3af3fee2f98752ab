"""What the home page, a municipality page and both forms transfer through `tasteget serve`, before
and after the build's pre-compressed copies and the intake's own compression (issue 18).

For each checkout (by default `main` as it was before, and this working tree after): the checkout's
code builds the real content into a temporary site and serves it with `python -m intake serve` on a
loopback port (SQLite in a temporary folder, no worker). Each page is fetched as a browser would
ask for it, `Accept-Encoding: br, gzip`, and so is every same-origin file its HTML loads at once
(stylesheets, scripts, icons, images with a `src`); what is counted is the bytes of each body as
sent, before any decoding (headers left out). Five rounds, the median per page; the forms' bytes
vary a little between rounds (a fresh token and submission id in each).

    .venv/bin/python bench/compression.py [--before REF] [--runs N] [--write]

`--before` is a git revision of this repository (default `main`), exported with `git archive` into
a temporary folder; `--write` rewrites bench/COMPRESSION_RESULTS.md. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "home": "/",
    "municipality": None,
    "registration form": "/registrera/",
    "magazine form": "/bestall-magasinet/",
    # Its utm_* values stand in the page beside the CSRF token: not compressed (intake.web.compression).
    "registration form from a campaign link": "/registrera/?utm_source=facebook&utm_campaign=var2027",
}
LOADED = re.compile(
    r"<(?:link[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc)=\"([^\"]+)\"[^>]*>",
    re.IGNORECASE,
)
SKIPPED_LINKS = re.compile(r'rel="(?:alternate|canonical|prev|next|search)"', re.IGNORECASE)
HEADERS = {"Accept-Encoding": "br, gzip"}


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def export(ref: str, folder: Path) -> Path:
    """The repository at `ref`, without its history."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def build(checkout: Path, site: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from intake.cli import main; main()", "build", "--site-dir", str(site)],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def serve(checkout: Path, site: Path, folder: Path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "DATABASE_URL": f"sqlite:///{folder / 'crm.db'}",
        "SECRET_KEY": "bench",
        "SITE_DIR": str(site),
        "CONTENT_DIR": str(checkout / "content"),
        "MAIL_DIR": str(folder / "mail"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "intake", "serve", "--port", str(port), "--no-worker"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return base, server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the intake did not start")


def sent(session: requests.Session, url: str) -> tuple[int, bytes, str]:
    """(bytes on the wire, decoded body, Content-Encoding)."""
    response = session.get(url, headers=HEADERS, stream=True)
    raw = response.raw.read(decode_content=False)
    response.raise_for_status()
    encoding = response.headers.get("Content-Encoding", "")
    body = raw
    if encoding == "br":
        import brotli

        body = brotli.decompress(raw)
    elif encoding == "gzip":
        import gzip

        body = gzip.decompress(raw)
    return len(raw), body, encoding


def measure(base: str, path: str) -> dict:
    with requests.Session() as session:
        document, html, encoding = sent(session, base + path)
        files = []
        for tag in LOADED.finditer(html.decode("utf-8")):
            if SKIPPED_LINKS.search(tag.group(0)):
                continue
            url = urljoin(base + path, tag.group(1).replace("&amp;", "&"))
            if urlsplit(url).netloc == urlsplit(base).netloc and url not in files:
                files.append(url)
        assets = sum(sent(session, url)[0] for url in files)
    return {
        "document": document,
        "raw": len(html),
        "encoding": encoding,
        "files": len(files),
        "total": document + assets,
    }


def municipality(site: Path) -> str:
    first = sorted(p.name for p in (site / "kommuner").iterdir() if (p / "index.html").is_file())[0]
    return f"/kommuner/{first}/"


def run(checkout: Path, folder: Path, runs: int) -> dict[str, dict]:
    site = folder / "site"
    seconds = build(checkout, site)
    progress(f"built {checkout} in {seconds:.1f} s")
    pages = {name: path or municipality(site) for name, path in PAGES.items()}
    base, server = serve(checkout, site, folder)
    try:
        rounds = {name: [measure(base, path) for _ in range(runs)] for name, path in pages.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)
    result = {}
    for name, measured in rounds.items():
        result[name] = {
            "path": pages[name],
            "document": statistics.median(m["document"] for m in measured),
            "raw": statistics.median(m["raw"] for m in measured),
            "encoding": measured[0]["encoding"] or "none",
            "files": measured[0]["files"],
            "total": statistics.median(m["total"] for m in measured),
        }
    return result


def revision(ref: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True, check=True
    ).stdout.strip()


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def report(before: dict, after: dict, ref: str, runs: int) -> str:
    lines = [
        "# Transferred bytes through `tasteget serve`, before and after compression",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} (Python {platform.python_version()}),",
        f"median of {runs} rounds, `Accept-Encoding: br, gzip`, bodies as sent (headers not counted).",
        f"Before: `{ref}` ({revision(ref)}); after: this working tree ({revision('HEAD')}). Command:",
        "",
        "    .venv/bin/python bench/compression.py " + " ".join(sys.argv[1:]),
        "",
        "| page | path | document before KB | document after KB (encoding) | page and its files before KB | after KB | files |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in PAGES:
        b, a = before[name], after[name]
        lines.append(
            f"| {name} | `{a['path']}` | {kb(b['document'])} | {kb(a['document'])} ({a['encoding']}) "
            f"| {kb(b['total'])} | {kb(a['total'])} | {a['files']} |"
        )
    total_b = sum(before[n]["total"] for n in PAGES)
    total_a = sum(after[n]["total"] for n in PAGES)
    lines += [
        "",
        f"All {len(PAGES)} pages with their files: {kb(total_b)} KB before, {kb(total_a)} KB after "
        f"({100 * total_a / total_b:.0f} %).",
        "",
        "Not counted: what a page fetches on use (the search index and its worker, the occupation names),",
        "compressed the same way. The campaign link's form page itself is sent uncompressed on purpose",
        "(BREACH; see `intake/web/compression.py`); its files are compressed as on the plain form.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="main", help="git revision measured as before (default main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="rewrite bench/COMPRESSION_RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tasteget-compression-") as tmp:
        tmp = Path(tmp)
        before = run(export(args.before, tmp / "before" / "checkout"), tmp / "before", args.runs)
        after_folder = tmp / "after"
        after_folder.mkdir()
        after = run(ROOT, after_folder, args.runs)
        shutil.rmtree(tmp / "before", ignore_errors=True)
    text = report(before, after, args.before, args.runs)
    print(text)
    if args.write:
        (ROOT / "bench" / "COMPRESSION_RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
