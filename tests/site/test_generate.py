"""Page generation: the pages written as Markdown with front matter into a build folder, never docs/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from tasteget.site import routes
from tasteget.site.generate import ContentErrors, front_matter, generate

from tests.support.helpers import ROOT, tasteget
from tests.support.sample_content import write_story

DOCS = ROOT / "docs"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("lang", routes.LANGS)
def test_every_page_is_written_with_its_meta_as_front_matter_mkdocs_reads_back(sample, tmp_path, lang):
    write_story(sample, "anna", "kommun-0001")
    out = tmp_path / "pages"
    generated = generate(sample, DOCS, out, lang)
    assert len(generated.pages) > 8
    for page in generated.pages:
        markdown, meta = get_data((out / page.src_path).read_text(encoding="utf-8"))
        assert meta == front_matter(page)
        assert meta["alternate"] == page.alternate
        assert meta.get("source") == page.source
        assert markdown == page.markdown.lstrip("\n")
    story = get_data((out / routes.src_path("stories", lang, "anna")).read_text(encoding="utf-8"))[1]
    assert story["source"] == "stories/anna.yml"
    assert story["description"]
    # Beside the pages, the styles, scripts and pictures: the folder is a complete docs_dir.
    assert {k: v for k, v in tree(out).items() if not k.endswith(".md")} == tree(DOCS)


def test_the_stories_invitation_without_its_own_escapes_the_coordinators_name(sample, tmp_path):
    """No `stories.invite` in region.yml: the stories page names the coordinator, as text, not markup."""
    region = sample / "region.yml"
    region.write_text(
        region.read_text(encoding="utf-8").replace("  placeholder: true\n", "  name: Sam <b>Ordnare</b> & Co\n"),
        encoding="utf-8",
    )
    out = tmp_path / "pages"
    generate(sample, DOCS, out, "sv")
    html = (out / routes.src_path("stories", "sv")).read_text(encoding="utf-8")
    assert '<a href="mailto:samordnare@prov.example">Sam &lt;b&gt;Ordnare&lt;/b&gt; &amp; Co</a>' in html
    assert "<b>Ordnare" not in html


def test_pages_no_longer_generated_are_removed_and_unchanged_ones_not_rewritten(sample, tmp_path):
    write_story(sample, "anna", "kommun-0001")
    out = tmp_path / "pages"
    generate(sample, DOCS, out, "sv")
    story = out / routes.src_path("stories", "sv", "anna")
    home = out / routes.src_path("home", "sv")
    assert story.is_file()
    (out / "old" / "page.md").parent.mkdir()
    (out / "old" / "page.md").write_text("# From an earlier run\n", encoding="utf-8")
    os.utime(home, ns=(1_000_000_000, 1_000_000_000))

    (sample / "stories" / "anna.yml").unlink()
    generate(sample, DOCS, out, "sv")

    assert not story.exists()
    assert not (out / "old").exists()
    assert home.stat().st_mtime_ns == 1_000_000_000  # the same bytes are not written again
    assert (out / "assets" / "stylesheets" / "tasteget.css").is_file()


def test_content_errors_write_nothing(sample, tmp_path):
    out = tmp_path / "pages"
    generate(sample, DOCS, out, "en")
    before = tree(out)
    path = sample / "municipalities" / "kommun-0000.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    desks: 2\n", "    desks: many\n"), "utf-8")
    with pytest.raises(ContentErrors, match="coworking\\[0\\].desks"):
        generate(sample, DOCS, out, "en")
    assert tree(out) == before


def test_pages_are_never_generated_into_the_docs_folder(sample, tmp_path):
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    for out in (docs, docs / "pages"):
        with pytest.raises(ValueError, match="outside the docs folder"):
            generate(sample, docs, out, "sv")
    assert tree(docs) == {}


def test_a_build_reads_the_generated_folder_and_leaves_docs_as_it_was(sample, tmp_path):
    before = tree(DOCS)
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), content=sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(DOCS) == before
    for lang in routes.LANGS:
        page = ROOT / "build" / "pages" / lang / routes.src_path("municipalities", lang, "kommun-0001")
        assert "kommun-0001" in get_data(page.read_text(encoding="utf-8"))[1]["source"]


def test_after_a_build_mkdocs_serve_watches_docs_not_the_generated_folder(sample, tmp_path, monkeypatch):
    # `mkdocs serve` watches the docs_dir of the configuration it built first; the generated folder
    # changes with every build, so watching it would build each edit twice.
    monkeypatch.setenv("TASTEGET_CONTENT", str(sample))
    config = load_config(config_file=str(ROOT / "mkdocs.en.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    assert Path(config.docs_dir) == DOCS
    assert (tmp_path / "site" / "municipalities" / "kommun-0001" / "index.html").is_file()
