"""Importing from the previous CRM: exact counts and messages, re-runs, dry runs, and the figures."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from intake import db, importer
from intake.cli import main
from intake.figures import counts
from intake.importer.run import run
from intake.models import (
    Household,
    HouseholdEvent,
    JobRun,
    MagazineOrder,
    OutboxMessage,
    PrivacyNotice,
)
from intake.notify import worker

from tests.support.helpers import ROOT, tasteget
from tests.support.intake_helpers import MUNICIPALITIES, ORDER, make_staff, staff_login, submit

KNOWN = ", ".join(sorted(MUNICIPALITIES))

HOUSEHOLDS = """\
id,registered,name,email,municipalities,status,first_contacted,moved_to,moved_on,closed_reason,utm_source,phone,contact_channel
h1,2025-03-04,Karin Lund,karin@example.com,"are, krokom",moved,2025-03-06,krokom,2025-08-15,,magasinet,,
h2,2025-04-11,Tom Jensen,tom@example.com,ostersund,contacted,2025-04-14,,,,facebook,,
h3,2025-05-20,Lina Berg,lina@example.com,unsure,new,,,,,,,
h2,2025-04-12,Tom Jensen,tom@example.com,ostersund,new,,,,,,,
h4,2025-13-01,Ali Hassan,ali@,atlantis,moved,,,,,,,phone
h5,2025-06-01,Eva Ström,eva@example.com,berg,closed,2025-05-01,,,,,,
h6,2025-06-02,Åsa Öberg,asa@example.com,berg
"""
HOUSEHOLD_PROBLEMS = [
    "row 5: id: the same id as row 3",
    'row 6: registered: "2025-13-01" is not a date written YYYY-MM-DD',
    "row 6: email: not an e-mail address like name@example.com",
    f'row 6: municipalities: "atlantis" is not a municipality in the content (known: {KNOWN})',
    "row 6: phone: needed when contact_channel is phone",
    "row 6: moved_to: needed when status is moved",
    "row 6: moved_on: needed when status is moved",
    "row 7: first_contacted: 2025-05-01 is before registered (2025-06-01)",
    "row 7: closed_reason: needed when status is closed",
    "row 8: has 5 cells; the header has 13",
]
AGAIN = "Fix the rejected rows and import the file again: rows already imported are skipped."


def env(app) -> dict:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"}


def write(tmp_path, text: str, name: str = "file.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_file_of_good_duplicate_and_broken_rows(app, tmp_path, rows):
    path = write(tmp_path, HOUSEHOLDS)
    first = tasteget("import", "households", str(path), env=env(app))
    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines() == [
        *HOUSEHOLD_PROBLEMS,
        "Households: 3 created, 0 already imported, 4 rejected (7 rows).",
        AGAIN,
    ]
    assert first.stderr == ""  # a small file has no progress line
    stored = {h.submission_id: h for h in rows(Household)}
    assert sorted(stored) == ["import:h1", "import:h2", "import:h3"]
    karin = stored["import:h1"]
    assert (karin.status, karin.moved_to, karin.moved_on) == ("moved", "krokom", date(2025, 8, 15))
    assert karin.municipality_slugs == ["are", "krokom"] and karin.created_at.date() == date(2025, 3, 4)
    assert karin.privacy_version == importer.PREVIOUS_NOTICE.version
    assert (karin.legal_basis, karin.purpose) == ("consent", "relocation_guidance")
    assert stored["import:h3"].unsure and stored["import:h3"].municipality_slugs == []
    assert karin.occupation is None  # no column, no occupation: optional, as on the form
    # The movers registered long ago: they are not written to, and neither are their guides.
    assert rows(OutboxMessage) == []

    again = tasteget("import", "households", str(path), env=env(app))
    assert again.returncode == 1
    assert again.stdout.splitlines()[-2] == "Households: 0 created, 3 already imported, 4 rejected (7 rows)."
    assert len(rows(Household)) == 3 and len(rows(HouseholdEvent)) == 3


def test_a_clean_rerun_exits_zero(app, tmp_path):
    path = write(tmp_path, "\n".join(HOUSEHOLDS.splitlines()[:4]) + "\n")
    assert tasteget("import", "households", str(path), env=env(app)).returncode == 0
    again = tasteget("import", "households", str(path), env=env(app))
    assert (again.returncode, again.stdout) == (0, "Households: 0 created, 3 already imported, 0 rejected (3 rows).\n")


def test_a_dry_run_writes_nothing(app, tmp_path, rows):
    result = tasteget("import", "households", str(write(tmp_path, HOUSEHOLDS)), "--dry-run", env=env(app))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        *HOUSEHOLD_PROBLEMS,
        "Dry run, nothing written. Households: 3 would be created, 0 already imported, 4 rejected (7 rows).",
    ]
    assert rows(Household) == [] and rows(PrivacyNotice) == [] and rows(JobRun) == []


def test_imported_statuses_and_dates_count_in_the_figures(app, tmp_path):
    tasteget("import", "households", str(write(tmp_path, HOUSEHOLDS)), env=env(app))
    with app.app_context():
        f = counts.figures_of(counts.load(db.session()), date(2025, 12, 31))
    assert (f.registered, f.moved) == (3, 1)
    assert f.median_days_to_first_contact == 2.5  # 2 and 3 days
    assert f.moves_by_destination == {"krokom": 1} and f.moved_by_month == {"2025-08": 1}
    assert f.by_municipality == {"are": 1, "krokom": 1, "ostersund": 1, "unsure": 1}
    assert f.registered_by_source == {"magasinet": 1, "facebook": 1, "(none)": 1}
    assert f.registered_by_month == {"2025-03": 1, "2025-04": 1, "2025-05": 1}
    report = tasteget("report", "--as-of", "2025-12-31", env=env(app)).stdout.splitlines()
    assert "  households registered: 3" in report and "  households moved: 1" in report
    assert "  median days to first contact: 2.5" in report
    # As of before the move, it has not happened yet.
    assert _moved_as_of(app, date(2025, 8, 14)) == 0


def _moved_as_of(app, day: date) -> int:
    with app.app_context():
        return counts.figures_of(counts.load(db.session()), day).moved


def test_no_backlog_of_reminders_and_a_line_on_the_timeline(app, tmp_path, rows):
    tasteget("import", "households", str(write(tmp_path, HOUSEHOLDS)), env=env(app))
    # h3 has been "new" since May 2025: its reminder and escalation were due long ago.
    assert {r.job.split(":")[0] for r in rows(JobRun)} >= {"reminder", "escalation"}
    worker.run_jobs(app)
    assert rows(OutboxMessage) == []
    coordinator = app.test_client()
    assert staff_login(coordinator, make_staff(app, "samordnare@region.example", "coordinator")).status_code == 303
    reference = next(h.reference for h in rows(Household) if h.submission_id == "import:h3")
    page = coordinator.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert "importerat från det tidigare CRM-systemet, där dess id var h3" in page


def test_the_owner_is_a_staff_account(app, tmp_path, rows):
    make_staff(app, "anna@are.example", "guide", ["are"])
    path = write(
        tmp_path,
        "id,registered,name,email,municipalities,status,first_contacted,owner\n"
        "g1,2025-01-02,A,a@example.com,are,contacted,2025-01-03,Anna@Are.example\n"
        "g2,2025-01-02,B,b@example.com,are,contacted,2025-01-03,nobody@are.example\n",
    )
    result = tasteget("import", "households", str(path), env=env(app))
    assert result.stdout.splitlines()[0] == (
        "row 3: owner: no staff account has this e-mail (add it first: tasteget user add)"
    )
    (household,) = rows(Household)
    assert household.owner.email == "anna@are.example"


ORDERS = (
    "\ufeffid;ordered;name;street;postal_code;city;country;email;sent_on;utm_source\r\n"
    "o1;2025-02-10;Karin Lund;Kyrkgatan 3;75320;Uppsala;SE;karin@example.com;2025-02-17;magasinet\r\n"
    "o2;2025-02-12;Tom Jensen;Nørregade 4;8000;Aarhus C;DK;;;\r\n"
    "o3;2025-02-13;K. Lund;KYRKGATAN  3;753 20;Uppsala;SE;;;\r\n"
    "o4;2025-02-14;Bo Berg;Storgatan 1;831 31;Östersund;SE;;;\r\n"
    "o5;2025-02-15;Per Ek;Ringvägen 2;8313;Östersund;SE;;;\r\n"
    "o6;2025-02-16;Ada Sund;Byvägen 9;83192;Östersund;SE;;2025-02-01;\r\n"
    "o1;2025-02-10;Karin Lund;Kyrkgatan 3;75320;Uppsala;SE;karin@example.com;2025-02-17;magasinet\r\n"
)


def test_orders_one_per_address_from_an_excel_file(app, client, tmp_path, rows):
    submit(client, "/bestall-magasinet/", ORDER)  # Storgatan 1, ordered through the form
    form_order = rows(MagazineOrder)[0]
    result = tasteget("import", "orders", str(write(tmp_path, ORDERS)), env=env(app))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "row 4: street: the same address as row 2 (one magazine per address)",
        f"row 5: street: the magazine has already been ordered to this address ({form_order.reference})",
        "row 6: postal_code: not a postal code in SE; write it as in this example: 123 45",
        "row 7: sent_on: 2025-02-01 is before ordered (2025-02-16)",
        "row 8: id: the same id as row 2",
        "row 8: street: the same address as row 2 (one magazine per address)",
        "Orders: 2 created, 0 already imported, 5 rejected (7 rows).",
        AGAIN,
    ]
    imported = {o.submission_id: o for o in rows(MagazineOrder) if o.submission_id.startswith("import:")}
    assert imported["import:o1"].postal_code == "753 20" and imported["import:o1"].sent_at.date() == date(2025, 2, 17)
    assert imported["import:o2"].sent_at is None  # waits for the next mailing batch
    assert [m for m in rows(OutboxMessage) if m.order_id != form_order.id] == []
    again = tasteget("import", "orders", str(write(tmp_path, ORDERS)), env=env(app))
    assert again.stdout.splitlines()[-2] == "Orders: 0 created, 2 already imported, 5 rejected (7 rows)."


TWINS = {
    # A row of the previous CRM with a bad cell, then its corrected twin (same person, same address),
    # then a real duplicate of the twin.
    "households": (
        "id,registered,name,email,municipalities\n"
        "t1,2025-03-04,Karin Lund,karin@,are\n"
        "t1,2025-03-04,Karin Lund,karin@example.com,are\n"
        "t1,2025-03-05,Karin Lund,karin@example.com,are\n",
        "row 4: id: the same id as row 3",
    ),
    "orders": (
        "id;ordered;name;street;postal_code;city;email\n"
        "o7;2025-02-10;Karin Lund;Kyrkgatan 3;75320;Uppsala;karin@\n"
        "o8;2025-02-11;Karin Lund;Kyrkgatan 3;753 20;Uppsala;karin@example.com\n"
        "o9;2025-02-12;K. Lund;KYRKGATAN 3;75320;Uppsala;\n",
        "row 4: street: the same address as row 3 (one magazine per address)",
    ),
}


@pytest.mark.parametrize("kind", TWINS)
def test_a_rejected_row_does_not_shut_out_its_corrected_twin(app, tmp_path, rows, kind):
    text, duplicate = TWINS[kind]
    result = tasteget("import", kind, str(write(tmp_path, text)), env=env(app))
    assert result.stdout.splitlines() == [
        "row 2: email: not an e-mail address like name@example.com",
        duplicate,
        f"{kind.capitalize()}: 1 created, 0 already imported, 2 rejected (3 rows).",
        AGAIN,
    ]
    model = Household if kind == "households" else MagazineOrder
    assert [r.email for r in rows(model)] == ["karin@example.com"]


def test_an_import_run_without_the_command_line(app, rows):
    """The run the command calls: rows checked against the municipalities given and the staff accounts."""
    make_staff(app, "anna@are.example", "guide", ["are"])
    kind = importer.KINDS["households"]
    table = importer.read_table(
        kind,
        b"id,registered,name,email,municipalities,status,first_contacted,owner\n"
        b"r1,2025-01-02,A,a@example.com,are,contacted,2025-01-03,Anna@Are.example\n"
        b"r2,2025-01-02,B,b@example.com,krokom,new,,\n"
        b"r3,2025-01-02,C,c@example.com,are,contacted,2025-01-03,nobody@are.example\n",
    )
    known = MUNICIPALITIES - {"krokom"}

    def import_(dry_run: bool, seen: list):
        with app.app_context():
            return run(
                db.session(),
                kind,
                table,
                today=date(2026, 1, 1),
                municipalities=known,
                follow_up_days=(3, 7, 30),
                dry_run=dry_run,
                progress=lambda done, total: seen.append((done, total)),
            )

    seen = []
    result = import_(False, seen)
    assert [str(p) for p in result.problems] == [
        f'row 3: municipalities: "krokom" is not a municipality in the content (known: {", ".join(sorted(known))})',
        "row 4: owner: no staff account has this e-mail (add it first: tasteget user add)",
    ]
    assert (result.created, result.present, result.rejected, result.total, seen) == (1, 0, 2, 3, [(1, 1)])
    (household,) = rows(Household)
    assert (household.submission_id, household.owner.email) == ("import:r1", "anna@are.example")
    again = import_(True, [])
    assert (again.created, again.present, again.rejected) == (0, 1, 2)


def test_a_progress_line_on_a_large_file(app, tmp_path):
    lines = [f"p{i},2025-01-01,Person {i},p{i}@example.com,are" for i in range(1001)]
    path = write(tmp_path, "id,registered,name,email,municipalities\n" + "\n".join(lines) + "\n")
    result = tasteget("import", "households", str(path), "--dry-run", env=env(app))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "households: 500 of 1001 rows…",
        "households: 1000 of 1001 rows…",
        "households: 1001 of 1001 rows…",
    ]
    assert result.stdout.endswith("1001 would be created, 0 already imported, 0 rejected (1001 rows).\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"id,name\n1,x\n",
            "missing columns: registered, email, municipalities (the columns are described in IMPORT.md)",
        ),
        (
            b"id,registered,name,email,municipalities,phon\n",
            'unknown column: "phon" (the columns are described in IMPORT.md)',
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this is not a CSV text file (it contains binary data)"),
        ("id;name\n1;Åsa\n".encode("cp1252"), "this file is not UTF-8 text (line 2); in Excel save it as “CSV UTF-8”"),
        (b"", "the file is empty: it needs a header row naming the columns"),
        (
            b'id,registered,name,email,municipalities\n"h1"x,2025-01-01,A,a@example.com,are\n',
            "this is not a readable CSV file (line 2: ',' expected after '\"')",
        ),
    ],
)
def test_a_bad_file_is_one_line_and_a_failure(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["import", "households", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: {message}\n"
    assert result.stdout == ""


def test_a_missing_file_is_one_line_and_a_failure(tmp_path):
    result = CliRunner().invoke(main, ["import", "orders", str(tmp_path / "nowhere.csv")])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot read {tmp_path / 'nowhere.csv'}: No such file or directory\n",
    )


# The checks themselves, without a database ---------------------------------------------------------

CONTEXT = importer.Context(
    today=date(2026, 1, 1), municipalities=frozenset({"are", "berg"}), staff={"anna@are.example": 7}
)
# An RFC 2047 encoded-word hiding a line break, which Python's `email` package can write out raw.
ENCODED = "=?utf-8?q?Kund=0D=0ASubject:_Faktura_obetald?="
ENCODED_WORD = 'remove "=?...?=": it is not allowed here (it could change an e-mail)'
GOOD = {"id": "x1", "registered": "2025-05-01", "name": "Anna", "email": "anna@example.com", "municipalities": "are"}


def check(kind_name: str, cells: dict):
    kind = importer.KINDS[kind_name]
    header, values = list(cells), list(cells.values())
    data = "\n".join(",".join(f'"{v}"' for v in line) for line in (header, values)).encode()
    return importer.check(importer.read_table(kind, data), kind.COLUMNS, kind, CONTEXT)


BEFORE_EARLIEST = "is before 2000-01-01, the earliest date an import takes"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"email": "anna@"}, [("email", "not an e-mail address like name@example.com")]),
        ({"registered": "01/05/2025"}, [("registered", '"01/05/2025" is not a date written YYYY-MM-DD')]),
        ({"registered": "2026-02-01"}, [("registered", "2026-02-01 is after today")]),
        ({"registered": "0001-01-01"}, [("registered", f"0001-01-01 {BEFORE_EARLIEST}")]),
        ({"consented": "1999-12-31"}, [("consented", f"1999-12-31 {BEFORE_EARLIEST}")]),
        (
            {"status": "moved", "moved_to": "are", "moved_on": "2026-01-02"},
            [("moved_on", "2026-01-02 is after today")],
        ),
        ({"follow_up_on": "1999-12-31"}, [("follow_up_on", f"1999-12-31 {BEFORE_EARLIEST}")]),
        ({"follow_up_on": "9999-12-31"}, [("follow_up_on", "9999-12-31 is more than 2 years after today")]),
        ({"municipalities": "are, unsure"}, [("municipalities", 'municipalities or "unsure", not both')]),
        ({"municipalities": ""}, [("municipalities", "fill in this column")]),
        (
            {"seeks": "job money"},
            [("seeks", '"money" is not one of: job, partner_job, housing, school, coworking, business, visit')],
        ),
        (
            {"status": "visited"},
            [("status", '"visited" is not one of: new, contacted, visiting, decided, moved, settled, closed')],
        ),
        ({"children_count": "2", "children_ages": "3"}, [("children_ages", "give one age per child (2)")]),
        (
            {"children_ages": "3, 30"},
            [("children_ages", "write each child's age in years, from 0 to 25, separated by commas")],
        ),
        ({"children_count": "16"}, [("children_count", '"16" is not a whole number from 0 to 15')]),
        (
            {"owner": "nobody@example.com"},
            [("owner", "no staff account has this e-mail (add it first: tasteget user add)")],
        ),
        ({"name": "<b>Anna</b>"}, [("name", "remove the HTML code (text between < and >)")]),
        ({"name": ENCODED}, [("name", ENCODED_WORD)]),
        ({"partner_occupation": f"Snickare {ENCODED}"}, [("partner_occupation", ENCODED_WORD)]),
        ({"email": "=?utf-8?q?eve?=@example.com"}, [("email", ENCODED_WORD)]),
        ({"place": "x" * 201}, [("place", "use at most 200 characters (this has 201)")]),
        ({"phone": "call me"}, [("phone", "not a phone number with digits, e.g. +46 70 123 45 67")]),
        ({"country": "XX"}, [("country", '"XX" is not a two-letter country code (ISO 3166, e.g. SE)')]),
        ({"status": "settled", "moved_to": "are"}, [("moved_on", "needed when status is settled")]),
        (
            {"status": "moved", "moved_to": "are berg", "moved_on": "2025-06-01"},
            [("moved_to", "name one municipality")],
        ),
        (
            {"moved_on": "2025-04-01", "moved_to": "are", "status": "moved"},
            [("moved_on", "2025-04-01 is before registered (2025-05-01)")],
        ),
        ({"id": "x" * 58}, [("id", "use at most 57 characters")]),
    ],
)
def test_a_household_row_is_rejected_with_its_reason(cells, expected):
    checked = check("households", {**GOOD, **cells})
    assert [(p.row, p.column, p.reason) for p in checked.problems] == [
        (2, column, reason) for column, reason in expected
    ]
    assert checked.rows == []


@pytest.mark.parametrize("column", ["name", "street", "city"])
def test_an_order_row_with_an_encoded_word_is_rejected(column):
    good = {"id": "o1", "ordered": "2025-05-01", "name": "Bo", "street": "Storgatan 1", "postal_code": "83131"}
    checked = check("orders", {**good, "city": "Östersund", column: ENCODED})
    assert [(p.row, p.column, p.reason) for p in checked.problems] == [(2, column, ENCODED_WORD)]
    assert checked.rows == []


def test_a_household_row_as_stored():
    (row,) = check(
        "households",
        {
            **GOOD,
            "municipalities": "berg;are",
            "owner": "Anna@Are.example",
            "seeks": "job|housing",
            "children_ages": "3 7",
            "follow_up_on": "2027-12-31",  # planned ahead, within two years
        },
    ).rows
    v = row.values
    assert (v["municipalities"], v["owner"], v["seeks"], v["children_ages"]) == (
        ["berg", "are"],
        7,
        ["job", "housing"],
        [3, 7],
    )
    assert (v["status"], v["contact_channel"], v["contact_language"], v["country"]) == ("new", "email", "sv", "SE")
    assert row.submission_id == "import:x1" and v["follow_up_on"] == date(2027, 12, 31)


GOOD_ORDER = {"id": "o1", "ordered": "2025-05-01", "name": "Bo", "street": "Storgatan 1", "postal_code": "83131"}


@pytest.mark.parametrize("column", ["ordered", "sent_on"])
def test_an_order_date_before_the_earliest_is_rejected(column):
    checked = check("orders", {**GOOD_ORDER, "city": "Östersund", column: "0001-01-01"})
    assert [(p.column, p.reason) for p in checked.problems] == [(column, f"0001-01-01 {BEFORE_EARLIEST}")]


@pytest.mark.parametrize(("kind", "good"), [("households", GOOD), ("orders", {**GOOD_ORDER, "city": "Östersund"})])
def test_no_column_lets_an_ancient_date_in(kind, good):
    """Every date column has the one rule: a year like 0001 would stretch the monthly figures over millennia."""
    assert check(kind, good).rows
    for column in importer.KINDS[kind].COLUMNS:
        checked = check(kind, {**good, column.name: "0001-01-01"})
        stored = [row.values.get(column.name) for row in checked.rows]
        assert not any(isinstance(value, date) for value in stored), column.name


def test_the_documented_examples_import_cleanly_and_every_column_is_documented():
    doc = (ROOT / "IMPORT.md").read_text(encoding="utf-8")
    context = importer.Context(today=date.today(), municipalities=frozenset(MUNICIPALITIES))
    for name, kind in importer.KINDS.items():
        data = (ROOT / "examples" / "import" / f"{name}.csv").read_bytes()
        checked = importer.check(importer.read_table(kind, data), kind.COLUMNS, kind, context)
        assert checked.problems == [] and len(checked.rows) >= 3
        assert [c.name for c in kind.COLUMNS if f"`{c.name}`" not in doc] == []


@pytest.mark.parametrize("column", ["children_ages", "children_count"])
@pytest.mark.parametrize("typed", ["²", "3²", "٣", "１２"])
def test_numbers_in_other_digits_are_a_rejected_row_not_a_traceback(column, typed):
    checked = check("households", {**GOOD, "children_count": "", "children_ages": "", column: typed})
    assert [(p.row, p.column) for p in checked.problems] == [(2, column)]
    assert checked.rows == []


def test_a_dry_run_of_a_file_with_superscript_ages_lists_the_row(app, tmp_path):
    bad = write(
        tmp_path, "id,registered,name,email,municipalities,children_ages\nz1,2025-05-01,Anna,anna@example.com,are,²\n"
    )
    result = tasteget("import", "households", str(bad), "--dry-run", env=env(app))
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert "row 2" in output and "children_ages" in output


def test_a_rejected_cell_is_quoted_without_its_control_characters(app, tmp_path):
    """An escape sequence in a cell would otherwise reach the operator's terminal."""
    bad = write(tmp_path, "id,registered,name,email,municipalities\nz1,2025-05-01,Anna,anna@example.com,are\x1b[2J\n")
    result = tasteget("import", "households", str(bad), "--dry-run", env=env(app))
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "\x1b" not in output
    assert "row 2: municipalities: " in output and "\\x1b[2j" in output.lower()
