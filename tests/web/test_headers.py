"""Security headers: the policy worked out from the built pages, written for the web server by the
build, and sent by the intake and the back office on every response (HSTS only over HTTPS)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from intake import create_app
from intake.privacy import consent
from tasteget.site import csp, stamp
from tasteget.site.shell import SHELL_DIR

from tests.support.helpers import tasteget
from tests.support.intake_helpers import ORDER, hidden_fields, intake_config, make_staff, register, staff_login, submit


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_only_scripts_a_browser_runs_are_hashed():
    html = """<script>__md_scope=new URL(".",location)</script>
    <script id="__config" type="application/json">{"base": "."}</script>
    <script src="assets/bundle.js"></script>
    <SCRIPT type="text/javascript">var a = "é";</SCRIPT>"""
    assert csp.inline_script_hashes(html) == {sha256('__md_scope=new URL(".",location)'), sha256('var a = "é";')}


def test_the_policy_allows_nothing_inline_but_the_hashed_scripts():
    policy = csp.policy({"'sha256-b'", "'sha256-a'"})
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self' 'sha256-a' 'sha256-b'"
    assert "unsafe" not in policy
    assert directives["style-src"] == "'self'"
    assert (directives["object-src"], directives["base-uri"], directives["frame-ancestors"]) == ("'none'",) * 3


def test_the_build_writes_the_headers_for_the_web_server(built_site):
    snippet = (built_site / SHELL_DIR / csp.NGINX_SNIPPET).read_text(encoding="utf-8")
    shell = (built_site / "en" / SHELL_DIR / "index.html").read_text(encoding="utf-8")
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for script_hash in csp.inline_script_hashes(shell) | csp.inline_script_hashes(home):
        assert script_hash in snippet
    assert f'add_header Content-Security-Policy "{csp.policy(csp.site_script_hashes(built_site))}" always;' in snippet
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in snippet
    assert 'style="' not in home  # table alignment is an attribute, so no inline style is needed


def test_tasteget_csp_prints_the_policy(built_site, tmp_path):
    result = tasteget("csp", "--site-dir", str(built_site))
    assert result.returncode == 0
    assert result.stdout.strip() == csp.policy(csp.site_script_hashes(built_site))
    missing = tasteget("csp", "--site-dir", str(tmp_path))
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        f"Error: no built site in {tmp_path}/: run `tasteget build` first",
    )


PATHS = [
    "/registrera/",
    "/en/order-magazine/",
    "/crm/login/",
    "/crm/",  # a redirect to the login
    "/crm/static/crm.css",
    "/healthz",
    "/kommuner/are/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client, built_site, path):
    with client.get(path) as response:
        headers = response.headers
    assert headers["Content-Security-Policy"] == csp.policy(csp.site_script_hashes(built_site))
    assert headers["X-Content-Type-Options"] == "nosniff"
    back_office = path.startswith("/crm/") and not path.startswith("/crm/static/")
    assert headers["Referrer-Policy"] == ("no-referrer" if back_office else "strict-origin-when-cross-origin")
    assert "Strict-Transport-Security" not in headers  # plain http


def test_the_editor_alone_gets_its_own_policy_and_every_other_path_the_strict_one(client, built_site):
    strict = csp.policy(csp.site_script_hashes(built_site))
    editor = csp.editor_policy()  # no git host configured in this build: only its own origin
    paths = sorted(
        "/" + path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*")
        if path.is_file() and SHELL_DIR not in path.parts and path.suffix not in (".gz", ".br")
    )
    assert len(paths) > 100 and "/redigera/index.html" in paths
    for path in [*paths, "/redigera/", "/redigera", "/redigera/no-such-file", "/redigerare/", "/en/redigera/"]:
        with client.get(path) as response:
            headers = response.headers
        expected = editor if path.startswith("/redigera/") else strict  # as nginx's location ^~ /redigera/
        assert headers["Content-Security-Policy"] == expected, path
        assert ("X-Robots-Tag" in headers) is (expected == editor), path
    assert "unsafe" not in strict and "'unsafe-eval'" in editor


def test_a_form_page_allows_exactly_its_own_inline_scripts(client):
    response = client.get("/en/register/")
    page_hashes = csp.inline_script_hashes(response.get_data(as_text=True))
    assert page_hashes
    script_src = next(d for d in response.headers["Content-Security-Policy"].split("; ") if d.startswith("script-src"))
    assert page_hashes <= set(script_src.split()[2:])


def test_errors_and_receipts_have_the_headers_too(client):
    bad = submit(client, "/bestall-magasinet/", {**ORDER, "postal_code": ""})
    good = submit(client, "/bestall-magasinet/", ORDER, follow_redirects=True)
    for response in (bad, good):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_only_over_https(client):
    secure = client.get("/registrera/", base_url="https://tasteget.example.se")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/registrera/").headers


def test_hsts_behind_the_trusted_proxy(database_url, built_site):
    """Behind the web server the intake speaks http; X-Forwarded-Proto from the trusted proxy says https."""
    app = create_app(intake_config(database_url, built_site, TRUSTED_PROXIES=1))
    client = app.test_client()
    assert client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers
    app.extensions["db_engine"].dispose()


def test_a_rebuilt_site_changes_the_policy(app, built_site, tmp_path):
    """The policy follows the site without a restart, as the form pages follow its layout."""
    site = tmp_path / "site"
    for lang_dir in (site / SHELL_DIR, site / "en" / SHELL_DIR):
        lang_dir.mkdir(parents=True)
    source = (built_site / SHELL_DIR / "index.html").read_text(encoding="utf-8")
    (site / SHELL_DIR / "index.html").write_text(source, encoding="utf-8")
    (site / "en" / SHELL_DIR / "index.html").write_text(source, encoding="utf-8")
    stamp.write(site)
    app.config["SITE_DIR"] = str(site)
    client = app.test_client()
    before = client.get("/healthz").headers["Content-Security-Policy"]
    (site / SHELL_DIR / "index.html").write_text(source + "<script>var rebuilt = 1</script>", encoding="utf-8")
    stamp.write(site)  # the build's last step
    after = client.get("/healthz").headers["Content-Security-Policy"]
    assert sha256("var rebuilt = 1") in after and sha256("var rebuilt = 1") not in before


def _no_store(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"


def test_every_back_office_response_and_export_is_never_stored(app, client):
    """Every page and export of the back office, whatever its status, and the pages a token or a
    reference opens (receipts, withdrawal): no cache keeps them, no Referer carries their address."""
    reference = register(client)
    withdraw = consent.withdraw_path("en", consent.withdrawal_token(app.secret_key, reference))
    public = [f"/registrera/tack/{reference}/", withdraw, "/bestall-magasinet/tack/M-NONE-0000/"]
    logged_out = [client.get(path) for path in ("/crm/", "/crm/login/", "/crm/households/?q=x", "/crm/nope/")]
    logged_out += [client.get(path) for path in public]
    staff_login(client, make_staff(app, "samordnare@staff.example", "coordinator"))
    pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/crm/") and "GET" in rule.methods and not rule.arguments
    ]
    assert {"/crm/orders/export.csv", "/crm/figures/export.csv", "/crm/households/"} <= set(pages)
    logged_in = [client.get(path) for path in pages if path != "/crm/static/<path:filename>"]
    logged_in.append(client.get(f"/crm/households/{reference}/"))
    token = hidden_fields(logged_in[-1].get_data(as_text=True))["csrf_token"]
    export = client.post(f"/crm/households/{reference}/export/", data={"csrf_token": token, "reason": "Utdrag"})
    assert export.status_code == 200 and export.mimetype == "application/json"
    for response in [*logged_out, *logged_in, export]:
        assert _no_store(response), (response.request.path, response.status_code)


@pytest.mark.parametrize("path", ["/registrera/", "/en/order-magazine/", "/crm/static/crm.css", "/kommuner/are/"])
def test_public_pages_and_static_files_may_be_cached(client, path):
    with client.get(path) as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
