"""Backups of an SQLite CRM: a consistent copy taken while the service runs, and a checked restore.

Both go through SQLite's online backup API, never a file copy: a copy of a live WAL database can
miss what is still in its -wal file or catch a page half-written. PostgreSQL has its own tools
(pg_dump, pg_restore; see the README), so these functions refuse its URLs with a line saying so.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from intake import db
from intake.db import MIGRATIONS
from intake.ops import private_files

BUSY_MS = 10_000  # how long to wait for a writer of the running service to finish its transaction


class BackupError(Exception):
    """A backup or restore that was not made; the message says why in one line."""


@dataclass(frozen=True)
class Summary:
    """What a database holds: its migration and the rows of each table."""

    revision: str
    counts: dict[str, int]

    def describe(self) -> str:
        figures = ", ".join(
            f"{self.counts.get(t, 0)} {t.replace('_', ' ')}" for t in ("households", "magazine_orders", "users")
        )
        return f"{figures} (schema {self.revision})"


def sqlite_path(url: str) -> Path:
    """The database file of an SQLite URL; any other database is refused with what to use instead."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BackupError(f"cannot read DATABASE_URL {url!r}") from None
    if parsed.get_backend_name() == "postgresql":
        raise BackupError(
            "the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore (see the README)"
        )
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BackupError(f"backups are made of an SQLite file or with PostgreSQL's tools, not of {parsed.drivername}")
    return Path(parsed.database)


def summary(path: Path) -> Summary:
    """Check that `path` is a whole, uncorrupted Ta Steget database and count its rows."""
    if not path.is_file():
        raise BackupError(f"no file at {path}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(f"{path} is damaged: {result[0][0]}")
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if "alembic_version" not in tables:
                raise BackupError(f"{path} is an SQLite database but not a Ta Steget one (no alembic_version)")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise BackupError(f"{path} is not an SQLite database") from None
        raise BackupError(f"{path} is damaged: {exc}") from None
    if revision is None or not _known(revision[0]):
        found = revision[0] if revision else "none"
        raise BackupError(f"{path} has schema {found}, which this version of tasteget does not know")
    del counts["alembic_version"]
    return Summary(revision[0], counts)


def _known(revision: str) -> bool:
    return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None


def backup(url: str, target: Path) -> Summary:
    """Copy the live database to `target` (a new file) and check the copy."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)  # left by a backup that was killed, with whatever mode it had
        private_files.create(partial)
        _copy(source, partial)
        with sqlite3.connect(partial) as copy:
            # One self-contained file: the copy keeps no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        copy.close()
        result = summary(partial)
        _fsync(partial)
        partial.rename(target)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup was not made: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return result


def restore(backup_file: Path, url: str, force: bool = False) -> Summary:
    """Replace the database at `url` with a checked backup; a database with data only when `force`."""
    target = sqlite_path(url)
    if target.exists() and backup_file.exists() and target.samefile(backup_file):
        raise BackupError(f"{backup_file} is the database itself; restore from a backup of it")
    result = summary(backup_file)
    _check_schema(backup_file, result.revision)
    if target.is_file():
        held = _rows(target)
        if held and not force:
            raise BackupError(f"{target} holds data ({held} rows); stop the service and add --force to replace it")
    elif not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent}")
    else:
        private_files.create(target)
    try:
        # Into the file itself, under SQLite's locks: connections left open see the restored data
        # and nothing is left of the old -wal, which a file copy over a live database would corrupt.
        _copy(backup_file, target)
    except sqlite3.Error as exc:
        raise BackupError(f"the restore did not complete: {exc}") from None
    summary(target)
    return result


def _check_schema(path: Path, revision: str) -> None:
    """Refuse a database whose tables, indexes, triggers and views are not exactly those the
    migrations make at its revision: a trigger added to a backup could, say, copy away what an
    erasure removes, and would run in the service from then on."""
    found, expected = _schema(path), _schema_at(revision)
    again = "; restore only a backup tasteget made, as it made it"
    for kind, name in sorted(found.keys() - expected.keys()):
        raise BackupError(f'{path} has a {kind} "{name}" that schema {revision} does not have{again}')
    for kind, name in sorted(expected.keys() - found.keys()):
        raise BackupError(f'{path} lacks the {kind} "{name}" of schema {revision}{again}')
    for kind, name in sorted(k for k in found if found[k] != expected[k]):
        raise BackupError(f'{path} has a {kind} "{name}" unlike that of schema {revision}{again}')


def _schema_at(revision: str) -> dict[tuple[str, str], str]:
    """The schema the migrations make at `revision`, in a database made for the comparison."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schema.db"
        engine = db.make_engine(f"sqlite:///{path}")
        try:
            db.upgrade(engine, revision)
        finally:
            engine.dispose()
        return _schema(path)


def _schema(path: Path) -> dict[tuple[str, str], str]:
    """Every table, index, trigger and view but SQLite's own, with its SQL in a normal form."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
    finally:
        connection.close()
    return {(kind, name): _normal(sql or "", kind == "table") for kind, name, sql in rows}


def _normal(sql: str, table: bool) -> str:
    """`sql` without what does not change what the schema does: case, quotes, spacing, and the order
    of a table's columns and constraints (a migration that rebuilds a table writes its constraints
    in no fixed order)."""
    sql = re.sub(r'["`\[\]]', "", sql.lower())
    sql = re.sub(r"\s*([(),;=])\s*", r"\1", " ".join(sql.split()))
    if not table or "(" not in sql:
        return sql
    head, body = sql[: sql.index("(")], sql[sql.index("(") + 1 : sql.rindex(")")]
    items, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return f"{head}({','.join(sorted(items))}){sql[sql.rindex(')') + 1 :]}"


def _copy(source: Path, target: Path) -> None:
    """All pages of `source` into `target`, in one step, so the copy is one moment's snapshot."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_MS / 1000)
    dst = sqlite3.connect(target, timeout=BUSY_MS / 1000)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _rows(path: Path) -> int:
    """Rows in every table but the migration marker, so a fresh (migrated, empty) database counts 0."""
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
            tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            total = sum(
                connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in tables
                if t != "alembic_version"
            )
        connection.close()
    except sqlite3.DatabaseError:
        return 1  # not even readable: never overwritten without --force
    return total


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
