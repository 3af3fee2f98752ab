"""Backups: `tasteget backup` copies a live SQLite CRM while households register, and `tasteget
restore` puts a checked copy back, refusing anything that is not a whole Ta Steget database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from intake import create_app, db

from tests.support.helpers import tasteget
from tests.support.intake_helpers import REGISTRATION, intake_config, submit


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        result = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    connection.close()
    return result


@pytest.fixture
def live(tmp_path, built_site):
    """The intake on a real SQLite file in WAL mode, migrated."""
    path = tmp_path / "live.db"
    app = create_app(intake_config(sqlite_url(path), built_site))
    db.upgrade(app.extensions["db_engine"])
    yield app, path
    app.extensions["db_engine"].dispose()


def register_until(app, stop: threading.Event, failures: list) -> None:
    """Households register one after another through the real form until told to stop."""
    client = app.test_client()
    n = 0
    while not stop.is_set():
        n += 1
        try:
            response = submit(client, "/registrera/", {**REGISTRATION, "email": f"mover{n}@example.com"})
            assert response.status_code == 303, response.status_code
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            failures.append(repr(exc))
            return


def test_a_backup_taken_under_load_restores_whole(live, tmp_path):
    app, path = live
    stop, failures = threading.Event(), []
    writer = threading.Thread(target=register_until, args=(app, stop, failures))
    writer.start()
    try:
        while count(path, "households") < 5 and writer.is_alive():
            time.sleep(0.05)
        before = count(path, "households")
        result = tasteget("backup", str(tmp_path / "backup.db"), env={"DATABASE_URL": sqlite_url(path)})
        after = count(path, "households")
    finally:
        stop.set()
        writer.join()
    assert failures == []
    assert result.returncode == 0, result.stderr
    assert after > before  # households kept registering while the backup was made

    fresh = tmp_path / "restored" / "crm.db"
    fresh.parent.mkdir()
    restored = tasteget("restore", str(tmp_path / "backup.db"), env={"DATABASE_URL": sqlite_url(fresh)})
    assert restored.returncode == 0, restored.stderr

    with sqlite3.connect(fresh) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        households = connection.execute("SELECT count(*) FROM households").fetchone()[0]
        # Every household came with its two municipalities and its messages, in one transaction.
        per_household = connection.execute(
            """SELECT h.id, (SELECT count(*) FROM household_municipalities m WHERE m.household_id = h.id),
                            (SELECT count(*) FROM outbox o WHERE o.household_id = h.id)
               FROM households h"""
        ).fetchall()
    connection.close()
    assert before <= households <= after
    assert f"Backed up {households} households" in result.stdout
    assert f"Restored {households} households" in restored.stdout
    assert {(m, o) for _, m, o in per_household} == {(2, per_household[0][2])} and per_household[0][2] > 0

    restored_app = create_app(intake_config(sqlite_url(fresh), Path(app.config["SITE_DIR"])))
    assert db.is_current(restored_app.extensions["db_engine"])  # ready to serve, no upgrade needed
    assert restored_app.test_client().get("/healthz").status_code == 200
    restored_app.extensions["db_engine"].dispose()


def test_backups_and_restored_databases_are_readable_by_their_owner_only(live, tmp_path):
    _, path = live
    umask = os.umask(0o022)
    try:
        assert tasteget("backup", str(tmp_path / "b.db"), env={"DATABASE_URL": sqlite_url(path)}).returncode == 0
        fresh = tmp_path / "fresh.db"
        assert tasteget("restore", str(tmp_path / "b.db"), env={"DATABASE_URL": sqlite_url(fresh)}).returncode == 0
    finally:
        os.umask(umask)
    assert {f.name: f.stat().st_mode & 0o777 for f in tmp_path.glob("*.db*") if not f.name.startswith("live.db")} == {
        "b.db": 0o600,
        "fresh.db": 0o600,
    }


def test_restore_refuses_to_replace_data_without_force(live, tmp_path):
    app, path = live
    empty = tmp_path / "empty.db"
    assert tasteget("backup", str(empty), env={"DATABASE_URL": sqlite_url(path)}).returncode == 0
    assert submit(app.test_client(), "/registrera/", REGISTRATION).status_code == 303

    refused = tasteget("restore", str(empty), env={"DATABASE_URL": sqlite_url(path)})
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith(f"Error: {path} holds data (")
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert count(path, "households") == 1

    forced = tasteget("restore", "--force", str(empty), env={"DATABASE_URL": sqlite_url(path)})
    assert forced.returncode == 0, forced.stderr
    assert count(path, "households") == 0
    assert app.test_client().get("/healthz").status_code == 200  # connections left open carry on


def not_ours(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    return path


def damaged(path: Path, live: Path) -> Path:
    data = bytearray(live.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200  # a page in the middle overwritten
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p, live: p.with_name("missing.db"), "no file at"),
        (lambda p, live: (p.write_text("not a database\n" * 100), p)[1], "is not an SQLite database"),
        (lambda p, live: not_ours(p), "is an SQLite database but not a Ta Steget one"),
        (lambda p, live: damaged(p, live), "is damaged"),
    ],
    ids=["missing", "text file", "other database", "damaged"],
)
def test_restore_refuses_what_is_not_a_whole_backup(live, tmp_path, make, says):
    app, path = live
    backup = tasteget("backup", str(tmp_path / "good.db"), env={"DATABASE_URL": sqlite_url(path)})
    assert backup.returncode == 0, backup.stderr
    bad = make(tmp_path / "bad.db", tmp_path / "good.db")
    result = tasteget("restore", "--force", str(bad), env={"DATABASE_URL": sqlite_url(path)})
    assert result.returncode == 1
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert count(path, "alembic_version") == 1  # the live database is untouched


TAMPERING = [
    (  # an erasure would keep the name in the message
        "CREATE TRIGGER keep_names AFTER UPDATE OF name ON households"
        " BEGIN UPDATE households SET message = old.name WHERE id = old.id; END",
        'has a trigger "keep_names" that schema',
    ),
    ("CREATE VIEW everyone AS SELECT name, email FROM households", 'has a view "everyone" that schema'),
    ("CREATE TABLE kept (name TEXT)", 'has a table "kept" that schema'),
    ("DROP INDEX ix_households_email", 'lacks the index "ix_households_email" of schema'),
    ("ALTER TABLE households ADD COLUMN copied TEXT", 'has a table "households" unlike that of schema'),
]


@pytest.mark.parametrize(("change", "says"), TAMPERING, ids=["trigger", "view", "table", "index", "column"])
def test_restore_refuses_a_backup_whose_schema_was_changed(live, tmp_path, change, says):
    app, path = live
    good = tmp_path / "good.db"
    assert tasteget("backup", str(good), env={"DATABASE_URL": sqlite_url(path)}).returncode == 0
    with sqlite3.connect(good) as connection:
        connection.execute(change)
    connection.close()
    result = tasteget("restore", "--force", str(good), env={"DATABASE_URL": sqlite_url(path)})
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {good} {says} ") and "Traceback" not in result.stderr, line
    assert count(path, "alembic_version") == 1  # the live database is untouched


def test_a_backup_of_an_older_schema_is_compared_with_that_schema_and_restored(tmp_path):
    old = tmp_path / "old.db"
    engine = db.make_engine(sqlite_url(old))
    db.upgrade(engine, "0006")
    engine.dispose()
    result = tasteget("restore", str(old), env={"DATABASE_URL": sqlite_url(tmp_path / "crm.db")})
    assert result.returncode == 0, result.stderr
    assert "(schema 0006)" in result.stdout and "run `tasteget db upgrade`" in result.stdout


def test_backup_does_not_overwrite(live, tmp_path):
    _, path = live
    target = tmp_path / "taken.db"
    target.write_text("keep me")
    result = tasteget("backup", str(target), env={"DATABASE_URL": sqlite_url(path)})
    assert (result.returncode, result.stderr.strip()) == (1, f"Error: {target} exists already; choose a new file name")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_backed_up_with_its_own_tools(tmp_path, command):
    url = "postgresql+psycopg://tasteget@127.0.0.1:1/tasteget"
    result = tasteget(command, str(tmp_path / "crm.backup"), env={"DATABASE_URL": url})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore (see the README)"
    )


@pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") and shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs TEST_DATABASE_URL and PostgreSQL's client tools",
)
def test_the_readmes_pg_dump_and_pg_restore_round_trip(tmp_path, built_site):
    """The commands the README gives for PostgreSQL, on whole databases of their own."""
    base = make_url(os.environ["TEST_DATABASE_URL"])
    names = [f"tasteget_backup_{uuid.uuid4().hex[:8]}", f"tasteget_restored_{uuid.uuid4().hex[:8]}"]
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    for name in names:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    source, target = (base.set(database=name) for name in names)
    libpq = [url.set(drivername="postgresql").render_as_string(hide_password=False) for url in (source, target)]
    try:
        app = create_app(intake_config(source.render_as_string(hide_password=False), built_site))
        db.upgrade(app.extensions["db_engine"])
        for n in range(3):
            submit(app.test_client(), "/registrera/", {**REGISTRATION, "email": f"pg{n}@example.com"})
        app.extensions["db_engine"].dispose()
        dump = tmp_path / "tasteget.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq[0]], check=True)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={libpq[1]}", str(dump)],
            check=True,
        )
        restored = create_engine(target)
        with restored.connect() as connection:
            households = connection.execute(text("SELECT count(*) FROM households")).scalar()
            places = connection.execute(text("SELECT count(*) FROM household_municipalities")).scalar()
        assert (households, places) == (3, 6)
        assert db.is_current(restored)
        restored.dispose()
    finally:
        for name in names:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
