"""The deployment as deploy/ ships it, run and hurt: the wheel in a fresh virtualenv, Debian's nginx on
the shipped site (HTTPS with a certificate made here) in front of two gunicorn instances and two
workers started by the systemd units' own commands, on PostgreSQL and Redis, mail to a real SMTP
server, all on loopback. Several clients register, order and sign up to an event (one the test
writes into its copy of the content) through nginx while one gunicorn instance and one worker are
killed with SIGKILL and started again and the site is rebuilt.

What must hold: no client sees a 5xx; every acknowledged submission (a sign-up's included) is stored
exactly once; no message is lost, and each sign-up's e-mail reaches the SMTP server; the event is never
given more places than it has; a message is sent twice only when its worker died between the SMTP server's
acceptance and its commit; the rate limit is counted across both instances; every response carries
the security headers and every static text file comes compressed. The counts are printed
(`pytest -s`) for the record. It takes about a minute.
"""

from __future__ import annotations

import collections
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text

from tests.support import installed, nginx
from tests.support.helpers import free_port
from tests.support.intake_helpers import ORDER, REGISTRATION, hidden_fields
from tests.support.sample_events import write_event

pytestmark = [
    pytest.mark.installed,
    pytest.mark.skipif(not nginx.installed(), reason="nginx is not installed (Debian: apt-get install nginx; CI does)"),
    pytest.mark.skipif(
        not (os.environ.get("TEST_DATABASE_URL") and os.environ.get("TEST_REDIS_URL")),
        reason="the deployment runs on PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL",
    ),
]

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security")
TEXT_TYPES = ("text/html", "text/css", "application/javascript", "text/javascript", "application/json")
FORMS_PER_MINUTE = 6  # RATELIMIT_FORMS for the run: one client address may send this many
EVENT, CAPACITY = "kvall-under-last", 12  # the event of the test's own (the shipped content has none)
SIGN_UP = {"name": "Lisa Lind", "people": "2", "privacy": "y"}
KINDS = ("household", "order", "sign_up")
PATHS = {"household": "/registrera/", "order": "/bestall-magasinet/", "sign_up": f"/evenemang/{EVENT}/anmal/"}


def unit_command(unit: str, venv: Path, instance: str = "") -> list[str]:
    """The ExecStart of one of deploy/systemd's units, for this virtualenv and instance."""
    source = (nginx.DEPLOY / "systemd" / unit).read_text()
    (line,) = re.findall(r"(?m)^ExecStart=(.*)$", source)
    command = shlex.split(line.replace("/opt/tasteget/venv", str(venv)).replace("%i", instance))
    if command[0] == str(venv / "bin" / "gunicorn"):
        # The test's virtualenv borrows its dependencies (tests/support/installed.py), scripts not included.
        command[:1] = [str(venv / "bin" / "python"), "-m", "gunicorn"]
    return command


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, by the openssl command."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key, cert


class FromAddress(HTTPAdapter):
    """Connections from one loopback address of our choosing (127.x.y.z): each is a client of its own
    for the rate limit, which counts per address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Addresses:
    """Loopback addresses of this run's own (another run on the same Redis never shares one)."""

    def __init__(self):
        self.base = uuid.uuid4().bytes[:2]
        self.next = 1
        self.lock = threading.Lock()

    def take(self) -> str:
        with self.lock:
            n, self.next = self.next, self.next + 1
        return f"127.{self.base[0]}.{(self.base[1] + n // 250) % 256}.{n % 250 + 1}"


@dataclass
class Record:
    """What the clients saw."""

    acknowledged: dict = field(default_factory=dict)  # submission id -> (one of KINDS, email)
    failures: list = field(default_factory=list)  # (phase, what, status or error)
    missing_headers: list = field(default_factory=list)
    cut_off: list = field(default_factory=list)  # (phase, what): answers cut short by a crash, sent again
    uncompressed: list = field(default_factory=list)
    responses: collections.Counter = field(default_factory=collections.Counter)
    phase: str = "before any fault"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, response: requests.Response, what: str) -> None:
        with self.lock:
            self.responses[self.phase] += 1
            if response.status_code >= 500:
                self.failures.append((self.phase, what, response.status_code))
            missing = [name for name in SECURITY_HEADERS if name not in response.headers]
            if missing:
                self.missing_headers.append((what, response.status_code, missing))


