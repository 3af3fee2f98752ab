"""The occupation columns of a households file, imported from a real file by the command: text mapped
as the form maps it, SSYK-4 codes checked against the taxonomy, and bad cells a line each."""

from __future__ import annotations

import pytest

from intake.importer import occupations
from intake.importer.cells import Invalid
from intake.models import Household

from tests.support.helpers import tasteget

NURSE = "2221 Grundutbildade sjuksköterskor (Professional nurses)"
HEADER = (
    "id,registered,name,email,municipalities,contact_language,"
    "occupation,occupation_ssyk,partner_occupation,partner_occupation_ssyk\n"
)
CYRILLIC, ARABIC = "Медицинская сестра", "ممرضة مسجلة"
LONGEST = "Sjuksköterska " + "x" * 186  # 200 characters: the most a text cell holds
GOOD_ROWS = [
    'g1,2025-05-01,Anna,a@example.com,are,sv,"Sjuksköterska, grundutbildad",,Pensionär,',
    "g2,2025-05-01,Bo,b@example.com,are,sv,,2221,,",
    "g3,2025-05-01,Cy,c@example.com,berg,sv,Sjuksköterska,2221,retired,8331",
    f"g4,2025-05-01,Di,d@example.com,berg,en,{CYRILLIC},,{ARABIC},",
    "g5,2025-05-01,Ed,e@example.com,berg,sv,Sjuksköterska,8331,,",
    f"g6,2025-05-01,Fi,f@example.com,berg,sv,{LONGEST},0110,,",
]
BAD_ROWS = [
    "b1,2025-05-01,Gu,g@example.com,are,sv,,2220,,",
    "b2,2025-05-01,Hu,h@example.com,are,sv,,,,22",
    "b3,2025-05-01,Iv,i@example.com,are,sv,,2221.0,,",
    "b4,2025-05-01,Jo,j@example.com,are,sv,,22a1,,110",
    f"b5,2025-05-01,Ka,k@example.com,are,sv,{LONGEST}y,,,",
    f"b6,2025-05-01,Li,l@example.com,are,sv,,{'2' * 5000},,",
]
WIDER = (
    'expected an SSYK-4 code, four digits like "2221", got "22" (the wider group 22 Yrken med krav på '
    "fördjupad högskolekompetens inom hälso- och sjukvård (Occupations requiring advanced academic "
    "competence in health care); did you mean 2211 Specialistläkare (Specialist physicians), 2212 "
    "ST-läkare (Resident physicians) or 2213 AT-läkare (General medical practitioners)?)"
)
SPREADSHEET = "(format the column as text: a spreadsheet drops zeros)"
PROBLEMS = [
    f"row 8: occupation_ssyk: 2220: no such occupation group; did you mean {NURSE}?",
    f"row 9: partner_occupation_ssyk: {WIDER}",
    'row 10: occupation_ssyk: expected an SSYK-4 code, four digits like "2221", got "2221.0"; '
    f"did you mean {NURSE}? {SPREADSHEET}",
    'row 11: occupation_ssyk: expected an SSYK-4 code, four digits like "2221", got "22a1"',
    'row 11: partner_occupation_ssyk: expected an SSYK-4 code, four digits like "2221", got "110"; '
    f"did you mean 0110 Officerare (Commissioned armed forces officers)? {SPREADSHEET}",
    "row 12: occupation: use at most 200 characters (this has 201)",
    'row 13: occupation_ssyk: expected an SSYK-4 code, four digits like "2221" (this has 5000 characters)',
]


def _stored(h: Household) -> tuple:
    return (
        (h.occupation, h.occupation_concept, h.occupation_ssyk, h.occupation_situation),
        (h.partner_occupation, h.partner_occupation_concept, h.partner_occupation_ssyk, h.partner_occupation_situation),
    )


def test_occupation_columns_from_a_real_file(app, tmp_path, rows):
    path = tmp_path / "households.csv"
    path.write_text(HEADER + "\n".join(GOOD_ROWS + BAD_ROWS) + "\n", encoding="utf-8")
    result = tasteget(
        "import", "households", str(path), env={"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"}
    )
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[:-2] == PROBLEMS
    assert result.stdout.splitlines()[-2] == "Households: 6 created, 0 already imported, 6 rejected (12 rows)."
    stored = {h.submission_id.removeprefix("import:"): _stored(h) for h in rows(Household)}
    assert stored == {
        # Text only: mapped as the form maps it; a situation is one of the fixed answers.
        "g1": (("Sjuksköterska, grundutbildad", "bXNH_MNX_dUR", "2221", None), ("Pensionär", None, None, "retired")),
        # A code with no text: the group, no text (NULL, as a blank form field).
        "g2": ((None, None, "2221", None), (None, None, None, None)),
        # Both, agreeing: the text's concept is kept; a code beside "retired" leaves no situation.
        "g3": (("Sjuksköterska", "bXNH_MNX_dUR", "2221", None), ("retired", None, "8331", None)),
        # Another script: stored as written, no group.
        "g4": ((CYRILLIC, None, None, None), (ARABIC, None, None, None)),
        # Both, disagreeing: the code is the group, the text's concept (in 2221) is dropped.
        "g5": (("Sjuksköterska", None, "8331", None), (None, None, None, None)),
        # The longest text a cell holds, and a group whose code starts with a zero.
        "g6": ((LONGEST, None, "0110", None), (None, None, None, None)),
    }


@pytest.mark.parametrize("code", ["2221", "0110", "9629"])
def test_every_ssyk4_group_is_taken_as_written(code):
    assert occupations.ssyk(code) == code


@pytest.mark.parametrize("code", ["2", "22", "222", "22210", "٢٢٢١", "2221 ", "abcd"])
def test_anything_else_is_refused(code):
    with pytest.raises(Invalid, match="SSYK-4|no such occupation group"):
        occupations.ssyk(code)
