"""The editor's local backend: Decap's proxy protocol over the content, every save checked, merged and committed."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import subprocess
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIServer, make_server

import pytest
import requests

from tasteget.content import fields as reference
from tasteget.content import yamlfile
from tasteget.editor import local, paths

from tests.editor.conftest import (
    ARE,
    BROWSER,
    Browser,
    as_decap_sends,
    decap,
    decap_yaml,
    errors,
    git,
    last_commit,
    persist,
    photo_asset,
    raw,
    text_of,
)
from tests.support.helpers import ROOT, free_port, wait_for
from tests.support.sample_content import write_photo

COMMENTED = "# Källa: SCB, 2021 års siffror.\n"


def with_comments(root: Path) -> str:
    """are.yml with a communicator's comments, above a field and after a value."""
    path = root / ARE
    text = path.read_text(encoding="utf-8")
    text = text.replace("population:", COMMENTED + "population:").replace(
        "seat: Järpen\n", "seat: Järpen  # centralorten\n"
    )
    path.write_text(text, encoding="utf-8")
    return text


def test_lists_a_folder_as_decap_asks(client, project):
    answer = decap(client, "entriesByFolder", {"folder": "content/municipalities", "extension": "yml", "depth": 1})
    assert answer.status_code == 200
    entries = answer.get_json()
    paths = [e["file"]["path"] for e in entries]
    assert paths == sorted(
        f"content/municipalities/{p.name}" for p in (project / "content/municipalities").glob("*.yml")
    )
    assert len(paths) == 8
    are = entries[paths.index(ARE)]
    data = (project / ARE).read_bytes()
    assert are["data"] == data.decode("utf-8")
    assert are["file"]["id"] == hashlib.sha256(data).hexdigest()


def test_gets_an_entry_and_names_a_missing_one(client, project):
    entry = decap(client, "getEntry", {"path": ARE}).get_json()
    assert entry["data"] == text_of(project, ARE)
    assert entry["file"]["path"] == ARE
    missing = decap(client, "getEntry", {"path": "content/municipalities/nowhere.yml"}).get_json()
    assert missing == {"data": None, "file": {"path": "content/municipalities/nowhere.yml", "label": None, "id": None}}
    files = decap(client, "entriesByFiles", {"files": [{"path": "content/region.yml", "label": "Regionen"}]}).get_json()
    assert files[0]["file"]["label"] == "Regionen"
    assert files[0]["data"] == text_of(project, "content/region.yml")


def test_info_and_deploy_preview(client, checkout):
    assert decap(client, "info").get_json() == {"repo": "project", "publish_modes": ["simple"], "type": "local_git"}
    assert decap(client, "getDeployPreview", {"collection": "kommuner", "slug": "are"}).get_json() is None
    refused = decap(client, "unpublishedEntries", {})
    assert refused.status_code == 422
    assert "unpublishedEntries" in refused.get_json()["error"]


def test_a_valid_save_keeps_comments_and_untouched_text_and_passes_the_check(client, project):
    before = with_comments(project)
    answer = decap(client, "persistEntry", persist(ARE, raw("are-edited.yml")))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"message": "entry persisted"}
    after = text_of(project, ARE)
    # The communicator's comments, the folded English summary and the flow-style lines as written.
    assert COMMENTED in after
    assert "seat: Järpen  # centralorten\n" in after
    for untouched in (
        "population: {count: 12300, year: 2021, approximate: true}\n",
        "localities: [Åre, Mörsil, Duved, Undersåker, Hallen, Storlien]\n",
        "  en: >-\n    Åre welcomes around 400,000 visitors a year, and tourism accounts for about a quarter of all jobs.\n",
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n",
    ):
        assert untouched in before and untouched in after
    assert before.split("work:")[0].split("summary:")[0] == after.split("summary:")[0]
    # The change: the summary rewrapped as the file wraps it, the need's code in quotes, the new space.
    assert "vid E14 och Mittbanan. Här finns plats för fler: kom och se." in " ".join(after.split())
    assert '  in_demand:\n    - ssyk: "2221"\n' in after
    assert "  - name: Hallens kontorshotell\n    locality: Hallen\n    desks: 6\n    drop_in: true\n" in after
    assert "    amenities: [wifi, kitchen]\n" in after  # a short list on one line, as content writes it
    # Fields Decap sends blank are left out, as a person writes the file.
    assert 'sv: ""' not in after and "photos: []" not in after and "note:" not in after
    assert "\n\ncoworking:\n" in after and "\n\nguides:\n" in after  # the blank lines between sections
    assert errors(project) == []
    assert yamlfile.parse(after).data["work"]["in_demand"] == [{"ssyk": "2221"}]


