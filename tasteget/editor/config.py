"""The editor's configuration (Decap CMS's config.yml), generated from the content schema.

Every content file type in `tasteget.content.fields.FILES` becomes a collection and every field of its
model a widget, recursively, so the editor, the field reference and `tasteget check` read one source.
Plain functions from the models to a dict; the site build writes it as `redigera/config.yml`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.functional_validators import AfterValidator

from ..content import fields as reference
from ..content import schema
from ..occupations import taxonomy
from . import labels

# A file's Markdown text (static/editor.js opens it as plain text, as the file has it).
MARKDOWN_BODY = {"name": "body", "label": "Text", "widget": "markdown", "required": True}
BILINGUAL = "bilingual"  # our widget (static/editor.js): Swedish and English side by side
PHOTOS_FOLDER = "photos"  # inside the content folder; a photo's value is `photos/<file>`
PROXY_PATH = "/redigera/api/v1"  # where the preview serves the local backend, on the same origin
BACKENDS = ("gitea", "forgejo", "gitlab", "github")

# The schema's checks of a text, as Decap patterns (JavaScript regular expressions) with a Swedish
# message; each regex is the one the check uses, where the check uses one.
PATTERNS = {
    schema._email: (schema.EMAIL_PATTERN.pattern, "Skriv en e-postadress, t.ex. namn@exempel.se."),
    schema._url: (schema.URL_PATTERN.pattern, "Skriv en webbadress som börjar med https://."),
    schema._https: (r"^https://[^\s/]+\.[^\s]+$", "Skriv en webbadress som börjar med https://."),
    schema._county: (r"^(0[1-9]|1[0-9]|2[0-5])$", "Skriv länskoden med två siffror, 01–25, t.ex. 23."),
    schema._clock: (schema.TIME_PATTERN.pattern, "Skriv tiden som TT:MM, t.ex. 18:30."),
}
ITEM_PATTERNS = {
    schema._language_codes: (r"^[a-z]{2}$", "Skriv språket med två bokstäver, t.ex. sv eller en."),
}


class Unsupported(TypeError):
    """A schema field the editor has no widget for: the generator fails rather than leave it out."""


def _choices() -> dict[tuple[type[BaseModel], str], list[dict[str, str]]]:
    """Fields chosen from a list rather than typed: skill needs from the occupation taxonomy."""
    tax = taxonomy.load()
    groups = [{"label": group.label(), "value": group.code} for group in tax.units()]
    names = sorted(
        ({"label": f"{o.name_sv} ({o.ssyk})", "value": o.concept_id} for o in tax.occupations()),
        key=lambda option: taxonomy.fold(option["label"]),
    )
    return {(schema.Need, "ssyk"): groups, (schema.Need, "occupation"): names}


def _split(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(the type, whether None is allowed, the validators' functions) behind Optional and Annotated."""
    optional, checks = False, []
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is Annotated:
            checks += [m.func for m in args[1:] if isinstance(m, AfterValidator)]
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in args if a is not type(None)]
            optional = optional or len(rest) < len(args)
            if len(rest) != 1:
                raise Unsupported(f"a union of {rest}")
            annotation = rest[0]
        else:
            return annotation, optional, checks


def _checks(info: FieldInfo) -> list[Any]:
    """The field's validator functions, wherever pydantic keeps them (a bare Annotated field's in its metadata)."""
    return _split(info.annotation)[2] + [rule.func for rule in info.metadata if isinstance(rule, AfterValidator)]


def _bounds(info: FieldInfo) -> dict[str, int]:
    out = {}
    for rule in info.metadata:
        if isinstance(rule, annotated_types.Ge):
            out["min"] = rule.ge
        elif isinstance(rule, annotated_types.Gt):
            out["min"] = rule.gt + 1
        elif isinstance(rule, annotated_types.Le):
            out["max"] = rule.le
        elif isinstance(rule, annotated_types.Lt):
            out["max"] = rule.lt - 1
    return out


def _min_items(info: FieldInfo) -> int | None:
    return next((rule.min_length for rule in info.metadata if isinstance(rule, annotated_types.MinLen)), None)


def bilingual(model: type[schema.Localized], description: str) -> dict[str, Any]:
    """Our widget's options for a text per language: one line or several, Markdown or plain."""
    sv_info, en_info = model.model_fields["sv"], model.model_fields["en"]
    multiline = schema._one_line not in _checks(sv_info) and not _is_short(description)
    # The site renders texts of several lines as Markdown; a message to a household is plain text.
    plain = "plain text" in description.lower() or "plain text" in (sv_info.description or "").lower()
    return {
        "widget": BILINGUAL,
        "multiline": multiline,
        "markdown": multiline and not plain,
        "required_en": en_info.is_required(),
    }


# A text per language that is a name, a title or a figure is one line; every other one (descriptions,
# notes, the story) may run to several lines.
_SHORT = re.compile(
    r"^(link text|headline|job title|role|price|what it costs|how long|the figure|what it measures|"
    r"what the guide picks|travel to|the campaign's message|what the picture shows|the event's name|the step,)",
    re.I,
)