class Deployment:
    """The processes of the deployment, started and killed as systemd and a crash would."""

    def __init__(self, venv: Path, cwd: Path, env: dict, logs: Path):
        self.venv, self.cwd, self.env, self.logs = venv, cwd, env, logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str]) -> None:
        with (self.logs / f"{name}.log").open("a") as log:
            self.processes[name] = subprocess.Popen(
                command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def web(self, port: int) -> None:
        self.start(f"web-{port}", unit_command("tasteget-web@.service", self.venv, str(port)))

    def worker(self, n: int) -> None:
        self.start(f"worker-{n}", unit_command("tasteget-worker@.service", self.venv, str(n)))

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started (gunicorn's workers): a crash."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                os.killpg(process.pid, signal.SIGCONT)  # should a failed test have left it paused
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    with requests.Session() as s:
        s.trust_env = False
        while time.monotonic() < deadline:
            try:
                if s.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.parametrize("unmigrated_database_url", ["postgresql"], indirect=True)
def test_the_shipped_deployment_under_load_and_faults(
    installed_package, deployment, unmigrated_database_url, tmp_path, smtp
):
    started = time.monotonic()
    venv = installed_package.venv
    site, logs, elsewhere = tmp_path / "site", tmp_path / "logs", tmp_path / "elsewhere"
    logs.mkdir()
    elsewhere.mkdir()
    key, cert = certificate(tmp_path)
    https_port, http_port, web_ports = free_port(), free_port(), [free_port(), free_port()]
    base = f"https://127.0.0.1:{https_port}"
    env = installed.environment(
        DATABASE_URL=unmigrated_database_url,
        SECRET_KEY=uuid.uuid4().hex * 2,
        RATELIMIT_STORAGE_URI=os.environ["TEST_REDIS_URL"],
        RATELIMIT_FORMS=f"{FORMS_PER_MINUTE} per minute",
        TRUSTED_PROXIES="1",
        SITE_DIR=str(site),
        CONTENT_DIR=str(deployment / "content"),
        MAIL_URL=f"{smtp.url}?timeout=2",
        MAIL_FROM="noreply@tasteget.example.se",
        PUBLIC_URL=f"{base}/",
        MIN_FILL_SECONDS="0",  # the clients fill the forms in faster than a person
        MAIL_LEASE_SECONDS="8",  # a killed worker's messages go back to the queue soon (and outlast a pause below)
        WEBHOOK_TIMEOUT_SECONDS="2",
        WORKER_POLL_SECONDS="1",
        # The editor's git host, as mkdocs.yml's extra.editor reads it: the build writes its policy.
        EDITOR_BACKEND="gitea",
        EDITOR_REPO="region/tasteget",
        EDITOR_BASE_URL="https://git.region.example",
        EDITOR_API_ROOT="https://git.region.example/api/v1",
        EDITOR_APP_ID="client-id",
    )

    def run(*args: str) -> str:
        result = installed_package.run(*args, cwd=elsewhere, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    def publish(reload: list[str]) -> None:
        """deploy/tasteget-publish: build beside the live site, switch to it, reload nginx."""
        publishing = {**env, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "TASTEGET_ROOT": str(deployment)}
        result = subprocess.run(
            [nginx.DEPLOY / "tasteget-publish"],
            cwd=elsewhere,
            env={**publishing, "NGINX_RELOAD": shlex.join(reload)},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    # An event a month ahead, with few places: the later sign-ups wait (places are given out under load).
    write_event(
        deployment / "content", EVENT, date.today() + timedelta(days=30), municipalities=["are"], capacity=CAPACITY
    )
    publish(["true"])  # nginx is not running yet
    assert site.is_symlink()
    run("tasteget", "db", "upgrade")
    server = nginx.Nginx(
        tmp_path / "nginx",
        site_dir=site,
        certificate=cert,
        key=key,
        https_port=https_port,
        http_port=http_port,
        upstreams=web_ports,
    )
    deployed = Deployment(venv, elsewhere, env, logs)
    try:
        for port in web_ports:
            deployed.web(port)
        for n in (1, 2):
            deployed.worker(n)
        server.start()
        for port in web_ports:
            wait_healthy(f"http://127.0.0.1:{port}/healthz")
        set_up = time.monotonic() - started
        record, addresses, stop = Record(), Addresses(), threading.Event()

        def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                kind = KINDS[(i + n) % len(KINDS)]
                try:
                    submit(n, i, kind)
                    browse()
                except requests.RequestException as error:
                    with record.lock:
                        record.failures.append((record.phase, kind, type(error).__name__))

        def session() -> requests.Session:
            s = requests.Session()
            adapter = FromAddress(addresses.take())
            s.mount("https://", adapter)
            s.mount("http://", adapter)
            s.verify = str(cert)
            s.trust_env = False  # loopback only: no proxy or CA bundle from the environment
            return s

        def send(s: requests.Session, method: str, path: str, **kwargs) -> requests.Response:
            """One request; sent once more if the answer was cut short, as a person would press reload
            or send the form again. An instance killed after nginx has passed on the start of its answer
            cannot be retried by nginx (the client has it); the form's submission id makes sending it
            again safe."""
            try:
                return s.request(method, f"{base}{path}", allow_redirects=False, timeout=30, **kwargs)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                with record.lock:
                    record.cut_off.append((record.phase, f"{method} {path}"))
                return s.request(method, f"{base}{path}", allow_redirects=False, timeout=30, **kwargs)

        def submit(n: int, i: int, kind: str) -> None:
            path = PATHS[kind]
            email = f"load-{n}-{i}-{uuid.uuid4().hex[:6]}@example.com"
            data = {
                "household": {**REGISTRATION, "email": email},
                "order": {**ORDER, "email": email, "street": f"Storgatan {n * 1000 + i}"},
                "sign_up": {**SIGN_UP, "email": email},
            }[kind]
            with session() as s:
                page = send(s, "GET", path)
                record.check(page, f"GET {path}")
                if page.status_code != 200:
                    return
                form = hidden_fields(page.text)
                done = send(s, "POST", path, data={**form, **data})
                record.check(done, f"POST {path}")
                if done.status_code == 303:
                    with record.lock:
                        record.acknowledged[form["submission_id"]] = (kind, email)
                elif done.status_code < 500:
                    with record.lock:
                        record.failures.append((record.phase, f"POST {path}", done.status_code))

        def browse() -> None:
            with session() as s:
                for path in ("/", "/kommuner/", "/en/", "/assets/stylesheets/tasteget.css"):
                    response = send(s, "GET", path)
                    record.check(response, f"GET {path}")
                    if response.status_code != 200:
                        with record.lock:
                            record.failures.append((record.phase, f"GET {path}", response.status_code))
                    elif response.headers["Content-Type"].startswith(TEXT_TYPES) and response.headers.get(
                        "Content-Encoding"
                    ) not in ("gzip", "br"):
                        with record.lock:
                            record.uncompressed.append(path)

        clients = [threading.Thread(target=client, args=(n,)) for n in range(3)]
        load_started = time.monotonic()
        for thread in clients:
            thread.start()
        timings, kill = {}, {}
        try:
            time.sleep(2)
            record.phase = "gunicorn killed"
            deployed.kill(f"web-{web_ports[0]}")
            time.sleep(1)
            deployed.web(web_ports[0])
            wait_healthy(f"http://127.0.0.1:{web_ports[0]}/healthz")
            record.phase = "worker killed"
            # Killed in the window no outbox can close: the SMTP server has kept a message and the
            # worker has not yet committed it as sent. The other worker is paused for that moment (well
            # within the lease), so the message the server keeps is the one about to be killed.
            other = deployed.processes["worker-2"].pid
            os.killpg(other, signal.SIGSTOP)
            killed = threading.Event()

            def kill_on_accept(message) -> None:
                if not killed.is_set():
                    os.killpg(deployed.processes["worker-1"].pid, signal.SIGKILL)
                    kill["message_id"], kill["at"] = message["Message-ID"], time.time()
                    killed.set()

            smtp.on_accept = kill_on_accept
            assert killed.wait(6), "worker 1 sent nothing"  # within the 8 s lease: worker 2 is paused meanwhile
            smtp.on_accept = None
            os.killpg(other, signal.SIGCONT)
            deployed.processes["worker-1"].wait(timeout=10)
            time.sleep(1)
            deployed.worker(1)
            time.sleep(1)
            record.phase = "site rebuilt"
            t = time.monotonic()
            publish(server.reload_command())
            timings["rebuild"] = time.monotonic() - t
            record.phase = "after the faults"
            time.sleep(2)
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=60)
        load = time.monotonic() - load_started

        # The rate limit, counted in Redis for both instances: nginx takes turns, so the posts of one
        # client address (the forms fetched first, else every post would land on the same instance)
        # go to both, and a count per process would let more in.
        limited, before = [], {port: len(deployed.log(f"web-{port}")) for port in web_ports}
        with session() as s:
            forms = [hidden_fields(s.get(f"{base}/registrera/", timeout=30).text) for _ in range(FORMS_PER_MINUTE + 1)]
            for i, form in enumerate(forms):
                email = f"limit-{i}-{uuid.uuid4().hex[:6]}@example.com"
                data = {**form, **REGISTRATION, "email": email}
                done = s.post(f"{base}/registrera/", data=data, allow_redirects=False, timeout=30)
                record.check(done, "POST /registrera/ (rate limit)")
                limited.append(done.status_code)
                if done.status_code == 303:
                    record.acknowledged[form["submission_id"]] = ("household", email)
        assert limited == [303] * FORMS_PER_MINUTE + [429], limited
        deadline = time.monotonic() + 10
        while True:  # gunicorn writes its access line once the answer is on its way: wait for the last
            posts = {port: deployed.log(f"web-{port}")[before[port] :].count("POST /registrera/") for port in web_ports}
            if sum(posts.values()) >= FORMS_PER_MINUTE + 1 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert sum(posts.values()) == FORMS_PER_MINUTE + 1 and all(posts.values()), posts  # both instances counted

        # HTTP is sent to HTTPS; hashed assets are kept a year, pages checked again; an unknown path
        # is the site's 404 page, under the same headers.
        with session() as s:
            plain = s.get(f"http://127.0.0.1:{http_port}/kommuner/?x=1", allow_redirects=False)
            assert plain.status_code == 301
            assert plain.headers["Location"] == "https://127.0.0.1/kommuner/?x=1"  # the default port, 443
            home = s.get(f"{base}/")
            record.check(home, "GET /")
            assert home.headers["Cache-Control"] == "no-cache"
            (bundle,) = re.findall(r'src="(assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js)"', home.text)
            asset = s.get(f"{base}/{bundle}")
            record.check(asset, f"GET /{bundle}")
            assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert asset.headers.get("Content-Encoding") in ("gzip", "br")
            # One policy: nginx's from the build's snippet, the intake's from the same built site,
            # still the same after the rebuild.
            form_page = s.get(f"{base}/registrera/")
            record.check(form_page, "GET /registrera/")
            assert form_page.headers["Content-Security-Policy"] == home.headers["Content-Security-Policy"]
            assert "'sha256-" in home.headers["Content-Security-Policy"]
            # The intake compresses a form page only where nothing in it comes from the request
            # (BREACH, intake/web/compression.py); nginx adds nothing on proxied paths.
            assert form_page.headers.get("Content-Encoding") in ("gzip", "br")
            campaign = s.get(f"{base}/registrera/?utm_source=test")
            record.check(campaign, "GET /registrera/?utm_source=test")
            assert "Content-Encoding" not in campaign.headers
            missing = s.get(f"{base}/no-such-page/")
            record.check(missing, "GET /no-such-page/")
            assert missing.status_code == 404 and "<html" in missing.text
            assert s.get(f"{base}/_shell/headers.nginx.conf").status_code == 404
            # The editor alone has its own policy: eval, inline styles and the git host; every other
            # path keeps the strict one.
            editor = s.get(f"{base}/redigera/")
            record.check(editor, "GET /redigera/")
            policy = editor.headers["Content-Security-Policy"]
            assert "script-src 'self' 'unsafe-eval';" in policy
            assert "connect-src 'self' https://git.region.example;" in policy
            assert editor.headers["X-Robots-Tag"] == "noindex" and editor.headers["Cache-Control"] == "no-cache"
            assert (
                editor.headers["Strict-Transport-Security"] and '<meta name="robots" content="noindex">' in editor.text
            )
            (script,) = re.findall(r'src="(decap-cms/[^"]+/decap-cms\.js)"', editor.text)
            decap = s.get(f"{base}/redigera/{script}")
            assert decap.status_code == 200 and decap.headers["Content-Type"].startswith("application/javascript")
            assert decap.headers.get("Content-Encoding") in ("gzip", "br")  # the build's copies
            assert decap.headers["Content-Security-Policy"] == policy
            config_yml = s.get(f"{base}/redigera/config.yml")
            assert config_yml.headers["Content-Type"].startswith("text/yaml") and "name: gitea" in config_yml.text
            wasm = next((site / "redigera" / script).parent.glob("*.wasm")).name
            assert s.get(f"{base}/redigera/{Path(script).parent}/{wasm}").headers["Content-Type"] == "application/wasm"
            # The event's calendar files, static, as a calendar app takes them; its sign-up form, the intake's.
            for path in (f"/evenemang/{EVENT}.ics", f"/en/events/{EVENT}.ics", "/evenemang/evenemang.ics"):
                ics = s.get(f"{base}{path}")
                record.check(ics, f"GET {path}")
                assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar"), path
                assert "BEGIN:VCALENDAR" in ics.text, path
            form_page = s.get(f"{base}/en/events/{EVENT}/sign-up/")
            record.check(form_page, f"GET /en/events/{EVENT}/sign-up/")
            assert form_page.status_code == 200 and 'name="submission_id"' in form_page.text  # the intake's form
            for path in ("/", "/kommuner/are/", "/en/", "/registrera/", "/no-such-page/", "/redigerare/"):
                other = s.get(f"{base}{path}").headers["Content-Security-Policy"]
                assert other == home.headers["Content-Security-Policy"] and "unsafe" not in other, path
            # Neither nginx's log nor gunicorn's keeps a search or a token.
            s.get(f"{base}/kommuner/?q=hemlig-sokning")
            s.get(f"{base}/registrera/mitt/hemligtoken123456789/")
            s.get(f"{base}/crm/households/?q=hemlig-sokning")

        # The purge timer's service, as its unit runs it.
        purged = subprocess.run(
            unit_command("tasteget-purge.service", venv), cwd=elsewhere, env=env, capture_output=True, text=True
        )
        assert purged.returncode == 0, purged.stdout + purged.stderr

        # A backup, by the unit's script: pg_dump for PostgreSQL.
        if shutil.which("pg_dump"):
            backups = tmp_path / "backups"
            result = subprocess.run(
                [nginx.DEPLOY / "tasteget-backup"],
                env={**env, "BACKUP_DIR": str(backups), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"},
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            (dump,) = backups.glob("crm-*.dump")
            listing = subprocess.run(["pg_restore", "--list", dump], capture_output=True, text=True, check=True)
            assert "TABLE DATA" in listing.stdout and "households" in listing.stdout
            print(f"\n  backup: {result.stdout.strip()} ({dump.stat().st_size} bytes)")
        else:
            print("\n  backup: not run, pg_dump is not installed")

        # No message lost: the workers empty the outbox, and the SMTP server has every e-mail.
        engine = create_engine(unmigrated_database_url)
        deadline = time.monotonic() + 40
        while True:
            with engine.connect() as connection:
                waiting = connection.scalar(text("SELECT count(*) FROM outbox WHERE status <> 'sent'"))
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        with engine.connect() as connection:
            outbox = connection.execute(text("SELECT message_id, kind, status FROM outbox")).all()
            households = connection.execute(text("SELECT submission_id FROM households")).scalars().all()
            orders = connection.execute(text("SELECT submission_id FROM magazine_orders")).scalars().all()
            sign_ups = connection.execute(text("SELECT submission_id, email, status, people FROM event_sign_ups")).all()
        engine.dispose()

        stored = collections.Counter(s.split("~", 1)[0] for s in [*households, *orders, *(r[0] for r in sign_ups)])
        told = {a.addr_spec for message in smtp.received for a in message["To"].addresses}
        signed = [email for kind, email in record.acknowledged.values() if kind == "sign_up"]
        received = collections.Counter(message["Message-ID"] for message in smtp.received)
        emails = [row for row in outbox if not row.message_id.startswith("<event.")]
        duplicates = {mid: n for mid, n in received.items() if n > 1}
        # What nginx sent to the other instance: the requests the killed one dropped.
        retried = re.findall(r"\[error\].*upstream.*request: \"(\w+) ", server.error_log.read_text())
        print(
            f"\nDeployment test: set-up {set_up:.0f} s, load {load:.0f} s (rebuild {timings['rebuild']:.0f} s), "
            f"whole test {time.monotonic() - started:.0f} s"
            f"\n  responses per phase: {dict(record.responses)}"
            f"\n  acknowledged submissions: {len(record.acknowledged)} ({len(signed)} sign-ups); "
            f"stored rows: {len(households) + len(orders) + len(sign_ups)}"
            f"\n  sign-ups by status: {dict(collections.Counter(r.status for r in sign_ups))}"
            f"\n  e-mails in the outbox: {len(emails)}; received by SMTP: {len(smtp.received)} "
            f"({len(received)} distinct Message-IDs, {len(duplicates)} sent twice: "
            f"{'the one kept as its worker was killed' if list(duplicates) == [kill['message_id']] else duplicates})"
            f"\n  requests nginx retried on the other instance: {dict(collections.Counter(retried))}"
            f"\n  answers cut short by a crash and sent again: {record.cut_off}"
            f"\n  failed requests per fault: {collections.Counter(phase for phase, *_ in record.failures)}"
            f"\n  rate limit: {limited}, the posts answered by each instance: {list(posts.values())}"
        )

        logged = server.access_log.read_text() + "".join(deployed.log(name) for name in deployed.processes)
        assert "hemlig" not in logged and "GET /kommuner/ HTTP" in logged
        assert record.failures == []  # no 5xx, no error, in any phase
        assert {phase for phase, _ in record.cut_off} <= {"gunicorn killed"}  # only by the crash
        assert record.missing_headers == []
        assert record.uncompressed == []  # the static site's text files (the intake's pages: above)
        assert [s for s in record.acknowledged if stored[s] != 1] == []  # every acknowledged one, once
        assert set(stored) == set(record.acknowledged)  # and nothing stored that was not acknowledged
        # The event's sign-ups: each told by e-mail; its places all given and never more, the later
        # parties waiting (the places are counted one transaction at a time, also under the faults).
        assert len(signed) >= 6 and [email for email in signed if email not in told] == []
        statuses = collections.Counter(r.status for r in sign_ups)
        assert sum(r.people for r in sign_ups if r.status == "confirmed") == CAPACITY and statuses["waiting"] > 0
        assert [row for row in outbox if row.status != "sent"] == []
        assert [row.message_id for row in emails if row.message_id not in received] == []  # none lost
        # Sent twice: the message the server kept as its worker was killed, and no other.
        assert list(duplicates) == [kill["message_id"]], (duplicates, kill)
    finally:
        server.stop()
        deployed.stop()
