"""Load benchmark of the intake service: gunicorn on loopback, full registrations, then kill -9.

For each database backend (SQLite, PostgreSQL) the benchmark

1. builds the site once into a temporary folder, creates a fresh database and migrates it
   (`tasteget db upgrade`), and starts gunicorn (`intake.wsgi:app`) as a process group of its own;
2. runs virtual users (threads; a lean HTTP client of the standard library, see Visitor) that
   complete full registrations as a browser does: GET the form, POST it with its hidden fields, follow the 303 to the receipt
   and check that it shows the reference. A short warm-up comes first and is not counted;
3. measures, on the same server right after, the request rate of the minimal endpoint
   (`/healthz`, one `SELECT 1`) with the same number of users; steps 2 and 3 run in rounds
   (`--rounds`, default 3) and the ratio reported is the median of the rounds' ratios, since the
   machine is shared and what else runs on it changes from minute to minute; then the rate of a
   static file;
4. counts the rows stored against the receipts given;
5. starts the load again and `kill -9`s the whole gunicorn process group (master and workers)
   in the middle of it, restarts gunicorn on the same database, and checks that every
   reference the client got a receipt for is stored (and, on SQLite, `PRAGMA integrity_check`).

The abuse defences are set by configuration only, from bench/intake_load.env (its comments say why).

Run from anywhere (needs Redis on 127.0.0.1:6379 and, for PostgreSQL, a server that `--pg-url` reaches):

    .venv/bin/python bench/intake_load.py [--seconds 60] [--rounds 3] [--users 6] [--backend both] [--write]

Results are Markdown on stdout (and in bench/INTAKE_RESULTS.md with --write, which keeps that file's
hand-written "## Notes" section); progress goes to stderr. Where the server's time goes:
bench/intake_profile.py. Not part of the tests or CI.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.support.intake_helpers import REGISTRATION, hidden_fields  # noqa: E402

BIN = REPO / ".venv" / "bin"
GUNICORN = BIN / "gunicorn"
TASTEGET = BIN / "tasteget"
CONFIG = REPO / "bench" / "intake_load.env"
RESULTS = REPO / "bench" / "INTAKE_RESULTS.md"
NOTES = "## Notes"  # the hand-written part of RESULTS: kept as it is by --write

FORM = "/registrera/"
RECEIPT = re.compile(r"^/registrera/tack/(H-[0-9A-Z]{4}-[0-9A-Z]{4})/$")
MINIMAL = "/healthz"
STATIC = "/assets/stylesheets/tasteget.css"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUEST_TIMEOUT = 30  # seconds; far above any answer the intake should need

TARGET_RATIO = 0.2  # registrations/s over the minimal endpoint's requests/s
TARGET_P99_MS = 250  # of a whole registration (three requests)
STATIC_SECONDS = 10  # the static file is only a point of comparison


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def read_config(path: Path = CONFIG) -> dict[str, str]:
    """KEY=VALUE lines; '#' starts a comment line."""
    config = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            config[key.strip()] = value.strip()
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# -- CPU accounting -------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return total - idle, total


def background_busy(seconds: float = 3) -> float:
    """Share of all cores busy over `seconds` while the benchmark itself sends nothing."""
    busy, total = machine_cpu()
    time.sleep(seconds)
    busy_after, total_after = machine_cpu()
    return (busy_after - busy) / max(1, total_after - total)


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    seconds = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2 :].split()
        if int(rest[2]) == pgid and rest[0] != "Z":
            seconds += (int(rest[11]) + int(rest[12])) / TICK
    return seconds


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                rest = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(rest[2]) == pgid and rest[0] != "Z":
                pids.append(int(entry.name))
    return pids


# -- the server -----------------------------------------------------------------------------------


class Server:
    """gunicorn serving intake.wsgi:app in a process group of its own (so kill -9 reaches every worker)."""

    def __init__(
        self, env: dict[str, str], port: int, workers: int, threads: int, log: Path, extra: tuple[str, ...] = ()
    ):
        self.env, self.port, self.log = env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.argv = [str(GUNICORN), "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        if threads > 1:
            self.argv += ["--threads", str(threads)]  # gunicorn then uses its gthread worker
        self.argv += [*extra, "intake.wsgi:app"]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> float:
        """Start and wait until /healthz answers ok; return the seconds that took."""
        started = time.perf_counter()
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                if '"status":"ok"' in Visitor(self.base).request("GET", MINIMAL).text:
                    return time.perf_counter() - started
            except FAILURES:
                pass
            time.sleep(0.1)
        self.stop()
        sys.exit(f"gunicorn did not become healthy within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu(self) -> float:
        return group_cpu(self.process.pid) if self.process else 0.0

    def pids(self) -> list[int]:
        return group_pids(self.process.pid) if self.process else []

    def kill(self) -> int:
        """kill -9 the master and every worker at once; return how many processes were killed."""
        pids = self.pids()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(pids)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


# -- the load client ------------------------------------------------------------------------------


@dataclass
class Phase:
    """What the virtual users saw in one phase of a run."""

    name: str
    users: int
    seconds: float = 0.0  # from the first request to the last user finishing
    flows: int = 0  # completed registrations (or completed GETs in a GET phase)
    responses: int = 0  # HTTP responses received, whatever their status
    latency: dict[str, list[float]] = field(default_factory=dict)  # ms, per step and "flow"
    errors: Counter = field(default_factory=Counter)
    acknowledged: set[str] = field(default_factory=set)  # references from a 303 to the receipt
    receipts: set[str] = field(default_factory=set)  # ... whose receipt page was shown
    interrupted: Counter = field(default_factory=Counter)  # step at which the kill cut a flow
    server_cpu: float = 0.0  # CPU seconds of the gunicorn processes
    machine_busy: float = 0.0  # share of all cores busy (server, database, Redis and client)
    client_cpu: float = 0.0  # CPU seconds of this process (the load client)
    killed_at: float | None = None  # seconds into the phase
    killed_processes: int = 0
    timeline: list[tuple[float, dict[str, float]]] = field(default_factory=list)  # (s into phase, ms per step)

    def add(self, step: str, ms: float) -> None:
        self.latency.setdefault(step, []).append(ms)

    def rate(self) -> float:
        return self.flows / self.seconds if self.seconds else math.nan

    def p(self, step: str, q: float) -> float:
        return percentile(self.latency.get(step, []), q)

    def window(self, start: float, end: float) -> tuple[float, float]:
        """(completed per second, median POST ms) of the flows that ended between `start` and `end` s."""
        posts = [steps["post"] for t, steps in self.timeline if start <= t < end and "post" in steps]
        return len(posts) / (end - start), percentile(posts, 50)


def merged(name: str, phases: list[Phase]) -> Phase:
    """Phases of the same kind from several rounds as one: counts and times added, latencies pooled,
    the timeline laid end to end, the machine's busy share weighted by time."""
    out = Phase(name, phases[0].users)
    for phase in phases:
        out.timeline += [(out.seconds + t, steps) for t, steps in phase.timeline]
        out.seconds += phase.seconds
        out.flows += phase.flows
        out.responses += phase.responses
        for step, values in phase.latency.items():
            out.latency.setdefault(step, []).extend(values)
        out.errors += phase.errors
        out.acknowledged |= phase.acknowledged
        out.receipts |= phase.receipts
        out.server_cpu += phase.server_cpu
        out.client_cpu += phase.client_cpu
        out.machine_busy += phase.machine_busy * phase.seconds
    out.machine_busy /= max(out.seconds, 1e-9)
    return out


