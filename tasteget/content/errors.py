"""Turn validation failures into one readable line each: file, line, field and what is expected."""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from . import swedish
from .yamlfile import Document, Loc


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a content file: where (`column` 0 when only the line is known) and what is
    expected, in English (`message`, the command line's) and Swedish (`message_sv`, when translated;
    `swedish.in_swedish` shows it)."""

    path: str
    line: int
    field: str
    message: str
    column: int = 0
    message_sv: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}:" if self.column else f"{self.path}:{self.line}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


def field_path(loc: Loc) -> str:
    """`("coworking", 1, "desks")` -> `coworking[1].desks`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# How a message names a value that is no text or number, per language: nothing, a mapping, a list.
KINDS = {"en": ("nothing", "a mapping of fields", "a list"), "sv": ("ingenting", "fält (namn: värde)", "en lista")}


def show(value: Any, lang: str = "en") -> str:
    """A value from the file as a message names it (true/false as YAML writes them, text in quotes)."""
    nothing, mapping, items = KINDS[lang]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return nothing
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return mapping
    if isinstance(value, list):
        return items
    return str(value)


def unwrap(annotation: Any) -> Any:
    """The model or scalar type behind Optional[...], list[...] and Annotated[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that the value at `loc` is validated against, if it is a model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def explain(model: type[BaseModel], error: dict) -> tuple[str, dict[str, Any]]:
    """What went wrong, as a message key and its values, for any language's wording (`ENGLISH`)."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    loc = error["loc"]
    if kind == "missing":
        return "missing", {}
    if kind == "extra_forbidden":
        allowed = list(model_at(model, loc[:-1]).model_fields) if model_at(model, loc[:-1]) else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            return "did_you_mean", {"name": close[0]}
        return "unknown_field", {"allowed": ", ".join(allowed)}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "whole_number", {"value": value}
    if kind == "bool_type":
        return "true_false", {"value": value}
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return "text_not_number", {"value": value}
        return "text", {"value": value}
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return "date", {"value": value}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        target = model_at(model, loc)
        if target is not None and set(target.model_fields) == {"sv", "en"}:
            return "per_language", {"value": value}
        return "mapping", {"value": value}
    if kind == "list_type":
        return "list", {"value": value}
    if kind in ("enum", "literal_error"):
        return "one_of", {"expected": ctx.get("expected", ""), "value": value}
    if kind == "too_short":
        return "too_short", {"min": ctx.get("min_length")}
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return kind, {"limit": next(iter(ctx.values())), "value": value}
    if kind == "value_error":
        reason = ctx.get("error", error["msg"])
        return "value_error", {"en": str(reason), "sv": getattr(reason, "sv", "")}
    return "other", {"msg": error["msg"]}


ENGLISH = {
    "missing": "required field is missing",
    "did_you_mean": 'unknown field; did you mean "{name}"?',
    "unknown_field": "unknown field (expected one of: {allowed})",
    "whole_number": "expected a whole number, got {value}",
    "true_false": "expected true or false, got {value}",
    "text_not_number": "expected text, got the number {value}: put it in quotes to keep it as written",
    "text": "expected text, got {value}",
    "date": "expected a date as YYYY-MM-DD, got {value}",
    "per_language": "expected a text per language (sv: …, en: …), got {value}",
    "mapping": "expected a mapping of fields, got {value}",
    "list": "expected a list (lines starting with “- ”), got {value}",
    "one_of": "expected one of {expected}, got {value}",
    "too_short": "expected at least {min} item(s), got none",
    "greater_than": "expected a number more than {limit}, got {value}",
    "greater_than_equal": "expected a number at least {limit}, got {value}",
    "less_than": "expected a number less than {limit}, got {value}",
    "less_than_equal": "expected a number at most {limit}, got {value}",
    "value_error": "{en}",
    "other": "{msg}",
}


def describe(model: type[BaseModel], error: dict) -> str:
    """The validation error in English: what is expected and what the file has."""
    key, values = explain(model, error)
    return ENGLISH[key].format(**shown(values, "en"))


def shown(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """An explanation's values with the file's value as a message in `lang` names it."""
    return {**values, "value": show(values["value"], lang)} if "value" in values else values


def _in_swedish(explained: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    key, values = explained
    return key, shown(values, "sv")


def problems_from(exc: ValidationError, model: type[BaseModel], doc: Document, path: str) -> list[Problem]:
    return [
        Problem(
            path,
            doc.line_of(err["loc"]),
            field_path(err["loc"]),
            describe(model, err),
            message_sv=swedish.describe(*_in_swedish(explain(model, err))),
        )
        for err in exc.errors()
    ]
