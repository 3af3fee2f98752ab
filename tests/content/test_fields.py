"""The field reference (`content/FIELDS.md`): every list and every field with fields of its own
shows a whole YAML example, and every example passes the check."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter

from tasteget.content import fields, yamlfile

FILES = [(path, model) for path, model, _ in fields.FILES]


def _shown(model) -> dict[tuple[str, ...], Any]:
    """Each example block the reference shows for `model`, as a reader copying it would get it."""
    out = {}
    for path, block in fields.examples(model):
        keys = tuple(path.split("."))
        data = yamlfile.parse(block).data
        for key in keys:
            data = data[key]
        out[keys] = data
    return out


def _has(data: Any, keys: tuple[str, ...]) -> bool:
    """Whether `data` (an example) gives the field at `keys`, in at least one item of each list."""
    if not keys:
        return True
    if isinstance(data, list):
        return any(_has(item, keys) for item in data)
    return isinstance(data, dict) and keys[0] in data and _has(data[keys[0]], keys[1:])


@pytest.mark.parametrize(("path", "model"), FILES, ids=[p for p, _ in FILES])
def test_every_list_and_object_field_has_a_whole_example(path, model):
    shown = _shown(model)
    lacking = []
    for keys, info in fields.walk(model):
        if not fields.wants_example(info):
            continue
        if not any(keys[:n] in shown and _has(shown[keys[:n]], keys[n:]) for n in range(len(keys), 0, -1)):
            lacking.append(".".join(keys))
    assert lacking == [], f"{path}: no example shows {', '.join(lacking)} (add Field(examples=...) in schema.py)"


@pytest.mark.parametrize(("path", "model"), FILES, ids=[p for p, _ in FILES])
def test_every_example_passes_the_check(path, model):
    infos = dict(fields.walk(model))
    for keys, data in _shown(model).items():
        info = infos[keys]
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        TypeAdapter(annotation).validate_python(data)


def test_a_list_example_is_a_block_of_items_not_a_line():
    [block] = [block for path, block in fields.examples(fields.Municipality) if path == "localities"]
    assert block.splitlines()[:2] == ["localities:", "  - Åre"]
