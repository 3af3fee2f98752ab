"""A copy of the real content in a project folder of its own (and in a git checkout), Decap's requests, and
what the tests read back: files, the check's errors, the last commit."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from werkzeug.test import Client

from tasteget.content import yamlfile
from tasteget.content.load import FRONT_MATTER, check
from tasteget.editor import commits, local

from tests.support.helpers import ROOT
from tests.support.sample_content import write_photo

ARE = "content/municipalities/are.yml"
DECAP_RAW = Path(__file__).parent / "decap"
# What the editor page's fetch sends from http://localhost (Werkzeug's test client's own host).
BROWSER = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The project's content copied into a folder of its own, docs/ beside it, outside any git checkout."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "content", root / "content")
    (root / "docs").symlink_to(ROOT / "docs")
    # git must neither find a checkout above the folder nor read this machine's own identity.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv(commits.AUTHOR_ENV, raising=False)
    return root


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def checkout(project: Path) -> Path:
    """The project as a git checkout with one commit and a developer's identity in its config."""
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "config", "user.name", "Utvecklare Utvecklarsson")
    git(project, "config", "user.email", "utvecklare@example.org")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Content")
    return project


class Browser(Client):
    """Werkzeug's test client as a browser on this computer: from 127.0.0.1 to http://localhost."""

    def open(self, *args, **kwargs):
        kwargs["environ_base"] = {"REMOTE_ADDR": "127.0.0.1", **(kwargs.get("environ_base") or {})}
        return super().open(*args, **kwargs)


@pytest.fixture
def client(project: Path) -> Browser:
    return Browser(local.app(project))


def raw(name: str) -> str:
    """A file's text as Decap 3.16 serialises an edited entry (see decap/generate.js)."""
    return (DECAP_RAW / name).read_text(encoding="utf-8")


def decap(client: Client, action: str, params: dict | None = None, headers: dict | None = None, **kwargs):
    """POST one action as Decap's proxy backend does: `{branch, action, params}` as JSON, from the page."""
    body = {"branch": "main", "action": action, **({"params": {"branch": "main", **params} if params else {}})}
    return client.post(
        local.DECAP,
        data=json.dumps(body),
        headers={"Content-Type": "application/json; charset=utf-8", **BROWSER, **(headers or {})},
        **kwargs,
    )


def persist(path: str, text: str, message: str = "Update Kommuner “are”", new: bool = False, assets=()) -> dict:
    """persistEntry's params exactly as Decap 3.16's proxy backend sent them from a browser."""
    slug = Path(path).stem
    return {
        "dataFiles": [{"path": path, "slug": slug, "raw": text}],
        "assets": list(assets),
        "options": {
            "newEntry": new,
            "commitMessage": message,
            "collectionName": Path(path).parent.name,
            "useWorkflow": False,
            "hasSubfolders": True,
            "unpublished": False,
            "status": "draft",  # Decap's initial workflow status, sent even without the workflow
        },
    }


def text_of(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def errors(root: Path) -> list:
    return check(root / "content", root / "docs").errors


def decap_yaml(data) -> str:
    """Data written plainly in block style, as Decap writes a file it has read (no comments, no quotes kept)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def as_decap_sends(path: Path) -> str:
    """The file's own data as Decap writes it back: its YAML style, no comments, the body trimmed."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yml":
        return decap_yaml(yamlfile.parse(text).data)
    if front := FRONT_MATTER.match(text):  # a page: gray-matter's --- lines around the front matter
        return f"---\n{decap_yaml(yamlfile.parse(front.group(1)).data)}---\n{text[front.end() :].strip()}"
    return text.strip()  # a municipality's body text: Markdown only


def photo_asset(tmp_path: Path, name: str = "fjall.jpg", fmt: str = "") -> dict:
    picture = write_photo(tmp_path / "upload", name, fmt=fmt)
    return {
        "path": f"content/photos/{name}",
        "content": base64.b64encode(picture.read_bytes()).decode(),
        "encoding": "base64",
    }


def last_commit(root: Path) -> dict:
    out = (
        git(root, "show", "--no-renames", "--name-only", "--format=%an <%ae>%n%cn <%ce>%n%s", "HEAD")
        .strip()
        .splitlines()
    )
    return {"author": out[0], "committer": out[1], "message": out[2], "files": [f for f in out[3:] if f]}
