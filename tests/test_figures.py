"""The campaign's figures from a known dataset: the same numbers in the code and in `tasteget report`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from intake import db
from intake.figures import HouseholdRecord, OrderRecord, compute
from intake.models import Household, HouseholdMunicipality, MagazineOrder, PrivacyNotice

from helpers import tasteget


def h(
    registered, municipalities=(), source=None, status="new", contact=None, moved_to=None, moved_on=None, follow=None
):
    day = date.fromisoformat
    return HouseholdRecord(
        registered=day(registered),
        municipalities=tuple(municipalities),
        source=source,
        status=status,
        first_contact=day(contact) if contact else None,
        moved_to=moved_to,
        moved_on=day(moved_on) if moved_on else None,
        follow_up_on=day(follow) if follow else None,
    )


DATASET = [
    h("2026-01-10", ["are", "berg", "krokom"], "facebook", "moved", "2026-01-12", "are", "2026-05-01"),
    h("2026-01-20", ["are"], "facebook", "contacted", "2026-01-25", follow="2026-02-01"),
    h("2026-02-03", [], None, "new"),
    h("2026-02-14", ["ostersund"], "magasinet", "settled", "2026-02-15", "ostersund", "2026-03-01"),
    h("2026-03-01", ["berg"], "magasinet", "closed", "2026-03-10", follow="2026-03-05"),
]
ORDERS = [
    OrderRecord(date(2026, 1, 5), "magasinet"),
    OrderRecord(date(2026, 2, 5), None),
    OrderRecord(date(2026, 4, 1), None),
]


def test_figures_on_a_known_dataset():
    f = compute(DATASET, ORDERS, date(2026, 12, 31))
    assert (f.registered, f.moved, f.orders) == (5, 2, 3)
    assert f.conversion == 0.4
    assert f.median_days_to_first_contact == 3.5  # 2, 5, 1, 9 days
    assert f.open_follow_ups == 1  # the closed household's follow-up does not count
    assert f.by_municipality == {"are": 2, "berg": 2, "krokom": 1, "ostersund": 1, "unsure": 1}
    assert f.moves_by_destination == {"are": 1, "ostersund": 1}
    assert f.registered_by_month == {"2026-01": 2, "2026-02": 2, "2026-03": 1}
    assert f.moved_by_month == {"2026-05": 1, "2026-03": 1}
    assert f.registered_by_source == {"facebook": 2, "magasinet": 2, "(none)": 1}
    assert f.moved_by_source == {"facebook": 1, "magasinet": 1}
    assert f.orders_by_month == {"2026-01": 1, "2026-02": 1, "2026-04": 1}


def test_figures_as_of_an_earlier_day():
    f = compute(DATASET, ORDERS, date(2026, 2, 28))
    assert (f.registered, f.moved, f.orders) == (4, 0, 2)
    assert f.median_days_to_first_contact == 2  # 2, 5, 1
    assert f.open_follow_ups == 1


def test_report_command_gives_the_same_numbers(app, tmp_path):
    with app.app_context():
        s = db.session()
        s.add(PrivacyNotice(version="v1", language="sv", text="x"))
        s.flush()
        for i, r in enumerate(DATASET):
            s.add(
                Household(
                    reference=f"H-TEST-{i:04d}",
                    submission_id=f"s{i:016d}",
                    form_language="sv",
                    created_at=datetime.combine(r.registered, datetime.min.time(), UTC),
                    privacy_version="v1",
                    consented_at=datetime.now(UTC),
                    name="X",
                    email=f"x{i}@example.com",
                    contact_channel="email",
                    contact_language="sv",
                    country="SE",
                    place="P",
                    occupation="O",
                    timeframe="6m",
                    status=r.status,
                    utm_source=r.source,
                    unsure=not r.municipalities,
                    municipalities=[HouseholdMunicipality(municipality=m) for m in r.municipalities],
                    first_contacted_at=datetime.combine(r.first_contact, datetime.min.time(), UTC)
                    if r.first_contact
                    else None,
                    moved_to=r.moved_to,
                    moved_on=r.moved_on,
                    follow_up_on=r.follow_up_on,
                )
            )
        s.add(
            Household(
                reference="H-QUAR-0000",
                submission_id="q" * 16,
                form_language="sv",
                privacy_version="v1",
                consented_at=datetime.now(UTC),
                name="Bot",
                email="bot@example.com",
                contact_channel="email",
                contact_language="sv",
                country="SE",
                place="P",
                occupation="O",
                timeframe="6m",
                quarantine_reason="honeypot",
            )
        )
        for i, o in enumerate(ORDERS):
            s.add(
                MagazineOrder(
                    reference=f"M-TEST-{i:04d}",
                    submission_id=f"o{i:016d}",
                    form_language="sv",
                    created_at=datetime.combine(o.ordered, datetime.min.time(), UTC),
                    privacy_version="v1",
                    consented_at=datetime.now(UTC),
                    name="N",
                    street="S",
                    postal_code="831 31",
                    city="C",
                    country="SE",
                    utm_source=o.source,
                    address_key=f"k{i}",
                )
            )
        s.commit()
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"}
    text = tasteget("report", "--as-of", "2026-12-31", env=env)
    assert text.returncode == 0, text.stderr
    for line in (
        "  households registered: 5",
        "  households moved: 2",
        "  magazine orders: 3",
        "  median days to first contact: 3.5",
    ):
        assert line in text.stdout.splitlines()
    rows = list(csv.reader(io.StringIO(tasteget("report", "--as-of", "2026-12-31", "--format", "csv", env=env).stdout)))
    assert rows[0] == ["figure", "breakdown", "value"]
    assert ["households by municipality of interest", "are", "2"] in rows
    assert ["conversion registered to moved", "", "0.4"] in rows
    earlier = tasteget("report", "--as-of", "2026-02-28", env=env).stdout
    assert "  households registered: 4" in earlier.splitlines()


def test_report_on_a_database_that_is_not_migrated(tmp_path):
    result = tasteget("report", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "SECRET_KEY": "x"})
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: the database is not up to date: run `tasteget db upgrade` first"
