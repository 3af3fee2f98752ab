"""How a value the file did not have is written: as content's files write it, so a save reads like the rest.

Text YAML would read as something else keeps its quotes, text of several lines is a block (`|`), a
folded text (`>-`) stays folded, and a short list of words goes on one line (`roads: [E14, E45]`).
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

FLOW_WIDTH = 60  # a new list of words longer than this gets a line per item
FOLD_WIDTH = 96  # a folded text (>-) is rewrapped at about the width communicators' files use


def empty(value: Any) -> bool:
    """What Decap sends for a field left blank; the file leaves such a field out, as a person would."""
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    if isinstance(value, list):
        return all(empty(v) for v in value)
    return value is None or value == ""


def _plain_allowed(text: str, flow: bool) -> bool:
    """Whether YAML 1.2 reads `text` back as this very text when written without quotes here."""
    tag = YAML(typ="rt").resolver.resolve(ScalarNode, text, (True, False))
    if tag != "tag:yaml.org,2002:str":
        return False
    analysis = Emitter(io.StringIO(), allow_unicode=True).analyze_scalar(text)
    return analysis.allow_flow_plain if flow else analysis.allow_block_plain


def _folded(text: str) -> FoldedScalarString:
    """`text` as a folded block (>-) wrapped at single spaces, as communicators' files are."""
    positions, start = [], 0
    while len(text) - start > FOLD_WIDTH:
        cut = text.rfind(" ", start, start + FOLD_WIDTH + 1)
        while cut > start and (text[cut - 1] == " " or text[cut + 1 : cut + 2] == " "):
            cut = text.rfind(" ", start, cut)
        if cut <= start:
            break
        positions.append(cut)
        start = cut + 1
    out = FoldedScalarString(text)
    out.fold_pos = positions
    return out


def text(new: str, old: Any, flow: bool) -> Any:
    """The new text, written in the style the old value had where that still fits."""
    if "\n" in new.rstrip("\n"):
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString) and new == new.strip() and "  " not in new and not flow:
        return _folded(new)
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(new)
    # Text YAML would read as something else ("2221" as a number) keeps its quotes, as content writes it.
    return new if _plain_allowed(new, flow) else DoubleQuotedScalarString(new)


def written(value: Any, flow: bool = False) -> Any:
    """A new value as a round-trip node, blank fields left out."""
    if isinstance(value, dict):
        node = CommentedMap((k, written(v, flow)) for k, v in value.items() if not empty(v))
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        # A short list of words is written on one line, as content writes `roads: [E14, E45]`.
        short = all(isinstance(v, str | int | float) and "\n" not in str(v) for v in value)
        flow = flow or (short and len(", ".join(map(str, value))) <= FLOW_WIDTH)
        node = CommentedSeq(written(v, flow) for v in value)
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, str):
        return text(value, None, flow)
    return value