@dataclass
class Answer:
    status_code: int
    headers: http.client.HTTPMessage
    text: str


class Visitor:
    """One visitor's side of the conversation: a new connection per request (gunicorn's sync workers
    close every connection after answering, as a browser would see them do) and the cookies the server
    set, sent back on the next request.

    The standard library's http.client rather than `requests`, written for this benchmark because the
    client shares the two cores with the server: requests' per-request work (proxy and .netrc look-ups
    in the environment, the next request of a redirect prepared in advance, its cookie jar) cost about
    1.5 ms of client CPU per request, several of the server's own, and with six users in one process
    it capped `/healthz` at about half of what the same server answers (540 against 1100 requests/s,
    measured on the same server one after the other), so the ratio mostly measured the client."""

    HEADERS = {"User-Agent": "tasteget-bench", "Accept": "text/html,*/*", "Accept-Language": "sv,en;q=0.8"}

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        headers = dict(self.HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            self.cookies.load(cookie)
        return Answer(response.status, response.headers, text)


# What a request can fail with: the connection (refused, reset, timed out) or the HTTP exchange.
FAILURES = (OSError, http.client.HTTPException)


class Flow:
    """One registration's outcome, collected without locks and merged into the phase after."""

    def __init__(self) -> None:
        self.latency: list[tuple[str, float]] = []
        self.responses = 0
        self.error: str | None = None
        self.step = "form"
        self.acknowledged: str | None = None
        self.receipt: str | None = None

    def timed(self, visitor: Visitor, method: str, path: str, form: dict | None = None) -> Answer:
        started = time.perf_counter()
        answer = visitor.request(method, path, form)
        self.latency.append((self.step, 1000 * (time.perf_counter() - started)))
        self.responses += 1
        return answer


def register_once(base: str, tag: str) -> Flow:
    """A full registration as a new visitor: form, submit, receipt."""
    flow = Flow()
    visitor = Visitor(base)
    started = time.perf_counter()
    try:
        page = flow.timed(visitor, "GET", FORM)
        if page.status_code != 200:
            raise ValueError(f"status {page.status_code}")
        fields = hidden_fields(page.text)
        if not {"csrf_token", "submission_id", "started"} <= fields.keys():
            raise ValueError("hidden fields missing")
        data = {**REGISTRATION, **fields, "name": f"Bench {tag}", "email": f"bench-{tag}@example.com"}
        flow.step = "post"
        answer = flow.timed(visitor, "POST", FORM, data)
        location = urlsplit(urljoin(base + FORM, answer.headers.get("Location", ""))).path
        match = RECEIPT.match(location)
        if answer.status_code != 303 or not match:
            raise ValueError(f"status {answer.status_code}")
        flow.acknowledged = reference = match.group(1)
        flow.step = "receipt"
        receipt = flow.timed(visitor, "GET", location)
        if receipt.status_code != 200:
            raise ValueError(f"status {receipt.status_code}")
        if reference not in receipt.text:
            raise ValueError("reference not shown")
        flow.receipt = reference
        flow.latency.append(("flow", 1000 * (time.perf_counter() - started)))
    except (*FAILURES, ValueError) as exc:
        kind = str(exc) if isinstance(exc, ValueError) else type(exc).__name__
        flow.error = f"{flow.step}: {kind}"
    return flow


def get_once(visitor: Visitor, path: str, expect: str | None) -> Flow:
    flow = Flow()
    flow.step = "get"
    try:
        response = flow.timed(visitor, "GET", path)
        if response.status_code != 200 or (expect and expect not in response.text):
            raise ValueError(f"status {response.status_code}")
    except (*FAILURES, ValueError) as exc:
        flow.error = f"get: {exc}" if isinstance(exc, ValueError) else f"get: {type(exc).__name__}"
    return flow


def run_phase(
    name: str,
    server: Server,
    users: int,
    seconds: float,
    path: str | None = None,
    expect: str | None = None,
    kill_after: float | None = None,
) -> Phase:
    """`users` threads registering (or GETting `path`) until `seconds` pass or the server is killed."""
    phase = Phase(name, users)
    lock = threading.Lock()
    stop = threading.Event()
    run = uuid.uuid4().hex[:6]

    def user(number: int) -> None:
        visitor = Visitor(server.base)
        count = 0
        while not stop.is_set():
            count += 1
            if path is None:
                flow = register_once(server.base, f"{run}-{number}-{count}")
            else:
                flow = get_once(visitor, path, expect)
            with lock:
                phase.responses += flow.responses
                if flow.error and stop.is_set() and kill_after is not None:
                    phase.interrupted[flow.step] += 1  # cut off by the kill: expected
                elif flow.error:
                    phase.errors[flow.error] += 1
                else:
                    phase.flows += 1
                    for step, ms in flow.latency:
                        phase.add(step, ms)
                    phase.timeline.append((time.perf_counter() - started, dict(flow.latency)))
                if flow.acknowledged:
                    phase.acknowledged.add(flow.acknowledged)
                if flow.receipt:
                    phase.receipts.add(flow.receipt)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    cpu, busy, client = server.cpu(), machine_cpu(), time.process_time()
    started = time.perf_counter()  # read by the users only after they start
    for thread in threads:
        thread.start()
    reported = 0.0
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.05)
        elapsed = time.perf_counter() - started
        if kill_after is not None and phase.killed_at is None and elapsed >= kill_after:
            cpu_before = server.cpu()
            stop.set()  # first, so that what fails from here on counts as cut off by the kill
            phase.killed_processes = server.kill()
            phase.killed_at = elapsed
            progress(f"{name}: kill -9 of {phase.killed_processes} gunicorn processes at {elapsed:.1f} s")
            phase.server_cpu = cpu_before - cpu
        elif kill_after is None and elapsed >= seconds:
            stop.set()
        if elapsed - reported >= 10:
            reported = elapsed
            with lock:
                progress(f"{name}: {elapsed:.0f} s, {phase.flows} done, {sum(phase.errors.values())} errors")
    phase.seconds = time.perf_counter() - started
    busy_after = machine_cpu()
    phase.machine_busy = (busy_after[0] - busy[0]) / max(1, busy_after[1] - busy[1])
    phase.client_cpu = time.process_time() - client
    if phase.killed_at is None:
        phase.server_cpu = server.cpu() - cpu
    progress(f"{name}: {phase.flows} in {phase.seconds:.1f} s ({phase.rate():.1f}/s), errors {dict(phase.errors)}")
    return phase


