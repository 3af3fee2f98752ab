"""Content problems in Swedish (the preview's banner, the editor): every common mistake has its
Swedish wording, in du form, with where it is; the command line keeps English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasteget.content import yamlfile
from tasteget.content.errors import ENGLISH, Problem
from tasteget.content.load import check
from tasteget.content.swedish import SWEDISH, in_swedish
from tasteget.site import banner

from tests.content.test_syntax import BROKEN as SYNTAX
from tests.support.sample_content import photo_yaml, write_photo
from tests.support.swedish import ni_forms

MUNI = "municipalities/kommun-0000.yml"

BROKEN = [
    # id, file, replace this, with this, field, Swedish message
    ("missing", MUNI, "seat: Kommun0000by\n", "", "seat", "fältet saknas men måste finnas med"),
    ("misspelt", MUNI, "seat: Kommun0000by\n", "sete: Kommun0000by\n", "sete", 'okänt fält; menade du "seat"?'),
    (
        "unknown",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\ncolour: red\n",
        "colour",
        "okänt fält (tillåtna fält här: name, summary,",
    ),
    (
        "whole number",
        MUNI,
        "    desks: 2\n",
        "    desks: many\n",
        "coworking[0].desks",
        'här ska det stå ett heltal, men det står "many"',
    ),
    (
        "true or false",
        MUNI,
        "    drop_in: true\n",
        "    drop_in: yes\n",
        "coworking[0].drop_in",
        'här ska det stå true eller false, men det står "yes"',
    ),
    (
        "text, not a number",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: 1234\n",
        "seat",
        "här ska det stå text, men det står talet 1234: sätt det inom citattecken",
    ),
    (
        "text per language",
        MUNI,
        "summary:\n",
        "summary: Kort text\nx_summary:\n",
        "summary",
        'här ska det stå en text per språk (sv: …, en: …), men det står "Kort text"',
    ),
    (
        "a list",
        MUNI,
        "localities: [Norrby, Söderby]\n",
        "localities: Norrby\n",
        "localities",
        'här ska det stå en lista (rader som börjar med ”- ”), men det står "Norrby"',
    ),
    (
        "one of",
        MUNI,
        "    amenities: [",
        "    amenities: [sauna, ",
        "coworking[0].amenities[0]",
        "här ska det stå något av 'meeting_room', 'phone_room',",
    ),
    (
        "one of, with eller",
        MUNI,
        '  - {ssyk: "2221"}',
        '  - {ssyk: "2221", sector: state}',
        "work.in_demand[0].sector",
        "här ska det stå något av 'public', 'private' eller 'both', men det står \"state\"",
    ),
    (
        "at least one",
        MUNI,
        "guides:\n",
        "guides: []\nx_guides:\n",
        "guides",
        "här ska det finnas minst 1, men det finns inget",
    ),
    (
        "number too small",
        MUNI,
        "  count: ",
        "  count: -",
        "population.count",
        "här ska det stå ett tal större än 0, men det står -",
    ),
    (
        "e-mail address",
        MUNI,
        "    email: guide@kommun-0000.example\n",
        "    email: guide.kommun-0000.example\n",
        "guides[0].email",
        'här ska det stå en e-postadress som namn@exempel.se, men det står "guide.kommun-0000.example"',
    ),
    (
        "no way to contact",
        MUNI,
        '    phone: "010-123 45 67"\n    email: guide@kommun-0000.example\n',
        "",
        "guides[0]",
        "det går inte att få kontakt: ange ett telefonnummer eller en e-postadress",
    ),
    (
        "empty text",
        MUNI,
        "seat: Kommun0000by\n",
        'seat: " "\n',
        "seat",
        "här ska det stå text, men fältet är tomt",
    ),
    (
        "web address",
        "region.yml",
        "controller: Provregionen\n",
        "controller: Provregionen\nstories:\n  invite:\n    text: {sv: Berätta, en: Tell}\n    link: www.prov.se\n",
        "stories.invite.link",
        'här ska det stå en webbadress som börjar med https://, men det står "www.prov.se"',
    ),
    (
        "coordinator's e-mail",
        "region.yml",
        "  email: samordnare@prov.example\n",
        '  phone: "010-1"\n',
        "coordinator",
        "behöver en e-postadress",
    ),
    (
        "language code",
        "region.yml",
        "  languages: [sv, en]\n",
        "  languages: [sv, eng]\n",
        "magazine.languages",
        '"eng" är ingen språkkod: använd två bokstäver, till exempel sv eller en',
    ),
    (
        "syntax",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by: centrum\n",
        "seat",
        'sätt hela texten inom citattecken, till exempel seat: "Kommun0000by: centrum"',
    ),
]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("rel", "old", "new", "field", "swedish"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_each_common_mistake_reads_in_swedish(sample, rel, old, new, field, swedish):
    edit(sample, rel, old, new)
    problems = [p for p in check(sample).errors if p.field == field]
    assert problems, [str(p) for p in check(sample).errors]
    problem = problems[0]
    assert swedish in problem.message_sv
    line = in_swedish(problem)
    assert line.startswith(f"{sample / rel}, rad {problem.line}")
    assert (f"fältet {field}: " in line) if field else ("fältet" not in line.split(":")[0])
    assert not re.search(r"\b(ni|er|era|ert|expected|got)\b", problem.message_sv)  # du form, no English left


def test_every_check_message_has_its_swedish_wording():
    assert set(SWEDISH) == set(ENGLISH)


def test_a_problem_without_swedish_wording_is_shown_in_english_with_where_in_swedish():
    problem = Problem("content/region.yml", 12, "lan", "something new", column=3)
    assert in_swedish(problem) == "content/region.yml, rad 12, kolumn 3: fältet lan: something new"
    assert str(problem) == "content/region.yml:12:3: lan: something new"


def test_the_swedish_wording_says_du():
    texts = [*SWEDISH.values(), banner.HEADING, banner.HEADING_ALONE, banner.HINT, banner.FAILED, banner.JUMP]
    for case in SYNTAX:
        try:
            yamlfile.parse(case[2])
        except yamlfile.YamlSyntaxError as error:
            texts.append(error.message_sv)
    assert len(texts) > len(SWEDISH) + len(SYNTAX)
    assert [text for text in texts if ni_forms(text)] == []


def test_a_photo_of_the_wrong_kind_reads_in_swedish(sample):
    write_photo(sample, "photos/brygga.jpg", fmt="PNG")
    edit(sample, MUNI, "guides:\n", "photos:\n" + photo_yaml("photos/brygga.jpg") + "guides:\n")
    [problem] = check(sample).errors
    assert problem.field == "photos[0].file"
    assert (
        problem.message_sv
        == '"photos/brygga.jpg" är en PNG-bild, inte JPEG: ge filen den ändelse som hör till dess sort'
    )
