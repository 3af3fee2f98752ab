"""How long "send me a link" takes for an address with an account and for one without.

The two must not be told apart by time (that would tell who has an account). In process, through
Flask's test client, against a real database: an SQLite file (or DATABASE_URL); known and unknown
addresses alternate so that load on the machine falls on both alike. Not part of the tests.

    .venv/bin/python bench/forgot_password_timing.py [--rounds 400] [--site-dir SITE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake import create_app, db  # noqa: E402
from intake.accounts import users  # noqa: E402
from intake.public import abuse  # noqa: E402

from tests.support.intake_helpers import MUNICIPALITIES, STAFF_PASSWORD, hidden_fields, intake_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="forgot-timing-"))
    url = args.database_url or f"sqlite:///{folder / 'crm.db'}"
    app = create_app(intake_config(url, args.site_dir, RATELIMIT_LOGIN="1000000 per minute"))
    db.upgrade(app.extensions["db_engine"])
    with app.app_context():
        session = db.session()
        user = users.add(session, "known@staff.example", "Known", "coordinator", [], MUNICIPALITIES)
        users.set_password(session, user, STAFF_PASSWORD)
    client = app.test_client()
    token = hidden_fields(client.get("/crm/password/forgot/").get_data(as_text=True))["csrf_token"]
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(args.rounds * 2):
        kind = ("known", "unknown")[i % 2]
        address = "known@staff.example" if kind == "known" else f"nobody{i}@staff.example"
        started = time.perf_counter()
        response = client.post("/crm/password/forgot/", data={"csrf_token": token, "email": address})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if i >= 20:  # the first rounds warm caches up
            times[kind].append(elapsed * 1000)
    abuse.limiter.reset()
    for kind, values in times.items():
        print(f"{kind:8} median {statistics.median(values):6.2f} ms  (n={len(values)})")
    print(f"database: {url.split(':', 1)[0]}")


if __name__ == "__main__":
    main()