# -- databases ------------------------------------------------------------------------------------


@dataclass
class Database:
    backend: str
    url: str
    sqlite_path: Path | None = None


@contextmanager
def database(backend: str, work: Path, pg_url: str):
    """A fresh, empty database: an SQLite file in `work`, or a new PostgreSQL schema dropped after."""
    if backend == "sqlite":
        path = work / "crm.db"
        yield Database(backend, f"sqlite:///{path}", path)
        return
    schema = f"bench_intake_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database(backend, f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Stored:
    references: set[str]
    quarantined: int
    municipality_rows: int
    orphans: int  # municipality rows without their household
    outbox: int  # events waiting in the outbox (no worker runs during the benchmark)


def read_stored(db: Database) -> Stored:
    engine = create_engine(db.url)
    try:
        with engine.connect() as connection:
            references = set(connection.execute(text("SELECT reference FROM households")).scalars())
            quarantined = connection.execute(
                text("SELECT count(*) FROM households WHERE quarantine_reason IS NOT NULL")
            ).scalar_one()
            municipality_rows = connection.execute(text("SELECT count(*) FROM household_municipalities")).scalar_one()
            outbox = connection.execute(text("SELECT count(*) FROM outbox")).scalar_one()
            orphans = connection.execute(
                text(
                    "SELECT count(*) FROM household_municipalities m"
                    " LEFT JOIN households h ON h.id = m.household_id WHERE h.id IS NULL"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return Stored(references, quarantined, municipality_rows, orphans, outbox)


def sqlite_checks(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        integrity = ", ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return f"integrity_check: {integrity}; foreign_key_check: {len(foreign)} problems"


# -- one backend ----------------------------------------------------------------------------------


@dataclass
class BackendRun:
    backend: str
    workers: int
    threads: int
    load: Phase
    minimal: Phase
    static: Phase
    before_crash: Stored
    receipts_before_crash: set[str]
    acknowledged_before_crash: set[str]
    crash: Phase
    after_crash: Stored
    restart_seconds: float
    after_restart_ok: bool
    checks: str  # SQLite's own checks, or what stands for them on PostgreSQL
    background: float  # share of the machine busy with other processes just before the load
    ratios: list[float] = field(default_factory=list)  # per round: registrations/s over the minimal endpoint's req/s
    receipts: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(TASTEGET), "db", "upgrade"], cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"tasteget db upgrade failed:\n{result.stdout}{result.stderr}")


def run_backend(backend: str, args: argparse.Namespace, site_dir: Path, work: Path) -> BackendRun:
    with database(backend, work, args.pg_url) as db:
        env = {
            **read_config(),
            "DATABASE_URL": db.url,
            "SECRET_KEY": uuid.uuid4().hex,
            "SITE_DIR": str(site_dir),
        }
        progress(f"{backend}: migrating a fresh database")
        migrate(env)
        server = Server(env, free_port(), args.workers, args.threads, work / f"gunicorn-{backend}.log")
        progress(f"{backend}: starting {' '.join(server.argv[1:])}")
        server.start()
        try:
            background = background_busy()
            progress(f"{backend}: machine {100 * background:.0f} % busy before the load (other processes)")
            if background > 0.1:
                progress("warning: something else is using the CPU; the figures will be lower than on a quiet machine")
            warm = run_phase(f"{backend} warm-up", server, args.users, args.warmup)
            # Rounds of registrations then the minimal endpoint, each ratio from one round's pair, so
            # that a change in what else runs on the machine shows as a spread, not as a bias.
            loads, minimals = [], []
            for number in range(1, args.rounds + 1):
                loads.append(run_phase(f"{backend} registrations ({number})", server, args.users, args.seconds))
                minimals.append(
                    run_phase(
                        f"{backend} {MINIMAL} ({number})",
                        server,
                        args.users,
                        args.minimal_seconds,
                        MINIMAL,
                        '"status":"ok"',
                    )
                )
            load, minimal = merged("registrations", loads), merged(MINIMAL, minimals)
            static = run_phase(f"{backend} static", server, args.users, STATIC_SECONDS, STATIC)
            if warm.errors or load.errors or minimal.errors or static.errors:
                progress(f"{backend}: errors; the end of gunicorn's log:\n{server.log_tail()}")
            receipts = warm.receipts | load.receipts
            acknowledged = warm.acknowledged | load.acknowledged
            before = read_stored(db)
            progress(f"{backend}: {len(before.references)} rows stored, {len(receipts)} receipts given")

            crash = run_phase(f"{backend} crash test", server, args.users, math.inf, kill_after=args.crash_after)
            progress(f"{backend}: restarting gunicorn on the same database")
            restart_seconds = server.start()
            after_restart = register_once(server.base, f"after-{uuid.uuid4().hex[:6]}")
            after = read_stored(db)
            if db.sqlite_path:
                checks = sqlite_checks(db.sqlite_path)
            else:
                checks = "no integrity pragma; PostgreSQL itself was not killed (rows and foreign keys checked)"
        finally:
            server.stop()
        if after_restart.receipt:
            after.references.discard(after_restart.receipt)
        run = BackendRun(
            backend,
            args.workers,
            args.threads,
            load,
            minimal,
            static,
            before,
            receipts,
            acknowledged,
            crash,
            after,
            restart_seconds,
            after_restart.receipt is not None,
            checks,
            background,
        )
        run.ratios = [
            round_load.rate() / round_minimal.rate() for round_load, round_minimal in zip(loads, minimals, strict=True)
        ]
        run.receipts = receipts | crash.receipts
        run.acknowledged = acknowledged | crash.acknowledged
        lost = run.receipts - after.references
        progress(f"{backend}: receipts {len(run.receipts)}, found {len(run.receipts) - len(lost)}, lost {len(lost)}")
        return run


# -- report ---------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def p50_p99(phase: Phase, step: str) -> str:
    return f"{ms(phase.p(step, 50))} / {ms(phase.p(step, 99))}"


def errors_text(errors: Counter) -> str:
    if not errors:
        return "0"
    return f"{sum(errors.values())} ({', '.join(f'{k}: {v}' for k, v in errors.most_common())})"


def trend(phase: Phase, span: float = 10) -> str:
    (rate1, post1), (rate2, post2) = phase.window(0, span), phase.window(phase.seconds - span, phase.seconds)
    return f"{rate1:.1f} → {rate2:.1f}; {ms(post1)} → {ms(post2)}"


def ratio(run: BackendRun) -> float:
    """The median of the rounds' ratios."""
    return statistics.median(run.ratios) if run.ratios else math.nan


def table(runs: list[BackendRun]) -> list[str]:
    def row(label: str, values) -> str:
        return f"| {label} | " + " | ".join(values) + " |"

    def each(fn) -> list[str]:
        return [fn(run) for run in runs]

    lines = [
        row("", [run.backend for run in runs]),
        row("---", ["---:" for _ in runs]),
        row("gunicorn", each(lambda r: f"`-w {r.workers}`" + (f" `--threads {r.threads}`" if r.threads > 1 else ""))),
        row(
            "registrations completed",
            each(lambda r: f"{r.load.flows} in {r.load.seconds:.1f} s by {r.load.users} users"),
        ),
        row("**registrations/s** (3 requests each)", each(lambda r: f"**{r.load.rate():.1f}**")),
        row("requests/s during registrations", each(lambda r: f"{r.load.responses / r.load.seconds:.1f}")),
        row(f"`{MINIMAL}` requests/s (minimal endpoint)", each(lambda r: f"{r.minimal.rate():.1f}")),
        row(
            f"**ratio** registrations/s ÷ `{MINIMAL}` req/s (target ≥ {TARGET_RATIO})",
            each(lambda r: f"**{ratio(r):.3f}** (median of {', '.join(f'{x:.3f}' for x in r.ratios)})"),
        ),
        row(f"static `{STATIC}` requests/s", each(lambda r: f"{r.static.rate():.1f}")),
        row(
            f"**whole registration** p50 / p99 ms (target p99 ≤ {TARGET_P99_MS})",
            each(lambda r: f"**{p50_p99(r.load, 'flow')}**"),
        ),
        row("GET form p50 / p99 ms", each(lambda r: p50_p99(r.load, "form"))),
        row("**POST** p50 / p99 ms", each(lambda r: f"**{p50_p99(r.load, 'post')}**")),
        row("GET receipt p50 / p99 ms", each(lambda r: p50_p99(r.load, "receipt"))),
        row(
            "first 10 s → last 10 s of the load: registrations/s; POST p50 ms",
            each(lambda r: trend(r.load)),
        ),
        row(f"`{MINIMAL}` p50 / p99 ms", each(lambda r: p50_p99(r.minimal, "get"))),
        row("errors during registrations", each(lambda r: errors_text(r.load.errors))),
        row(
            f"errors during `{MINIMAL}` / static",
            each(lambda r: f"{errors_text(r.minimal.errors)} / {errors_text(r.static.errors)}"),
        ),
        row(
            "rows stored / receipts given (warm-up + load)",
            each(lambda r: f"{len(r.before_crash.references)} / {len(r.receipts_before_crash)}"),
        ),
        row("rows in quarantine", each(lambda r: str(r.after_crash.quarantined))),
        row(
            "events waiting in the outbox by the end (one per registration; no worker running)",
            each(lambda r: str(r.after_crash.outbox)),
        ),
        row(
            "gunicorn CPU per registration / per `/healthz`",
            each(
                lambda r: (
                    f"{1000 * r.load.server_cpu / max(1, r.load.flows):.1f} ms / "
                    f"{1000 * r.minimal.server_cpu / max(1, r.minimal.flows):.2f} ms"
                )
            ),
        ),
        row("machine CPU busy before the load (other processes)", each(lambda r: f"{100 * r.background:.0f} %")),
        row(
            "machine CPU busy: registrations / `/healthz`",
            each(lambda r: f"{100 * r.load.machine_busy:.0f} % / {100 * r.minimal.machine_busy:.0f} %"),
        ),
        row(
            "load client CPU, % of one core: registrations / `/healthz`",
            each(
                lambda r: (
                    f"{100 * r.load.client_cpu / r.load.seconds:.0f} % / "
                    f"{100 * r.minimal.client_cpu / r.minimal.seconds:.0f} %"
                )
            ),
        ),
        row(
            "crash test: kill -9 at",
            each(
                lambda r: (
                    f"{r.crash.killed_at:.1f} s into load, {r.crash.killed_processes} processes, "
                    f"{r.crash.flows} registrations before"
                )
            ),
        ),
        row(
            "crash test: flows cut off by the kill (at step)",
            each(lambda r: ", ".join(f"{k}: {v}" for k, v in sorted(r.crash.interrupted.items())) or "0"),
        ),
        row("crash test: errors before the kill", each(lambda r: errors_text(r.crash.errors))),
        row(
            "**crash test: receipts given / found in DB / lost**",
            each(
                lambda r: (
                    f"**{len(r.receipts)} / {len(r.receipts & r.after_crash.references)} / "
                    f"{len(r.receipts - r.after_crash.references)}**"
                )
            ),
        ),
        row(
            "crash test: 303s given / found in DB (incl. receipt pages cut off)",
            each(lambda r: f"{len(r.acknowledged)} / {len(r.acknowledged & r.after_crash.references)}"),
        ),
        row(
            "crash test: rows stored without a 303 (committed, answer cut off)",
            each(lambda r: str(len(r.after_crash.references - r.acknowledged))),
        ),
        row(
            "crash test: municipality rows / orphans",
            each(lambda r: f"{r.after_crash.municipality_rows} (2 per row) / {r.after_crash.orphans}"),
        ),
        row("crash test: database checks after restart", each(lambda r: r.checks)),
        row(
            "crash test: restart until healthy; registration after",
            each(lambda r: f"{r.restart_seconds:.1f} s; {'ok' if r.after_restart_ok else 'FAILED'}"),
        ),
    ]
    return lines


def reading(run: BackendRun) -> str:
    r, p99 = ratio(run), run.load.p("flow", 99)
    lost = len(run.receipts - run.after_crash.references)
    verdict = [
        f"ratio {r:.3f} {'meets' if r >= TARGET_RATIO else 'MISSES'} ≥ {TARGET_RATIO}",
        f"registration p99 {ms(p99)} ms {'meets' if p99 <= TARGET_P99_MS else 'MISSES'} ≤ {TARGET_P99_MS} ms",
        f"{lost} receipts lost ({'meets' if lost == 0 else 'MISSES'} 0)",
        f"{sum(run.load.errors.values())} errors under load",
    ]
    return f"- **{run.backend}:** " + "; ".join(verdict) + "."


def code_version() -> str:
    """The commit the server runs, and any uncommitted change to the intake's code."""

    def git(*argv: str) -> str:
        result = subprocess.run(["git", *argv], cwd=REPO, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("log", "-1", "--format=%h %s") or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "--", "intake", "tasteget").splitlines()]
    return f"`{commit}`" + (f" (not committed: {', '.join(changed)})" if changed else "")


