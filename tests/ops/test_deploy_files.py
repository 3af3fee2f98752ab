"""The shipped deployment (deploy/) against the app: nginx routes every path the intake answers to
it and serves the rest from the built site under the build's headers; the environment file lists
every setting at its default; the backup script backs SQLite up. tests/ops/test_deployment.py runs
it all for real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.routing import Map

from intake import create_app, settings
from tasteget.site import csp

from tests.support import installed, nginx
from tests.support.helpers import ROOT
from tests.support.intake_helpers import intake_config

# A value for each kind of URL variable, so a route's pattern becomes a path a browser would ask for.
SAMPLES = {"int": "12", "path": "a/b.css", "any": "sv", "string": "x", "default": "abcDEF123_-"}


def sample_path(rule) -> str:
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: SAMPLES.get(m.group(1) or "", SAMPLES["default"]), rule.rule
    )


@pytest.fixture(scope="module")
def url_map(tmp_path_factory) -> Map:
    folder = tmp_path_factory.mktemp("routes")
    app = create_app(intake_config(f"sqlite:///{folder / 'crm.db'}", folder))
    yield app.url_map
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def shipped():
    return nginx.locations(nginx.https_server(nginx.SITE_CONF.read_text()))


def test_every_route_of_the_intake_is_proxied_by_the_shipped_nginx_site(url_map, shipped):
    routes = [rule for rule in url_map.iter_rules() if rule.endpoint != "site.static_site"]
    assert len(routes) > 50  # the back office, the forms, the mover's page, /healthz, the static files
    missed = {}
    for rule in routes:
        path = sample_path(rule)
        assert "<" not in path, path
        where = nginx.route(path, shipped)
        if where is None or not where.proxied:
            missed[rule.rule] = where and f"location {where.modifier} {where.pattern}"
    assert missed == {}, "routes of the app that deploy/nginx/tasteget.conf does not send to the intake"
    # Without the trailing slash too: the intake answers with its redirect, not nginx with a 404.
    for start in (
        "/registrera",
        "/bestall-magasinet",
        "/besok",
        "/en/register",
        "/en/order-magazine",
        "/en/visit",
        "/crm",
    ):
        assert nginx.route(start, shipped).proxied, start


def test_the_site_is_served_by_nginx_under_the_builds_headers_and_its_shells_are_internal(shipped):
    site_paths = [
        "/",
        "/kommuner/are/",
        "/en/",
        "/en/municipalities/are/",
        "/404.html",
        "/search/search_index.json",
        "/assets/stylesheets/main.57a0d79d.min.css",
        "/assets/javascripts/bundle.a5f9d56c.min.js",
        "/en/assets/photos/are-1a2b3c4d-800.jpg",
        "/assets/stylesheets/tasteget.css",
        "/robots.txt",
        "/sitemap.xml",
    ]
    for path in site_paths:
        where = nginx.route(path, shipped)
        assert where is not None and not where.proxied and not where.internal, path
        assert "_shell/headers.nginx.conf;" in where.body, path  # the build's headers, one source
        assert "Cache-Control" in where.body, path
    for path in ("/_shell/index.html", "/_shell/headers.nginx.conf", "/en/_shell/index.html"):
        assert nginx.route(path, shipped).internal, path


def test_the_editor_alone_is_served_under_the_editors_headers(shipped):
    for path in ("/redigera/", "/redigera/config.yml", "/redigera/decap-cms/3.16.3/decap-cms.js", "/redigera/x.wasm"):
        where = nginx.route(path, shipped)
        assert (where.modifier, where.pattern) == ("^~", "/redigera/"), path
        assert not where.proxied and not where.internal
        assert f"_shell/{csp.EDITOR_SNIPPET};" in where.body and f"_shell/{csp.NGINX_SNIPPET};" not in where.body
        assert 'Cache-Control "no-cache"' in where.body  # add_header here replaces the server's: all of them
        assert "text/yaml yml;" in where.body and "application/wasm wasm;" in where.body
    others = [loc for loc in shipped if loc.pattern != "/redigera/" and not loc.proxied and not loc.internal]
    assert others and all(csp.EDITOR_SNIPPET not in loc.body for loc in others)
    for path in ("/redigerare/", "/en/redigera/", "/redigera", "/assets/redigera/x.js"):
        assert nginx.route(path, shipped).pattern != "/redigera/", path


@pytest.mark.parametrize(
    "path, immutable",
    [
        ("/assets/stylesheets/main.57a0d79d.min.css", True),
        ("/en/assets/javascripts/workers/search.a7633da7.min.js", True),
        ("/assets/photos/are-1a2b3c4d-800.jpg", True),
        ("/assets/stylesheets/tasteget.css", False),  # no hash in its name: checked again each time
        ("/assets/javascripts/search-on-use.js", False),
        ("/kommuner/are/", False),
        ("/en/index.html", False),
    ],
)
def test_hashed_assets_are_kept_a_year_and_everything_else_revalidated(shipped, path, immutable):
    body = nginx.route(path, shipped).body
    if immutable:
        assert 'Cache-Control "public, max-age=31536000, immutable"' in body
    else:
        assert 'Cache-Control "no-cache"' in body


def test_nginx_retries_the_other_instance_and_logs_no_query_string():
    proxy = (nginx.DEPLOY / "nginx" / "proxy.conf").read_text()
    assert "proxy_next_upstream error timeout http_502 http_503 non_idempotent;" in proxy
    assert "access_log off;" in proxy  # gunicorn logs the intake's paths, redacted
    site = nginx.uncommented(nginx.SITE_CONF.read_text())
    (log_format,) = re.findall(r"log_format\s+tasteget\s+'([^']*)'", site)
    for variable in ("$request_uri", "$request ", "$args", "$query_string", "$http_referer", "$is_args"):
        assert variable not in log_format + " "
    assert re.search(r"access_log\s+\S+\s+tasteget;", site)
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:\d+", site, re.M)) == 2


def environment_file() -> dict[str, tuple[str, bool]]:
    """KEY -> (value, set): the settings deploy/tasteget.env sets, or names commented out."""
    out = {}
    for line in (nginx.DEPLOY / "tasteget.env").read_text().splitlines():
        match = re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            assert match.group(2) not in out, f"{match.group(2)} twice"
            out[match.group(2)] = (match.group(3).strip('"'), not match.group(1))
    return out


def as_environment(value) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def test_the_environment_file_lists_every_setting_with_its_default():
    listed = environment_file()
    assert set(listed) == {*settings.DEFAULTS, "SECRET_KEY"}
    for key, (value, is_set) in listed.items():
        if key in settings.DEFAULTS and not is_set:  # commented out: what the code does without it
            assert value == as_environment(settings.DEFAULTS[key]), key
    # What it sets is what the code reads from the environment, of the right type.
    settings.from_environment({key: value for key, (value, is_set) in listed.items() if is_set})
    # Uncommented as they are, the defaults read back as the code's own values, of the same type.
    defaults = {key: value for key, (value, is_set) in listed.items() if not is_set and value}
    assert settings.from_environment(defaults) == {key: settings.DEFAULTS[key] for key in defaults}


@pytest.mark.skipif(not nginx.installed(), reason="nginx is not installed (Debian: apt-get install nginx)")
@pytest.mark.parametrize("brotli", [True, False], ids=["with-brotli", "without-brotli"])
def test_nginx_accepts_the_shipped_site(tmp_path, brotli):
    if brotli and not nginx.BROTLI_MODULE.is_file():
        pytest.skip("Debian's libnginx-mod-http-brotli-static is not installed")
    (tmp_path / "_shell").mkdir()
    csp.write_snippet(tmp_path)  # what `tasteget build` writes, here for a site of no page
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    server = nginx.Nginx(
        tmp_path / "nginx",
        brotli=brotli,
        site_dir=tmp_path,
        certificate=certificate,
        key=key,
        https_port=8443,
        http_port=8080,
        upstreams=[8001, 8002],
    )
    result = server.check()
    assert result.returncode == 0, result.stderr


def test_the_backup_script_backs_sqlite_up_with_tasteget_backup(tmp_path):
    database = tmp_path / "crm.db"
    env = installed.environment(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="test-secret",
        SITE_DIR=str(tmp_path),
        CONTENT_DIR=str(ROOT / "content"),
        BACKUP_DIR=str(tmp_path / "backups"),
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([sys.executable, "-m", "intake", "db", "upgrade"], env=env, check=True, capture_output=True)
    result = subprocess.run([nginx.DEPLOY / "tasteget-backup"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (backup,) = (tmp_path / "backups").glob("crm-*.db")
    assert result.stdout.startswith("Backed up 0 households") and str(backup) in result.stdout
    assert backup.stat().st_mode & 0o077 == 0  # the owner's only
