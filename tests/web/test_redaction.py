"""No token, reference or search reaches an access log: one rule (`intake.web.redaction`) for the
development server's log and gunicorn's, checked on the real processes as the README runs them."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from intake.events import paths, signups
from intake.privacy import consent
from intake.public import mylink
from intake.web import redaction

from tests.support.helpers import ROOT, free_port, tasteget, wait_for
from tests.support.intake_helpers import (
    COORDINATOR,
    REGISTRATION,
    STAFF_PASSWORD,
    hidden_fields,
    service_with_coordinator,
)
from tests.support.sample_events import content_with_event

SEARCHED = "someone@example.se"
SECRET = "redaction-test-secret"
EVENT = "kvall"


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ("/crm/password/reset/Zx9-tok_EN/", "/crm/password/reset/<token>/"),
        ("/crm/password/reset/Zx9-tok_EN", "/crm/password/reset/<token>/"),  # the slash left out
        ("/crm/password/reset/Zx9-tok_EN/more/", "/crm/password/reset/<redacted>"),  # a lengthened link
        ("/en/register/withdraw/eyJ.abc/", "/en/register/withdraw/<token>/"),
        ("/registrera/tack/H-ABCD-1234/", "/registrera/tack/<reference>/"),
        # The mover's own page, its answers after a change, a link cut short or lengthened.
        ("/registrera/mitt/WyJILUFC.axZk0A.ou_ml-q/", "/registrera/mitt/<token>/"),
        ("/en/register/mine/WyJILUFC.axZk0A.ou_ml-q/?done=saved", "/en/register/mine/<token>/?done=<redacted>"),
        ("/en/register/mine/WyJILUFC.axZk0A", "/en/register/mine/<token>/"),
        ("/en/register/mine/WyJILUFC.axZk0A.ou/x/", "/en/register/mine/<redacted>"),
        ("/registrera/mitt/", "/registrera/mitt/"),  # "send me my link": nothing to hide
        ("/en/register/mine/", "/en/register/mine/"),
        ("/registrera/mitt/skickad/", "/registrera/mitt/skickad/"),
        ("/crm/calendar/Zx9-tok_EN.ics", "/crm/calendar/<token>.ics"),  # a calendar feed's secret address
        ("/crm/calendar/Zx9-tok_EN.ics/more", "/crm/calendar/<redacted>"),
        ("/crm/calendar/Zx9-tok_EN", "/crm/calendar/<redacted>"),  # cut short, still a secret
        ("/crm/households/?q=someone%40example.se&status=new", "/crm/households/?q=<redacted>&status=<redacted>"),
        ("/crm/login/?next=%2Fcrm%2Fhouseholds%2F%3Fq%3Danna", "/crm/login/?next=<redacted>"),
        ("http://127.0.0.1:8000/crm/password/reset/tok/", "http://127.0.0.1:8000/crm/password/reset/<token>/"),
        ("/crm/households/H-ABCD-1234/", "/crm/households/H-ABCD-1234/"),  # staff pages name references
        ("/registrera/", "/registrera/"),
    ],
)
def test_the_rule(app, logged, expected):
    assert redaction.target(logged) == expected


def _exercise(base: str, coordinator: str, mail_dir: Path, send_mail) -> list[str]:
    """Register, withdraw, search the back office logged out and in, ask for a reset link and open
    it; return every secret or personal value those requests carried in their URLs."""
    with requests.Session() as mover:
        form = hidden_fields(mover.get(f"{base}/registrera/").text)
        done = mover.post(f"{base}/registrera/", data={**form, **REGISTRATION, "email": SEARCHED})
        assert done.status_code == 200 and "/registrera/tack/" in done.url
        reference = done.url.rstrip("/").rsplit("/", 1)[1]
        token = consent.withdrawal_token(SECRET, reference)
        assert mover.get(base + consent.withdraw_path("en", token)).status_code == 200
        mine = mylink.token(SECRET, reference, 0)  # the link to their own page, as the confirmation's
        assert mover.get(base + mylink.path("sv", mine)).status_code == 200
        assert mover.get(f"{base}{mylink.path('en', mine)}?done=saved").status_code == 200
        # An event's sign-up, its receipt and its cancel link (the page, then cancelling).
        form = hidden_fields(mover.get(base + paths.sign_up("sv", EVENT)).text)
        data = {**form, "name": "Lisa Lind", "email": SEARCHED, "people": "1", "privacy": "y"}
        signed = mover.post(base + paths.sign_up("sv", EVENT), data=data)
        assert signed.status_code == 200 and "/anmal/tack/" in signed.url
        sign_up = signed.url.rstrip("/").rsplit("/", 1)[1]
        cancel_token = signups.cancel_token(SECRET, sign_up)
        page = mover.get(base + paths.cancel("en", cancel_token))
        assert page.status_code == 200
        assert mover.post(base + paths.cancel("en", cancel_token), data=hidden_fields(page.text)).status_code == 200
    search = f"{base}/crm/households/?q={quote(SEARCHED)}"
    with requests.Session() as staff:
        assert "/crm/login/?next=" in staff.get(search).url  # logged out: the search rides in `next`
        form = hidden_fields(staff.get(f"{base}/crm/password/forgot/").text)
        staff.post(f"{base}/crm/password/forgot/", data={**form, "email": coordinator})
        send_mail()
        link, deadline = None, time.monotonic() + 30
        while link is None and time.monotonic() < deadline:
            time.sleep(0.2)
            for path in mail_dir.glob("*.eml"):
                text = BytesParser(policy=policy.default).parsebytes(path.read_bytes()).get_body(("plain",))
                link = link or re.search(r"http://[^/\s]+(/crm/password/reset/([\w-]+)/)", text.get_content())
        reset_url, reset_token = base + link.group(1), link.group(2)
        assert staff.get(reset_url).status_code == 200
        staff.get(f"{base}/crm/static/crm.css", headers={"Referer": reset_url})  # an old browser's Referer
        login = hidden_fields(staff.get(f"{base}/crm/login/").text)
        staff.post(f"{base}/crm/login/", data={**login, "email": coordinator, "password": STAFF_PASSWORD})
        assert staff.get(search).status_code == 200
        week = hidden_fields(staff.get(f"{base}/crm/week/").text)
        made = staff.post(f"{base}/crm/week/calendar/", data={**week, "action": "new"}).text
        feed_path, feed_token = re.search(r'value="http://[^/"]+(/crm/calendar/([\w-]+)\.ics)"', made).groups()
    assert requests.get(base + feed_path).status_code == 200  # the phone's calendar app, no login
    return [
        *(reset_token, token, mine, reference, SEARCHED, quote(SEARCHED), "someone%2540example.se", feed_token),
        *(sign_up, cancel_token),
    ]


def _prepare(tmp_path: Path, built_site: Path) -> tuple[dict, str]:
    env = service_with_coordinator(
        tmp_path,
        built_site,
        SECRET_KEY=SECRET,
        PUBLIC_URL="http://127.0.0.1:8000",
        SESSION_COOKIE_SECURE="false",
        CONTENT_DIR=str(content_with_event(tmp_path / "content", EVENT, date.today() + timedelta(days=20))),
    )
    return env, COORDINATOR


def _check(log: str, secrets: list[str]) -> None:
    assert "/crm/password/reset/<token>/" in log and "/registrera/tack/<reference>/" in log  # it was logged
    assert "q=<redacted>" in log and "next=<redacted>" in log
    assert "/crm/calendar/<token>.ics" in log
    assert "/evenemang/<slug>/anmal/tack/<reference>/" in log and "/en/events/cancel/<token>/" in log
    assert "/registrera/mitt/<token>/" in log and "/en/register/mine/<token>/?done=<redacted>" in log
    for secret in secrets:
        assert secret not in log


def test_the_development_server_logs_no_token_or_search(tmp_path, built_site):
    env, coordinator = _prepare(tmp_path, built_site)
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "intake", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz", '"status":"ok"', seconds=30)
        secrets = _exercise(base, coordinator, tmp_path / "mail", lambda: None)  # its own worker sends
    finally:
        server.terminate()
        server.wait(timeout=10)
    _check(log.read_text(), secrets)


def test_gunicorn_as_documented_logs_no_token_or_search(tmp_path, built_site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "gunicorn -c python:intake.gunicorn_conf --workers 3 --bind 127.0.0.1:8001 intake.wsgi:app" in readme
    env, coordinator = _prepare(tmp_path, built_site)
    port, log = free_port(), tmp_path / "gunicorn.log"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "python:intake.gunicorn_conf", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as out:
        server = subprocess.Popen([*command, "intake.wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz", '"status":"ok"', seconds=30)

        def send_mail():
            assert tasteget("worker", "--once", env=env).returncode == 0

        secrets = _exercise(base, coordinator, tmp_path / "mail", send_mail)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    _check(text, secrets)
    assert '"GET /crm/static/crm.css HTTP/1.1" 200' in text and "/crm/password/reset/<token>/" in text
