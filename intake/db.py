"""The CRM database: one engine per app, one session per request, migrations through Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intake.ops import private_files

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

log = logging.getLogger("intake.db")  # a log name operators filter on: it stays when the module moves
BUSY_MS = 10_000  # how long a statement waits for another connection's lock
SCRUB_BUSY_MS = 1_000  # a scrub runs inside a request; readers hold their snapshot for milliseconds


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout, full synchronous writes, foreign keys and
    secure delete, in a file only its owner can read.

    Database errors never quote the values they were given (`hide_parameters`): they end up in
    logs and error reports, and the values are people's names and addresses."""
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Erased values are overwritten with zeros, not left in free space: only some builds
            # of SQLite (Debian's) have this on by default.
            cursor.execute("PRAGMA secure_delete=ON")
            # Each time the write-ahead log starts over it is cut back to what is in use, so old
            # page images (and the values in them) do not linger in its unused tail.
            cursor.execute("PRAGMA journal_size_limit=0")
            cursor.close()

        return engine
    # PostgreSQL's JIT compiles a query's expressions when the planner guesses it costly; for the back
    # office's counts over 100 000 rows that costs more than it saves (measured in
    # bench/CRM_RESULTS.md), and its requests are short: off for our connections only.
    # Added to any `options` the URL gives (e.g. a search_path), which connect_args would replace.
    given = make_url(url).query.get("options")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = " ".join(part for part in (given, "-c jit=off") if part)
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args={"options": options})


def _create_private(url: str) -> None:
    """The database file, created readable by its owner only before SQLite opens it (SQLite would
    make it, and its -wal and -shm after it, world-readable)."""
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("uri") or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir():  # a missing folder is SQLite's to report, as it always has
        private_files.create(path)


def scrub(engine: Engine, tables: Iterable[str]) -> None:
    """After an erasure is committed, leave no copy of the erased values in the database's files.

    SQLite: copy the write-ahead log into the database file (where secure_delete has zeroed the old
    values) and truncate it; the log still holds the pages as they were before the erasure. A reader
    in the middle of a transaction can keep it busy: the erasure stands and the next scrub (the
    daily purge runs one) finishes the job. PostgreSQL: VACUUM `tables`, so the old row versions and
    their index entries are removed from the table files; its write-ahead log and backups keep them
    until they rotate (see the README)."""
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SCRUB_BUSY_MS}")
                try:
                    busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                finally:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_MS}")
            if busy:
                log.warning("erased values stay in the SQLite write-ahead log until its next checkpoint: it was busy")
            return
        quote = engine.dialect.identifier_preparer.quote
        # VACUUM cannot run inside a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM {', '.join(quote(t) for t in tables)}")
    except SQLAlchemyError as exc:
        log.warning("erased values may stay in the database files until they are reused: %s", type(exc).__name__)


def alembic_config(connection) -> Config:
    """Alembic's configuration for our migrations, run on `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision`."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def is_current(engine: Engine) -> bool:
    """True when every migration has been applied."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def _close_session(_exc=None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


def ping() -> None:
    with engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def check_writable(wait_seconds: float = 2) -> None:
    """Take the database's write lock and write a row, then roll it back: raises the database's
    error when it could not (locked longer than `wait_seconds`, read-only, full, unreachable)."""
    row = text("INSERT INTO alembic_version (version_num) VALUES ('healthz-write-check')")
    with engine().connect() as connection:
        if connection.dialect.name == "sqlite":
            waited = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
            try:
                # The write lock at once, as a save would need it, not at the row's first page.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.execute(row)
            finally:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA busy_timeout={waited}")
        else:
            connection.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'"))
            connection.execute(text(f"SET LOCAL statement_timeout = '{int(wait_seconds * 1000)}ms'"))
            connection.execute(row)
            connection.rollback()