def machine_note() -> str:
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {platform.platform()}, "
        f"Python {platform.python_version()}, gunicorn {version('gunicorn')}, Flask {version('flask')}, "
        f"SQLAlchemy {version('sqlalchemy')}, psycopg {version('psycopg')}, SQLite {sqlite3.sqlite_version}"
    )


def report(runs: list[BackendRun], args: argparse.Namespace, command: str, code: str) -> str:
    config = read_config()
    lines = [
        "# Intake load benchmark: results",
        "",
        f"Written by `bench/intake_load.py --write` on {datetime.now():%Y-%m-%d %H:%M}. "
        "Not part of the tests or CI; figures depend on the machine and whatever else runs on it.",
        "",
        f"- **Machine:** {machine_note()}. Server, database, Redis and load client share the cores.",
        f"- **Code:** {code}",
        f"- **Command:** `{command}`",
        f"- **Server:** `{' '.join(['gunicorn', '-b', '127.0.0.1:<port>', *_gunicorn_options(args), 'intake.wsgi:app'])}`"
        ", started by the benchmark in its own process group; site built once with `tasteget build --site-dir <tmp>`;"
        " a fresh database per backend, migrated with `tasteget db upgrade`.",
        f"- **Load client:** {args.users} virtual users (Python threads in one process, `http.client` with a"
        " new connection per request and the server's cookies sent back, a new visitor with no cookies per"
        " registration; not `requests`, whose own CPU on the shared cores capped the rates it measured, see"
        " `Visitor`), back to back with no think time."
        f" {args.warmup:g} s warm-up (not counted), then {args.rounds} round(s) of {args.seconds:g} s of full"
        " registrations (GET `/registrera/`, POST with the form's hidden fields and a unique name and e-mail, follow"
        f" the 303 to the receipt and check the reference is on it) followed by {args.minimal_seconds:g} s of"
        f" `{MINIMAL}` with the same users on the same server; the ratio is the median of the rounds' ratios, the"
        f" other figures are over all rounds together. Then {STATIC_SECONDS} s of `{STATIC}`. Latency is measured"
        " in the client.",
        f"- **Crash test:** the same load again; after {args.crash_after:g} s `os.killpg(SIGKILL)` of the gunicorn"
        " master and all its workers, gunicorn restarted on the same database, then every reference the client got"
        " a receipt for (in any phase of the run) looked up in `households`.",
        "",
        "## Abuse defences for the load test",
        "",
        "Set by configuration only, from [`bench/intake_load.env`](intake_load.env), which gives the reasons;"
        " no code path exists for the benchmark:",
        "",
        *[f"- `{key}={value}`" for key, value in config.items()],
        "",
        "The limiter still runs on every POST (against Redis, shared by the workers) and the signed start time is"
        " still checked; only the thresholds are out of the load's way. `rows in quarantine` below must be 0.",
        "",
        "## Figures",
        "",
        *table(runs),
        "",
        "## Against the targets",
        "",
        f"Targets: registrations/s ≥ {TARGET_RATIO} × `{MINIMAL}` requests/s, whole-registration p99 ≤"
        f" {TARGET_P99_MS} ms, 0 receipts lost after `kill -9`.",
        "",
        *[reading(run) for run in runs],
        "",
    ]
    return "\n".join(lines)


