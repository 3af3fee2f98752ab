"""Saves committed in the communicator's name, with only the files the save wrote."""

from __future__ import annotations

import pytest

from tasteget.editor import commits, local

from tests.editor.conftest import ARE, Browser, decap, git, last_commit, persist, photo_asset, raw, text_of

AUTHORS = [
    # TASTEGET_EDITOR_AUTHOR, (name, address) or None where it is refused
    ("Kim Kommunikatör <kim@are.example>", ("Kim Kommunikatör", "kim@are.example")),
    ('"Kommunikatör, Kim" <kim@are.example>', ("Kommunikatör, Kim", "kim@are.example")),
    ("Kim", None),
    ("kim@are.example", None),
    ("Kim <kim>", None),
    ("<kim@are.example>", None),
]


@pytest.mark.parametrize(("setting", "expected"), AUTHORS, ids=[a[0] for a in AUTHORS])
def test_the_author_setting(setting, expected):
    if expected is None:
        with pytest.raises(commits.NoAuthor, match="Förnamn Efternamn <namn@example.se>"):
            commits.parse_author(setting)
    else:
        assert commits.parse_author(setting) == expected


def test_the_setting_comes_before_gits_own_user(checkout):
    assert commits.author(checkout) == ("Utvecklare Utvecklarsson", "utvecklare@example.org")
    assert commits.author(checkout, "Kim <kim@are.example>") == ("Kim", "kim@are.example")


def test_a_folder_outside_git_is_no_checkout(project, checkout):
    assert commits.in_checkout(checkout / "content")
    assert not commits.in_checkout(project.parent)


def test_commits_a_deleted_file_git_never_had_with_the_rest(checkout):
    """A file written and removed again before a commit is no pathspec git accepts: it is left out."""
    are, draft = checkout / ARE, checkout / "content/municipalities/draft.yml"
    are.write_text(are.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    commits.commit(checkout / "content", [are, draft], "Update", ("Kim", "kim@are.example"))
    assert last_commit(checkout) == {
        "author": "Kim <kim@are.example>",
        "committer": "Kim <kim@are.example>",
        "message": "Update",
        "files": [ARE],
    }


def test_nothing_changed_is_no_commit(checkout):
    commits.commit(checkout / "content", [checkout / ARE], "Update", ("Kim", "kim@are.example"))
    assert git(checkout, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_git_failure_names_the_reason(checkout):
    (checkout / ".git/index.lock").write_text("", encoding="utf-8")
    are = checkout / ARE
    are.write_text(are.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with pytest.raises(commits.GitFailed, match="Filen sparades men kunde inte läggas in i git: "):
        commits.commit(checkout / "content", [are], "Update", ("Kim", "kim@are.example"))


def test_commits_only_the_saved_file_with_the_communicators_name(checkout, monkeypatch):
    monkeypatch.setenv(commits.AUTHOR_ENV, "Kim Kommunikatör <kim@are.example>")
    client = Browser(local.app(checkout))
    # Someone else's work in progress stays out of the commit, staged or not.
    (checkout / "content/region.yml").write_text(text_of(checkout, "content/region.yml") + "# wip\n", encoding="utf-8")
    berg = checkout / "content/municipalities/berg.yml"
    berg.write_text(berg.read_text(encoding="utf-8") + "# staged wip\n", encoding="utf-8")
    git(checkout, "add", "content/municipalities/berg.yml")
    answer = decap(client, "persistEntry", persist(ARE, raw("are-edited.yml"), "Update Kommuner “are”"))
    assert answer.status_code == 200, answer.get_json()
    assert last_commit(checkout) == {
        "author": "Kim Kommunikatör <kim@are.example>",
        "committer": "Kim Kommunikatör <kim@are.example>",
        "message": "Update Kommuner “are”",
        "files": [ARE],
    }
    assert git(checkout, "show", "HEAD:" + ARE) == text_of(checkout, ARE)
    status = git(checkout, "status", "--porcelain")
    assert " M content/region.yml" in status and "M  content/municipalities/berg.yml" in status
    assert ARE not in status


def test_commits_a_new_file_and_a_photo_as_gits_own_user(checkout, tmp_path):
    client = Browser(local.app(checkout))
    answer = decap(
        client,
        "persistEntry",
        persist("content/municipalities/nyby.yml", raw("nyby-new.yml"), "Create Kommuner “nyby”", new=True),
    )
    assert answer.status_code == 200, answer.get_json()
    assert last_commit(checkout)["files"] == ["content/municipalities/nyby.yml"]
    assert last_commit(checkout)["author"] == "Utvecklare Utvecklarsson <utvecklare@example.org>"
    upload = decap(
        client,
        "persistMedia",
        {"asset": photo_asset(tmp_path), "options": {"commitMessage": "Upload “content/photos/fjall.jpg”"}},
    )
    assert upload.status_code == 200
    assert last_commit(checkout)["files"] == ["content/photos/fjall.jpg"]
    assert last_commit(checkout)["message"] == "Upload “content/photos/fjall.jpg”"


def test_without_a_name_nothing_is_saved(checkout):
    git(checkout, "config", "--unset", "user.name")
    git(checkout, "config", "--unset", "user.email")
    before = (checkout / ARE).read_bytes()
    answer = decap(Browser(local.app(checkout)), "persistEntry", persist(ARE, raw("are-edited.yml")))
    assert answer.status_code == 422
    assert commits.AUTHOR_ENV in answer.get_json()["error"] and "user.name" in answer.get_json()["error"]
    assert (checkout / ARE).read_bytes() == before
    assert git(checkout, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_malformed_author_setting_is_refused(checkout, monkeypatch):
    monkeypatch.setenv(commits.AUTHOR_ENV, "Kim")
    answer = decap(Browser(local.app(checkout)), "persistEntry", persist(ARE, raw("are-edited.yml")))
    assert answer.status_code == 422 and "Förnamn Efternamn <namn@example.se>" in answer.get_json()["error"]
