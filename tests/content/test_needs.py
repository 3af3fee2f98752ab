"""Competence needs and yearly targets in municipality content: checked against the shipped occupation
taxonomy, one line per problem with file, line, field and a suggestion; the Yrkesbarometer's age."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tasteget.content import needs
from tasteget.content.load import check
from tasteget.occupations import barometer
from tasteget.site.pages import render

from tests.support.helpers import ROOT, tasteget

MUNI = "municipalities/kommun-0000.yml"
SAMPLE_NEEDS = '  in_demand:\n    - {ssyk: "2221"}\n'


def set_needs(root: Path, yaml: str) -> str:
    """Replace the sample municipality's `work.in_demand` by `yaml` (the lines under `in_demand:`)."""
    path = root / MUNI
    text = path.read_text(encoding="utf-8")
    assert SAMPLE_NEEDS in text
    text = text.replace(SAMPLE_NEEDS, "  in_demand:\n" + yaml, 1)
    path.write_text(text, encoding="utf-8")
    return text


def add_targets(root: Path, yaml: str) -> str:
    path = root / MUNI
    text = path.read_text(encoding="utf-8") + "targets:\n" + yaml
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def run_check(sample: Path) -> list[str]:
    """`tasteget check` on the sample as a communicator runs it, from the folder above `content/`."""
    result = tasteget("check", "--content", "content", "--docs", str(ROOT / "docs"), cwd=sample.parent)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.splitlines() if result.returncode == 1 else []


def test_need_by_code_with_every_field(sample):
    set_needs(
        sample,
        '    - ssyk: "2221"\n'
        "      note:\n"
        "        sv: Främst till vårdcentralerna.\n"
        "        en: Mainly for the health centres.\n"
        "      employer: Region Provregionen\n"
        "      sector: public\n"
        "      vacancies: https://arbetsformedlingen.se/platsbanken/annonser?q=sjuksk%C3%B6terska\n",
    )
    report = check(sample)
    assert report.errors == []
    [need] = report.site.municipalities["kommun-0000"].work.in_demand
    assert (need.ssyk, need.occupation, need.employer, need.sector) == ("2221", None, "Region Provregionen", "public")
    assert need.note.get("en") == "Mainly for the health centres."
    assert need.vacancies.startswith("https://arbetsformedlingen.se/")
    assert need.group_code == "2221"
    assert (need.name("sv"), need.name("en")) == ("Grundutbildade sjuksköterskor", "Professional nurses")


def test_need_by_occupation_concept_id_alone_and_with_its_group(sample):
    set_needs(sample, '    - occupation: VZoJ_4oe_xyR\n    - {ssyk: "2221", occupation: bXNH_MNX_dUR, sector: both}\n')
    report = check(sample)
    assert report.errors == []
    teacher, nurse = report.site.municipalities["kommun-0000"].work.in_demand
    assert (teacher.ssyk, teacher.occupation, teacher.group_code) == (None, "VZoJ_4oe_xyR", "2341")
    assert teacher.name("en") == "Primary school teachers"
    assert (nurse.group_code, nurse.sector) == ("2221", "both")


def test_the_municipality_page_names_the_group_in_its_language(sample):
    set_needs(sample, "    - occupation: VZoJ_4oe_xyR\n")
    site = check(sample).site
    for lang, name in (("sv", "Grundskollärare"), ("en", "Primary school teachers")):
        [page] = [p for p in render(site, lang) if p.source and p.source.endswith("kommun-0000.yml")]
        assert f">{name}</" in page.markdown


def _municipality_page(site, lang: str) -> str:
    [page] = [p for p in render(site, lang) if p.source and p.source.endswith("kommun-0000.yml")]
    return page.markdown


