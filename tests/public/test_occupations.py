"""The registration's occupation fields: optional, typed text mapped to the occupation taxonomy in the
page's language, the three answers that are not an occupation, any text stored or refused as other
fields are; the names the autocomplete suggests; export, erasure and the migration of the new columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from intake import db
from intake.models import Household, PrivacyNotice
from intake.privacy import erasure
from intake.privacy.export import export_household
from intake.public import occupations

from tests.support.intake_helpers import REGISTRATION, errors_in, old_household_row, submit

REGISTER = {"sv": "/registrera/", "en": "/en/register/"}
NURSE = "bXNH_MNX_dUR"  # "Sjuksköterska, grundutbildad", SSYK 2221


def stored(rows):
    [household] = rows(Household)
    return household


def mapped(h: Household, person: str = "occupation") -> tuple:
    return tuple(getattr(h, f"{person}{suffix}") for suffix in ("", "_concept", "_ssyk", "_situation"))


@pytest.mark.parametrize(
    ("lang", "typed", "concept", "ssyk"),
    [
        ("sv", "Sjuksköterska, grundutbildad", NURSE, "2221"),
        ("sv", "sjukskoterska", NURSE, "2221"),  # the part before the comma, accents folded
        ("sv", "Grundutbildade sjuksköterskor", None, "2221"),  # the group's name: the group's concept
        ("en", "Professional nurses", None, "2221"),
        ("en", "professional nurse", None, "2221"),  # an English plural folded
        ("en", "Sjuksköterska, grundutbildad", NURSE, "2221"),  # Swedish on the English page too
    ],
)
def test_typed_text_is_mapped_in_the_pages_language(client, rows, lang, typed, concept, ssyk):
    assert submit(client, REGISTER[lang], {**REGISTRATION, "occupation": typed}).status_code == 303
    h = stored(rows)
    assert (h.occupation, h.occupation_ssyk, h.occupation_situation) == (typed, ssyk, None)
    if concept:
        assert h.occupation_concept == concept
    else:  # the SSYK-4 group's own concept id
        from tasteget.occupations import taxonomy

        assert h.occupation_concept == taxonomy.load().group(ssyk).concept_id


def test_the_partner_is_mapped_too_and_unmatched_text_is_kept_as_typed(client, rows):
    data = {**REGISTRATION, "occupation": "Drömfångare på heltid", "partner_occupation": "Professional nurses"}
    assert submit(client, REGISTER["en"], data).status_code == 303
    h = stored(rows)
    assert mapped(h) == ("Drömfångare på heltid", None, None, None)
    assert mapped(h, "partner_occupation")[2:] == ("2221", None)


def test_occupation_is_optional(client, rows):
    data = {**REGISTRATION, "occupation": "", "partner_occupation": "   "}
    assert submit(client, REGISTER["sv"], data).status_code == 303
    h = stored(rows)
    assert mapped(h) == (None, None, None, None) and mapped(h, "partner_occupation") == (None, None, None, None)


@pytest.mark.parametrize(
    ("lang", "typed", "key"),
    [
        ("sv", "Studerar", "studying"),
        ("sv", "pensionär", "retired"),
        ("sv", "Arbetar inte just nu", "not_working"),
        ("en", "Studying", "studying"),
        ("en", "RETIRED", "retired"),
        ("en", "Not working now", "not_working"),
        ("en", "Pensionär", "retired"),  # the other language's word on either page
        ("sv", "unemployed", "not_working"),
    ],
)
def test_the_three_answers_are_stored_as_keys_beside_the_text(client, rows, lang, typed, key):
    data = {**REGISTRATION, "occupation": typed, "partner_occupation": typed}
    assert submit(client, REGISTER[lang], data).status_code == 303
    h = stored(rows)
    assert mapped(h) == (typed, None, None, key) == mapped(h, "partner_occupation")


def test_a_situation_is_shown_in_the_readers_language(app):
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("sv"):
            assert occupations.situation_label("retired") == "Pensionär"
        with force_locale("en"):
            assert occupations.situation_label("not_working") == "Not working now"
        assert occupations.situation_label("x") is None and occupations.situation_label(None) is None


@pytest.mark.parametrize(
    "typed",
    [
        "سباك",  # Arabic
        "Сварщик 🔧",  # Cyrillic and an emoji outside the BMP
        "ไฟฟ้า" * 40,  # 200 characters of Thai: at the limit
        "ﷺ" * 200,  # expands eighteenfold when folded
        "2221",  # a code matches as a code
        "²²²",  # digits that are not 0-9
        "%(count)d {{ 7*7 }} ${x} \\N{LATIN SMALL LETTER A}",
        "Robert'); DROP TABLE households;--",
        "\u202eesrun",  # a right-to-left override is not a control character WTForms refuses
    ],
)
def test_any_script_or_length_within_the_limit_is_stored_as_typed(client, rows, typed):
    response = submit(client, REGISTER["sv"], {**REGISTRATION, "occupation": typed})
    assert response.status_code == 303, errors_in(response.get_data(as_text=True))
    h = stored(rows)
    assert h.occupation == typed
    assert h.occupation_ssyk == ("2221" if typed == "2221" else None)


def test_too_long_or_hostile_text_is_refused_with_the_fields_message(client, rows):
    for typed, message in [
        ("x" * 201, "Använd högst 200 tecken."),
        ("<script>alert(1)</script>", "Ta bort HTML-koden"),
        ("Snickare\x1b", "Ta bort de osynliga kontrolltecknen."),
    ]:
        response = submit(client, REGISTER["sv"], {**REGISTRATION, "partner_occupation": typed})
        assert response.status_code == 422
        assert message in errors_in(response.get_data(as_text=True))["partner_occupation"]
    assert rows(Household) == []


def test_the_names_are_served_per_language_and_initial_from_our_origin(client):
    def names(url):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json"
        return json.loads(response.get_data())

    sv = {key: names(f"/static/occupations/sv/{key}.json") for key in ("s", "p", "a", "u", "g")}
    en = {key: names(f"/static/occupations/en/{key}.json") for key in ("s", "r", "n", "p")}
    # The three answers first, under each of their words' initials.
    assert (sv["s"][0], sv["p"][0], sv["a"][0]) == ("Studerar", "Pensionär", "Arbetar inte just nu")
    assert (en["s"][0], en["r"][0], en["n"][0]) == ("Studying", "Retired", "Not working now")
    assert "Sjuksköterska, grundutbildad" in sv["s"] and "Sjuksköterska, grundutbildad" in sv["g"]
    assert "Grundutbildade sjuksköterskor" in sv["g"]
    assert "Undersköterska, hemtjänst, äldreboende och habilitering" in sv["u"]
    assert "Professional nurses" in en["p"] and "Professional nurses" in en["n"]
    assert not any("Sjuksköterska" in name for name in en["n"])
    assert all(len(found) == len(set(found)) for found in sv.values())
    # Nothing under an initial no word has (the script folds "ä" to "a" before it asks).
    assert names("/static/occupations/sv/%C3%A4.json") == []
    assert names("/static/occupations/sv/%F0%9F%98%80.json") == []  # one character outside the BMP
    # Cached like the site's assets: a validator, and a second request costs nothing.
    first = client.get("/static/occupations/sv/s.json")
    again = client.get("/static/occupations/sv/s.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/static/occupations/de/s.json").status_code == 404
    assert client.get("/static/occupations/sv/sj.json").status_code == 404
    assert client.get("/static/occupations/sv.json").status_code == 404


def test_every_name_a_query_matches_is_under_its_initial(app):
    """occupation.js matches a folded query where a word of a folded name starts; every such name
    must be in the list for the query's first character, or the field would miss it."""
    with app.test_request_context("/"):
        for lang in ("sv", "en"):
            names = occupations.names(lang)
            shards = {key: json.loads(body) for key, (body, _) in occupations._shards(lang).items()}
            for name in names:
                folded = occupations._fold(name)
                for at in [0, *(i + 1 for i, c in enumerate(folded) if c == " ")]:
                    query = folded[at : at + 5]
                    assert name in shards[occupations.initial(query)], (lang, name, query)
            assert occupations.initial("  Äldre-") == "a" and occupations.initial("É") == "e"


