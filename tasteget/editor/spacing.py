"""The blank lines and comments above a field, kept with it when what stood before it goes or something is added.

ruamel keeps what is above a field with the value before it, so it would go when that value is removed
and end up above a value added after it; these put it back above its own field, by the file's lines.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from ..content import yamlfile


def _preamble_start(lines: list[str], line: int) -> int:
    """The first of the blank lines and top-level comments directly above `line` (0-based)."""
    while line > 0 and (not lines[line - 1].strip() or lines[line - 1].startswith("#")):
        line -= 1
    return line


def preambles(text: str, doc: CommentedMap) -> dict:
    """The blank lines and comments above each top-level field, the file's head above the first."""
    lines = text.splitlines(keepends=True)
    return {key: lines[_preamble_start(lines, doc.lc.key(key)[0]) : doc.lc.key(key)[0]] for key in doc}


def with_preambles(text: str, before: dict) -> str:
    """`text` with each top-level field's blank lines and comments above it as they were.

    ruamel keeps what is above a field with the field before it, so it would go when that field is
    removed and end up above a field added after it. A new section gets the blank line the file's
    sections have; the file's head stays at the top.
    """
    doc = yamlfile.writer().load(text)
    lines = text.splitlines(keepends=True)
    head = next(iter(before.values()), [])
    spaced = any("\n" in lines_above for lines_above in list(before.values())[1:])
    keys = list(doc)
    for index in range(len(keys) - 1, -1, -1):
        key, line = keys[index], doc.lc.key(keys[index])[0]
        if index == 0:
            wanted = head
        elif key in before and before[key] is not head:
            wanted = before[key]
        else:
            wanted = ["\n"] if spaced and isinstance(doc[key], dict | list) else []
        lines[_preamble_start(lines, line) : line] = wanted
    return "".join(lines)


def with_items_moved(text: str, path: tuple, old_text: str, starts: list[int], origin: list[int | None]) -> str:
    """`text` with the list at `path` having above each item what stood above it in `old_text`.

    `starts` are the items' lines in `old_text`, `origin` where each item now was among them (None:
    new). A new item gets the blank line the list's items have between them, the first none.
    """
    above = item_preambles(old_text, starts)
    gap = ["\n"] if len(above) > 1 and all(lines and not lines[0].strip() for lines in above[1:]) else []
    wanted = []
    for index, was in enumerate(origin):
        if was is None:
            wanted.append(gap if index else [])
        elif index == 0:
            wanted.append(_unspaced(above[was]))
        else:
            wanted.append(above[was] if was else gap + above[was])
    return with_item_preambles(text, path, wanted)


def item_preambles(text: str, starts: list[int]) -> list[list[str]]:
    """The blank lines and comments at each list item's own indent directly above it (`starts`: its lines)."""
    lines = text.splitlines(keepends=True)
    return [lines[_item_start(lines, line) : line] if _dash(lines[line]) else [] for line in starts]


def with_item_preambles(text: str, path: tuple, wanted: list[list[str] | None]) -> str:
    """`text` with the list at `path` having `wanted` above each item (None: as it is)."""
    node: Any = yamlfile.writer().load(text)
    for key in path:
        node = node[key]
    lines = text.splitlines(keepends=True)
    for index in range(len(node) - 1, -1, -1):
        line = node.lc.item(index)[0]
        if wanted[index] is not None and _dash(lines[line]):
            lines[_item_start(lines, line) : line] = wanted[index]
    return "".join(lines)


def _unspaced(lines: list[str]) -> list[str]:
    """`lines` without the blank lines they start with (nothing stands between a list's key and its first item)."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def _dash(line: str) -> bool:
    return line.lstrip().startswith("- ") or line.strip() == "-"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _item_start(lines: list[str], line: int) -> int:
    """The first of the blank lines and comments at the item's own indent directly above `line` (0-based).

    Deeper comments and text are the item before it's, as a block of text's lines that look like comments.
    """
    dash = _indent(lines[line])
    while line > 0 and (
        not lines[line - 1].strip() or (lines[line - 1].lstrip().startswith("#") and _indent(lines[line - 1]) == dash)
    ):
        line -= 1
    return line