def test_an_invalid_save_is_refused_with_file_line_and_field_and_writes_nothing(client, project):
    before = (project / ARE).read_bytes()
    answer = decap(client, "persistEntry", persist(ARE, raw("are-invalid.yml")))
    assert answer.status_code == 422
    message = answer.get_json()["error"]
    assert message.startswith("Sparades inte")
    # In Swedish, as the editor speaks: file, line, field and what is expected.
    assert ARE in message and "fältet coworking[0].desks" in message and "här ska det stå ett heltal" in message
    line = int(message.split(f"{ARE}, rad ")[1].split(":")[0])
    assert line > 1
    assert (project / ARE).read_bytes() == before


def test_errors_already_in_other_files_do_not_block_a_save(client, project):
    berg = project / "content/municipalities/berg.yml"
    berg.write_text(
        berg.read_text(encoding="utf-8").replace("name: Berg", "name: Berg\nunknown_field: 1"), encoding="utf-8"
    )
    assert errors(project)
    answer = decap(client, "persistEntry", persist(ARE, raw("are-edited.yml")))
    assert answer.status_code == 200, answer.get_json()
    assert "Hallens kontorshotell" in text_of(project, ARE)


def test_a_save_that_breaks_another_file_is_refused(client, project):
    """Removing a photo's file the municipality shows: the error is in the municipality's file."""
    write_photo(project / "content", "photos/fjall.jpg")
    are = project / ARE
    are.write_text(
        are.read_text(encoding="utf-8")
        + "photos:\n  - file: photos/fjall.jpg\n    alt: {sv: Fjäll, en: Fells}\n    credit: Foto Test\n",
        encoding="utf-8",
    )
    assert errors(project) == []
    answer = decap(
        client, "deleteFiles", {"paths": ["content/photos/fjall.jpg"], "options": {"commitMessage": "Delete"}}
    )
    assert answer.status_code == 422
    assert ARE in answer.get_json()["error"] and "photos[0].file" in answer.get_json()["error"]
    assert (project / "content/photos/fjall.jpg").is_file()


def test_a_new_municipality(client, project):
    path = "content/municipalities/nyby.yml"
    answer = decap(client, "persistEntry", persist(path, raw("nyby-new.yml"), "Create Kommuner “nyby”", new=True))
    assert answer.status_code == 200, answer.get_json()
    text = text_of(project, path)
    assert text.startswith("name: Nyby\nsummary:\n  sv: Nyby är en liten kommun vid sjön.\n")
    assert '    - ssyk: "2221"\n' in text
    assert "coworking" not in text and "rail" not in text and "employers" not in text
    assert errors(project) == []
    again = decap(client, "persistEntry", persist(path, raw("nyby-new.yml"), new=True))
    assert again.status_code == 422 and "finns redan" in again.get_json()["error"]


def test_saving_unchanged_data_changes_nothing_and_commits_nothing(client, checkout):
    for rel in (ARE, "content/messages/settled.yml", "content/pages/privacy.sv.md", "content/municipalities/are.md"):
        answer = decap(client, "persistEntry", persist(rel, as_decap_sends(checkout / rel), f"Update {rel}"))
        assert answer.status_code == 200, (rel, answer.get_json())
    assert git(checkout, "status", "--porcelain") == ""
    assert git(checkout, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_page_keeps_its_front_matter_format_and_body(client, project):
    path = "content/pages/privacy.sv.md"
    before = text_of(project, path)
    answer = decap(client, "persistEntry", persist(path, raw("privacy-edited.sv.md"), "Update Sidor “privacy”"))
    assert answer.status_code == 200, answer.get_json()
    after = text_of(project, path)
    assert after.startswith('---\ntitle: Integritetspolicy för Ta Steget\ndescription: "Så behandlar Region')
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]
    assert after.replace("Integritetspolicy för Ta Steget", "Integritetspolicy", 1) == before
    assert errors(project) == []