def test_the_public_pages_get_their_static_files_from_our_origin(client):
    # The app's own static route (Flask's default, /static/ for intake/static) serves them.
    script = client.get("/static/vendor/accessible-autocomplete/3.0.1/accessible-autocomplete.min.js")
    assert script.status_code == 200 and "javascript" in script.mimetype and script.headers.get("ETag")
    script.close()
    style = client.get("/static/public/occupation.css")
    assert style.status_code == 200 and 'span[id*="__option-suffix--"]' in style.get_data(as_text=True)
    style.close()
    assert client.get("/static/../models.py").status_code == 404
    assert client.get("/static/public/../../models.py").status_code == 404


def test_the_form_enhances_a_plain_field(client):
    html = client.get("/en/register/").get_data(as_text=True)
    assert '<input autocomplete="organization-title"' in html or 'autocomplete="organization-title"' in html
    assert 'data-source="/static/occupations/en/"' in html
    assert 'src="/static/vendor/accessible-autocomplete/3.0.1/accessible-autocomplete.min.js" defer' in html
    assert "Your occupation or field (optional)" in html
    swedish = client.get("/registrera/").get_data(as_text=True)
    assert 'data-source="/static/occupations/sv/"' in swedish and "(frivilligt)" in swedish


# --- export and erasure --------------------------------------------------------------------------


