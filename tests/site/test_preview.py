"""Previewing while editing: the served page changes after a content file is saved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tasteget.content.errors import Problem
from tasteget.site import csp

from tests.support.helpers import ROOT, fetch, free_port, wait_for


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (["{bin}/tasteget", "preview", "--port", "{port}"], "/en/municipalities/kommun-0000/"),
        (["{bin}/mkdocs", "serve", "-a", "127.0.0.1:{port}"], "/kommuner/kommun-0000/"),
    ],
    ids=["tasteget preview", "mkdocs serve"],
)
def test_served_page_follows_content_edits(sample: Path, command, path):
    port = free_port()
    argv = [part.format(bin=Path(sys.executable).parent, port=port) for part in command]
    env = dict(os.environ, TASTEGET_CONTENT=str(sample))
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        assert wait_for(url, "Kommun0000 is a municipality" if "/en/" in path else "Kommun0000 är en kommun")
        muni = sample / "municipalities" / "kommun-0000.yml"
        text = muni.read_text(encoding="utf-8")
        muni.write_text(
            text.replace("Kommun0000 är en kommun", "Kommun0000 är en nyskriven kommun").replace(
                "Kommun0000 is a municipality", "Kommun0000 is a freshly edited municipality"
            ),
            encoding="utf-8",
        )
        assert wait_for(url, "freshly edited" if "/en/" in path else "nyskriven")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(server, path: str) -> tuple[str, str]:
    """The status and body the preview server answers a GET of `path` with (through its WSGI app)."""
    answered = []
    body = b"".join(server.serve_request({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda s, h: answered.append(s)))
    return answered[0], body.decode()


@pytest.fixture
def server(tmp_path):
    from tasteget.site.preview import PreviewServer

    (tmp_path / "site").mkdir()
    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    server.watch(str(tmp_path))  # the live reload script (and the banner) go into pages only while watching
    yield server
    server.server_close()


PROBLEM = Problem(
    "content/municipalities/are.yml",
    12,
    "summary.sv",
    "a colon followed by a space inside a text",
    column=31,
    message_sv="ett kolon följt av mellanslag inne i en text",
)


def test_every_page_carries_the_banner_while_the_content_is_broken_and_not_after(server, tmp_path):
    page = "<!doctype html><html><head><title>Åre</title></head><body class='x'><h1>Åre</h1></body></html>"
    (tmp_path / "site" / "index.html").write_text(page, encoding="utf-8")
    assert "tasteget-problems" not in _get(server, "/")[1]

    server.failed([PROBLEM], "mkdocs.yml: the site was not built")
    status, html = _get(server, "/")
    assert status == "200 OK"
    top = html.index("<body class='x'>") + len("<body class='x'>")
    assert html[top:].startswith(
        '<section class="tasteget-problems" id="innehallsfel" aria-labelledby="tasteget-problems" lang="sv">'
    )
    assert '<h2 id="tasteget-problems">Innehållet har fel – sidan nedan är den senaste som fungerade</h2>' in html
    assert "<code>content/municipalities/are.yml</code>, rad 12, kolumn 31, fältet <code>summary.sv</code>" in html
    assert "ett kolon följt av mellanslag inne i en text" in html and "<h1>Åre</h1>" in html  # the last good page
    assert html.index('<link rel="stylesheet" href="/_preview/problems.css">') < html.index("</head>")
    assert html.count("<script") == 1  # the live reload's own, nothing of the banner's

    server.failed([])
    assert "tasteget-problems" not in _get(server, "/")[1]


def test_before_any_good_build_every_page_is_the_list_of_problems(server):
    server.failed([PROBLEM])
    status, html = _get(server, "/en/municipalities/are/")
    assert status == "200 OK"
    assert '<html lang="sv">' in html and "<main>" in html
    assert '<h1 id="tasteget-problems">Innehållet har fel – ingen sida har kunnat byggas ännu</h1>' in html
    assert "rad 12, kolumn 31" in html
    assert "/livereload/" in html  # reloads by itself once the file is fixed


def test_a_build_failure_that_is_not_the_content_is_shown_too(server):
    server.failed([], "mkdocs.yml: Config value 'theme': Unrecognised theme name")
    html = _get(server, "/")[1]
    assert "Webbplatsen kunde inte byggas" in html and "Unrecognised theme name" in html


def test_the_banner_escapes_what_the_file_says(server):
    server.failed([Problem("content/x.yml", 1, "", '<img src=x onerror="alert(1)">')])
    html = _get(server, "/")[1]
    assert "<img" not in html and "&lt;img src=x" in html


def test_the_banner_stylesheet_and_more_applications_are_served(server):
    status, css = _get(server, "/_preview/problems.css")
    assert status == "200 OK" and ".tasteget-problems" in css

    def api(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"the editor's route"]

    server.apps["/api/"] = api
    assert _get(server, "/api/entries")[1] == "the editor's route"


def test_preview_shows_the_problems_when_the_first_build_fails_and_the_site_once_fixed(sample):
    muni = sample / "municipalities" / "kommun-0000.yml"
    good = muni.read_text(encoding="utf-8")
    muni.write_text(good.replace("seat: Kommun0000by\n", "seat: Kommun0000by: centrum\n"), encoding="utf-8")
    port = free_port()
    argv = [str(Path(sys.executable).parent / "tasteget"), "preview", "--port", str(port)]
    env = dict(os.environ, TASTEGET_CONTENT=str(sample))
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/kommuner/kommun-0000/"
        assert wait_for(url, "ingen sida har kunnat byggas ännu")
        html = fetch(url)
        assert f"<code>{muni}</code>, rad 8, kolumn 19, fältet <code>seat</code>" in html
        assert "till exempel seat: &quot;Kommun0000by: centrum&quot;" in html
        muni.write_text(good, encoding="utf-8")
        assert wait_for(url, "Kommun0000 är en kommun")
        assert "tasteget-problems" not in fetch(url)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_editors_page_is_served_as_written(server, tmp_path):
    """No live reload on the editor's page (each save rebuilds the site and would reload it mid-edit),
    nor the banner: the editor shows the check's problems itself. Every other page keeps both."""
    page = "<!doctype html><html lang='sv'><head><title>Redigera</title></head><body></body></html>"
    for folder in ("redigera", "kommuner"):
        (tmp_path / "site" / folder).mkdir()
        (tmp_path / "site" / folder / "index.html").write_text(page, encoding="utf-8")
    server.failed([PROBLEM])
    assert _get(server, "/redigera/")[1] == page
    other = _get(server, "/kommuner/")[1]
    assert "/livereload/" in other and "tasteget-problems" in other


def test_the_editors_configuration_and_the_calendars_go_out_as_what_they_are(server, tmp_path):
    (tmp_path / "site" / "config.yml").write_text("backend: {}\n", encoding="utf-8")
    (tmp_path / "site" / "e.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    for path, kind in (("/config.yml", "text/yaml"), ("/e.ics", "text/calendar")):
        answered = []
        response = server.serve_request(
            {"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda s, h, answered=answered: answered.append(h)
        )
        response.close()  # a file the server opened
        assert dict(answered[0])["Content-Type"] == kind, path


def test_the_editors_page_has_its_own_policy_as_in_production(server, tmp_path):
    (tmp_path / "site" / "redigera").mkdir()
    (tmp_path / "site" / "redigera" / "index.html").write_text("<!doctype html><title>R</title>", encoding="utf-8")
    answered = []
    response = server.serve_request(
        {"PATH_INFO": "/redigera/", "REQUEST_METHOD": "GET"}, lambda s, h: answered.append(h)
    )
    response.close()
    assert dict(answered[0])["Content-Security-Policy"] == csp.editor_policy()
