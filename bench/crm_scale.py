"""The back office with 100 000 households: how long the household list, the week ahead, the calendar
feed and the dashboard take.

Seeds a fresh database (an SQLite file in a temporary folder, or a PostgreSQL schema of its own,
dropped afterwards) with households, their municipalities, timeline events and magazine orders in
bulk (SQLAlchemy Core executemany), migrated by the real migrations, then times requests to the
household list (several filters and pages), the week ahead, a guide's calendar feed and the
dashboard through the Flask test client,
logged in as the coordinator or a guide: the whole request, queries and templates included.

    .venv/bin/python bench/crm_scale.py [--households 100000] [--requests 40] [--backend sqlite|postgresql|both] [--write]
    .venv/bin/python bench/crm_scale.py --only dashboard --requests 80   # one case, e.g. before and after a change

Not part of the tests. Targets: list page and week p95 <= 200 ms, dashboard <= 1 s (its p95).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake import create_app, db  # noqa: E402
from intake.competence import matches  # noqa: E402
from intake.crm import calendar  # noqa: E402
from intake.models import (  # noqa: E402
    Household,
    HouseholdEvent,
    HouseholdMunicipality,
    MagazineOrder,
    PrivacyNotice,
    User,
    Visit,
)
from tasteget.content.load import check  # noqa: E402
from tasteget.occupations import taxonomy  # noqa: E402

from tests.support.intake_helpers import MUNICIPALITIES, intake_config, make_staff, staff_login  # noqa: E402

PG = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SLUGS = sorted(MUNICIPALITIES)
SOURCES = ["facebook", "instagram", "google", "magasinet", "nyhetsbrev", "linkedin", None, None]
STATUSES = (
    ["new"] * 40
    + ["contacted"] * 25
    + ["visiting"] * 10
    + ["decided"] * 5
    + ["moved"] * 8
    + ["settled"] * 4
    + ["closed"] * 8
)
FIRST_NAMES = ["Anna", "Erik", "Maria", "Johan", "Sara", "Lars", "Emma", "Karl", "Lina", "Per", "Ingrid", "Nils"]
LAST_NAMES = ["Andersson", "Berg", "Lindqvist", "Nilsson", "Öberg", "Holm", "Strand", "Sjöberg", "Dahl", "Ek"]
START = datetime(2025, 6, 1, tzinfo=UTC)
TODAY = datetime.now(UTC).date()  # visits are planned around the day the benchmark runs
BATCH = 5000
# Occupations: each adult's maps to an SSYK-4 group 60 % of the time; of those, a third are drawn from
# the groups the shipped content needs (the region's shortage groups), the rest from all 400 groups
# of the shipped taxonomy (a fifth of which are needed too). Half the households have a partner.
MAPPED, IN_NEED, PARTNERED = 0.6, 1 / 3, 0.5
# Where they heard of us (a fifth left it empty) and where they live: mostly Sweden, some from abroad.
HEARD = ["magazine", "social", "friends", "event", "search", "news", "employer", "other", None, None]
COUNTRIES = ["SE"] * 12 + ["NO", "DK", "FI", "DE", "NL", "GB", "US", "ES", "CH", "FR", "PL", "IS"]


def occupation_groups() -> tuple[list[str], list[str]]:
    """Every SSYK-4 group of the shipped taxonomy, and the ones the shipped content needs."""
    needed = matches.needs_of(check(ROOT / "content").site).all_codes
    return [g.code for g in taxonomy.load().units()], sorted(needed)


def occupation(rng: random.Random, groups: tuple[list[str], list[str]]) -> dict:
    """One adult's occupation columns: typed text, and the group it maps to (60 %)."""
    if rng.random() >= MAPPED:
        return {"occupation": "Egen företagare", "ssyk": None}
    every, needed = groups
    code = rng.choice(needed if rng.random() < IN_NEED else every)
    return {"occupation": f"Yrke i grupp {code}", "ssyk": code}


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def households(n: int, rng: random.Random, owners: list[int]):
    """Rows for the households table and their municipalities, spread over 18 months."""
    jobs = random.Random(2)  # its own sequence: the other columns stay as they were before occupations
    answers = random.Random(3)  # and the answers and countries theirs
    groups = occupation_groups()
    for i in range(1, n + 1):
        contact = occupation(jobs, groups)
        partner = occupation(jobs, groups) if jobs.random() < PARTNERED else {"occupation": None, "ssyk": None}
        created = START + timedelta(seconds=rng.randrange(540 * 86400))
        status = rng.choice(STATUSES)
        contacted = created + timedelta(days=rng.randrange(1, 15)) if status != "new" else None
        moved = status in ("moved", "settled")
        chosen = [] if rng.random() < 0.12 else rng.sample(SLUGS, rng.choice((1, 1, 1, 2, 3)))
        twin = i - 1 if i > 1 and rng.random() < 0.02 else i  # about 2 % register twice
        row = {
            "id": i,
            "reference": f"H-{i // 10000:04d}-{i % 10000:04d}",
            "submission_id": uuid.UUID(int=rng.getrandbits(128)).hex,
            "created_at": created,
            "form_language": "sv",
            "utm_source": rng.choice(SOURCES),
            "privacy_version": "v1",
            "consented_at": created,
            "quarantine_reason": "honeypot" if rng.random() < 0.02 else None,
            "status": status,
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i}",
            "email": f"household{twin}@example.com",
            "phone": f"070-{twin:07d}",
            "contact_channel": "email",
            "contact_language": "sv",
            "country": answers.choice(COUNTRIES),
            "heard_from": answers.choice(HEARD),
            "place": "Stockholm",
            "occupation": contact["occupation"],
            "occupation_ssyk": contact["ssyk"],
            "partner_occupation": partner["occupation"],
            "partner_occupation_ssyk": partner["ssyk"],
            "children_count": 0,
            "children_ages": [],
            "unsure": not chosen,
            "seeks": rng.sample(["job", "housing", "school", "coworking", "visit"], 2),
            "housing_types": [],
            "timeframe": "6m",
            "owner_id": rng.choice(owners) if contacted else None,
            "follow_up_on": (created + timedelta(days=rng.randrange(3, 60))).date()
            if status not in ("new", "closed")
            else None,
            "first_contacted_at": contacted,
            "moved_to": (chosen or SLUGS)[0] if moved else None,
            "moved_on": (created + timedelta(days=rng.randrange(60, 300))).date() if moved else None,
        }
        links = [{"household_id": i, "municipality": slug} for slug in chosen]
        event = {"household_id": i, "user_id": None, "old": None, "new": None, "text": None}
        events = [{**event, "at": contacted, "kind": "status", "old": "new", "new": status}] if contacted else []
        events += [{**event, "at": contacted or created, "kind": "note", "text": "Ringde."}] * rng.randrange(2)
        visits = []
        if status in ("contacted", "visiting", "decided") and rng.random() < 0.1:  # about 4 % plan a visit
            first = TODAY + timedelta(days=rng.randrange(-60, 120))
            visits.append(
                {
                    "household_id": i,
                    "starts_on": first,
                    "ends_on": first + timedelta(days=rng.randrange(4)),
                    "viewings": rng.random() < 0.6,
                    "employer_meetings": rng.random() < 0.4,
                    "school": rng.random() < 0.3,
                    "coworking": rng.random() < 0.2,
                    "note": "Visning.",
                    "created_at": contacted,
                }
            )
        yield row, links, events, visits


