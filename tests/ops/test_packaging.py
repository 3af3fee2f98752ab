"""The package as `pip install .` installs it: the wheel holds every file the code reads, and the
installed commands build the site, serve it, take a registration, write its e-mails and open the
back office from a folder outside the checkout, against a copy of the content (the wheel ships code,
not content)."""

from __future__ import annotations

import subprocess
import zipfile
from email import policy
from email.parser import BytesParser

import pytest
import requests

from tests.support import installed
from tests.support.helpers import free_port, wait_for
from tests.support.intake_helpers import REGISTRATION, STAFF_PASSWORD, hidden_fields


def test_the_wheel_holds_every_file_of_the_packages(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    package_files = [name for name in installed.checkout_files() if name.startswith(("intake/", "tasteget/"))]
    assert [name for name in package_files if name not in shipped] == []


@pytest.mark.installed
def test_installed_outside_the_checkout_it_builds_serves_registers_mails_and_opens_the_back_office(
    installed_package, deployment, tmp_path
):
    elsewhere, site = tmp_path / "elsewhere", tmp_path / "public"
    elsewhere.mkdir()
    env = installed.environment(
        CONTENT_DIR=str(deployment / "content"),
        SITE_DIR=str(site),
        MIN_FILL_SECONDS="0",  # the test fills the form in faster than a person
        SESSION_COOKIE_SECURE="false",  # plain http on loopback
    )

    def run(*args):
        result = installed_package.run(*args, cwd=elsewhere, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    where = run("python", "-c", "import intake, tasteget; print(intake.__file__); print(tasteget.__file__)")
    assert all(line.startswith(str(installed_package.venv)) for line in where.split()), where
    run("python", "-m", "pip", "check")  # the wheel's declared dependencies are all there
    run("tasteget", "build", "--root", str(deployment), "--site-dir", str(site))
    run("tasteget", "db", "upgrade")
    coordinator = "samordnare@region.example"
    run("tasteget", "user", "add", "--email", coordinator, "--role", "coordinator", "--password", STAFF_PASSWORD)

    port, log = free_port(), tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [installed_package.python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "intake.wsgi:app"],
            cwd=elsewhere,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz", '"status":"ok"', seconds=60), log.read_text()
        with requests.Session() as mover:
            home = mover.get(f"{base}/")
            assert home.status_code == 200 and 'href="/registrera/"' in home.text
            form = hidden_fields(mover.get(f"{base}/registrera/").text)
            done = mover.post(f"{base}/registrera/", data={**form, **REGISTRATION}, allow_redirects=False)
            assert done.status_code == 303, done.text
            reference = done.headers["Location"].rstrip("/").rsplit("/", 1)[1]
            assert reference in mover.get(f"{base}{done.headers['Location']}").text

        assert "Wrote the e-mails of 1 event(s)" in run("tasteget", "worker", "--once")
        mails = [
            BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            for path in (installed_package.instance / "mail").glob("*.eml")
        ]
        recipients = {message["To"].addresses[0].addr_spec for message in mails}
        assert REGISTRATION["email"] in recipients and len(recipients) > 1  # the mover, and the guides
        assert all(message.get_body(("html",)) and message.get_body(("plain",)) for message in mails)

        with requests.Session() as staff:
            login = hidden_fields(staff.get(f"{base}/crm/login/").text)
            staff.post(f"{base}/crm/login/", data={**login, "email": coordinator, "password": STAFF_PASSWORD})
            household = staff.get(f"{base}/crm/households/{reference}/", allow_redirects=False)
            assert household.status_code == 200 and REGISTRATION["name"] in household.text
            assert staff.get(f"{base}/crm/static/crm.css").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


# Run from an empty folder with nothing set: what cannot default outside the checkout is named.
UNSET = [
    (["db", "upgrade"], "Error: set CONTENT_DIR (the content folder) and SITE_DIR (the folder the site is built into)"),
    (["worker", "--once"], "Error: set CONTENT_DIR (the content folder) and SITE_DIR"),
    (["build"], "Error: no mkdocs.yml in"),
]


@pytest.mark.installed
def test_outside_the_checkout_a_default_that_cannot_work_is_one_clear_line(installed_package, tmp_path):
    for command, line in UNSET:  # one installation for the whole table: none of them writes anything
        result = installed_package.run("tasteget", *command, cwd=tmp_path, env=installed.environment())
        assert result.returncode == 1, command
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(line), result.stderr

    # The instance folder (in the virtualenv when installed) cannot be made, as under a system-wide
    # installation run by a service account: the settings that do without it are named.
    (installed_package.venv / "var").write_text("")
    env = installed.environment(CONTENT_DIR=str(tmp_path), SITE_DIR=str(tmp_path))
    result = installed_package.run("tasteget", "db", "upgrade", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot use the instance folder {installed_package.instance} (Not a directory): "
        "set SECRET_KEY and DATABASE_URL (and MAIL_URL or MAIL_DIR)"
    ]