def test_a_listed_need_shows_its_employer_sector_note_assessment_and_vacancies(sample):
    """Everything a communicator wrote about a need, with the barometer's assessment of its group
    (where there is one) and a link to its vacancies: the need's own, else Platsbanken's search."""
    set_needs(
        sample,
        '    - ssyk: "2221"\n'
        "      employer: Region Provregionen\n"
        "      sector: public\n"
        "      note: {sv: Akutmottagningen i Östersund, en: The emergency department in Östersund}\n"
        "      vacancies: https://jobb.example/sjukskoterskor\n"
        '    - ssyk: "0110"\n',
    )
    site = check(sample).site
    swedish, english = _municipality_page(site, "sv"), _municipality_page(site, "en")
    assert "Grundutbildade sjuksköterskor" in swedish and "Professional nurses" in english
    assert "Arbetsgivare: Region Provregionen" in swedish and "Offentlig sektor" in swedish
    assert "Employer: Region Provregionen" in english and "Public sector" in english
    assert "Akutmottagningen i Östersund" in swedish and "The emergency department in Östersund" in english
    assert 'href="https://jobb.example/sjukskoterskor"' in swedish
    # The nurses are a national shortage occupation: named as such, linked to the skills page.
    assert "Rekryteringsläge (Sverige som helhet): brist" in swedish
    assert 'href="/kompetensbehov/#ssyk-2221"' in swedish
    # A group the barometer does not assess says so, and its vacancies are Platsbanken's search.
    assert "Recruitment situation (Sweden as a whole): no assessment" in english
    assert "https://arbetsformedlingen.se/platsbanken/annonser?p=5:" in english


BAD_NEEDS = [
    # id, the lines under in_demand, the line is where this marker is, expected message after "file:line: "
    (
        "unknown code",
        '    - ssyk: "2220"\n',
        'ssyk: "2220"',
        "work.in_demand[0].ssyk: 2220: no such occupation group; "
        "did you mean 2221 Grundutbildade sjuksköterskor (Professional nurses)?",
    ),
    (
        "unknown code far from any",
        '    - ssyk: "2221"\n    - ssyk: "9990"\n',
        'ssyk: "9990"',
        "work.in_demand[1].ssyk: 9990: no such occupation group; "
        "did you mean 9629 Övriga servicearbetare (Other service workers not elsewhere classified)?",
    ),
    (
        "code of three digits",
        '    - ssyk: "222"\n',
        'ssyk: "222"',
        'work.in_demand[0].ssyk: expected an SSYK-4 code, four digits in quotes like "2221", got "222" '
        "(the wider group 222 Sjuksköterskor (Nursing professionals); did you mean 2221 Grundutbildade "
        "sjuksköterskor (Professional nurses), 2222 Barnmorskor (Professional midwifes) or 2223 "
        "Anestesisjuksköterskor (Anaesthesia nurses)?)",
    ),
    (
        "code with a letter",
        '    - ssyk: "22a1"\n',
        'ssyk: "22a1"',
        'work.in_demand[0].ssyk: expected an SSYK-4 code, four digits in quotes like "2221", got "22a1"',
    ),
    (
        "code of five digits",
        '    - ssyk: "22210"\n',
        'ssyk: "22210"',
        'work.in_demand[0].ssyk: expected an SSYK-4 code, four digits in quotes like "2221", got "22210"',
    ),
    (
        "code without quotes",
        "    - ssyk: 2221\n",
        "ssyk: 2221",
        "work.in_demand[0].ssyk: expected text, got the number 2221: put it in quotes to keep it as written",
    ),
    (
        "mistyped concept id",
        "    - occupation: bXNH_MNX_dUX\n",
        "occupation:",
        "work.in_demand[0].occupation: bXNH_MNX_dUX: no such occupation in the taxonomy; "
        "did you mean bXNH_MNX_dUR Sjuksköterska, grundutbildad (2221)?",
    ),
    (
        "occupation written by name",
        "    - occupation: Förskollärare\n",
        "occupation:",
        "work.in_demand[0].occupation: Förskollärare: no such occupation in the taxonomy; "
        "did you mean rUcW_z9R_Qsv Förskollärare (2343)?",
    ),
    (
        "concept id of a group",
        "    - occupation: Z8ci_bBE_tmx\n",
        "occupation:",
        "work.in_demand[0].occupation: Z8ci_bBE_tmx is the concept id of the group 2221 Grundutbildade "
        'sjuksköterskor (Professional nurses), not of an occupation: write ssyk: "2221"',
    ),
    (
        "concept under another group",
        '    - ssyk: "2341"\n      occupation: bXNH_MNX_dUR\n',
        "occupation:",
        "work.in_demand[0].occupation: bXNH_MNX_dUR Sjuksköterska, grundutbildad is in the group 2221 "
        "Grundutbildade sjuksköterskor (Professional nurses), not in 2341 Grundskollärare (Primary school "
        "teachers): correct one of the two, or leave out ssyk",
    ),
    (
        "neither code nor concept id",
        "    - sector: public\n      employer: Kommunen\n",
        "- sector",
        'work.in_demand[0]: name the occupation: give ssyk (a code like "2221"), occupation (a concept id) or both',
    ),
    (
        "unknown sector",
        '    - {ssyk: "2221", sector: kommunal}\n',
        "- {ssyk",
        "work.in_demand[0].sector: expected one of 'public', 'private' or 'both', got \"kommunal\"",
    ),
    (
        "vacancies not https",
        '    - ssyk: "2221"\n      vacancies: http://platsbanken.example/\n',
        "vacancies:",
        'work.in_demand[0].vacancies: expected a web address starting with https://, got "http://platsbanken.example/"',
    ),
]


