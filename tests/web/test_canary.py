"""No personal data in logs, error pages, staff-facing messages or the audit log.

Unique canary values go in through every public form, the mover's own page and an event's sign-up (its needs for
the day, its cancel link) included (and a staff note); then every line the
running service logged, every page it answered with an error, every stored message not addressed
to the person themselves and every audit entry is searched for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from intake.events import paths, signups
from intake.models import AuditEntry, OutboxMessage
from intake.public import mylink

from tests.support.helpers import ROOT, free_port, wait_for
from tests.support.intake_helpers import (
    COORDINATOR,
    ORDER,
    REGISTRATION,
    STAFF_PASSWORD,
    hidden_fields,
    service_with_coordinator,
)
from tests.support.sample_events import content_with_event

MARK = "Qzv"  # appears in no text of ours
CANARIES = {
    "name": f"Kanarie{MARK} Fågelsson",
    "email": f"kanarie.{MARK.lower()}@example.com",
    "phone": "+46 70 999 13 57",
    "place": f"Kanarieby{MARK}",
    "occupation": f"Kanarieyrke{MARK}",
    "work_sought": f"Kanariejobb{MARK}",
    "partner_occupation": f"Partneryrke{MARK}",
    "partner_work_sought": f"Partnerjobb{MARK}",
    "message": f"Kanariemeddelande{MARK}",
}
ORDER_CANARIES = {
    "name": f"Beställare{MARK}",
    "street": f"Kanariegatan{MARK} 7",
    "city": f"Kanariestad{MARK}",
    "email": f"order.{MARK.lower()}@example.com",
}
NEW_EMAIL = f"ny.{MARK.lower()}@example.com"  # changed to on the mover's own page
SIGN_UP_CANARIES = {
    "name": f"Anmäld{MARK} Fågelsson",
    "email": f"anmald.{MARK.lower()}@example.com",
    "needs": f"Rullstol och glutenfri kost{MARK}",  # needs for the day: can reveal health or religion
}
EVENT = "kanariekvall"
SECRETS = [*CANARIES.values(), *ORDER_CANARIES.values(), *SIGN_UP_CANARIES.values(), NEW_EMAIL, "999 13 57", MARK]


def leaks(text: str) -> list[str]:
    return [canary for canary in SECRETS if canary.lower() in text.lower()]


def test_canaries_never_reach_logs_error_pages_staff_messages_or_the_audit_log(tmp_path, built_site):
    content = content_with_event(tmp_path / "content", EVENT, date.today() + timedelta(days=20))
    env = service_with_coordinator(
        tmp_path, built_site, SECRET_KEY="canary-secret", MAX_CONTENT_LENGTH="20000", CONTENT_DIR=str(content)
    )
    url, coordinator = env["DATABASE_URL"], COORDINATOR
    port, log = free_port(), tmp_path / "service.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "intake", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    error_pages = []
    try:
        assert wait_for(f"{base}/healthz", '"status":"ok"', seconds=30)
        with requests.Session() as mover:
            form = hidden_fields(mover.get(f"{base}/registrera/").text)
            bad = mover.post(f"{base}/registrera/", data={**form, **REGISTRATION, **CANARIES, "privacy": ""})
            assert bad.status_code == 422  # the form shows them their own input again: that is the point
            done = mover.post(f"{base}/registrera/", data={**form, **REGISTRATION, **CANARIES}, allow_redirects=False)
            assert done.status_code == 303
            reference = done.headers["Location"].rstrip("/").rsplit("/", 1)[1]
            form = hidden_fields(mover.get(f"{base}/bestall-magasinet/").text)
            order = {**form, **ORDER, **ORDER_CANARIES}
            assert mover.post(f"{base}/bestall-magasinet/", data=order, allow_redirects=False).status_code == 303
            # On their own page they change their details (a new address too) and ask for their link.
            mine = base + mylink.path("sv", mylink.token("canary-secret", reference, 0))
            token = hidden_fields(mover.get(mine).text)["csrf_token"]
            change = {**REGISTRATION, **CANARIES, "occupation": f"Nyttyrke{MARK}", "email": NEW_EMAIL}
            change |= {"municipalities": ["are", "berg"], "csrf_token": token, "action": "update"}
            assert mover.post(mine, data=change, allow_redirects=False).status_code == 303
            ask = {**hidden_fields(mover.get(f"{base}/registrera/mitt/").text), "email": NEW_EMAIL}
            assert mover.post(f"{base}/registrera/mitt/", data=ask, allow_redirects=False).status_code == 303
            # Error pages: a form far too big, a forged withdrawal link, the back office logged out, a wrong address.
            huge = {**order, "message": "x" * 30000}
            error_pages.append(mover.post(f"{base}/bestall-magasinet/", data=huge))
            error_pages.append(mover.post(f"{base}/en/register/withdraw/x/", data=CANARIES))
            error_pages.append(
                mover.post(f"{base}/crm/households/{reference}/notes/", data=CANARIES, allow_redirects=False)
            )
            error_pages.append(mover.get(f"{base}/registrera/tack/H-NONE-0000/", params={"q": "nothing"}))
            error_pages.append(mover.post(f"{base}/registrera/mitt/x/", data=CANARIES))  # a forged link
            # An event's sign-up with needs for the day, its receipt, then its cancel link: the page, the cancelling.
            form = hidden_fields(mover.get(f"{base}{paths.sign_up('sv', EVENT)}").text)
            signed = {**form, **SIGN_UP_CANARIES, "people": "2", "needs_consent": "y", "privacy": "y"}
            done = mover.post(f"{base}{paths.sign_up('sv', EVENT)}", data=signed)
            assert done.status_code == 200 and "/anmal/tack/" in done.url
            sign_up_reference = done.url.rstrip("/").rsplit("/", 1)[1]
            deadline = time.monotonic() + 30  # its confirmation sent first (else it is never sent: cancelled)
            while time.monotonic() < deadline and not any(
                SIGN_UP_CANARIES["email"] in p.read_text() for p in (tmp_path / "mail").glob("*.eml")
            ):
                time.sleep(0.2)
            cancel = base + paths.cancel("sv", signups.cancel_token("canary-secret", sign_up_reference))
            page = mover.get(cancel)
            assert page.status_code == 200 and 'name="csrf_token"' in page.text
            assert mover.post(cancel, data=hidden_fields(page.text)).status_code == 200  # followed to "cancelled"
            error_pages.append(mover.get(cancel + "x/"))  # a lengthened link
        with requests.Session() as staff:
            login = hidden_fields(staff.get(f"{base}/crm/login/").text)
            staff.post(f"{base}/crm/login/", data={**login, "email": coordinator, "password": STAFF_PASSWORD})
            page = staff.get(f"{base}/crm/households/{reference}/")
            assert CANARIES["name"] in page.text  # staff do see the household in the back office
            token = hidden_fields(page.text)["csrf_token"]
            note = {"csrf_token": token, "text": f"Ringde {CANARIES['name']}"}
            assert staff.post(f"{base}/crm/households/{reference}/notes/", data=note).status_code == 200
            export = {"csrf_token": token, "reason": "Registerutdrag"}
            assert staff.post(f"{base}/crm/households/{reference}/export/", data=export).status_code == 200
        deadline = time.monotonic() + 30

        def written() -> list[str]:
            return [p.read_text() for p in (tmp_path / "mail").glob("*.eml")]

        # Every e-mail written, the cancellation's receipt too (the worker may be slow on a loaded machine).
        while time.monotonic() < deadline and (
            len(written()) < 6 or sum(SIGN_UP_CANARIES["email"] in text for text in written()) < 2
        ):
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert [p.status_code for p in error_pages] == [413, 404, 302, 404, 404, 404]
    for page in error_pages:
        assert leaks(page.text) == [], page.status_code

    text = log.read_text()
    assert "POST /registrera/" in text  # the log is there, and it was read
    assert f"POST {paths.sign_up('sv', EVENT)}" in text and "/evenemang/avboka/<token>/" in text
    assert leaks(text) == []
    assert cancel.rsplit("/", 2)[1] not in text and sign_up_reference not in text  # the link's token, the reference

    mails = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in (tmp_path / "mail").glob("*.eml")]
    to_people = {CANARIES["email"], ORDER_CANARIES["email"], NEW_EMAIL, SIGN_UP_CANARIES["email"]}
    staff_mail = [m for m in mails if m["To"].addresses[0].addr_spec not in to_people]
    assert len(mails) >= 6 and staff_mail  # guides were told; the mover, the orderer and the one signed up confirmed
    signed_up = [m for m in mails if m["To"].addresses[0].addr_spec == SIGN_UP_CANARIES["email"]]
    assert len(signed_up) == 2  # the confirmation and the cancellation's receipt
    for message in staff_mail:
        assert leaks(message.as_string()) == [], message["To"]

    engine = create_engine(url)
    with Session(engine) as session:
        for message in session.scalars(select(OutboxMessage)):
            if message.to_address not in to_people:
                assert leaks(f"{message.subject}{message.body_text}{message.body_html}") == [], message.kind
        entries = session.scalars(select(AuditEntry)).all()
        assert {e.action for e in entries} >= {"view", "change", "export"}
        for entry in entries:
            assert leaks(f"{entry.reference} {entry.detail}") == []
    engine.dispose()


def test_database_errors_do_not_quote_the_values_they_were_given(tmp_path):
    """Such errors end up in logs and error reports: they must not carry what people typed."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from intake import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE people (name TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": CANARIES["name"]})
    with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
        connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": CANARIES["name"]})
    assert "UNIQUE" in str(caught.value) and leaks(str(caught.value)) == []
    engine.dispose()
