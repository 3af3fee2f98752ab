"""YAML syntax errors in plain language, with the likely fix, in English and Swedish.

The parser's own words ("mapping values are not allowed here") name a rule of YAML, not what the
writer did; these messages name the mistake a person most likely made on that line (a colon inside
a sentence, a tab, an indent that lines up with nothing, an unclosed quote, a key given twice) and
how to fix it. Pure functions over the parser's error and the file's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

# `key: value` at the start of a line, optionally as a list item (`- key: value`).
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s#'\"\-][^:#]*?):(?:\s+(?P<value>.*?))?\s*$")
_NO_SPACE = re.compile(r"^\s*(?:-\s+)*[^\s#'\"][^:\s#]*:[^\s/]")  # `name:Åre` (not `https://`)
_DUPLICATE = re.compile(r'found duplicate key "(?P<key>.*?)"')
_BAD_START = re.compile(r"found character '(?P<char>.+?)' that cannot start any token")


@dataclass(frozen=True)
class Explained:
    """One syntax error: where (1-based line and column) and what to do, in each language."""

    line: int
    column: int
    en: str
    sv: str
    field: str = ""


def explain(exc: MarkedYAMLError, text: str) -> Explained:
    """The likely mistake behind the parser's error, its fix, and the field of its line where the
    line's indentation can be trusted (not for a tab or an indent that lines up with nothing)."""
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    problem = exc.problem or exc.context or ""
    here = lines[line] if line < len(lines) else ""

    if "duplicate key" in problem and (found := _DUPLICATE.search(problem)):
        key = found["key"]
        first = _first_key_line(lines, exc.context_mark.line if exc.context_mark else 0, line, column, key)
        at_en = f", first on line {first + 1}" if first is not None else ""
        at_sv = f", första gången på rad {first + 1}" if first is not None else ""
        return Explained(
            line + 1,
            column + 1,
            f'the field "{key}" is given twice{at_en}: keep one of them (each field may be given once)',
            f'fältet "{key}" finns två gånger{at_sv}: behåll bara det ena (varje fält får finnas en gång)',
            field_at(text, line + 1),
        )
    if "\\t" in problem or "\t" in _indent_of(here):
        tab = here.find("\t")
        return Explained(
            line + 1,
            (tab if tab >= 0 else column) + 1,
            "a tab is used for indenting: YAML indents with spaces only, so replace the tab with spaces",
            "här dras raden in med tabb: YAML drar bara in med mellanslag, så byt tabben mot mellanslag",
        )
    if "quoted scalar" in (exc.context or "") and exc.context_mark is not None:
        opened = exc.context_mark
        quote = lines[opened.line][opened.column] if opened.column < len(lines[opened.line]) else '"'
        if "end of stream" in problem or "document separator" in problem:
            return Explained(
                opened.line + 1,
                opened.column + 1,
                f"this quote ({quote}) is never closed: end the text with the same quote mark",
                f"citattecknet ({quote}) här stängs aldrig: avsluta texten med samma citattecken",
                field_at(text, opened.line + 1),
            )
        if "escape" in problem:
            backslash = here.rfind("\\", 0, column + 1)
            return Explained(
                line + 1,
                (backslash if backslash >= 0 else column) + 1,
                "a backslash (\\) inside double quotes starts a special character: write \\\\ for a "
                "backslash, or put the text in single quotes ('…') instead",
                "ett omvänt snedstreck (\\) inom dubbla citattecken inleder ett specialtecken: skriv \\\\ "
                "för ett snedstreck, eller sätt texten inom enkla citattecken ('…') i stället",
                field_at(text, line + 1),
            )
    if problem == "mapping values are not allowed here":
        match = _KEY_LINE.match(here)
        if match and match["value"] and column > len(match["lead"]) + len(match["key"]):
            example = f"{match['key']}: {_quoted(match['value'])}"
            return Explained(
                line + 1,
                column + 1,
                f"a colon followed by a space inside a text: put the whole text in quotes, e.g. {example}",
                f"ett kolon följt av mellanslag inne i en text: sätt hela texten inom citattecken, "
                f"till exempel {example}",
                field_at(text, line + 1),
            )
        above = _line_above(lines, line)
        if above is not None and _NO_SPACE.match(lines[above]):
            return Explained(
                above + 1,
                lines[above].index(":") + 2,
                "a colon without a space after it: write a space after the field's colon (name: value)",
                "ett kolon utan mellanslag efter: skriv ett mellanslag efter fältets kolon (namn: värde)",
            )
        if above is not None and len(_indent_of(here)) > _key_column(lines[above]):
            return _indented_under_value(line, here, lines[above])
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        start = exc.context_mark
        return Explained(
            start.line + 1,
            start.column + 1,
            "this line is not a field (name: value): if it goes on from the text above, put that whole "
            'text in quotes or write it after "|" on lines of its own, indented further',
            "raden är inte ett fält (namn: värde): om den fortsätter texten ovanför, sätt hela texten inom "
            "citattecken eller skriv den efter ”|” på egna rader, längre indragna",
        )
    if "while parsing a flow" in (exc.context or "") and exc.context_mark is not None:
        opened = exc.context_mark
        end = "]" if "sequence" in exc.context else "}"
        return Explained(
            opened.line + 1,
            opened.column + 1,
            f'the brackets opened here are not closed where expected: end them with "{end}" on the same '
            'line, and put a text holding ", " or ": " in quotes',
            f'klamrarna som öppnas här stängs inte där de ska: avsluta med "{end}" på samma rad, och sätt '
            'en text som innehåller ", " eller ": " inom citattecken',
            field_at(text, opened.line + 1),
        )
    if "expected <block end>" in problem and "'-'" in problem:
        return Explained(
            line + 1,
            column + 1,
            'a list item ("- ") among fields: a field holds either fields (name: value) or a list of items, '
            "not both; check how far this line is indented",
            "en listpost (”- ”) bland fält: ett fält innehåller antingen fält (namn: värde) eller en lista, "
            "inte båda; kontrollera hur långt raden är indragen",
        )
    if "expected <block end>" in problem and "'?'" in problem:
        return Explained(
            line + 1,
            column + 1,
            'a field among the items of a list: start it with "- " if it begins a new item, or indent it '
            "as far as the fields of the item above",
            "ett fält bland posterna i en lista: börja raden med ”- ” om den inleder en ny post, eller dra "
            "in den lika långt som fälten i posten ovanför",
        )
    if "expected <block end>" in problem:
        if "<scalar>" in problem and _closed_quote_before(here, column):
            return Explained(
                line + 1,
                column + 1,
                "the text goes on after its closing quote: put all of the text inside the quotes",
                "texten fortsätter efter det avslutande citattecknet: sätt hela texten inom citattecknen",
                field_at(text, line + 1),
            )
        return _misaligned(lines, line) or _unknown(line, column, problem)
    if found := _BAD_START.search(problem):
        char = found["char"]
        match = _KEY_LINE.match(here)
        example = f"{match['key']}: {_quoted(match['value'])}" if match and match["value"] else ""
        return Explained(
            line + 1,
            column + 1,
            f'a text that starts with "{char}" must be in quotes' + (f", e.g. {example}" if example else ""),
            f'en text som börjar med "{char}" måste stå inom citattecken'
            + (f", till exempel {example}" if example else ""),
            field_at(text, line + 1),
        )
    return _unknown(line, column, problem)