@pytest.mark.parametrize(("needs_yaml", "marker", "message"), [c[1:] for c in BAD_NEEDS], ids=[c[0] for c in BAD_NEEDS])
def test_bad_need_is_one_line_with_file_line_and_suggestion(sample, needs_yaml, marker, message):
    text = set_needs(sample, needs_yaml)
    lines = run_check(sample)
    expected = f"content/{MUNI}:{line_of(text, marker)}: {message}"
    assert expected in lines, "\n".join(lines)
    assert len([line for line in lines if line.startswith("content/")]) == 1, "\n".join(lines)


def test_the_former_list_of_texts_is_refused_field_by_field(sample):
    text = set_needs(sample, "    - {sv: Sjuksköterska, en: Nurse}\n")
    lines = run_check(sample)
    line = line_of(text, "- {sv")
    for field in ("sv", "en"):
        assert (
            f"content/{MUNI}:{line}: work.in_demand[0].{field}: unknown field "
            "(expected one of: ssyk, occupation, note, employer, sector, vacancies)"
        ) in lines


def test_every_bad_need_in_one_run(sample):
    set_needs(sample, '    - ssyk: "2220"\n    - occupation: nope\n    - {sector: private}\n    - ssyk: "2221"\n')
    report = check(sample)
    assert report.site is None
    assert [e.field for e in report.errors] == [
        "work.in_demand[0].ssyk",
        "work.in_demand[1].occupation",
        "work.in_demand[2]",
    ]


def test_targets_per_year(sample):
    add_targets(
        sample,
        "  - {year: 2026, households_moved: 30, households_with_needed_skills: 10}\n"
        "  - {year: 2027, households_moved: 0}\n"
        "  - {year: 2028, households_with_needed_skills: 5}\n",
    )
    report = check(sample)
    assert report.errors == []
    targets = report.site.municipalities["kommun-0000"].targets
    assert [(t.year, t.households_moved, t.households_with_needed_skills) for t in targets] == [
        (2026, 30, 10),
        (2027, 0, None),
        (2028, None, 5),
    ]
    assert report.site.municipalities["kommun-0001"].targets == []


BAD_TARGETS = [
    (
        "year too early",
        "  - {year: 1999, households_moved: 3}\n",
        "targets[0].year: expected a number at least 2000, got 1999",
    ),
    (
        "year as text",
        '  - {year: "2026", households_moved: 3}\n',
        'targets[0].year: expected a whole number, got "2026"',
    ),
    ("year missing", "  - {households_moved: 3}\n", "targets[0].year: required field is missing"),
    (
        "negative",
        "  - {year: 2026, households_moved: -1}\n",
        "targets[0].households_moved: expected a number at least 0, got -1",
    ),
    (
        "fraction",
        "  - {year: 2026, households_with_needed_skills: 2.5}\n",
        "targets[0].households_with_needed_skills: expected a whole number, got 2.5",
    ),
    (
        "no figure",
        "  - {year: 2026}\n",
        "targets[0]: no target figure: give households_moved, households_with_needed_skills or both",
    ),
    (
        "more skilled than moved",
        "  - {year: 2026, households_moved: 5, households_with_needed_skills: 6}\n",
        "targets[0]: households_with_needed_skills (6) is more than households_moved (5): "
        "it counts some of the households moved",
    ),
    (
        "two for one year",
        "  - {year: 2026, households_moved: 5}\n  - {year: 2026, households_moved: 6}\n",
        "targets: more than one target for 2026: give one per year",
    ),
]


