"""YAML syntax errors in plain language: the likely mistake, its fix, its line and column, in
English for the command line and in Swedish for the preview and the editor."""

from __future__ import annotations

import pytest

from tasteget.content import yamlfile
from tasteget.content.load import check

from tests.support.helpers import ROOT, tasteget

MUNI = "municipalities/kommun-0000.yml"

BROKEN = [
    # id, the field named, YAML, line, column, English, Swedish
    (
        "colon inside a sentence",
        "summary.sv",
        "name: Åre\nsummary:\n  sv: Fjällen: nära\n  en: Mountains\n",
        3,
        14,
        'a colon followed by a space inside a text: put the whole text in quotes, e.g. sv: "Fjällen: nära"',
        'sätt hela texten inom citattecken, till exempel sv: "Fjällen: nära"',
    ),
    (
        "colon in a text that holds a double quote",
        "seat",
        'name: Åre\nseat: Byn "Ön": mitt i\n',
        2,
        15,
        """put the whole text in quotes, e.g. seat: 'Byn "Ön": mitt i'""",
        """till exempel seat: 'Byn "Ön": mitt i'""",
    ),
    (
        "tab for indenting",
        "",
        "name: Åre\nsummary:\n\tsv: Text\n",
        3,
        1,
        "a tab is used for indenting: YAML indents with spaces only, so replace the tab with spaces",
        "byt tabben mot mellanslag",
    ),
    (
        "line indented under a value",
        "",
        "name: Åre\nseat: Järpen\n  area_km2: 3\n",
        3,
        3,
        'this line is indented by 2 spaces, more than "seat" on the line above, which already has its value: '
        'line it up with "seat" (0 spaces in)',
        'ställ den rakt under "seat" (0 mellanslag in)',
    ),
    (
        "field in a list item indented too far",
        "",
        "guides:\n  - name: Anna\n     title: x\n",
        3,
        6,
        'line it up with "name" (4 spaces in)',
        'ställ den rakt under "name" (4 mellanslag in)',
    ),
    (
        "indent that lines up with nothing",
        "",
        "summary:\n  sv: Text\n en: Text\n",
        3,
        2,
        "this line is indented by 1 space, which lines up with no field above it: indent it exactly as far as "
        "the fields it belongs beside (0 or 2 spaces)",
        "dra in den exakt lika långt som fälten den hör ihop med (0 eller 2 mellanslag)",
    ),
    (
        "unclosed double quote",
        "summary.sv",
        'name: Åre\nsummary:\n  sv: "Fjällen nära\n  en: Mountains\nseat: Järpen\n',
        3,
        7,
        'this quote (") is never closed: end the text with the same quote mark',
        'citattecknet (") här stängs aldrig: avsluta texten med samma citattecken',
    ),
    (
        "unclosed single quote",
        "name",
        "name: 'Åre\nseat: Järpen\n",
        1,
        7,
        "this quote (') is never closed: end the text with the same quote mark",
        "stängs aldrig",
    ),
    (
        "duplicated key",
        "name",
        "name: Åre\nseat: Järpen\nname: Duved\n",
        3,
        1,
        'the field "name" is given twice, first on line 1: keep one of them (each field may be given once)',
        'fältet "name" finns två gånger, första gången på rad 1: behåll bara det ena',
    ),
    (
        "duplicated nested key",
        "summary.sv",
        "summary:\n  sv: Ett\n  en: One\n  sv: Två\n",
        4,
        3,
        'the field "sv" is given twice, first on line 2',
        'fältet "sv" finns två gånger, första gången på rad 2',
    ),
    (
        "text after a closing quote",
        "name",
        'name: "Åre" kommun\n',
        1,
        13,
        "the text goes on after its closing quote: put all of the text inside the quotes",
        "sätt hela texten inom citattecknen",
    ),
    (
        "no space after a colon",
        "",
        "name:Åre\nseat: Järpen\n",
        1,
        6,
        "a colon without a space after it: write a space after the field's colon (name: value)",
        "skriv ett mellanslag efter fältets kolon",
    ),
    (
        "text starting with a reserved character",
        "name",
        "name: @are\n",
        1,
        7,
        'a text that starts with "@" must be in quotes, e.g. name: "@are"',
        'en text som börjar med "@" måste stå inom citattecken, till exempel name: "@are"',
    ),
    (
        "backslash inside double quotes",
        "name",
        'name: "C:\\mapp"\n',
        1,
        10,
        "a backslash (\\) inside double quotes starts a special character",
        "skriv \\\\ för ett snedstreck",
    ),
    (
        "unclosed brackets",
        "localities",
        "localities: [Åre, Duved\nseat: x\n",
        1,
        13,
        'the brackets opened here are not closed where expected: end them with "]" on the same line',
        'klamrarna som öppnas här stängs inte där de ska: avsluta med "]" på samma rad',
    ),
    (
        "colon inside brackets",
        "title",
        "title: {sv: Hej: du, en: Hi}\n",
        1,
        8,
        'end them with "}" on the same line, and put a text holding ", " or ": " in quotes',
        'sätt en text som innehåller ", " eller ": " inom citattecken',
    ),
    (
        "list item among fields",
        "",
        "summary:\n  sv: Text\n  - en: Text\n",
        3,
        3,
        'a list item ("- ") among fields: a field holds either fields (name: value) or a list of items, not both',
        "en listpost (”- ”) bland fält",
    ),
    (
        "field among list items",
        "",
        "coworking:\n  - name: A\n    locality: B\n  name: C\n",
        4,
        3,
        'a field among the items of a list: start it with "- " if it begins a new item',
        "ett fält bland posterna i en lista",
    ),
    (
        "a line that is not a field",
        "",
        "summary:\n  sv: Lång text\n  fortsätter här\n  en: Long text\n",
        3,
        3,
        "this line is not a field (name: value): if it goes on from the text above, put that whole text in quotes",
        "raden är inte ett fält (namn: värde)",
    ),
    (
        "anything else keeps the parser's words, after the plain ones",
        "",
        "a: |x\n  b\n",
        1,
        5,
        "this is not valid YAML: check the quotes, colons and indentation on this line and the one above "
        "(the parser says:",
        "det här är inte giltig YAML: kontrollera citattecken, kolon och indrag",
    ),
]


