"""Read a YAML file as YAML 1.2 into plain Python data, remembering the line of every value.

YAML 1.2 (ruamel.yaml) keeps `no`, `yes`, `on` and `12:30` as text, where YAML 1.1 (PyYAML)
turns them into booleans and numbers. The line map lets every error name its line. Content is
plain data, so anchors, aliases and tags are refused before anything is built from the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import ScalarNode

from . import syntax

Loc = tuple[str | int, ...]

# Content nests four levels at most; far deeper input would exhaust the loader's recursion.
MAX_DEPTH = 20
# int() refuses more than 4300 digits with a traceback; no figure in content comes close to this.
MAX_NUMBER = 100
CORE_TAG = "tag:yaml.org,2002:"


class YamlSyntaxError(Exception):
    """A file that is not valid YAML: the 1-based line (and column, 0 when not known), the field when
    the line shows it, and what to do, in English and Swedish."""

    def __init__(self, line: int, message: str, message_sv: str = "", column: int = 0, field: str = ""):
        super().__init__(message)
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.message_sv = message_sv


@dataclass
class Document:
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    line_offset: int = 0

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest part of `loc` that exists in the file (1-based)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]] + self.line_offset
        return 1 + self.line_offset


def parse(text: str, line_offset: int = 0) -> Document:
    """Parse YAML text; raise YamlSyntaxError with a line number on bad syntax."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        _screen(yaml, text, line_offset)
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        said = syntax.explain(exc, text)
        raise YamlSyntaxError(said.line + line_offset, said.en, said.sv, said.column, said.field) from None
    doc = Document(data=None, line_offset=line_offset)
    doc.data = _plain(raw, (), doc.lines, 1)
    return doc


def _screen(yaml: YAML, text: str, line_offset: int) -> None:
    """Refuse, from the event stream and before building anything, what plain content never needs.

    Nested aliases expand exponentially (a few lines become gigabytes: "billion laughs"), and
    tags name constructors; reading events costs only the length of the text.
    """
    depth = 0
    for event in yaml.parse(text):
        line = event.start_mark.line + 1 + line_offset
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise YamlSyntaxError(
                line,
                "anchors and aliases (&, *) are not allowed: write the value out in full",
                "ankare och alias (&, *) är inte tillåtna: skriv ut hela värdet",
            )
        tag = getattr(event, "tag", None)
        if tag:
            shown = "!!" + tag.removeprefix(CORE_TAG) if tag.startswith(CORE_TAG) else tag
            raise YamlSyntaxError(
                line,
                f'tag "{shown}" is not allowed: write the value plainly (text in quotes)',
                f'taggen "{shown}" är inte tillåten: skriv värdet som det är (text inom citattecken)',
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(
                    line,
                    f"nested more than {MAX_DEPTH} levels deep: content needs only a few",
                    f"mer än {MAX_DEPTH} nivåer djupt: innehållet behöver bara några få",
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, ScalarEvent) and event.value == "<<" and event.style is None:
            # A plain << is YAML's merge key, which copies another mapping in (its keys have no line).
            raise YamlSyntaxError(
                line,
                'the merge key "<<" is not allowed: write each field out in full ("<<" in quotes if it is text)',
                'sammanslagningsnyckeln "<<" är inte tillåten: skriv ut varje fält ("<<" inom citattecken om det '
                "är text)",
            )
        elif (
            isinstance(event, ScalarEvent)
            and len(event.value) > MAX_NUMBER
            and yaml.resolver.resolve(ScalarNode, event.value, event.implicit) == CORE_TAG + "int"
        ):
            raise YamlSyntaxError(
                line,
                f"a number of more than {MAX_NUMBER} characters: put it in quotes if it is text",
                f"ett tal med mer än {MAX_NUMBER} tecken: sätt det inom citattecken om det är text",
            )


def load(path: Path) -> Document:
    return parse(path.read_text(encoding="utf-8"))


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], line: int) -> Any:
    lines[loc] = line
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            key_line = node.lc.key(key)[0] + 1
            out[str(key)] = _plain(value, (*loc, str(key)), lines, key_line)
        return out
    if isinstance(node, CommentedSeq):
        return [_plain(value, (*loc, i), lines, node.lc.item(i)[0] + 1) for i, value in enumerate(node)]
    # ruamel returns subclasses (ScalarBoolean is an int, ScalarFloat...); hand on plain types.
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def writer(mapping: int = 2, offset: int = 2) -> YAML:
    """YAML 1.2 round trip that writes as content is written: unicode as is, one line per value."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


def plain(node: Any) -> Any:
    """A round-trip node (ruamel's CommentedMap, ScalarBoolean...) as the plain data `parse` gives."""
    return _plain(node, (), {}, 1)