def _is_short(description: str) -> bool:
    return bool(_SHORT.match(description))


def widget(owner: type[BaseModel], name: str, info: FieldInfo, choices: dict) -> dict[str, Any]:
    """The Decap field for one schema field: label, hint, required, default, widget and its options."""
    annotation, _, checks = _split(info.annotation)
    checks = _checks(info)
    out: dict[str, Any] = {"name": name, "label": labels.field(name)}
    hint = labels.hint(owner.__name__, name, info.description)
    if hint:
        out["hint"] = hint
    out["required"] = info.is_required()
    if not info.is_required() and isinstance(info.default, bool | int | str):
        out["default"] = info.default  # a bool, a number or a choice the schema fills in when left out
    out.update(_widget_of(owner, name, annotation, checks, info, choices))
    return out


# Fields that name municipalities by their file's name: chosen from the municipalities collection
# by name (Decap's relation widget), never typed as a slug.
MUNICIPALITY = {
    "widget": "relation",
    "collection": "municipalities",
    "value_field": "{{slug}}",
    "search_fields": ["name"],
    "display_fields": ["name"],
}
RELATIONS = {("Story", "municipality"): False, ("Event", "municipalities"): True}


def _widget_of(owner, name, annotation, checks, info, choices) -> dict[str, Any]:
    if (owner, name) in choices:
        return {"widget": "select", "options": choices[(owner, name)]}
    if (owner.__name__, name) in RELATIONS:
        return {**MUNICIPALITY, "multiple": RELATIONS[(owner.__name__, name)]}
    origin = typing.get_origin(annotation)
    if origin is list:
        return _list_of(owner, name, typing.get_args(annotation)[0], checks, info, choices)
    if origin is Literal:
        return _select(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, schema.Localized):
        return bilingual(annotation, info.description or "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        inner = fields(annotation, choices)
        return {"widget": "object", "collapsed": False, "fields": inner if info.is_required() else _optional(inner)}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _select([member.value for member in annotation])
    if annotation is bool:
        return {"widget": "boolean"}
    if annotation is int:
        return {"widget": "number", "value_type": "int", **_bounds(info)}
    if annotation is dt.date:
        return {
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "YYYY-MM-DD",
            "time_format": False,
            "picker_utc": True,
        }
    if annotation is str:
        if schema._photo_file in checks:
            return {"widget": "image", "choose_url": False}
        pattern = next((PATTERNS[check] for check in checks if check in PATTERNS), None)
        return {"widget": "string", **({"pattern": list(pattern)} if pattern else {})}
    raise Unsupported(f"{owner.__name__}.{name}: no editor widget for {annotation!r}")


def _optional(inner: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nothing required inside an optional object: Decap checks an object's required fields even while
    the object is left out (it has no "required once given"), which would block every save of a file
    without one. The check, run before every save, still refuses a half-filled object with its field."""
    out = []
    for field in inner:
        field = {**field, "required": False}
        if field.get("widget") == "object":
            field["fields"] = _optional(field["fields"])
        out.append(field)
    return out


def _select(values) -> dict[str, Any]:
    return {"widget": "select", "options": [{"label": labels.option(str(v)), "value": str(v)} for v in values]}


def _list_of(owner, name, item, checks, info, choices) -> dict[str, Any]:
    out: dict[str, Any] = {"widget": "list", "collapsed": True}
    minimum = _min_items(info)
    if minimum:
        out["min"] = minimum
    item, _, item_checks = _split(item)
    if isinstance(item, type) and issubclass(item, enum.Enum):
        return {**_select([member.value for member in item]), "multiple": True}
    if isinstance(item, type) and issubclass(item, BaseModel) and not issubclass(item, schema.Localized):
        out["fields"] = fields(item, choices)
        first = out["fields"][0]
        if first["widget"] in ("string", "select"):
            out["summary"] = "{{fields." + first["name"] + "}}"
        elif first["widget"] == BILINGUAL:
            out["summary"] = "{{fields." + first["name"] + ".sv}}"
        return out
    label = labels.ITEMS.get(name, labels.field(name))
    field = {"name": "item", "label": label, **_widget_of(owner, name, item, item_checks, info, choices)}
    field.pop("min", None)
    pattern = next((ITEM_PATTERNS[check] for check in checks if check in ITEM_PATTERNS), None)
    if pattern:
        field["pattern"] = list(pattern)
    out["field"] = field
    return out


def fields(model: type[BaseModel], choices: dict | None = None) -> list[dict[str, Any]]:
    """Every field of `model`, in the schema's order, nested models as objects and lists of objects."""
    choices = _choices() if choices is None else choices
    return [widget(model, name, info, choices) for name, info in model.model_fields.items()]


def collection_name(path: str) -> str:
    """`content/municipalities/<slug>.yml` → `municipalities`; `content/region.yml` → `region`."""
    parts = PurePosixPath(path).parts
    return parts[-2] if "<" in parts[-1] else parts[-1].split(".")[0]


def collection(path: str, model: type[BaseModel], about: str, choices: dict | None = None) -> dict[str, Any]:
    """The Decap collection for one content file type of `FILES`: one file, or a folder of them."""
    name = collection_name(path)
    plural, singular, about = labels.COLLECTIONS.get(name, (name.capitalize(), name.capitalize(), about))
    file = PurePosixPath(path)
    markdown = file.suffix == ".md"
    model_fields = fields(model, choices)
    if markdown:
        # Front matter between `---` lines, then the text itself.
        model_fields.append(dict(MARKDOWN_BODY))
    out: dict[str, Any] = {
        "name": name,
        "label": plural,
        "label_singular": singular,
        "description": about,
        "format": "frontmatter" if markdown else "yml",
    }
    if "<" not in file.name:
        return {**out, "files": [{"name": name, "label": singular, "file": path, "fields": model_fields}]}
    identifier = next((f for f in model_fields if f["name"] in ("name", "title")), model_fields[0])
    value = "{{fields." + identifier["name"] + (".sv" if identifier["widget"] == BILINGUAL else "") + "}}"
    out |= {
        "folder": str(file.parent),
        "extension": file.suffix[1:],
        "identifier_field": identifier["name"],
        "summary": value,
        "fields": model_fields,
    }
    if file.name.startswith("<slug>."):
        # A new file's name is its slug: the identifier, in plain letters (Åre → are.yml).
        out |= {"create": True, "slug": "{{slug}}" if identifier["widget"] != BILINGUAL else value}
    else:
        out |= {"create": False, "delete": False}  # a fixed set of files, e.g. privacy.sv.md
    return out


# A content type's long text in plain Markdown files of its own (FILES' "about" names them): a
# collection of the text alone, read and written as the file is by a format of ours (static/editor.js).
BODY_TEXTS = [("content/municipalities/<slug>.md", "municipality_texts")]
BODY_FORMAT = "markdown-body"


def body_texts(path: str, name: str) -> dict[str, Any]:
    """The collection of one content type's Markdown texts, e.g. `are.md` (Swedish) and `are.en.md`."""
    plural, singular, about = labels.COLLECTIONS.get(name, (name, name, f"The files {path}."))
    return {
        "name": name,
        "label": plural,
        "label_singular": singular,
        "description": about,
        "folder": str(PurePosixPath(path).parent),
        "extension": "md",
        "format": BODY_FORMAT,
        "create": False,
        "delete": False,
        "summary": "{{slug}}",
        "fields": [dict(MARKDOWN_BODY)],
    }


def backend(editor: dict[str, Any] | None, local: bool) -> dict[str, Any]:
    """Decap's `backend`: the preview's local backend on its own origin, or the git host configured
    in mkdocs.yml's `extra.editor` (keys as Decap names them; README, "Redigera i webbläsaren")."""
    if local:
        return {"name": "proxy", "proxy_url": PROXY_PATH, "branch": "main"}
    editor = dict(editor or {})
    kind = editor.pop("backend", None)
    if kind not in BACKENDS:
        raise ValueError(f"extra.editor.backend in mkdocs.yml: expected one of {', '.join(BACKENDS)}, got {kind!r}")
    if not editor.get("repo"):
        raise ValueError("extra.editor.repo in mkdocs.yml: expected the repository, like owner/name")
    out = {"name": kind, **{key: value for key, value in editor.items() if value not in (None, "")}}
    out.setdefault("branch", "main")
    return out


def hosts(backend_config: dict[str, Any]) -> list[str]:
    """The origins the editor talks to for this backend (the CSP's connect-src), none for the local one."""
    urls = [backend_config.get(key) for key in ("base_url", "api_root", "auth_endpoint")]
    defaults = {"github": "https://api.github.com", "gitlab": "https://gitlab.com"}
    if backend_config["name"] in defaults and not backend_config.get("api_root"):
        urls.append(defaults[backend_config["name"]])
    out = []
    for url in urls:
        if url and re.match(r"^https?://", url):
            origin = "/".join(url.split("/")[:3])
            if origin not in out:
                out.append(origin)
    return out


def image_hosts(backend_config: dict[str, Any]) -> list[str]:
    """The origins the editor shows pictures from: the git host's (avatars, media), and GitHub's avatars."""
    extra = ["https://avatars.githubusercontent.com"] if backend_config["name"] == "github" else []
    return hosts(backend_config) + extra


def config(backend_config: dict[str, Any], site_url: str | None = None) -> dict[str, Any]:
    """The whole config.yml: backend, Swedish interface, media folders and a collection per file type."""
    choices = _choices()
    out: dict[str, Any] = {
        "backend": {**backend_config, "commit_messages": labels.COMMIT_MESSAGES},
        "locale": "sv",
        "media_folder": f"content/{PHOTOS_FOLDER}",
        "public_folder": PHOTOS_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "show_preview_links": False,
        "collections": [
            *(collection(path, model, about, choices) for path, model, about in reference.FILES),
            *(body_texts(path, name) for path, name in BODY_TEXTS),
        ],
    }
    if site_url:
        out["site_url"] = site_url
        out["display_url"] = site_url
    return out