def _gunicorn_options(args: argparse.Namespace) -> list[str]:
    return ["-w", str(args.workers), *(["--threads", str(args.threads)] if args.threads > 1 else [])]


def write_results(markdown: str) -> None:
    """Rewrite the generated part of RESULTS; keep its hand-written Notes section."""
    notes = ""
    if RESULTS.exists():
        old = RESULTS.read_text(encoding="utf-8")
        if NOTES in old:
            notes = "\n" + old[old.index(NOTES) :]
    RESULTS.write_text(markdown + notes, encoding="utf-8")
    progress(f"wrote {RESULTS.relative_to(REPO)}")


# -- main -----------------------------------------------------------------------------------------


def build_site(work: Path) -> Path:
    site_dir = work / "site"
    progress("building the site")
    result = subprocess.run(
        [str(TASTEGET), "build", "--site-dir", str(site_dir)], cwd=REPO, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"tasteget build failed:\n{result.stdout}{result.stderr}")
    return site_dir


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load-test the intake under gunicorn on loopback: full registrations, the minimal endpoint's"
        " rate, and a kill -9 during load. Markdown results on stdout, progress on stderr."
    )
    parser.add_argument(
        "--seconds", type=float, default=60, help="seconds of full registrations in each round (default 60)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help=f"rounds of registrations then {MINIMAL}; the ratio is their median (default 3)",
    )
    parser.add_argument("--users", type=int, default=6, help="concurrent virtual users (default 6)")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="database (default both)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (default 1: the sync worker)"
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of registrations not counted (default 3)")
    parser.add_argument(
        "--minimal-seconds", type=float, default=20, help=f"seconds of {MINIMAL} requests in each round (default 20)"
    )
    parser.add_argument("--crash-after", type=float, default=10, help="seconds of load before the kill -9 (default 10)")
    parser.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help=f"PostgreSQL database for a temporary schema (default {DEFAULT_PG_URL})",
    )
    parser.add_argument("--site-dir", type=Path, help="an already built site to serve (default: build one)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (site, SQLite file, gunicorn logs)"
    )
    parser.add_argument("--write", action="store_true", help=f"also write the results to {RESULTS.relative_to(REPO)}")
    args = parser.parse_args()
    if args.users < 1 or args.workers < 1 or args.threads < 1 or args.rounds < 1:
        parser.error("--users, --workers, --threads and --rounds must be at least 1")
    if args.seconds <= 0 or args.crash_after <= 0 or args.minimal_seconds <= 0:
        parser.error("durations must be positive")
    return args


def main() -> None:
    args = parse_args()
    command = shlex.join([".venv/bin/python", "bench/intake_load.py", *sys.argv[1:]])
    code = code_version()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    work = Path(tempfile.mkdtemp(prefix="intake-load-"))
    try:
        site_dir = args.site_dir.resolve() if args.site_dir else build_site(work)
        runs = [run_backend(backend, args, site_dir, work) for backend in backends]
    finally:
        if args.keep:
            progress(f"kept the site, the SQLite database and gunicorn's logs in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if code_version() != code:
        progress(f"warning: the code changed during the run (was {code}, now {code_version()})")
        code += f"; changed during the run to {code_version()}"
    markdown = report(runs, args, command, code)
    print(markdown)
    if args.write:
        write_results(markdown)


if __name__ == "__main__":
    main()
