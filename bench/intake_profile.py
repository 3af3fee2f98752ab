"""Where the intake's server time goes in one registration, measured on gunicorn (one sync worker).

1. Server CPU per request, without a profiler: one client sends each kind of request in turn
   (N form pages, then the N posts of those forms, then their N receipts, N `/healthz`, N static
   files), and the worker's CPU time (from /proc) is read before and after each batch.
2. cProfile of the same worker (bench/intake_profile_gunicorn.py) over N full registrations:
   the share of the request-handling time spent in chosen functions, and the top functions by own time.

Same set-up as bench/intake_load.py (temporary SQLite database, bench/intake_load.env):

    .venv/bin/python bench/intake_profile.py [--registrations 300] [--site-dir DIR]

Markdown on stdout, progress on stderr. Not part of the tests or CI.
"""

from __future__ import annotations

import argparse
import inspect
import os
import pstats
import tempfile
import time
import uuid
from pathlib import Path

from intake_load import (
    FORM,
    MINIMAL,
    RECEIPT,
    REGISTRATION,
    REPO,
    STATIC,
    Server,
    Visitor,
    build_site,
    free_port,
    group_cpu,
    hidden_fields,
    migrate,
    progress,
    read_config,
    register_once,
)

CONFIG = REPO / "bench" / "intake_profile_gunicorn.py"

SQLITE_COMMIT = ("~", 0, "<method 'commit' of 'sqlite3.Connection' objects>")


def watched() -> list[tuple[str, tuple[str, int, str]]]:
    """The functions whose cumulative time is reported: (label, pstats key)."""
    from flask import Flask
    from flask_limiter import Limiter
    from gunicorn.workers.sync import SyncWorker
    from markdown import markdown
    from wtforms.form import Form, FormMeta
    from wtforms.widgets import Select

    from intake import choices
    from intake.notify import emails, outbox
    from intake.public import saving, views

    def key(function) -> tuple[str, int, str]:
        code = inspect.unwrap(function).__code__  # through functools caches
        return code.co_filename, code.co_firstlineno, code.co_name

    return [
        ("gunicorn: handling a request (HTTP included)", key(SyncWorker.handle_request)),
        ("Flask: the app (`wsgi_app`)", key(Flask.wsgi_app)),
        ("`register` view (GET form + POST)", key(views.register)),
        ("`register_receipt` view", key(views.register_receipt)),
        ("`render_page` (template + page shell), form and receipt", key(views.render_page)),
        ("WTForms `Select` widget (country list, where-did-you-hear)", key(Select.__call__)),
        ("... of which `Select.render_option` (one `<option>` each)", key(Select.render_option)),
        ("`RegistrationForm()` (bind and process the fields)", key(FormMeta.__call__)),
        ("`form.validate()`", key(Form.validate)),
        ("`store.save_household` (insert, commit)", key(saving.save_household)),
        ("... of which `messages.for_new_household` (3 e-mails, text and HTML)", key(emails.for_new_household)),
        ("... ... of which `outbox.sent_recently` (daily cap per address)", key(outbox.sent_recently)),
        ("... of which SQLite commit (fsync)", SQLITE_COMMIT),
        ("`_find` (submission already stored?)", key(views._find)),
        ("Flask-Limiter check (Redis)", key(Limiter._check_request_limit)),
        ("`markdown()` (receipt's next steps)", key(markdown)),
        ("`choices.countries()`", key(choices.countries)),
    ]


def cpu_per_request(server: Server, n: int) -> dict[str, float]:
    """Milliseconds of worker CPU per request of each kind, each kind sent alone, one at a time."""
    pgid = server.process.pid
    out = {}

    def measure(label: str, requests_: list) -> list:
        before = group_cpu(pgid)
        results = [send() for send in requests_]
        out[label] = 1000 * (group_cpu(pgid) - before) / len(requests_)
        progress(f"{label}: {out[label]:.2f} ms CPU per request")
        return results

    visitors = [Visitor(server.base) for _ in range(n)]
    pages = measure("GET form", [lambda v=v: v.request("GET", FORM) for v in visitors])
    posts = []
    for i, (visitor, page) in enumerate(zip(visitors, pages, strict=True)):
        data = {**REGISTRATION, **hidden_fields(page.text), "email": f"p{i}-{uuid.uuid4().hex[:6]}@example.com"}
        posts.append(lambda v=visitor, d=data: v.request("POST", FORM, d))
    answers = measure("POST", posts)
    locations = [a.headers["Location"] for a in answers if a.status_code == 303]
    assert len(locations) == n and all(RECEIPT.match(loc) for loc in locations), "POSTs did not all give a 303"
    measure(
        "GET receipt",
        [lambda v=v, loc=loc: v.request("GET", loc) for v, loc in zip(visitors, locations, strict=True)],
    )
    anyone = Visitor(server.base)
    measure(MINIMAL, [lambda: anyone.request("GET", MINIMAL)] * n)
    measure("static file", [lambda: anyone.request("GET", STATIC)] * n)
    return out


