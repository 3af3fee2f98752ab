"""Which of the content's files the editor may touch, and how Decap names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasteget.editor import paths

INSIDE = [
    # Decap's path, the folder it must be in, the file inside content/ (None: refused)
    ("content/region.yml", "content", "region.yml"),
    ("content/municipalities/are.yml", "content", "municipalities/are.yml"),
    ("content/photos/fjall.jpg", "content/photos", "photos/fjall.jpg"),
    ("content/municipalities/are.yml", "content/photos", None),
    ("content/../pyproject.toml", "content", None),
    ("content/photos/../region.yml", "content/photos", None),
    ("/etc/passwd", "content", None),
    ("C:/content/x.yml", "content", None),
    ("content\\x.yml", "content", None),
    ("content/x\x00.yml", "content", None),
    ("docs/index.md", "content", None),
    ("", "content", None),
    (None, "content", None),
    (["content/region.yml"], "content", None),
]


@pytest.mark.parametrize(("rel", "under", "expected"), INSIDE, ids=[repr(r[0]) + " in " + r[1] for r in INSIDE])
def test_inside(tmp_path: Path, rel, under, expected):
    content = tmp_path / "content"
    (content / "photos").mkdir(parents=True)
    found = paths.inside(content, rel, under)
    assert found == (content / expected if expected else None)


def test_a_link_out_of_the_folder_is_outside(tmp_path: Path):
    content, outside = tmp_path / "content", tmp_path / "outside"
    content.mkdir()
    outside.mkdir()
    (content / "elsewhere").symlink_to(outside)
    (content / "link.yml").symlink_to(outside / "secret.yml")
    assert paths.inside(content, "content/elsewhere/x.yml") is None
    assert paths.inside(content, "content/link.yml") is None


def test_a_municipalitys_body_texts_go_with_it(tmp_path: Path):
    for name in ("are.yml", "are.md", "are.en.md", "are-norr.md", "areal.md", "are.draft.md"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in paths.companions(tmp_path / "are.yml")] == ["are.en.md", "are.md"]
    assert paths.companions(tmp_path / "are.md") == []


def test_decap_names_a_file_from_the_content_folders_name(tmp_path: Path):
    assert paths.decap_name(tmp_path / "innehall", tmp_path / "innehall/pages/privacy.sv.md") == (
        "content/pages/privacy.sv.md"
    )