def test_an_invalid_page_is_refused(client, project):
    path = "content/pages/privacy.sv.md"
    before = (project / path).read_bytes()
    text = raw("privacy-edited.sv.md").replace("updated: 2026-11-27", "updated: igår")
    answer = decap(client, "persistEntry", persist(path, text))
    assert answer.status_code == 422
    assert f"{path}, rad 4: fältet updated: här ska det stå ett datum som ÅÅÅÅ-MM-DD" in answer.get_json()["error"]
    assert (project / path).read_bytes() == before


def test_the_preview_check_names_problems_and_writes_nothing(client, project):
    before = (project / ARE).read_bytes()
    headers = {"Content-Type": "application/json", **BROWSER}
    ok = client.post(local.CHECK, data=json.dumps({"path": ARE, "raw": raw("are-edited.yml")}), headers=headers)
    assert ok.status_code == 200 and ok.get_json() == {"problems": []}
    bad = client.post(local.CHECK, data=json.dumps({"path": ARE, "raw": raw("are-invalid.yml")}), headers=headers)
    [problem] = bad.get_json()["problems"]
    assert problem["field"] == "coworking[0].desks"
    assert problem["line"] > 1 and "column" in problem
    assert problem["message"].startswith("här ska det stå ett heltal")
    broken = client.post(local.CHECK, data=json.dumps({"path": ARE, "raw": "name: Åre\nseat: a: b\n"}), headers=headers)
    [syntax] = broken.get_json()["problems"]
    assert syntax["line"] == 2 and syntax["column"] and "citattecken" in syntax["message"]
    assert (project / ARE).read_bytes() == before


def test_uploads_and_lists_photos(client, project, tmp_path):
    asset = photo_asset(tmp_path)
    answer = decap(
        client, "persistMedia", {"asset": asset, "options": {"commitMessage": "Upload “content/photos/fjall.jpg”"}}
    )
    assert answer.status_code == 200, answer.get_json()
    stored = project / "content/photos/fjall.jpg"
    assert stored.read_bytes() == base64.b64decode(asset["content"])
    file = answer.get_json()
    assert file == {
        "id": hashlib.sha256(stored.read_bytes()).hexdigest(),
        "content": asset["content"],
        "encoding": "base64",
        "path": "content/photos/fjall.jpg",
        "name": "fjall.jpg",
    }
    assert decap(client, "getMedia", {"mediaFolder": "content/photos"}).get_json() == [file]
    assert decap(client, "getMediaFile", {"path": "content/photos/fjall.jpg"}).get_json() == file


def test_a_photo_saved_with_its_entry(client, project, tmp_path):
    text = (
        raw("are-edited.yml")
        + "photos:\n  - file: photos/fjall.jpg\n    alt:\n      sv: Fjäll\n      en: Fells\n    credit: Foto Test\n"
    )
    answer = decap(client, "persistEntry", persist(ARE, text, assets=[photo_asset(tmp_path)]))
    assert answer.status_code == 200, answer.get_json()
    assert (project / "content/photos/fjall.jpg").is_file()
    assert errors(project) == []


@pytest.mark.parametrize(
    ("name", "fmt", "status", "says"),
    [
        ("fjall.jpg", "PNG", 422, "is a PNG picture, not JPEG"),
        ("fjall.gif", "PNG", 422, "JPEG, PNG eller WebP"),
        ("../fjall.jpg", "", 403, "content/photos/"),
    ],
    ids=["wrong kind", "wrong ending", "outside photos"],
)
def test_refuses_a_photo(client, project, tmp_path, name, fmt, status, says):
    asset = photo_asset(tmp_path, "x.png" if fmt == "PNG" else "x.jpg", fmt=fmt)
    asset["path"] = f"content/photos/{name}"
    answer = decap(client, "persistMedia", {"asset": asset, "options": {"commitMessage": "Upload"}})
    assert answer.status_code == status
    assert says in answer.get_json()["error"]
    assert not (project / "content/photos").exists() and not (project / "content/fjall.jpg").exists()


def test_refuses_a_body_over_the_limit(client, project, tmp_path, monkeypatch):
    monkeypatch.setattr(local, "MAX_BODY", 10_000)
    answer = decap(client, "persistMedia", {"asset": photo_asset(tmp_path), "options": {"commitMessage": "Upload"}})
    assert answer.status_code == 413
    assert "MB" in answer.get_json()["error"]
    assert not (project / "content/photos").exists()


