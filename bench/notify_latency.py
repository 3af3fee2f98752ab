"""Time from a submitted registration to its messages arriving at an SMTP server, under steady load.

Starts gunicorn (the intake) and `tasteget worker` as separate processes against a fresh database,
an aiosmtpd server in this process, and registers households at a steady rate. For every message
that arrives, the latency is its arrival time minus the moment the registration's POST returned.

    .venv/bin/python bench/notify_latency.py [--seconds 60] [--rate 2] [--backend sqlite|postgresql] [--write]

Not part of the tests. The abuse defences are set by configuration for the run: a rate limit far
above the load and MIN_FILL_SECONDS=0 (otherwise the robot-fast client is quarantined and sends no
mail); WORKER_POLL_SECONDS=1, the production default being 2.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.helpers import free_port, wait_for  # noqa: E402
from tests.support.intake_helpers import REGISTRATION, hidden_fields  # noqa: E402

BIN = Path(sys.executable).parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Arrivals:
    """The SMTP server's side: when each message for each reference arrived."""

    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        match = re.search(r"\((H-[0-9A-Z-]+)\)", message["Subject"] or "")
        if match:
            with self.lock:
                self.times.setdefault(match.group(1), []).append(now)
        return "250 OK"


def database(backend: str, folder: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'crm.db'}", lambda: None
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG)
    with engine.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{PG}?options=-csearch_path%3D{schema}", drop


def run(backend: str, seconds: float, rate: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="tasteget-notify-"))
    site = folder / "site"
    subprocess.run([BIN / "tasteget", "build", "--site-dir", site], cwd=ROOT, check=True, capture_output=True)
    url, drop = database(backend, folder)
    arrivals = Arrivals()
    smtp_port = free_port()
    smtp = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "SITE_DIR": str(site),
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MIN_FILL_SECONDS": "0",
        "RATELIMIT_FORMS": "1000000 per minute",
        "WORKER_POLL_SECONDS": "1",
        "MAIL_DAILY_LIMIT_PER_ADDRESS": "1000000",
        "SESSION_COOKIE_SECURE": "false",  # plain http on loopback
    }
    subprocess.run([BIN / "tasteget", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    web = subprocess.Popen(
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "intake.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [BIN / "tasteget", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    submitted: dict[str, float] = {}
    errors = 0
    try:
        if not wait_for(f"{base}/healthz", '"status":"ok"', seconds=30):
            raise SystemExit("gunicorn did not start")
        progress(f"{backend}: registering {rate}/s for {seconds:.0f} s")
        start = time.monotonic()
        n = 0
        with requests.Session() as http:
            while time.monotonic() - start < seconds:
                due = start + n / rate
                time.sleep(max(0.0, due - time.monotonic()))
                form = hidden_fields(http.get(f"{base}/registrera/").text)
                data = {**form, **REGISTRATION, "email": f"bench{n}@example.com", "municipalities": ["are"]}
                response = http.post(f"{base}/registrera/", data=data, allow_redirects=False)
                if response.status_code != 303:
                    errors += 1
                else:
                    reference = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
                    submitted[reference] = time.monotonic()
                n += 1
        progress(f"{backend}: {len(submitted)} registered; waiting for the last messages")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(len(arrivals.times.get(r, [])) for r in submitted) < 2 * len(
            submitted
        ):
            time.sleep(0.2)
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        smtp.stop()
        drop()
    latencies = [t - submitted[ref] for ref, times in arrivals.times.items() if ref in submitted for t in times]
    expected = 2 * len(submitted)  # one guide (Åre) and the mover
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    return {
        "backend": backend,
        "registered": len(submitted),
        "errors": errors,
        "messages": len(latencies),
        "expected": expected,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": quantiles[94],
        "max": max(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=2, help="registrations per second")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--write", action="store_true", help="write bench/NOTIFY_RESULTS.md")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run(b, args.seconds, args.rate) for b in backends]
    lines = [
        "# Notification latency",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, shared and noisy; Python {sys.version.split()[0]}",
        f"- Command: `.venv/bin/python bench/notify_latency.py --seconds {args.seconds:.0f} --rate {args.rate:g}"
        f" --backend {args.backend}{' --write' if args.write else ''}`",
        "- Set-up: gunicorn `-w 2` and one `tasteget worker` (WORKER_POLL_SECONDS=1) as separate processes, "
        "aiosmtpd on loopback in the benchmark's process; each registration chooses one municipality, so it "
        "sends two messages (the guide's and the mover's).",
        "- Configuration for the run: RATELIMIT_FORMS far above the load, MIN_FILL_SECONDS=0 and "
        "MAIL_DAILY_LIMIT_PER_ADDRESS high, so the defences do not hold back the generated traffic.",
        "",
        "| backend | registrations | errors | messages arrived / expected | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['registered']} | {r['errors']} | {r['messages']} / {r['expected']} "
            f"| {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} |"
        )
    lines += [
        "",
        "Latency: the message's arrival at the SMTP server minus the return of the registration's POST. Target: p95 ≤ 5 s.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (ROOT / "bench" / "NOTIFY_RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
