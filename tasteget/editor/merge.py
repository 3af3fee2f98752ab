"""Decap's values merged into a content file as it is written: comments, order and quoting kept.

Decap sends the whole file as it serialises it: no comments, its own key order and quoting. Only
what changed is written over the file's round-trip document (ruamel.yaml), so what a communicator
wrote and did not change stays as it was, byte for byte; a new value is written as `style` says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import json
import re
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..content import yamlfile
from ..content.errors import unwrap
from ..content.load import FRONT_MATTER
from . import spacing, style


def _indents(text: str) -> tuple[int, int]:
    """The file's mapping indent and how far its list dashes sit in from their key (2 and 2 in content)."""
    mapping, offset = 2, 2
    if found := re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)[^\s#-]", text, re.M):
        mapping = len(found.group(2)) - len(found.group(1))
    if found := re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, re.M):
        offset = len(found.group(2)) - len(found.group(1))
    return (mapping if mapping > 0 else 2), (offset if offset >= 0 else 2)


def _dump(node: Any, like: str = "") -> str:
    """`node` as YAML text indented as the file `like` is."""
    if node is None or node == {}:
        return ""
    out = io.StringIO()
    yamlfile.writer(*_indents(like)).dump(node, out)
    return out.getvalue()


def _merge(old: Any, new: Any, flow: bool, moved: list) -> Any:
    """`new` written over `old` in place where the two have the same shape, `old` itself if unchanged."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new, moved)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_list(old, new, moved)
        return old
    plain = yamlfile.plain(old)
    if type(plain) is type(new) and plain == new:
        return old
    if isinstance(new, str) and not isinstance(old, dict | list):
        return style.text(new, old, flow)
    return style.written(new, flow)


def _merge_map(old: CommentedMap, new: dict, moved: list) -> None:
    flow = bool(old.fa.flow_style())
    # A field Decap leaves out or blank is taken out, unless the file already had it blank.
    for key in [k for k in old if _dropped(old, new, k)]:
        del old[key]
    position = 0
    for key, value in new.items():
        if key in old:
            if not style.empty(value):
                merged = _merge(old[key], value, flow, moved)
                if merged is not old[key]:
                    _keep_comment_gap(old, key, merged)
                    old[key] = merged
            position = list(old).index(key) + 1
        elif not style.empty(value):
            # A new field goes after the field Decap put before it, not at the end of the file.
            old.insert(position, key, style.written(value, flow))
            position += 1


def _dropped(old: CommentedMap, new: dict, key: Any) -> bool:
    """Whether Decap left the field out, or blank where the file has something in it."""
    name = str(key)
    return name not in new or (style.empty(new[name]) and not style.empty(yamlfile.plain(old[key])))


def _keep_comment_gap(parent: CommentedMap, key: Any, value: Any) -> None:
    """Move a comment after a value (`seat: Järpen  # centralorten`) as far as the value grows."""
    token = (parent.ca.items.get(key) or [None] * 3)[2]
    before = parent[key]
    if token is not None and isinstance(value, str) and isinstance(before, str) and "\n" not in value:
        token.start_mark.column = max(token.start_mark.column + len(value) - len(before), 0)


def _merge_list(old: CommentedSeq, new: list, moved: list) -> None:
    """Match unchanged items first, so an item added or removed leaves its neighbours' comments alone.

    A list whose items were added or removed goes into `moved` with its items' lines in the file and
    where each item now was in it (None: new), so that the comments above them can follow them.
    """
    flow = bool(old.fa.flow_style())
    starts = [old.lc.item(index)[0] for index in range(len(old))]
    origin: list[int | None] = list(range(len(old)))
    keys = [json.dumps(yamlfile.plain(v), sort_keys=True, default=str) for v in old]
    wanted = [json.dumps(v, sort_keys=True, default=str) for v in new]
    for tag, i1, i2, j1, j2 in reversed(difflib.SequenceMatcher(None, keys, wanted, autojunk=False).get_opcodes()):
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            merged = _merge(old[i1 + k], new[j1 + k], flow, moved)
            if merged is not old[i1 + k]:
                old[i1 + k] = merged
        for i in range(i2 - 1, i1 + paired - 1, -1):
            del old[i]
            del origin[i]
        for k, j in enumerate(range(j1 + paired, j2)):
            old.insert(i1 + paired + k, style.written(new[j], flow))
            origin.insert(i1 + paired + k, None)
    if not flow and origin != list(range(len(starts))):
        moved.append((old, starts, origin))


def merge_yaml(old_text: str | None, raw: str) -> str:
    """Decap's YAML for a file, merged into the file's text as written; raises YamlSyntaxError."""
    new = yamlfile.parse(raw).data
    doc = None
    if old_text is not None:
        with contextlib.suppress(YAMLError):
            doc = yamlfile.writer().load(old_text)
    if isinstance(doc, CommentedMap) and isinstance(new, dict):
        before = spacing.preambles(old_text, doc)
        moved: list = []
        _merge_map(doc, new, moved)
        text = _dump(doc, old_text)
        spaced = text
        for items, starts, origin in moved:
            if (path := _path_to(doc, items)) is not None:
                spaced = spacing.with_items_moved(spaced, path, old_text, starts, origin)
        spaced = spacing.with_preambles(spaced, before)
        # Only blank lines and comments move; should a text's own lines ever be taken for them, keep ruamel's.
        return spaced if _data(spaced) == _data(text) else text
    return _dump(style.written(new), old_text or "")


def _path_to(node: Any, target: Any, path: tuple = ()) -> tuple | None:
    """The keys and indexes that lead from `node` to `target` itself, None if it is not in there."""
    if node is target:
        return path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        if (found := _path_to(value, target, (*path, key))) is not None:
            return found
    return None


def _data(text: str) -> Any:
    return yamlfile.plain(yamlfile.writer().load(text))


RAW_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.M)


def merge_markdown(old_text: str | None, raw: str) -> str:
    """A Markdown page from Decap: front matter merged as YAML, the body as Decap sends it."""
    found = RAW_FRONT_MATTER.match(raw)
    front, body = (found.group(1), raw[found.end() :]) if found else ("", raw)
    old_found = FRONT_MATTER.match(old_text or "")
    old_front, old_body = (old_found.group(1), old_text[old_found.end() :]) if old_found else (None, old_text or "")
    if body.strip("\n") == old_body.strip("\n"):
        body = old_body  # Decap trims the blank line after the front matter and the last newline
    elif body.strip("\n"):
        lead = old_body[: len(old_body) - len(old_body.lstrip("\n"))] if old_found else ""
        body = lead + body.strip("\n") + "\n"
    if not front.strip() and old_found is None:
        return body
    try:
        merged = merge_yaml(old_front, front)
    except yamlfile.YamlSyntaxError as exc:
        raise yamlfile.YamlSyntaxError(exc.line + 1, exc.message) from None
    return f"---\n{merged}---\n{body}"


def merged_text(old_text: str | None, raw: str, suffix: str) -> str:
    """The file's new text (None: a new file) from Decap's `raw`, by the file's kind (.md or YAML)."""
    return merge_markdown(old_text, raw) if suffix == ".md" else merge_yaml(old_text, raw)


def dates_as_saved(raw: str, model: type | None) -> str:
    """What the editor's preview sends for a check (the entry as JSON, where a date is a string in
    quotes), with its dates as Decap writes them when it saves (`2027-03-11`, a date to YAML), so
    that the check does not refuse every date; any other text is returned as it is."""
    front = FRONT_MATTER.match(raw)
    head, body = (front.group(1), raw[front.end() :]) if front else (raw, None)
    try:
        data = json.loads(head)
    except ValueError:
        return raw
    if not isinstance(data, dict) or model is None:
        return raw
    out = io.StringIO()
    yamlfile.writer().dump(_dated(data, model), out)
    return out.getvalue() if body is None else f"---\n{out.getvalue()}---\n{body}"


def _dated(value: Any, annotation: Any) -> Any:
    """`value` with each string where `annotation` wants a date made a date (lists and models walked)."""
    target = unwrap(annotation)
    if isinstance(value, list):
        return [_dated(item, annotation) for item in value]  # `unwrap` gives a list's item type
    if isinstance(value, dict) and isinstance(target, type) and issubclass(target, BaseModel):
        fields = target.model_fields
        return {key: _dated(item, fields[key].annotation) if key in fields else item for key, item in value.items()}
    if target is dt.date and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    return value
