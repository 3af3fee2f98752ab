"""The editor's configuration follows the content schema: a collection for every content file type, a
widget for every field, and the same required fields, choices and patterns as the reference and the check."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel, Field

from tasteget.content import fields as reference
from tasteget.content import schema
from tasteget.content.errors import unwrap
from tasteget.editor import config, labels
from tasteget.editor.config import BILINGUAL
from tasteget.occupations import taxonomy


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return config.config(config.backend(None, local=True))


def collection_fields(generated, path: str) -> list[dict]:
    found = next(c for c in generated["collections"] if c["name"] == config.collection_name(path))
    return found["files"][0]["fields"] if "files" in found else found["fields"]


def find(fields: list[dict], dotted: str) -> dict:
    """The Decap field at a reference row's path, e.g. `work.in_demand[].ssyk`."""
    field = None
    for part in dotted.replace("[]", "").split("."):
        field = next((f for f in fields if f["name"] == part), None)
        assert field is not None, f"no editor field for {dotted}"
        fields = field.get("fields") or ([field["field"]] if "field" in field else [])
    return field


def test_every_content_file_type_has_a_collection(generated):
    names = [c["name"] for c in generated["collections"]]
    assert names[: len(reference.FILES)] == [config.collection_name(path) for path, _, _ in reference.FILES]
    assert names == ["region", "municipalities", "stories", "messages", "events", "pages", "municipality_texts"]
    texts = generated["collections"][-1]
    assert (texts["folder"], texts["extension"], texts["format"]) == ("content/municipalities", "md", "markdown-body")


def test_a_file_type_added_to_the_registry_gets_its_collection_with_no_other_change(monkeypatch):
    class Event(schema.Model):
        title: schema.Localized = Field(description="The event's name.")
        starts: schema.date = Field(description="The day it starts.")
        places: int | None = Field(None, ge=1, description="How many can come.")

    monkeypatch.setattr(reference, "FILES", [*reference.FILES, ("content/events/<slug>.yml", Event, "Events.")])
    events = config.config(config.backend(None, local=True))["collections"][len(reference.FILES) - 1]
    assert events["name"] == "events" and events["folder"] == "content/events" and events["create"]
    assert [f["widget"] for f in events["fields"]] == [BILINGUAL, "datetime", "number"]
    assert events["slug"] == events["summary"] == "{{fields.title.sv}}"  # a title per language: the Swedish one


def test_a_field_with_no_widget_fails_the_generation():
    class Odd(schema.Model):
        ratio: float = Field(description="A fraction.")

    with pytest.raises(config.Unsupported, match=r"Odd\.ratio"):
        config.fields(Odd)


def editor_required(required_of: dict[str, bool], name: str) -> bool:
    """Required in the editor: required by the schema, and inside no optional object up to the nearest
    list item (Decap would check an optional object's fields while it is left out)."""
    parts = name.split(".")
    if not required_of[name]:
        return False
    for end in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:end])
        if ancestor.endswith("[]"):
            return True
        if not required_of[ancestor]:
            return False
    return True


def test_nothing_is_required_inside_an_optional_object(generated):
    """A guide without a portrait, a municipality without a plot queue: saving is not blocked by the
    fields of what is left out (the check still refuses a half-filled one)."""
    fields = collection_fields(generated, "content/municipalities/<slug>.yml")
    assert find(fields, "housing.plot_queue.url")["required"] is False
    assert find(fields, "guides[].photo.src")["required"] is False
    assert find(fields, "guides[].name")["required"] is True
    assert find(fields, "work.in_demand[].note")["required"] is False


@pytest.mark.parametrize("path,model", [(path, model) for path, model, _ in reference.FILES])
def test_every_row_of_the_reference_has_a_field_with_its_required_and_its_choices(generated, path, model):
    fields = collection_fields(generated, path)
    rows = reference.rows(model)
    required_of = {name.strip("`"): required == "yes" for name, _, required, _, _ in rows}
    for name, kind, _, _, _ in rows:
        field = find(fields, name.strip("`"))
        assert field["required"] is editor_required(required_of, name.strip("`")), name
        if kind.startswith("one of "):
            values = re.findall(r"`([^`]+)`", kind)
            assert [o["value"] for o in field["options"]] == values, name
        if kind == "text per language (`sv`, `en`)":
            assert field["widget"] == BILINGUAL, name


def test_the_files_own_fields_are_all_there_in_the_schemas_order(generated):
    for path, model, _ in reference.FILES:
        names = [f["name"] for f in collection_fields(generated, path)]
        assert names[: len(model.model_fields)] == list(model.model_fields), path