def cumulative(stats: pstats.Stats, key: tuple[str, int, str]) -> float:
    """Cumulative seconds of one function, as pstats counts it (recursive calls once)."""
    entry = stats.stats.get(key)
    return entry[3] if entry else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=300, help="requests of each kind (default 300)")
    parser.add_argument("--site-dir", type=Path, help="an already built site to serve (default: build one)")
    args = parser.parse_args()
    n = args.registrations

    with tempfile.TemporaryDirectory(prefix="intake-profile-") as tmp:
        work = Path(tmp)
        site_dir = args.site_dir.resolve() if args.site_dir else build_site(work)
        env = {
            **read_config(),
            "DATABASE_URL": f"sqlite:///{work / 'crm.db'}",
            "SECRET_KEY": uuid.uuid4().hex,
            "SITE_DIR": str(site_dir),
            "INTAKE_PROFILE_OUT": str(work / "worker.prof"),
        }
        migrate(env)

        server = Server(env, free_port(), 1, 1, work / "gunicorn.log")
        server.start()
        try:
            for i in range(30):  # warm-up: templates compiled, connections open
                register_once(server.base, f"warm-{i}")
            cpu = cpu_per_request(server, n)
        finally:
            server.stop()

        server = Server(env, free_port(), 1, 1, work / "gunicorn-profiled.log", ("-c", str(CONFIG)))
        server.start()
        try:
            started = time.perf_counter()
            done = sum(register_once(server.base, f"prof-{i}").receipt is not None for i in range(n))
            progress(f"profiled: {done} registrations in {time.perf_counter() - started:.1f} s")
        finally:
            server.stop()
        files = sorted(work.glob("worker.prof.*"))
        if not files:
            raise SystemExit(f"no profile written:\n{server.log_tail()}")
        stats = pstats.Stats(*map(str, files))

        registration = cpu["GET form"] + cpu["POST"] + cpu["GET receipt"]
        lines = [
            "### Server CPU per request (gunicorn, one sync worker, no profiler)",
            "",
            "| request | ms CPU |",
            "| --- | ---: |",
            *[f"| {label} | {ms:.2f} |" for label, ms in cpu.items()],
            f"| **a whole registration** (form + POST + receipt) | **{registration:.2f}** |",
            "",
            f"A CPU-bound server can at best reach a ratio of {cpu[MINIMAL] / registration:.3f}"
            f" registrations per `{MINIMAL}` request ({cpu[MINIMAL]:.2f} / {registration:.2f} ms), before"
            " counting the load client's own CPU on the same cores.",
            "",
            f"### cProfile of the worker over {n} registrations",
            "",
            "Wall time inside the worker (waiting on the socket, SQLite's fsync and Redis included); cProfile adds"
            " overhead to every Python call, so the shares matter more than the seconds.",
            "",
            "| function | cumulative s | share of request handling |",
            "| --- | ---: | ---: |",
        ]
        rows = watched()
        handling = cumulative(stats, rows[0][1]) or 1.0
        for label, key in rows:
            seconds = cumulative(stats, key)
            lines.append(f"| {label} | {seconds:.2f} | {100 * seconds / handling:.0f} % |")
        lines += ["", "Top functions by own time:", "", "```"]
        top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]
        for (filename, line, function), (_cc, nc, tt, ct, _callers) in top:
            where = filename.replace(str(REPO / ".venv" / "lib"), "…").replace(str(REPO) + os.sep, "")
            lines.append(f"{tt:7.2f} s own {ct:7.2f} s cum {nc:9d} calls  {where}:{line}({function})")
        lines.append("```")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