def test_deletes_a_municipality_with_its_body_texts(client, checkout):
    answer = decap(client, "deleteFiles", {"paths": [ARE], "options": {"commitMessage": "Delete Kommuner “are”"}})
    assert answer.status_code == 200, answer.get_json()
    assert not list((checkout / "content/municipalities").glob("are.*"))
    assert errors(checkout) == []
    commit = last_commit(checkout)
    assert commit["message"] == "Delete Kommuner “are”"
    assert sorted(commit["files"]) == [
        "content/municipalities/are.en.md",
        "content/municipalities/are.md",
        "content/municipalities/are.yml",
    ]


def test_delete_file_one_at_a_time(client, project):
    answer = decap(
        client, "deleteFile", {"path": "content/messages/settled.yml", "options": {"commitMessage": "Delete"}}
    )
    assert answer.status_code == 200
    assert not (project / "content/messages/settled.yml").exists()


@pytest.mark.parametrize(
    "path",
    [
        "../secret.yml",
        "content/../pyproject.toml",
        "content/municipalities/../../x.yml",
        "/etc/passwd.yml",
        "C:/content/x.yml",
        "content\\..\\x.yml",
        "docs/index.md",
        "",
    ],
)
def test_refuses_a_path_outside_the_content(client, project, path):
    answer = decap(client, "persistEntry", persist(path, "name: x\n"))
    assert answer.status_code == 403, answer.get_json()
    assert "content/" in answer.get_json()["error"]
    assert decap(client, "getEntry", {"path": path}).status_code == 403
    assert not (project / "x.yml").exists() and not (project.parent / "secret.yml").exists()


