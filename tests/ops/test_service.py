"""The intake as a service: one port for site and forms, health, database set-up, configuration."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text

from intake import create_app, db, settings
from intake.models import Base, Household
from tasteget.site import stamp

from tests.support.helpers import ROOT, free_port, serving, tasteget, tasteget_process, wait_for
from tests.support.intake_helpers import REGISTRATION, fetch_form, hidden_fields, intake_config, submit


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(tmp_path, built_site):
    app = create_app(intake_config(f"sqlite:///{tmp_path}/missing/dir/crm.db", built_site))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_the_built_site_is_served_on_the_same_port(client):
    with client.get("/") as home:
        assert home.status_code == 200 and "Ta steget till ett liv" in home.get_data(as_text=True)
    for path in ("/en/municipalities/are/", "/assets/stylesheets/tasteget.css"):
        with client.get(path) as response:
            assert response.status_code == 200, path
    redirect = client.get("/kommuner/are")
    assert redirect.status_code == 308 and redirect.headers["Location"].endswith("/kommuner/are/")


def test_unknown_paths_get_the_sites_404_in_their_language(client):
    sv = client.get("/finns-inte/")
    en = client.get("/en/does-not-exist/")
    assert sv.status_code == en.status_code == 404
    assert "Sidan finns inte" in sv.get_data(as_text=True)
    assert "Page not found" in en.get_data(as_text=True)


def test_the_page_shell_and_files_outside_the_site_are_not_served(client):
    assert client.get("/_shell/").status_code == 404
    assert client.get("/en/_shell/index.html").status_code == 404
    assert client.get("/../pyproject.toml").status_code == 404
    assert client.get("/%2e%2e/pyproject.toml").status_code == 404


def test_the_forms_follow_the_site_layout_after_a_rebuild(tmp_path, database_url, built_site):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    app = create_app(intake_config(database_url, site))
    client = app.test_client()
    assert "Berättelser" in client.get("/registrera/").get_data(as_text=True)
    shell = site / "_shell" / "index.html"
    shell.write_text(shell.read_text(encoding="utf-8").replace("Berättelser", "Nyinflyttade berättar"), "utf-8")
    assert "Berättelser" in client.get("/registrera/").get_data(as_text=True)  # a build is being written
    stamp.write(site)  # the build's last step
    assert "Nyinflyttade berättar" in client.get("/registrera/").get_data(as_text=True)


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_the_models(app):
    with app.extensions["db_engine"].connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_sqlite_is_durable_and_patient(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1  # erased values are zeroed
        assert connection.execute(text("PRAGMA journal_size_limit")).scalar() == 0
    engine.dispose()


def test_a_scrub_kept_busy_by_a_reader_logs_one_line_and_carries_on(tmp_path, caplog):
    path = tmp_path / "crm.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
        connection.execute(text("INSERT INTO t VALUES ('kept in the log')"))
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM t").fetchall()  # a snapshot that still reads from the write-ahead log
    try:
        with caplog.at_level(logging.WARNING, logger="intake.db"):
            db.scrub(engine, ["t"])
    finally:
        reader.close()
    assert [r.getMessage() for r in caplog.records] == [
        "erased values stay in the SQLite write-ahead log until its next checkpoint: it was busy"
    ]
    db.scrub(engine, ["t"])  # no reader: done
    assert (tmp_path / "crm.db-wal").stat().st_size == 0
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    engine.dispose()


def test_development_secret_is_generated_once_and_private(tmp_path):
    first = settings.development_secret(tmp_path / "instance")
    assert len(first) == 64
    assert settings.development_secret(tmp_path / "instance") == first
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_files_that_hold_personal_data_are_readable_by_their_owner_only(tmp_path, built_site):
    """The instance folder, its secret, the database with its write-ahead log and shared memory,
    and the e-mails written as files, under the usual umask that leaves new files world-readable."""
    from intake.notify import worker

    instance = tmp_path / "instance"
    umask = os.umask(0o022)
    try:
        secret = settings.development_secret(instance)
        url = settings.sqlite_url(instance)
        app = create_app(intake_config(url, built_site, SECRET_KEY=secret, MAIL_DIR=str(instance / "mail")))
        db.upgrade(app.extensions["db_engine"])
        assert submit(app.test_client(), "/registrera/", REGISTRATION).status_code == 303
        worker.expand_events(app)
        assert worker.send_due(app) > 0
        files = {f.name: mode(f) for f in instance.iterdir()}
        mail = instance / "mail"
        assert {f.name: mode(f) for f in mail.iterdir()} == {f.name: 0o600 for f in mail.glob("*.eml")} != {}
        app.extensions["db_engine"].dispose()
    finally:
        os.umask(umask)
    assert mode(instance) == 0o700
    assert files == {
        "secret_key": 0o600,
        "tasteget.db": 0o600,
        "tasteget.db-wal": 0o600,
        "tasteget.db-shm": 0o600,
        "mail": 0o700,
    }


def test_environment_settings_are_typed_and_checked():
    assert settings.from_environment({"MIN_FILL_SECONDS": "5", "SESSION_COOKIE_SECURE": "true"}) == {
        "MIN_FILL_SECONDS": 5,
        "SESSION_COOKIE_SECURE": True,
    }
    try:
        settings.from_environment({"TRUSTED_PROXIES": "one"})
    except ValueError as exc:
        assert str(exc) == "TRUSTED_PROXIES must be a whole number, got 'one'"
    else:
        raise AssertionError("expected a ValueError")


@pytest.mark.parametrize("key", ["EVENT_REMINDER_HOUR", "ORDERS_SUMMARY_HOUR"])
def test_an_hour_setting_is_an_hour_of_the_day(key):
    assert settings.from_environment({key: "0"}) == {key: 0}
    assert settings.from_environment({key: "23"}) == {key: 23}
    with pytest.raises(ValueError, match=f"^{key} must be an hour from 0 to 23, got 24$"):
        settings.from_environment({key: "24"})


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/registrera/")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_db_upgrade_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    result = tasteget("db", "upgrade", env={"DATABASE_URL": url, "SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "The database is up to date."
    engine = create_engine(url)
    with engine.connect() as connection:
        head = ScriptDirectory(str(db.MIGRATIONS)).get_current_head()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    engine.dispose()


def test_serve_without_a_built_site_says_so_in_one_line(tmp_path):
    result = tasteget_process("serve", "--port", "0", env={"SITE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: the site is not built (no {tmp_path}/_shell/index.html): run `tasteget build` first"
    ]


def test_db_upgrade_with_an_unreachable_database_says_so_in_one_line():
    result = tasteget(
        "db", "upgrade", env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "SECRET_KEY": "x"}
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot migrate the database: ")
    assert "Traceback" not in result.stderr


def test_gunicorn_serves_the_wsgi_entry_point(tmp_path, built_site):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": "x", "SITE_DIR": str(built_site)}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "1", "intake.wsgi:app"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", '"status":"ok"', seconds=30)
        assert wait_for(f"http://127.0.0.1:{port}/en/register/", "Register your interest", seconds=5)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8001, "http://127.0.0.1:8001"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
        ("::", 9000, "http://127.0.0.1:9000"),
        ("::1", 8080, "http://[::1]:8080"),
        ("localhost", 8000, "http://localhost:8000"),
    ],
)
def test_a_development_server_links_to_its_own_address(host, port, url):
    assert settings.local_url(host, port) == url


def test_serve_runs_the_worker_so_mail_appears_without_a_second_command(tmp_path, built_site):
    env = {
        "PUBLIC_URL": None,  # unset: links point at this server
        "MIN_FILL_SECONDS": "0",
        "WORKER_POLL_SECONDS": "1",
    }
    with serving(tmp_path, built_site, env=env, keep_log=True) as server:
        base, port = server.base, server.base.rsplit(":", 1)[1]
        with requests.Session() as browser:
            form = hidden_fields(browser.get(f"{base}/registrera/").text)
            response = browser.post(f"{base}/registrera/", data={**form, **REGISTRATION}, allow_redirects=False)
        assert response.status_code == 303
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(list((tmp_path / "mail").glob("*.eml"))) < 3:
            time.sleep(0.2)
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 3  # two guides and the mover
    log = server.log
    assert "written" in log
    for canary in ("Anna", "anna@example.com", "Trondheim", "070-123"):
        assert canary not in log
    for path in (tmp_path / "mail").glob("*.eml"):
        text = BytesParser(policy=policy.default).parsebytes(path.read_bytes()).get_body(("plain",)).get_content()
        assert f"http://127.0.0.1:{port}/" in text and ":8000" not in text


# When something goes wrong on our side: the site's look, its language and headers, the form kept.


@pytest.fixture
def failing_app(database_url, built_site):
    """The intake with one route that fails, as an unforeseen error would (in each language)."""
    app = create_app(intake_config(database_url, built_site, PROPAGATE_EXCEPTIONS=False))

    def fail():
        typed = "canary-" + "4711"
        raise RuntimeError(f"an unforeseen error with {typed}")

    app.add_url_rule("/test-fails/", "fails_sv", fail)
    app.add_url_rule("/en/test-fails/", "fails_en", fail)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(("path", "words"), [("/test-fails/", "Något gick fel"), ("/en/test-fails/", "went wrong")])
def test_an_unforeseen_error_is_a_500_in_the_sites_look_language_and_headers(failing_app, path, words, caplog):
    response = failing_app.test_client().get(path)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert words in html
    assert 'class="md-header' in html  # the site's header, from its page shell
    assert f'lang="{"en" if path.startswith("/en/") else "sv"}"' in html
    assert "Werkzeug" not in html and "Internal Server Error" not in html
    assert "Content-Security-Policy" in response.headers and response.headers["X-Content-Type-Options"] == "nosniff"
    # The log says what failed where, never the error's message (messages quote what was typed).
    assert "RuntimeError" in caplog.text and "in fail" in caplog.text and "canary-4711" not in caplog.text


def test_an_unforeseen_error_on_a_form_shows_the_form_again_with_what_was_typed(app, client, rows, monkeypatch):
    from intake.public import saving

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail(prefix):
        raise RuntimeError("an unforeseen error")

    form = fetch_form(client, "/en/register/")
    monkeypatch.setattr(saving, "new_reference", fail)
    response = client.post("/en/register/", data={**form, **REGISTRATION})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "send it again" in html and 'value="Anna Andersson"' in html and "Trondheim" in html
    assert "Content-Security-Policy" in response.headers
    assert rows(Household) == []
    monkeypatch.undo()
    again = client.post("/en/register/", data={**hidden_fields(html), **REGISTRATION})
    assert again.status_code == 303
    assert len(rows(Household)) == 1


def _hold_sqlite_write_lock(app):
    """Another connection with an open write transaction, as a long backup or a second process would."""
    import sqlite3

    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@contextmanager
def _every_new_connection_runs(app, sqlite: str, postgresql: str):
    """The app's database connections, made afresh, each run this statement first."""
    engine = app.extensions["db_engine"]
    statement = sqlite if engine.dialect.name == "sqlite" else postgresql

    def run(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if engine.dialect.name == "postgresql":
            dbapi_connection.commit()

    event.listen(engine, "connect", run)
    engine.dispose()
    try:
        yield app
    finally:
        event.remove(engine, "connect", run)
        engine.dispose()


@pytest.fixture
def impatient(app):
    """The app's SQLite connections wait 0.2 s for a lock instead of 10 (PostgreSQL: 0.5 s)."""
    with _every_new_connection_runs(app, "PRAGMA busy_timeout=200", "SET lock_timeout = '500ms'"):
        yield app


def _lock_the_database(app):
    engine = app.extensions["db_engine"]
    if engine.dialect.name == "sqlite":
        return _hold_sqlite_write_lock(app)
    holder = engine.connect()
    holder.execute(text("LOCK TABLE households, magazine_orders, alembic_version IN ACCESS EXCLUSIVE MODE"))
    return holder


@pytest.mark.parametrize(("url", "words"), [("/registrera/", "skicka det igen"), ("/en/register/", "send it again")])
def test_a_locked_database_is_a_503_that_shows_the_form_again(impatient, rows, url, words):
    client = impatient.test_client()
    form = fetch_form(client, url)
    holder = _lock_the_database(impatient)
    try:
        response = client.post(url, data={**form, **REGISTRATION})
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert words in html and 'value="Anna Andersson"' in html and 'class="md-header' in html
    assert "Content-Security-Policy" in response.headers
    assert rows(Household) == []
    # Sent again once the database is free: stored once.
    assert client.post(url, data={**hidden_fields(html), **REGISTRATION}).status_code == 303
    assert len(rows(Household)) == 1


def test_healthz_reports_a_database_that_cannot_write(impatient):
    client = impatient.test_client()
    holder = _lock_the_database(impatient)
    try:
        response = client.get("/healthz")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "locked"}
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_read_only_database(app):
    with _every_new_connection_runs(app, "PRAGMA query_only=1", "SET default_transaction_read_only = on"):
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "readonly"}
