"""First contentful paint of a municipality page on a slow mobile link, through the shipped nginx.

Starts the deployment as `bench/lighthouse.py --through-nginx` does (the site built from a copy of
content/ whose municipality page `are` has a generated hero photo, one gunicorn, Debian's nginx on
deploy/nginx/tasteget.conf over HTTPS with a self-signed certificate, all on loopback) and loads the
page in the system Chromium (Playwright, never a downloaded browser) with Chromium's own network
emulation (`Network.emulateNetworkConditions` over CDP): 400 kbit/s down and up, 300 ms latency
added to each request. Each load is cold: a new browser context (no cache, no open connection).
The viewport is Lighthouse's mobile one (412 x 823 CSS pixels at 1.75x); the CPU is not slowed.

For each load: first contentful paint and largest contentful paint (the browser's own Paint Timing
and LCP entries), the load event, and the bytes received until the load event (CDP's
`encodedDataLength`: compressed, headers included). Medians over `--runs` loads (default 5).
Results are Markdown on stdout (and appended to bench/SLOW_LINK_RESULTS.md with --write); progress
on stderr.

    .venv/bin/python bench/slow_link.py [--runs N] [--path /kommuner/are/] [--write] [--label TEXT]

Note what the emulation does and does not do: it delays each request by the latency and paces each
response at the throughput, but the TCP and TLS handshakes on loopback are not delayed, so a real
link of this kind adds about 2-3 round trips (0.6-0.9 s) for the first connection on top.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "SLOW_LINK_RESULTS.md"
DOWN_KBIT = 400
UP_KBIT = 400
LATENCY_MS = 300
VIEWPORT = {"width": 412, "height": 823}
SCALE = 1.75
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]

# After the load event: the paint entries the page has (LCP is final once the page is loaded and idle).
PAINTS = """() => new Promise(resolve => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  let lcp = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  const nav = performance.getEntriesByType('navigation')[0];
  setTimeout(() => resolve({fcp: fcp ? fcp.startTime : null, lcp, load: nav.loadEventStart}), 500);
})"""


def lighthouse_bench():
    spec = importlib.util.spec_from_file_location("lighthouse_bench", HERE / "lighthouse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_once(browser, url: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=SCALE, ignore_https_errors=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_KBIT * 1000 / 8,
            "uploadThroughput": UP_KBIT * 1000 / 8,
            "connectionType": "cellular3g",
        },
    )
    received = {"bytes": 0, "requests": 0}

    def finished(event):
        received["bytes"] += event.get("encodedDataLength", 0)
        received["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load", timeout=120_000)
    paints = page.evaluate(PAINTS)
    loaded = dict(received)  # until the load event (and the half second the paints are read in)
    context.close()
    return {**paints, **loaded}


def markdown(path: str, loads: list[dict], facts: dict[str, str], command: str, label: str) -> str:
    def med(key: str) -> float:
        return statistics.median(x[key] for x in loads)

    def each(key: str, scale: float = 1000, digits: int = 2) -> str:
        return ", ".join(f"{x[key] / scale:.{digits}f}" for x in loads)

    heading = f"## {path}{f': {label}' if label else ''} ({facts['date']})"
    return "\n".join(
        [
            heading,
            "",
            f"- Command: `{command}`",
            f"- Revision: {facts['revision']}",
            f"- {facts['chromium']} headless via Playwright; {DOWN_KBIT} kbit/s down, {UP_KBIT} kbit/s up, "
            f"{LATENCY_MS} ms latency (CDP `Network.emulateNetworkConditions`); {VIEWPORT['width']} x "
            f"{VIEWPORT['height']} at {SCALE}x; cold loads (a new context each); CPU not slowed",
            "- Served by Debian's nginx on deploy/nginx/tasteget.conf (HTTPS, HTTP/2) in front of one gunicorn; "
            "the page has a generated hero photo",
            f"- Machine: {facts['machine']}; load average {facts['load']}",
            "",
            f"Medians of {len(loads)} cold loads (each load's figure in brackets).",
            "",
            "| figure | median | loads |",
            "|---|---:|---|",
            f"| first contentful paint, s | {med('fcp') / 1000:.2f} | {each('fcp')} |",
            f"| largest contentful paint, s | {med('lcp') / 1000:.2f} | {each('lcp')} |",
            f"| load event, s | {med('load') / 1000:.2f} | {each('load')} |",
            f"| received until load, KiB | {med('bytes') / 1024:.0f} | {each('bytes', 1024, 0)} |",
            f"| requests until load | {med('requests'):.0f} | {each('requests', 1, 0)} |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads (default 5)")
    parser.add_argument("--path", default="/kommuner/are/", help="the page (default /kommuner/are/, with the photo)")
    parser.add_argument("--write", action="store_true", help=f"also append to {RESULTS.relative_to(REPO)}")
    parser.add_argument("--label", default="", help="a word for the heading, e.g. before or after")
    opts = parser.parse_args(argv)
    bench = lighthouse_bench()
    from playwright.sync_api import sync_playwright

    started = datetime.now(UTC)
    load_start = bench.load()
    try:
        with tempfile.TemporaryDirectory(prefix="slow-link-") as tmp:
            folder = Path(tmp)
            env = bench.product_env(REPO, folder)
            revision = bench.revision(REPO)
            base, servers = bench.start_through_nginx(REPO, folder, env)
            try:
                bench.check_pages(base, [opts.path])
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    chromium = f"Chromium {browser.version}"
                    loads = []
                    for run in range(1, opts.runs + 1):
                        loads.append(load_once(browser, base + opts.path))
                        x = loads[-1]
                        bench.progress(
                            f"[{run}/{opts.runs}] FCP {x['fcp'] / 1000:.2f} s, LCP {x['lcp'] / 1000:.2f} s, "
                            f"load {x['load'] / 1000:.2f} s, {x['bytes'] / 1024:.0f} KiB"
                        )
                    browser.close()
            finally:
                for server in servers:
                    bench.stop_product(server) if hasattr(server, "poll") else server.stop()
    except bench.BenchError as exc:
        print(f"slow_link: {exc}", file=sys.stderr)
        return 1
    facts = {
        "date": f"{started:%Y-%m-%d %H:%M} UTC",
        "revision": revision,
        "chromium": chromium,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores (shared with other work)",
        "load": f"{load_start} (start), {bench.load()} (end)",
    }
    command = "python bench/slow_link.py" + " ".join(["", *(argv if argv is not None else sys.argv[1:])]).replace(
        " --write", ""
    )
    text = markdown(opts.path, loads, facts, command, opts.label)
    print(text, end="")
    if opts.write:
        old = (
            RESULTS.read_text(encoding="utf-8")
            if RESULTS.is_file()
            else (
                "# First contentful paint on a slow link\n\n"
                "bench/slow_link.py: a municipality page with a hero photo through the shipped nginx, on Chromium's "
                f"emulated {DOWN_KBIT} kbit/s, {LATENCY_MS} ms link; issue 18 asks for FCP at most 2 s.\n"
            )
        )
        RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        bench.progress(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
