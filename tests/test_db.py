"""The engine `intake.db.make_engine` makes: on PostgreSQL, JIT off for our connections, added to
whatever options the database URL gives (the tests' own schema, an operator's settings)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from intake import db


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_postgresql_connections_keep_the_urls_options_and_run_without_jit():
    base = os.environ["TEST_DATABASE_URL"]
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3Dsome_schema%20-cstatement_timeout%3D5s"
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            show = {name: connection.execute(text(f"SHOW {name}")).scalar() for name in ("jit", "search_path")}
            show["statement_timeout"] = connection.execute(text("SHOW statement_timeout")).scalar()
    finally:
        engine.dispose()
    assert show == {"jit": "off", "search_path": "some_schema", "statement_timeout": "5s"}
