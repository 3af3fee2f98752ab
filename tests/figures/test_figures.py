"""The campaign's figures from a known dataset: the same numbers in the code and in `tasteget report`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time

from alembic import command
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session

from intake import db
from intake.figures.counts import compute, load, tally
from intake.models import Household, MagazineOrder, PrivacyNotice

from tests.support.figures_data import DATASET, ORDERS, store
from tests.support.helpers import tasteget


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
    assert f.registered_by_heard == {"social": 2, "magazine": 1, "(no answer)": 2}
    assert f.moved_by_heard == {"social": 1, "magazine": 1}
    assert f.registered_by_country == {"SE": 3, "NO": 1, "DE": 1}


def test_figures_as_of_an_earlier_day():
    f = compute(DATASET, ORDERS, date(2026, 2, 28))
    assert (f.registered, f.moved, f.orders) == (4, 0, 2)
    assert f.median_days_to_first_contact == 2  # 2, 5, 1
    assert f.open_follow_ups == 1
    assert f.moved_by_heard == {}  # the moves came later
    assert f.registered_by_heard == {"social": 2, "magazine": 1, "(no answer)": 1}


def test_report_command_gives_the_same_numbers(app, tmp_path):
    store(app)
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


def test_the_database_counts_what_the_records_count(app):
    store(app)
    with app.app_context():
        assert load(db.session()) == tally(DATASET, ORDERS)


def test_the_database_counts_each_record_on_its_day_in_utc(app):
    """Registered, contacted and ordered at 23:30 UTC: on that day, as the records count it, whatever
    the database session's time zone (in Stockholm it is already the next day)."""
    store(app, at=time(23, 30))
    with app.app_context():
        session = db.session()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL TIME ZONE 'Europe/Stockholm'"))
        assert load(session) == tally(DATASET, ORDERS)


def test_the_migration_gives_stored_records_their_day(unmigrated_database_url):
    """Households and orders stored before the figures' day existed (revision 0008) get theirs,
    the UTC day they came in, and count on it; the migration also goes back down."""
    engine = db.make_engine(unmigrated_database_url)
    db.upgrade(engine, "0008")
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    common = {"form_language": "sv", "privacy_version": "v1", "consented_at": late, "created_at": late}
    with engine.begin() as connection:
        connection.execute(insert(PrivacyNotice), {"version": "v1", "language": "sv", "text": "x", "first_seen": late})
        connection.execute(
            insert(Household),
            {
                **common,
                "reference": "H-OLD-0001",
                "submission_id": "old-household",
                "name": "X",
                "email": "x@example.com",
                "contact_channel": "email",
                "contact_language": "sv",
                "place": "P",
                "occupation": "O",
                "timeframe": "6m",
                "country": "SE",
                "utm_source": "facebook",
            },
        )
        connection.execute(
            insert(MagazineOrder),
            {**common, "reference": "M-OLD-0001", "submission_id": "old-order", "name": "N", "street": "S"}
            | {"postal_code": "831 31", "city": "C", "country": "SE"},
        )
    db.upgrade(engine)
    with Session(engine) as session:
        assert session.scalars(select(Household.created_on)).all() == [date(2026, 3, 1)]
        assert session.scalars(select(MagazineOrder.created_on)).all() == [date(2026, 3, 1)]
        tallies = load(session)
        assert tallies.registered == {(date(2026, 3, 1), "facebook"): 1}
        assert tallies.orders == {(date(2026, 3, 1), None): 1}
    with engine.begin() as connection:
        command.downgrade(db.alembic_config(connection), "0008")
    assert "created_on" not in {c["name"] for c in inspect(engine).get_columns("households")}
    engine.dispose()


def test_the_median_of_counted_values_is_the_median_of_the_values():
    import random
    import statistics
    from collections import Counter

    from intake.figures.counts import _median

    rng = random.Random(7)
    for _ in range(500):
        values = [rng.randint(-3, 40) for _ in range(rng.randint(1, 30))]
        assert _median(Counter(values)) == statistics.median(values)
        assert type(_median(Counter(values))) is type(statistics.median(values))  # 3, or 3.5 and 3.0
    assert _median(Counter()) is None