@pytest.mark.parametrize(
    ("field", "text", "line", "column", "english", "swedish"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_syntax_error_names_the_mistake_its_fix_and_where(field, text, line, column, english, swedish):
    with pytest.raises(yamlfile.YamlSyntaxError) as raised:
        yamlfile.parse(text)
    error = raised.value
    assert (error.line, error.column, error.field) == (line, column, field)
    assert english in error.message
    assert swedish in error.message_sv
    if "parser says" not in english:
        # The parser's own words name a rule of YAML, not the mistake: they are left out.
        for words in ("mapping values", "block end", "scanning", "duplicate key", "token"):
            assert words not in error.message + error.message_sv


def test_front_matter_lines_count_from_the_top_of_the_page(sample):
    page = sample / "pages" / "privacy.sv.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("title: ", "title: Integritet: så gör vi ", 1), encoding="utf-8")
    [error] = check(sample).errors
    assert error.line == 2 and error.column == 18
    assert error.message.startswith("a colon followed by a space inside a text")


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "seat: Kommun0000by: centrum\n",
            ":8:19: seat: a colon followed by a space inside a text: put the whole text in quotes, "
            'e.g. seat: "Kommun0000by: centrum"',
        ),
        (
            "seat: Kommun0000by\nseat: Annanby\n",
            ':9:1: seat: the field "seat" is given twice, first on line 8: keep one of them (each field may be given once)',
        ),
    ],
    ids=["colon", "duplicate key"],
)
def test_the_check_prints_file_line_and_column_first(sample, new, expected):
    path = sample / MUNI
    path.write_text(path.read_text(encoding="utf-8").replace("seat: Kommun0000by\n", new), encoding="utf-8")
    result = tasteget("check", "--content", "content", "--docs", str(ROOT / "docs"), cwd=sample.parent)
    assert result.returncode == 1
    assert f"content/{MUNI}{expected}" in result.stdout.splitlines(), result.stdout
    assert "mapping values" not in result.stdout and "duplicate key" not in result.stdout
