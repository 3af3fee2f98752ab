"""The blank lines and comments above a field, kept with it when what stood before it goes or something is added.

ruamel keeps what is above a field with the value before it, so it would go when that value is removed
and end up above a value added after it; these put it back above its own field, by the file's lines.
"""

from __future__ import annotations

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