def test_export_has_the_new_columns_and_erasure_keeps_only_the_ssyk(app, client, rows):
    data = {**REGISTRATION, "occupation": "Sjuksköterska, grundutbildad", "partner_occupation": "Pensionär"}
    assert submit(client, REGISTER["sv"], data).status_code == 303
    with Session(app.extensions["db_engine"]) as session:
        h = session.scalars(select(Household)).one()
        exported = export_household(session, h)["household"]
        assert {k: exported[k] for k in exported if "occupation" in k} == {
            "occupation": "Sjuksköterska, grundutbildad",
            "occupation_concept": NURSE,
            "occupation_ssyk": "2221",
            "occupation_situation": None,
            "partner_occupation": "Pensionär",
            "partner_occupation_concept": None,
            "partner_occupation_ssyk": None,
            "partner_occupation_situation": "retired",
        }
        erasure.erase_household(session, h, datetime.now(UTC), reason="test", actor="test")
        session.commit()
    h = stored(rows)
    assert mapped(h) == (None, None, "2221", None)
    assert mapped(h, "partner_occupation") == (None, None, None, None)


# --- the migration -------------------------------------------------------------------------------


def test_the_migration_keeps_existing_rows_and_makes_occupation_optional(unmigrated_database_url):
    engine = db.make_engine(unmigrated_database_url)
    db.upgrade(engine, "0011")
    now = datetime.now(UTC)
    old = Household.__table__
    columns = [c for c in old.columns if not c.name.startswith(("occupation_", "partner_occupation_"))]
    columns = [c for c in columns if not c.computed and c.name != "id"]
    with engine.begin() as connection:
        connection.execute(insert(PrivacyNotice), {"version": "v1", "language": "sv", "text": "x", "first_seen": now})
        for reference, occupation in (("H-ONE", "Snickare"), ("H-TWO", "")):
            values = old_household_row(reference, now, occupation=occupation)
            connection.execute(insert(old).values({c.name: values.get(c.name) for c in columns if c.name in values}))
    db.upgrade(engine)
    assert db.is_current(engine)
    with engine.connect() as connection:
        found = {c["name"]: c for c in inspect(connection).get_columns("households")}
    assert found["occupation"]["nullable"]
    for person in ("occupation", "partner_occupation"):
        for suffix in ("concept", "ssyk", "situation"):
            assert found[f"{person}_{suffix}"]["nullable"]
    with Session(engine) as session:
        kept = {
            h.reference: (h.occupation, h.occupation_ssyk, h.created_on) for h in session.scalars(select(Household))
        }
        assert kept == {"H-ONE": ("Snickare", None, now.date()), "H-TWO": ("", None, now.date())}
        session.add(
            Household(
                **{k: v for k, v in old_household_row("H-NEW", now).items() if k != "created_at"},
                occupation=None,
                occupation_ssyk="2221",
            )
        )
        session.commit()  # a NULL occupation is taken now
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    db.upgrade(engine)  # nothing left to do
    engine.dispose()
