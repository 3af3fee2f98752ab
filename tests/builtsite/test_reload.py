"""The intake and the worker follow content edits once the site is rebuilt, without a restart; broken
content keeps the last good content serving."""

from __future__ import annotations

import logging
import shutil

import pytest

from intake import create_app
from tasteget.site import stamp

from tests.support.helpers import ROOT, tasteget
from tests.support.intake_helpers import REGISTRATION, deliver_all, intake_config, submit

OLD = "inflytt@are.example"
NEW = "ny.vagledare@are.example"


@pytest.fixture
def edited(app, smtp, tmp_path):
    """A copy of the content, the site built from it, and a web app and a worker app started on them."""
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    site = tmp_path / "site"
    build(content, site)
    config = intake_config(app.config["DATABASE_URL"], site, CONTENT_DIR=str(content), MAIL_URL=smtp.url)
    web, worker = create_app(config), create_app(config)  # separate processes in production
    yield content, site, web, worker
    for started in (web, worker):
        started.extensions["db_engine"].dispose()


def build(content, site):
    result = tasteget("build", "--site-dir", str(site), content=content)
    assert result.returncode == 0, result.stdout + result.stderr


def edit_guide(content, old: str, new: str) -> None:
    path = content / "municipalities" / "are.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"email: {old}", f"email: {new}"), encoding="utf-8")


def receipt(client) -> str:
    """Register for Åre through the real form; the receipt page's HTML."""
    response = submit(client, "/registrera/", {**REGISTRATION, "municipalities": ["are"]})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_rebuild_brings_the_new_guide_to_the_receipt_and_the_worker(edited, smtp):
    content, site, web, worker = edited
    client = web.test_client()
    assert OLD in receipt(client)
    deliver_all(worker)
    assert len(smtp.to(OLD)) == 1

    edit_guide(content, OLD, NEW)
    assert OLD in receipt(client)  # not yet: the site is not rebuilt
    build(content, site)
    page = receipt(client)
    assert NEW in page and OLD not in page
    deliver_all(worker)
    # Who is told is worked out when the worker gets to a household: both waiting ones go to the new guide.
    assert len(smtp.to(NEW)) == 2
    assert len(smtp.to(OLD)) == 1


def test_broken_content_keeps_the_last_good_content(edited, smtp, caplog):
    content, site, web, worker = edited
    client = web.test_client()
    edit_guide(content, OLD, f"[{OLD}]")  # a list where text belongs, past a build somehow
    stamp.write(site)
    with caplog.at_level(logging.INFO, logger="intake.content"):
        assert "Åre" in client.get("/registrera/").get_data(as_text=True)
        assert OLD in receipt(client)
        assert OLD in receipt(client)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, errors
    assert "are.yml:" in errors[0] and "guides[0].email: expected text" in errors[0] and "Anna" not in errors[0]
    deliver_all(worker)
    assert len(smtp.to(OLD)) == 2

    edit_guide(content, f"[{OLD}]", NEW)  # fixed, and rebuilt: tried again
    build(content, site)
    assert NEW in receipt(client)


def test_the_form_offers_what_the_rebuilt_content_lists(edited):
    content, site, web, _ = edited
    client = web.test_client()
    assert "Åre kommun" not in client.get("/en/register/").get_data(as_text=True)
    path = content / "municipalities" / "are.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Åre\n", "name: Åre kommun\n", 1), encoding="utf-8")
    build(content, site)
    form = client.get("/en/register/").get_data(as_text=True)
    assert 'value="are"' in form and "Åre kommun" in form