def test_lists_need_their_minimum_and_photos_are_pictures_in_the_content_folder(generated):
    fields = collection_fields(generated, "content/municipalities/<slug>.yml")
    assert find(fields, "guides")["min"] == 1 and find(fields, "guides")["required"]
    photo = find(fields, "photos")
    assert photo["widget"] == "list" and [f["name"] for f in photo["fields"]] == ["file", "alt", "credit"]
    assert find(fields, "photos[].file")["widget"] == "image"
    assert find(fields, "coworking[].photos[].file")["widget"] == "image"  # a list of objects in a list
    assert (generated["media_folder"], generated["public_folder"]) == ("content/photos", "photos")
    assert find(fields, "localities")["field"]["widget"] == "string"  # a list of texts, one per line
    amenities = find(fields, "coworking[].amenities")
    assert amenities["widget"] == "select" and amenities["multiple"]
    assert {o["value"] for o in amenities["options"]} == {a.value for a in schema.Amenity}
    assert find(fields, "area_km2")["min"] == 1  # gt=0
    assert find(fields, "population.year")["value_type"] == "int"
    assert (find(fields, "population.year")["min"], find(fields, "population.year")["max"]) == (1900, 2100)
    assert find(fields, "population.approximate") | {"widget": "boolean", "default": True} == find(
        fields, "population.approximate"
    )


def test_texts_per_language_say_which_language_is_required_and_how_long_they_are(generated):
    muni = collection_fields(generated, "content/municipalities/<slug>.yml")
    assert find(muni, "photos[].alt")["required_en"] is True  # alt text in both languages
    assert find(muni, "summary")["required_en"] is False
    assert find(muni, "summary")["multiline"] is True and find(muni, "links[].title")["multiline"] is False
    message = collection_fields(generated, "content/messages/<slug>.yml")
    assert find(message, "subject") | {"multiline": False, "required_en": True} == find(message, "subject")
    assert find(message, "text")["multiline"] and not find(message, "text")["markdown"]  # plain text
    region = collection_fields(generated, "content/region.yml")
    assert find(region, "intro")["markdown"] is True


def test_pages_are_front_matter_and_their_text(generated):
    pages = next(c for c in generated["collections"] if c["name"] == "pages")
    assert (pages["format"], pages["extension"], pages["create"]) == ("frontmatter", "md", False)
    assert [f["name"] for f in pages["fields"]] == ["title", "description", "updated", "body"]
    updated = find(pages["fields"], "updated")
    assert updated["widget"] == "datetime" and updated["format"] == "YYYY-MM-DD" and updated["time_format"] is False


