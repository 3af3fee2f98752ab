"""The field reference for communicators, generated from the schema the check uses."""

from __future__ import annotations

import datetime as dt
import enum
import io
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from . import yamlfile
from .errors import unwrap
from .schema import (
    MESSAGE_EXAMPLE,
    PLACEHOLDERS,
    Email,
    Event,
    Localized,
    Message,
    Municipality,
    Page,
    Region,
    Story,
    Url,
)

FILES: list[tuple[str, type[BaseModel], str]] = [
    ("content/region.yml", Region, "Region-wide settings: one file."),
    (
        "content/municipalities/<slug>.yml",
        Municipality,
        "One file per municipality. The file name is the slug in the page's address "
        "(`are.yml` → `/kommuner/are/`). Optional long body text: `<slug>.md` (Swedish) and "
        "`<slug>.en.md` (English), plain Markdown starting at `##` headings.",
    ),
    ("content/stories/<slug>.yml", Story, "One file per story of a newcomer or an ambassador."),
    (
        "content/messages/<slug>.yml",
        Message,
        "One file per message a guide can start from when writing to a household from its page in the "
        'back office (first contact, a visit invitation, "has it settled?"). The guide picks one, edits '
        "the subject and text, and sends it in the household's language, so both languages are required. "
        "Words in braces are filled in when the guide picks the message: "
        + "; ".join(f"`{{{name}}}` {about}" for name, about in PLACEHOLDERS.items())
        + ". No other placeholder exists: a name or anything else someone typed is never filled in.",
    ),
    (
        "content/events/<slug>.yml",
        Event,
        "One file per event: an information evening, a try-out weekend, a job fair or a newcomers' meetup. "
        "The file name is the slug in the event's address (`/evenemang/<slug>/`). Past events stay as an "
        "archive: leave their files in place.",
    ),
    (
        "content/pages/<name>.<lang>.md",
        Page,
        "The privacy notice (`privacy.sv.md`, `privacy.en.md`) and the accessibility statement "
        "(`accessibility.sv.md`, `accessibility.en.md`): front matter between `---` lines, then Markdown.",
    ),
]

LOCALIZED_EXAMPLE = {
    "summary": {
        "sv": "Åre är en fjällkommun med jobb året runt.",
        "en": "Åre is a mountain municipality with jobs all year round.",
    }
}
# Files shown with a whole example, after their fields.
WHOLE_FILES = {"content/messages/<slug>.yml": MESSAGE_EXAMPLE}


def type_name(annotation: Any) -> str:
    if annotation is Email:
        return "e-mail address"
    if annotation is Url:
        return "web address (https://…)"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type):
        if issubclass(annotation, Localized):
            return "text per language (`sv`, `en`)"
        if issubclass(annotation, BaseModel):
            return "fields below"
        if issubclass(annotation, enum.Enum):
            return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
        names = {str: "text", int: "whole number", bool: "true or false", dt.date: "date (YYYY-MM-DD)"}
        if annotation in names:
            return names[annotation]
    return str(annotation)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(_is_list(a) for a in typing.get_args(annotation))


def _structured(example: Any) -> bool:
    """An example of fields or of a list is shown as a YAML block, not in the table: a list's lines
    starting with "- " are what a first guess gets wrong."""
    return isinstance(example, dict | list)


def _is_model(annotation: Any) -> bool:
    nested = unwrap(annotation)
    return isinstance(nested, type) and issubclass(nested, BaseModel) and not issubclass(nested, Localized)


def wants_example(info: FieldInfo) -> bool:
    """Whether the reference must show the field as a YAML block: a list, or fields of its own (texts
    per language are shown once, at the top)."""
    return _is_list(info.annotation) or _is_model(info.annotation)


def walk(model: type[BaseModel], keys: tuple[str, ...] = ()):
    """(keys, field info) for every field of `model` and of the models inside it, depth first."""
    for name, info in model.model_fields.items():
        yield (*keys, name), info
        if _is_model(info.annotation):
            yield from walk(unwrap(info.annotation), (*keys, name))


def _quoted(value: Any) -> Any:
    """The example's data with text that YAML would read as a number in double quotes, as content writes it."""
    if isinstance(value, dict):
        return {k: _quoted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_quoted(v) for v in value]
    if isinstance(value, str) and value.replace(".", "").replace("-", "").replace(" ", "").isdigit():
        return DoubleQuotedScalarString(value)
    return value


def _literal(value: Any) -> Any:
    """The example's data with text of several lines as a block (`|`), as content writes it."""
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def example_block(keys: list[str], example: Any) -> str:
    """The example as a YAML block nested under its field's keys, e.g. `work:` then `in_demand:`."""
    data: Any = _quoted(example)
    for key in reversed(keys):
        data = {key: data}
    out = io.StringIO()
    yamlfile.writer().dump(data, out)
    return out.getvalue()


def examples(model: type[BaseModel], keys: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(field path, YAML block) for every field whose example is structured, depth first."""
    out = []
    for name, info in model.model_fields.items():
        example = info.examples[0] if info.examples else None
        if _structured(example):
            out.append((".".join((*keys, name)), example_block([*keys, name], example)))
        nested = unwrap(info.annotation)
        if (
            isinstance(nested, type)
            and issubclass(nested, BaseModel)
            and not issubclass(nested, Localized)
            and not _is_list(info.annotation)
        ):
            out.extend(examples(nested, (*keys, name)))
    return out


def rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str, str]]:
    out = []
    for name, info in model.model_fields.items():
        path = prefix + name
        required = "yes" if info.default is PydanticUndefined and info.default_factory is None else "no"
        example = info.examples[0] if info.examples else ""
        if _structured(example):
            example = "see the example below"
        elif isinstance(example, list):
            example = "[" + ", ".join(map(str, example)) + "]"
        example = f"`{example}`" if example not in ("", "see the example below") else example
        out.append((f"`{path}`", type_name(info.annotation), required, info.description or "", example))
        nested = unwrap(info.annotation)
        if isinstance(nested, type) and issubclass(nested, BaseModel) and not issubclass(nested, Localized):
            out.extend(rows(nested, f"{path}[]." if _is_list(info.annotation) else f"{path}."))
    return out


def markdown() -> str:
    lines = [
        "# Content field reference",
        "",
        "<!-- Generated by `tasteget reference --output content/FIELDS.md` from tasteget/content/schema.py;"
        " do not edit by hand. -->",
        "",
        "Every content file, its fields and what `tasteget check` expects. Texts per language are written",
        "as `sv:` and `en:` under the field; a missing `en` shows the Swedish text with a note. Put phone",
        "numbers and anything that looks like a number in quotes, and a text with a colon and a space",
        "(`: `) in it too. Every list and every field with fields of its own has a whole example below",
        "its table. A text per language, e.g. a municipality's `summary`:",
        "",
        "```yaml",
        example_block([], LOCALIZED_EXAMPLE).rstrip("\n"),
        "```",
        "",
    ]
    for path, model, about in FILES:
        lines += [
            f"## `{path}`",
            "",
            about,
            "",
            "| field | type | required | what it is | example |",
            "|---|---|---|---|---|",
        ]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows(model)]
        lines.append("")
        for field, block in examples(model):
            lines += [f"Example of `{field}`:", "", "```yaml", block.rstrip("\n"), "```", ""]
        if path in WHOLE_FILES:
            block = example_block([], _literal(WHOLE_FILES[path]))
            lines += ["A whole file, e.g. `first-contact.yml`:", "", "```yaml", block.rstrip("\n"), "```", ""]
    return "\n".join(lines)