@pytest.mark.parametrize(("targets_yaml", "message"), [c[1:] for c in BAD_TARGETS], ids=[c[0] for c in BAD_TARGETS])
def test_bad_target_is_one_line(sample, targets_yaml, message):
    text = add_targets(sample, targets_yaml)
    line = line_of(text, "targets:") + (0 if message.startswith("targets:") else 1)
    lines = run_check(sample)
    assert f"content/{MUNI}:{line}: {message}" in lines, "\n".join(lines)


def test_shipped_content_names_no_needs_or_targets():
    """No public source names occupations in demand or yearly targets per municipality (see the
    municipality facts): nothing is invented until a communicator adds them."""
    site = check(ROOT / "content", ROOT / "docs").site
    assert all(not m.work.in_demand and not m.targets for m in site.municipalities.values())


def examples_in_fields_md() -> dict[str, str]:
    text = (ROOT / "content" / "FIELDS.md").read_text(encoding="utf-8")
    return dict(re.findall(r"Example of `([^`]+)`:\n\n```yaml\n(.*?)```", text, re.DOTALL))


def test_the_field_reference_shows_a_full_need_and_a_target_that_pass_the_check(sample):
    blocks = examples_in_fields_md()
    need, target = blocks["work.in_demand"], blocks["targets"]
    for field in ("ssyk:", "occupation:", "note:", "sv:", "en:", "employer:", "sector:", "vacancies:"):
        assert field in need
    assert need.startswith("work:\n  in_demand:\n")
    set_needs(sample, need.removeprefix("work:\n  in_demand:\n"))
    (sample / MUNI).write_text((sample / MUNI).read_text(encoding="utf-8") + target, encoding="utf-8")
    report = check(sample)
    assert report.errors == []
    m = report.site.municipalities["kommun-0000"]
    assert [n.group_code for n in m.work.in_demand] == ["2221", "2341"]
    assert m.work.in_demand[0].note is not None and m.work.in_demand[0].vacancies
    assert [(t.year, t.households_moved) for t in m.targets] == [(2026, 30)]


def test_round_dates():
    assert needs.round_date("2026-1") == date(2026, 1, 1)
    assert needs.round_date("2026-2") == date(2026, 7, 1)
    assert needs.round_date("2026") is None
    assert needs.round_date("2026-3") is None


def test_a_stale_barometer_round_warns_without_failing(sample):
    assert barometer.load().round == "2026-1"
    fresh = check(sample, today=date(2027, 1, 1))
    assert not [w for w in fresh.warnings if "Yrkesbarometer" in w.message]
    stale = check(sample, today=date(2027, 1, 2))
    assert stale.errors == [] and stale.site is not None
    [warning] = [w for w in stale.warnings if "Yrkesbarometer" in w.message]
    assert warning.path.endswith("tasteget/occupations/data/barometer.json") and warning.line == 1
    assert warning.message == (
        "the Yrkesbarometer round 2026-1 is more than a year old on 2027-01-02 (a round YYYY-1 is read as "
        "starting on 1 January of YYYY and YYYY-2 on 1 July, so 2026-1 as 2026-01-01): refresh it with "
        "`tasteget occupations refresh`"
    )


@pytest.mark.parametrize(
    ("round_name", "today", "expected"),
    [
        ("2025-2", date(2026, 7, 1), None),
        ("2025-2", date(2026, 7, 2), "the Yrkesbarometer round 2025-2 is more than a year old on 2026-07-02"),
        ("2026", date(2026, 1, 1), 'cannot date the Yrkesbarometer round "2026" (expected YYYY-1 or YYYY-2)'),
        (None, date(2026, 1, 1), "the Yrkesbarometer has no rows, so no round"),
    ],
)
def test_stale_round_by_round(round_name, today, expected):
    problem = needs.stale_round_problem(round_name, today)
    if expected is None:
        assert problem is None
    else:
        assert problem.startswith(expected) and problem.endswith("refresh it with `tasteget occupations refresh`")