def test_new_files_are_named_by_their_slug(generated):
    municipalities = next(c for c in generated["collections"] if c["name"] == "municipalities")
    assert (municipalities["identifier_field"], municipalities["slug"]) == ("name", "{{slug}}")
    assert generated["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}


SAMPLES = {
    schema._email: ["inflytt@are.example", "a@b.se", "no-at.example", "two words@x.se", "x@y"],
    schema._url: ["https://are.se/", "http://x.se", "ftp://x.se", "https://nodot", "https://a b.se"],
    schema._https: ["https://are.se/", "http://x.se", "https://a.se/x?y=1"],
    schema._county: ["23", "01", "25", "00", "26", "2", "ab"],
    schema._clock: ["18:30", "00:00", "23:59", "24:00", "9:30", "18.30", "18:3"],
}


@pytest.mark.parametrize("check", list(SAMPLES), ids=lambda check: check.__name__)
def test_each_pattern_accepts_what_the_check_accepts(check):
    regex, message = config.PATTERNS[check]
    assert message.startswith("Skriv ")  # in Swedish
    for value in SAMPLES[check]:
        try:
            check(value)
            accepted = True
        except ValueError:
            accepted = False
        assert bool(re.search(regex, value)) is accepted, value


def test_patterns_reach_the_fields_that_the_schema_checks(generated):
    region = collection_fields(generated, "content/region.yml")
    assert find(region, "lan")["pattern"] == list(config.PATTERNS[schema._county])
    assert find(region, "coordinator.email")["pattern"] == list(config.PATTERNS[schema._email])
    assert find(region, "stories.invite.link")["pattern"] == list(config.PATTERNS[schema._https])
    assert find(region, "magazine.languages")["field"]["pattern"][0] == r"^[a-z]{2}$"
    muni = collection_fields(generated, "content/municipalities/<slug>.yml")
    assert find(muni, "links[].url")["pattern"] == list(config.PATTERNS[schema._url])
    events = collection_fields(generated, "content/events/<slug>.yml")
    assert find(events, "start")["pattern"] == find(events, "end")["pattern"] == list(config.PATTERNS[schema._clock])
    kinds = {o["value"]: o["label"] for o in find(events, "kind")["options"]}
    assert kinds["information_evening"] == "Informationskväll"  # as the site names it


def test_skill_needs_are_chosen_from_the_occupation_taxonomy_never_typed(generated):
    muni = collection_fields(generated, "content/municipalities/<slug>.yml")
    ssyk, occupation = find(muni, "work.in_demand[].ssyk"), find(muni, "work.in_demand[].occupation")
    tax = taxonomy.load()
    assert ssyk["widget"] == occupation["widget"] == "select"
    assert [o["value"] for o in ssyk["options"]] == [g.code for g in tax.units()]
    nurses = next(o for o in ssyk["options"] if o["value"] == "2221")
    assert nurses["label"].startswith("2221 ") and "sjuksköterskor" in nurses["label"].lower()
    assert {o["value"] for o in occupation["options"]} == {o.concept_id for o in tax.occupations()}
    assert any(o["label"] == "Sjuksköterska, grundutbildad (2221)" for o in occupation["options"])


def test_the_interface_and_the_commits_are_swedish(generated):
    assert generated["locale"] == "sv"
    messages = generated["backend"]["commit_messages"]
    assert set(messages) == {"create", "update", "delete", "uploadMedia", "deleteMedia"}
    assert messages["update"] == "Ändrar {{collection}}: {{slug}} (via redigeraren)"


def test_the_local_backend_is_the_previews_own_origin():
    assert config.backend({"backend": "gitea"}, local=True) == {
        "name": "proxy",
        "proxy_url": "/redigera/api/v1",
        "branch": "main",
    }


def test_a_git_host_is_configured_as_decap_names_its_keys():
    gitea = {
        "backend": "gitea",
        "repo": "region/tasteget",
        "base_url": "https://git.region.example",
        "api_root": "https://git.region.example/api/v1",
        "app_id": "abc",
        "branch": None,
    }
    made = config.backend(gitea, local=False)
    assert made == {
        "name": "gitea",
        "repo": "region/tasteget",
        "base_url": "https://git.region.example",
        "api_root": "https://git.region.example/api/v1",
        "app_id": "abc",
        "branch": "main",
    }
    assert config.hosts(made) == ["https://git.region.example"]
    assert config.hosts({"name": "github", "repo": "a/b"}) == ["https://api.github.com"]
    assert config.hosts(config.backend(None, local=True)) == []


@pytest.mark.parametrize(
    "editor,message",
    [
        (None, "extra.editor.backend"),
        ({"backend": "svn", "repo": "a/b"}, "expected one of gitea"),
        ({"backend": "gitlab"}, "extra.editor.repo"),
    ],
)
def test_a_git_host_half_configured_is_named(editor, message):
    with pytest.raises(ValueError, match=message):
        config.backend(editor, local=False)


def schema_fields() -> set[str]:
    """Every "Model.field" of every model a content file type reaches."""
    found: set[str] = set()

    def walk(model):
        for name, info in model.model_fields.items():
            found.add(f"{model.__name__}.{name}")
            nested = unwrap(info.annotation)
            if isinstance(nested, type) and issubclass(nested, BaseModel) and not issubclass(nested, schema.Localized):
                walk(nested)

    for _, model, _ in reference.FILES:
        walk(model)
    return found


def test_labels_and_help_are_swedish_and_name_only_fields_that_exist(generated):
    fields = schema_fields()
    assert set(labels.HINTS) <= fields, "Swedish help for a field the schema no longer has"
    assert set(labels.FIELDS) | set(labels.ITEMS) <= {name.split(".")[1] for name in fields}
    muni = collection_fields(generated, "content/municipalities/<slug>.yml")
    assert find(muni, "summary")["label"] == "Sammanfattning"
    assert find(muni, "summary")["hint"].startswith("En eller två meningar")
    assert find(muni, "coworking[].amenities")["options"][0] == {"label": "Mötesrum", "value": "meeting_room"}


def test_an_event_speaks_swedish_and_its_municipalities_are_chosen_by_name(generated):
    events = collection_fields(generated, "content/events/<slug>.yml")
    assert find(events, "starts_on")["label"] == "Dag" and find(events, "capacity")["label"] == "Antal platser"
    assert find(events, "title")["multiline"] is False  # a name, on one line
    chosen = find(events, "municipalities")
    assert (chosen["widget"], chosen["collection"], chosen["value_field"], chosen["multiple"]) == (
        "relation",
        "municipalities",
        "{{slug}}",
        True,
    )
    story = find(collection_fields(generated, "content/stories/<slug>.yml"), "municipality")
    assert (story["widget"], story["multiple"]) == ("relation", False)
    collection = next(c for c in generated["collections"] if c["name"] == "events")
    assert collection["label"] == "Evenemang"
