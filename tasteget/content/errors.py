"""Turn validation failures into one readable line each: file, line, field and what is expected."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .yamlfile import Document, Loc


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


def field_path(loc: Loc) -> str:
    """`("coworking", 1, "desks")` -> `coworking[1].desks`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, list):
        return "a list"
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


def describe(model: type[BaseModel], error: dict) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    loc = error["loc"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = list(model_at(model, loc[:-1]).model_fields) if model_at(model, loc[:-1]) else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            return f'unknown field; did you mean "{close[0]}"?'
        return f"unknown field (expected one of: {', '.join(allowed)})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {show(value)}"
    if kind == "bool_type":
        return f"expected true or false, got {show(value)}"
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"expected text, got the number {show(value)}: put it in quotes to keep it as written"
        return f"expected text, got {show(value)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date as YYYY-MM-DD, got {show(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        target = model_at(model, loc)
        if target is not None and set(target.model_fields) == {"sv", "en"}:
            return f"expected a text per language (sv: …, en: …), got {show(value)}"
        return f"expected a mapping of fields, got {show(value)}"
    if kind == "list_type":
        return f"expected a list (lines starting with “- ”), got {show(value)}"
    if kind in ("enum", "literal_error"):
        return f"expected one of {ctx.get('expected', '')}, got {show(value)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), got none"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()))
        return f"expected a number {bound} {limit}, got {show(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def problems_from(exc: ValidationError, model: type[BaseModel], doc: Document, path: str) -> list[Problem]:
    return [
        Problem(path, doc.line_of(err["loc"]), field_path(err["loc"]), describe(model, err)) for err in exc.errors()
    ]