def seed(engine, n: int) -> None:
    rng = random.Random(1)
    with engine.begin() as connection:
        connection.execute(
            insert(PrivacyNotice), [{"version": "v1", "language": "sv", "text": "x", "first_seen": START}]
        )
        owners = list(connection.scalars(text("SELECT id FROM users")))
        rows, links, events, visits = [], [], [], []

        def flush():
            connection.execute(insert(Household), rows)
            if links:
                connection.execute(insert(HouseholdMunicipality), links)
            if events:
                connection.execute(insert(HouseholdEvent), events)
            if visits:
                connection.execute(insert(Visit), visits)
            rows.clear(), links.clear(), events.clear(), visits.clear()

        for row, chosen, timeline, planned in households(n, rng, owners):
            rows.append(row), links.extend(chosen), events.extend(timeline), visits.extend(planned)
            if len(rows) == BATCH:
                flush()
        if rows:
            flush()
        orders = [
            {
                "reference": f"M-{i // 10000:04d}-{i % 10000:04d}",
                "submission_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "created_at": (at := START + timedelta(seconds=rng.randrange(540 * 86400))),
                "form_language": "sv",
                "utm_source": rng.choice(SOURCES),
                "privacy_version": "v1",
                "consented_at": at,
                "name": f"Order {i}",
                "street": f"Storgatan {i}",
                "postal_code": "831 31",
                "city": "Östersund",
                "country": "SE",
                "address_key": f"storgatan {i}|83131",
            }
            for i in range(1, n // 3 + 1)
        ]
        for start in range(0, len(orders), BATCH):
            connection.execute(insert(MagazineOrder), orders[start : start + BATCH])
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        # Seeding wrote 100 000 households in one go, so the write-ahead log holds all of them; a
        # database that grew over months has a short log (SQLite checkpoints every 1000 pages).
        # Fold it into the file first, so every read does not search a log of the whole table.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


CASES = [
    ("coordinator", "list, first page", "/crm/households/"),
    ("coordinator", "list, page 500", "/crm/households/?page=500"),
    ("coordinator", "list, one municipality", "/crm/households/?municipality=ostersund"),
    (
        "coordinator",
        "list, municipality + status, page 20",
        "/crm/households/?municipality=krokom&status=contacted&page=20",
    ),
    ("coordinator", "list, search a name", "/crm/households/?q=lindqvist+4711"),
    ("coordinator", "list, search a reference", "/crm/households/?q=H-0004-0711"),
    ("coordinator", "list, source and dates", "/crm/households/?source=facebook&from=2026-01-01&to=2026-03-31"),
    ("coordinator", "list, matches a need", "/crm/households/?need=1"),
    ("coordinator", "list, one occupation group", "/crm/households/?ssyk=2221"),
    (
        "coordinator",
        "list, need + municipality + field, page 5",
        "/crm/households/?need=1&municipality=krokom&field=2&page=5",
    ),
    ("guide", "guide's list, first page", "/crm/households/"),
    ("guide", "guide's list, matches a need", "/crm/households/?need=1"),
    ("guide", "guide's needs page", "/crm/needs/"),
    ("coordinator", "needs page, every municipality", "/crm/needs/"),
    ("guide", "guide's list, page 100", "/crm/households/?page=100"),
    ("guide", "guide's list, search", "/crm/households/?q=berg"),
    ("guide", "guide's follow-ups due", "/crm/households/?mine=1"),
    ("guide", "guide's week ahead", "/crm/week/"),
    ("coordinator", "week ahead, everyone's", "/crm/week/"),
    ("coordinator", "week ahead, one guide's", "/crm/week/?guide=2"),
    ("guide", "guide's calendar feed", "{feed}"),
    ("coordinator", "dashboard", "/crm/figures/?as_of=2026-11-30"),
    ("coordinator", "dashboard, competence", "/crm/figures/competence/?as_of=2026-11-30"),
    # Both pages' figures in one request: what one page holding them all would take to count.
    ("coordinator", "dashboard, every figure as CSV", "/crm/figures/export.csv?as_of=2026-11-30"),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(database_url: str, n: int, requests: int, site_dir: Path, cases=CASES) -> list[tuple]:
    app = create_app(intake_config(database_url, site_dir))
    engine = app.extensions["db_engine"]
    db.upgrade(engine)
    coordinator = make_staff(app, "samordnare@region.example", "coordinator")
    guide = make_staff(app, "guide@ostersund.example", "guide", ["ostersund"])
    make_staff(app, "guide@are.example", "guide", ["are", "berg"])
    started = time.perf_counter()
    seed(engine, n)
    progress(f"  seeded {n} households in {time.perf_counter() - started:.0f} s")
    with engine.connect() as connection:
        counts = {
            t: connection.scalar(text(f"SELECT count(*) FROM {t}"))
            for t in ("households", "household_municipalities", "household_events", "visits", "magazine_orders")
        }
    progress(f"  rows: {counts}")
    clients = {}
    for role, email in (("coordinator", coordinator), ("guide", guide)):
        clients[role] = app.test_client()
        assert staff_login(clients[role], email).status_code == 303
    with app.app_context():  # the guide's calendar feed, at its secret address
        session = db.session()
        token = calendar.issue(session, session.scalar(select(User).where(User.email == guide)))
        session.commit()
    feed = f"/crm/calendar/{token}.ics"
    results = []
    for role, name, path in cases:
        url, path = path.format(feed=feed), path.format(feed=calendar.FEED_PATH)  # the token stays out of the results
        client = clients[role]
        times = []
        rounds = requests if "dashboard" not in name else max(5, requests // 4)
        for i in range(rounds + 2):
            begin = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - begin) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if i >= 2:  # the first two warm the caches
                times.append(elapsed)
        results.append((name, path, role, len(times), statistics.median(times), percentile(times, 95), max(times)))
        progress(f"  {name}: p50 {results[-1][4]:.0f} ms, p95 {results[-1][5]:.0f} ms")
    engine.dispose()
    return results, counts


def sqlite_run(n, requests, site_dir, cases):
    with tempfile.TemporaryDirectory() as tmp:
        return measure(f"sqlite:///{tmp}/crm.db", n, requests, site_dir, cases)


def postgresql_run(n, requests, site_dir, cases):
    schema = f"bench_crm_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return measure(f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}", n, requests, site_dir, cases)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def markdown(command: str, n: int, runs: dict) -> str:
    lines = [
        "# The back office at scale",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, shared and noisy; Python {platform.python_version()}",
        f"- Command: `{command}`",
        f"- Data: {n} households (2 % quarantined, 12 % not sure yet, the rest choosing 1 to 3 municipalities; "
        "about 2 % registered twice, so flagged as possible duplicates; each adult's occupation mapped to an "
        "SSYK-4 group 60 % of the time, a third of those in a needed group; half with a partner), "
        "their timeline events and "
        f"{n // 3} magazine orders, over 18 months; seeded in bulk, then ANALYZE.",
        "- Timing: the whole request through the Flask test client (routing, session, queries, template), "
        "logged in; two warm-up requests per case are left out. Guide: one municipality (Östersund), "
        "about a fifth of the households.",
        "- Week ahead: follow-ups from the seeded data; about 4 % of households have a visit planned, "
        "from 60 days before the run's day to 120 after; the feed carries a month back and half a year ahead.",
        "- Targets: list page and week ahead p95 ≤ 200 ms; dashboard ≤ 1 s (each of its pages).",
        f"- Load average at the end (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
    ]
    for backend, (results, counts) in runs.items():
        lines += [
            f"## {backend}",
            "",
            f"Rows: {', '.join(f'{t} {c}' for t, c in counts.items())}.",
            "",
            "| case | path | as | requests | p50 ms | p95 ms | max ms |",
            "|---|---|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {name} | `{path}` | {role} | {k} | {p50:.0f} | {p95:.0f} | {top:.0f} |"
            for name, path, role, k, p50, p95, top in results
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument(
        "--requests", type=int, default=40, help="timed requests per list case (a quarter for the dashboard)"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--write", action="store_true", help="also write bench/CRM_RESULTS.md")
    parser.add_argument(
        "--only",
        metavar="CASE",
        action="append",
        help="measure only the cases whose name holds CASE (not with --write)",
    )
    args = parser.parse_args()
    cases = [case for case in CASES if not args.only or any(word in case[1] for word in args.only)]
    if args.only and args.write:
        parser.error("--write records every case: leave out --only")
    if not cases:
        parser.error(f"no case matches {args.only}")
    runs = {}
    with tempfile.TemporaryDirectory() as site_dir:  # back-office pages do not use the built site
        for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
            progress(f"{backend}:")
            run = sqlite_run if backend == "sqlite" else postgresql_run
            runs[backend] = run(args.households, args.requests, Path(site_dir), cases)
    command = ".venv/bin/python bench/crm_scale.py " + " ".join(sys.argv[1:])
    text_out = markdown(command.strip(), args.households, runs)
    print(text_out)
    if args.write:
        (ROOT / "bench" / "CRM_RESULTS.md").write_text(text_out, encoding="utf-8")


if __name__ == "__main__":
    main()