def test_refuses_a_symlink_out_of_the_content(client, project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yml").write_text("name: secret\n", encoding="utf-8")
    (project / "content/municipalities/link.yml").symlink_to(outside / "secret.yml")
    (project / "content/elsewhere").symlink_to(outside)
    assert decap(client, "getEntry", {"path": "content/municipalities/link.yml"}).status_code == 403
    listed = decap(client, "entriesByFolder", {"folder": "content/municipalities", "extension": "yml", "depth": 1})
    assert "secret" not in json.dumps(listed.get_json())
    written = decap(client, "persistEntry", persist("content/elsewhere/x.yml", "name: x\n"))
    assert written.status_code == 403
    assert decap(client, "persistEntry", persist("content/municipalities/link.yml", "name: x\n")).status_code == 403
    assert sorted(p.name for p in outside.iterdir()) == ["secret.yml"]
    assert (outside / "secret.yml").read_text(encoding="utf-8") == "name: secret\n"


@pytest.mark.parametrize("pattern", [path for path, _, _ in reference.FILES])
def test_every_file_type_of_the_reference_may_be_written(pattern):
    """Each content type the check reads, shipped or not (no event ships, yet the editor saves them)."""
    example = pattern.replace("<slug>", "ny-sak").replace("<name>", "privacy").replace("<lang>", "sv")
    assert paths.EDITABLE.fullmatch(example.removeprefix("content/")), example


def test_writes_every_file_the_check_reads_and_no_other(client, project):
    """Only what `tasteget check` reads can be checked before it is written (a later content type
    in a new folder fails here until the editor may write it)."""
    others = {"content/FIELDS.md", "content/stories/README.md"}
    for path in sorted(ROOT.glob("content/**/*.*")):
        rel = path.relative_to(ROOT).as_posix()
        assert bool(paths.EDITABLE.fullmatch(rel.removeprefix("content/"))) is (rel not in others), rel
    for rel in (*others, "content/municipalities/are.py", "content/notes.yml", "content/municipalities/x/y.yml"):
        before = (project / rel).read_bytes() if (project / rel).exists() else None
        answer = decap(client, "persistEntry", persist(rel, "name: x\n"))
        assert answer.status_code == 422, rel
        assert "tasteget check" in answer.get_json()["error"]
        deleted = decap(client, "deleteFiles", {"paths": [rel], "options": {"commitMessage": "Delete"}})
        assert deleted.status_code == 422, rel
        assert ((project / rel).read_bytes() if (project / rel).exists() else None) == before


REFUSALS = [
    # id, what changes in the request, status
    ("text/plain", {"headers": {"Content-Type": "text/plain"}}, 415),
    ("form", {"headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415),
    ("GET", {"method": "GET"}, 405),
    ("other host", {"headers": {"Host": "evil.example"}}, 403),
    ("rebinding", {"headers": {"Host": "attacker.example:80"}}, 403),
    ("other port", {"headers": {"Host": "localhost:8001", "Origin": "http://localhost:8001"}}, 403),
    ("other origin", {"headers": {"Origin": "http://evil.example"}}, 403),
    ("null origin", {"headers": {"Origin": "null"}}, 403),
    ("https origin", {"headers": {"Origin": "https://localhost"}}, 403),
    ("cross-site fetch", {"headers": {"Sec-Fetch-Site": "cross-site"}}, 403),
    ("another computer", {"environ_base": {"REMOTE_ADDR": "192.168.1.20"}}, 403),
    ("not JSON", {"data": "name: x"}, 400),
]


@pytest.mark.parametrize(("change", "status"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refuses_what_is_not_a_same_origin_json_post_from_here(client, project, change, status):
    before = (project / ARE).read_bytes()
    body = {
        "branch": "main",
        "action": "persistEntry",
        "params": {"branch": "main", **persist(ARE, raw("are-edited.yml"))},
    }
    headers = {"Content-Type": "application/json; charset=utf-8", **BROWSER, **change.get("headers", {})}
    answer = client.open(
        local.DECAP,
        method=change.get("method", "POST"),
        data=change.get("data", json.dumps(body)),
        headers=headers,
        environ_base=change.get("environ_base"),
    )
    assert answer.status_code == status
    assert answer.get_json()["error"]
    assert (project / ARE).read_bytes() == before


def test_a_request_without_origin_from_here_is_answered(client):
    """A same-origin fetch may leave Origin out (and tools never send it): the host and the address decide."""
    answer = client.post(
        local.DECAP,
        data=json.dumps({"branch": "main", "action": "getEntry", "params": {"branch": "main", "path": ARE}}),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200


def test_never_logs_file_contents(client, project, caplog):
    caplog.set_level(logging.DEBUG)
    decap(client, "persistEntry", persist(ARE, raw("are-edited.yml")))
    decap(client, "persistEntry", persist(ARE, raw("are-invalid.yml")))
    decap(client, "getEntry", {"path": ARE})
    assert caplog.text  # it does say what it did
    assert "Hallens" not in caplog.text and "många" not in caplog.text and "Järpen" not in caplog.text


def test_through_a_real_wsgi_server(checkout):
    """In a wsgiref server, beside a site as the preview serves it: the site still answers, the editor under its path."""
    editor = local.app(checkout)

    def site(environ, start_response):
        if environ["PATH_INFO"].startswith(local.PREFIX):
            return editor(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"the site"]

    server = make_server("127.0.0.1", 0, site, server_class=WSGIServer)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    headers = {"Content-Type": "application/json; charset=utf-8", "Origin": base, "Sec-Fetch-Site": "same-origin"}
    try:
        assert requests.get(base + "/kommuner/are/", timeout=5).text == "the site"
        body = {"branch": "main", "action": "getEntry", "params": {"branch": "main", "path": ARE}}
        entry = requests.post(base + local.DECAP, json=body, headers=headers, timeout=5)
        assert entry.status_code == 200 and entry.json()["data"] == text_of(checkout, ARE)
        body = {
            "branch": "main",
            "action": "persistEntry",
            "params": {"branch": "main", **persist(ARE, raw("are-edited.yml"))},
        }
        saved = requests.post(base + local.DECAP, data=json.dumps(body), headers=headers, timeout=30)
        assert saved.status_code == 200, saved.text
        assert saved.headers["Content-Type"].startswith("application/json")
        assert last_commit(checkout)["files"] == [ARE]
        renamed = requests.post(
            base + local.DECAP, json=body, headers={**headers, "Host": f"localhost.evil.example:{port}"}, timeout=5
        )
        assert renamed.status_code == 403
        other = requests.post(
            base + local.DECAP, json=body, headers={**headers, "Origin": "http://evil.example"}, timeout=5
        )
        assert other.status_code == 403
        assert requests.get(base + local.DECAP, timeout=5).status_code == 405
        assert requests.post(base + local.PREFIX + "nothing", json={}, headers=headers, timeout=5).status_code == 404
        assert (
            requests.post(
                base + local.DECAP, data="{}", headers={**headers, "Content-Type": "text/plain"}, timeout=5
            ).status_code
            == 415
        )
    finally:
        server.shutdown()
        server.server_close()
    assert subprocess.run(["git", "diff", "--quiet"], cwd=checkout).returncode == 0


def test_mounted_in_the_previews_own_server(checkout, tmp_path):
    """The preview's own server (MkDocs' LiveReloadServer, as `tasteget preview` runs it) with the editor."""
    from tasteget.site.preview import PreviewServer

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the site</p>", encoding="utf-8")
    port = free_port()
    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=port, root=str(site))
    server.apps[local.PREFIX] = local.app(checkout)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    base = f"http://localhost:{port}"
    try:
        assert wait_for(base + "/", "the site")
        body = {"branch": "main", "action": "getEntry", "params": {"branch": "main", "path": ARE}}
        headers = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
        entry = requests.post(base + local.DECAP, json=body, headers=headers, timeout=5)
        assert entry.status_code == 200 and entry.json()["data"] == text_of(checkout, ARE)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_renamed_entry_is_one_commit(checkout):
    """Decap sends `newPath` when an entry's file name changes: the old file goes, in the same commit."""
    client = Browser(local.app(checkout))
    old, new = "content/messages/settled.yml", "content/messages/settled-in.yml"
    params = persist(old, decap_yaml(yamlfile.load(checkout / old).data), "Update Meddelanden “settled-in”")
    params["dataFiles"][0]["newPath"] = new
    answer = decap(client, "persistEntry", params)
    assert answer.status_code == 200, answer.get_json()
    assert not (checkout / old).exists()
    assert text_of(checkout, new).startswith("# A message a guide starts from")  # its comments went with it
    assert sorted(last_commit(checkout)["files"]) == [new, old]


def test_a_new_event_is_saved_checked_and_refused_when_wrong(client, project):
    """Events ship with none, yet communicators add them in the editor like any other content."""
    event = (
        "title:\n  sv: Informationskväll\n  en: Information evening\nkind: information_evening\n"
        "description:\n  sv: Vi berättar om jobb och boende.\nstarts_on: 2027-03-11\nstart: '18:00'\n"
        "end: '20:00'\nplace:\n  sv: Kulturhuset, Storgatan 3\nmunicipalities:\n- are\ncapacity: 40\n"
    )
    path = "content/events/infokvall.yml"
    wrong = decap(client, "persistEntry", persist(path, event.replace("end: '20:00'", "end: '17:00'"), new=True))
    assert wrong.status_code == 422 and "end (17:00) är inte efter start (18:00)" in wrong.get_json()["error"]
    assert not (project / path).exists()
    saved = decap(client, "persistEntry", persist(path, event, new=True))
    assert saved.status_code == 200, saved.get_json()
    assert errors(project) == []
    assert yamlfile.parse((project / path).read_text(encoding="utf-8")).data["start"] == "18:00"


def test_the_preview_check_reads_dates_as_the_save_writes_them(client, project):
    """The preview sends the entry as JSON, where a date is a quoted string; Decap saves it as a date.
    The check must see what will be saved, or every event and page would show a false error."""
    headers = {"Content-Type": "application/json", **BROWSER}
    event = {
        "title": {"sv": "Informationskväll"},
        "kind": "information_evening",
        "description": {"sv": "Vi berättar om jobb."},
        "starts_on": "2027-03-11",
        "start": "18:00",
        "place": {"sv": "Kulturhuset"},
        "municipalities": ["are"],
    }
    body = {"path": "content/events/ny.yml", "raw": json.dumps(event)}
    assert client.post(local.CHECK, data=json.dumps(body), headers=headers).get_json() == {"problems": []}
    page = '---\n{"title": "Integritet", "description": "Så hanterar vi dina uppgifter.", "updated": "2026-11-27"}\n---\nText.\n'
    body = {"path": "content/pages/privacy.sv.md", "raw": page}
    assert client.post(local.CHECK, data=json.dumps(body), headers=headers).get_json() == {"problems": []}
    wrong = {**event, "starts_on": "11 mars"}
    body = {"path": "content/events/ny.yml", "raw": json.dumps(wrong)}
    [problem] = client.post(local.CHECK, data=json.dumps(body), headers=headers).get_json()["problems"]
    assert problem["field"] == "starts_on"
