"""The editor in the built site: /redigera/ with its page, config.yml and Decap's files, for the preview's
local backend or the git host in mkdocs.yml; out of the sitemaps, robots.txt and the search index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tasteget.editor import page
from tasteget.site import csp
from tasteget.site.build import BuildFailed, build_site
from tasteget.site.shell import SHELL_DIR

from tests.support.helpers import ROOT, tasteget

GITEA = {
    "EDITOR_BACKEND": "gitea",
    "EDITOR_REPO": "region/tasteget",
    "EDITOR_BASE_URL": "https://git.region.example",
    "EDITOR_API_ROOT": "https://git.region.example/api/v1",
    "EDITOR_APP_ID": "0b1c2d3e-client-id",
}


@pytest.fixture(scope="module")
def local_site(tmp_path_factory) -> Path:
    """The real content built as the preview builds it: the editor on the local backend."""
    out = tmp_path_factory.mktemp("local-site")
    build_site(ROOT, out, compress=False, editor_backend="local")
    return out


@pytest.fixture(scope="module")
def gitea_site(tmp_path_factory) -> Path:
    """The real content built for production with a Gitea host set in the environment (mkdocs.yml's !ENV)."""
    out = tmp_path_factory.mktemp("gitea-site")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in GITEA.items():
            patch.setenv(name, value)
        build_site(ROOT, out, compress=False)
    return out


def load(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_the_preview_build_writes_the_editor_on_its_local_backend(local_site):
    editor = local_site / "redigera"
    html = (editor / "index.html").read_text(encoding="utf-8")
    version = page.decap_version()
    assert '<html lang="sv">' in html and "<title>Redigera – Ta Steget</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'<script src="decap-cms/{version}/decap-cms.js"></script>' in html
    assert '<script src="editor.js"></script>' in html and '<link href="config.yml"' in html
    assert 'content="region municipalities stories messages events pages municipality_texts"' in html
    assert "<script>" not in html  # nothing inline, not even here
    for name in ("config.yml", "editor.js", "editor.css", "preview.css"):
        assert (editor / name).is_file(), name
    vendored = {p.name for p in (editor / "decap-cms" / version).iterdir()}
    assert vendored == {p.name for p in (page.VENDOR / version).iterdir()}
    assert load(editor / "config.yml")["backend"] == {
        "name": "proxy",
        "proxy_url": "/redigera/api/v1",
        "branch": "main",
        "commit_messages": load(editor / "config.yml")["backend"]["commit_messages"],
    }


def test_the_editor_is_in_no_sitemap_robots_txt_or_search_index(local_site):
    for lang in ("", "en/"):
        assert "redigera" not in (local_site / lang / "sitemap.xml").read_text(encoding="utf-8")
        index = json.loads((local_site / lang / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert not [doc["location"] for doc in index["docs"] if "redigera" in doc["location"]]
    # Not listed in robots.txt either: a Disallow would name the address, and keep crawlers from
    # the page's own noindex.
    assert "redigera" not in (local_site / "robots.txt").read_text(encoding="utf-8")


def test_the_production_build_writes_the_configured_git_host(gitea_site):
    backend = load(gitea_site / "redigera" / "config.yml")["backend"]
    assert {key: backend[key] for key in ("name", "repo", "base_url", "api_root", "app_id", "branch")} == {
        "name": "gitea",
        "repo": "region/tasteget",
        "base_url": "https://git.region.example",
        "api_root": "https://git.region.example/api/v1",
        "app_id": "0b1c2d3e-client-id",
        "branch": "main",
    }
    assert "auth_type" not in backend  # left unset in the environment, so left out


def test_the_editors_headers_allow_the_git_host_and_the_sites_stay_strict(gitea_site):
    editor = (gitea_site / SHELL_DIR / csp.EDITOR_SNIPPET).read_text(encoding="utf-8")
    site = (gitea_site / SHELL_DIR / csp.NGINX_SNIPPET).read_text(encoding="utf-8")
    policy = re.search(r'Content-Security-Policy "([^"]*)"', editor).group(1)
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["connect-src"] == "'self' https://git.region.example"
    assert directives["script-src"] == "'self' 'unsafe-eval'" and directives["style-src"] == "'self' 'unsafe-inline'"
    assert "https://git.region.example" in directives["img-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert 'add_header X-Robots-Tag "noindex" always;' in editor
    assert "unsafe" not in site and "git.region.example" not in site
    assert f'"{csp.policy(csp.site_script_hashes(gitea_site))}"' in site


def test_without_a_git_host_the_page_says_the_editor_is_not_set_up(built_site):
    editor = built_site / "redigera"
    html = (editor / "index.html").read_text(encoding="utf-8")
    assert "Redigeraren är inte inställd" in html and '<meta name="robots" content="noindex">' in html
    assert "<script" not in html and not (editor / "config.yml").exists() and not (editor / "decap-cms").exists()
    assert "connect-src 'self';" in (built_site / SHELL_DIR / csp.EDITOR_SNIPPET).read_text(encoding="utf-8")


def test_a_half_configured_git_host_fails_the_build_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR_BACKEND", "gitea")
    with pytest.raises(BuildFailed, match=r"^extra\.editor\.repo in mkdocs\.yml: expected the repository"):
        build_site(ROOT, tmp_path / "site", compress=False)
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), env={"EDITOR_BACKEND": "svn"})
    assert result.returncode == 1
    assert "extra.editor.backend in mkdocs.yml: expected one of gitea, forgejo, gitlab, github" in result.stderr
    assert "Traceback" not in result.stderr
