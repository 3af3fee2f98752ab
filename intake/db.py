"""The CRM database: one engine per app, one session per request, migrations through Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout, full synchronous writes and foreign keys.

    Database errors never quote the values they were given (`hide_parameters`): they end up in
    logs and error reports, and the values are people's names and addresses."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


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