def _unknown(line: int, column: int, problem: str) -> Explained:
    """A mistake not recognised: where to look, then the parser's own words."""
    return Explained(
        line + 1,
        column + 1,
        f"this is not valid YAML: check the quotes, colons and indentation on this line and the one "
        f"above (the parser says: {problem})",
        f"det här är inte giltig YAML: kontrollera citattecken, kolon och indrag på den här raden och "
        f"raden ovanför (tolkens egna ord: {problem})",
    )


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _key_column(line: str) -> int:
    """Where the line's field name starts (after any `- `)."""
    match = _KEY_LINE.match(line)
    return len(match["lead"]) if match else len(_indent_of(line))


def _line_above(lines: list[str], line: int) -> int | None:
    """The nearest line above that holds something (not blank, not only a comment)."""
    for i in range(line - 1, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return i
    return None


def _quoted(value: str) -> str:
    """The value as YAML text in quotes: double, or single when it holds a double quote."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _closed_quote_before(line: str, column: int) -> bool:
    match = _KEY_LINE.match(line)
    value = (match["value"] or "") if match else ""
    return bool(value) and value[0] in "\"'" and value[0] in line[:column].rstrip()[-1:]


def _indented_under_value(line: int, here: str, above: str) -> Explained:
    indent, beside = len(_indent_of(here)), _key_column(above)
    match = _KEY_LINE.match(above)
    key = match["key"] if match else above.strip()
    return Explained(
        line + 1,
        indent + 1,
        f'this line is indented by {indent} spaces, more than "{key}" on the line above, which already '
        f'has its value: line it up with "{key}" ({beside} spaces in)',
        f'raden är indragen {indent} mellanslag, mer än "{key}" på raden ovanför, som redan har sitt '
        f'värde: ställ den rakt under "{key}" ({beside} mellanslag in)',
    )


def _misaligned(lines: list[str], line: int) -> Explained | None:
    """A line whose indentation lines up with no field above it: name the indents that would (None
    when it does line up with one)."""
    here = lines[line] if line < len(lines) else ""
    indent = len(_indent_of(here))
    levels: list[int] = []
    for i in range(line - 1, -1, -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        column = _key_column(text)
        if not levels or column < levels[-1]:
            levels.append(column)
        if column == 0:
            break
    if indent in levels:
        return None
    choices = " or ".join(str(n) for n in sorted(set(levels)))
    choices_sv = " eller ".join(str(n) for n in sorted(set(levels)))
    spaces = "space" if indent == 1 else "spaces"
    return Explained(
        line + 1,
        indent + 1,
        f"this line is indented by {indent} {spaces}, which lines up with no field above it: indent it "
        f"exactly as far as the fields it belongs beside ({choices} spaces)",
        f"raden är indragen {indent} mellanslag, vilket inte stämmer med något fält ovanför: dra in den "
        f"exakt lika långt som fälten den hör ihop med ({choices_sv} mellanslag)",
    )


def _first_key_line(lines: list[str], start: int, line: int, column: int, key: str) -> int | None:
    """The line where a mapping first gives `key`, searching from the mapping's start."""
    for i in range(start, line):
        text = lines[i]
        rest = text[column:] if len(text) > column else ""
        if rest.startswith(f"{key}:") or rest.startswith(f'"{key}":') or rest.startswith(f"'{key}':"):
            return i
    return None


def field_at(text: str, line: int) -> str:
    """The field that a (1-based) line gives, named as the check names it (`guides[0].title.sv`),
    read from the indentation of the lines above; "" when the line gives no field."""
    lines = text.split("\n")
    index = line - 1
    match = _KEY_LINE.match(lines[index]) if 0 <= index < len(lines) else None
    if match is None:
        return ""
    parts, lead = [match["key"].strip()], match["lead"]
    while True:
        if "-" in lead:
            # The field starts a list item: its number, then the field that holds the list.
            count, index = _item_number(lines, index, lead.rindex("-"))
            parts.insert(0, f"[{count}]")
        else:
            index = _holder(lines, index, len(lead))
        if index < 0:
            break
        match = _KEY_LINE.match(lines[index])
        if match is None:
            return ""
        if "-" in match["lead"] and len(match["lead"]) == len(lead) and "-" not in lead:
            lead = match["lead"]  # the first field of the same list item: go on from its line
            continue
        parts.insert(0, match["key"].strip())
        lead = match["lead"]
    return "".join(part if part.startswith("[") else f".{part}" for part in parts).lstrip(".")


def _content_lines_above(lines: list[str], index: int):
    for above in range(index - 1, -1, -1):
        if lines[above].strip() and not lines[above].lstrip().startswith("#"):
            yield above


def _holder(lines: list[str], index: int, column: int) -> int:
    """The line of the field holding the one at `column` (or of its list item's first field), or -1."""
    for above in _content_lines_above(lines, index):
        match = _KEY_LINE.match(lines[above])
        key_column = _key_column(lines[above])
        if key_column < column or (key_column == column and match and "-" in match["lead"]):
            return above
    return -1


def _item_number(lines: list[str], index: int, dash: int) -> tuple[int, int]:
    """How many list items come before the one starting at `index`, and the line holding the list."""
    count = 0
    for above in _content_lines_above(lines, index):
        text = lines[above]
        indent = len(_indent_of(text))
        starts_item = text.lstrip().startswith("-")
        if indent < dash or (indent == dash and not starts_item):
            return count, above
        if indent == dash and starts_item:
            count += 1
    return count, -1
