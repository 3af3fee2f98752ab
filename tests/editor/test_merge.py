"""Decap's values merged into a content file as written: what a communicator wrote and did not change stays."""

from __future__ import annotations

import pytest

from tasteget.content import yamlfile
from tasteget.editor import merge

from tests.editor.conftest import as_decap_sends
from tests.support.helpers import ROOT

MERGES = [
    # id, the file as written (None: a new file), what Decap sends, the file after the save
    (
        "a comment after a changed value keeps its distance",
        "seat: Järpen  # centralorten\nname: Åre\n",
        "seat: Järpen C\nname: Åre\n",
        "seat: Järpen C  # centralorten\nname: Åre\n",
    ),
    (
        "removing a list item keeps the others' comments",
        "spaces:\n  - name: A  # first\n  - name: B\n  - name: C  # third\n",
        "spaces:\n  - name: A\n  - name: C\n",
        "spaces:\n  - name: A  # first\n  - name: C  # third\n",
    ),
    (
        "a list indented flush with its key stays so",
        "# note\nname: X\nroads:\n- E14\n- E45\nwork:\n  employers:\n  - A\n",
        "name: Y\nroads:\n  - E14\n  - E45\nwork:\n  employers:\n    - A\n    - B\n",
        "# note\nname: Y\nroads:\n- E14\n- E45\nwork:\n  employers:\n  - A\n  - B\n",
    ),
    (
        "a file indented by four stays so",
        "work:\n    employers:\n        - A\n",
        "work:\n  employers:\n    - A\n    - B\n",
        "work:\n    employers:\n        - A\n        - B\n",
    ),
    (
        "sections keep the blank line between them",
        "name: X\n\ntravel:\n  roads: [E14]\n\nleisure:\n  sv: a\n\n# the guides\nguides:\n  - name: G\n",
        "name: X\ntravel:\n  roads: [E14]\nguides:\n  - name: G\nwork:\n  employers: [A]\n",
        "name: X\n\ntravel:\n  roads: [E14]\n\n# the guides\nguides:\n  - name: G\n\nwork:\n  employers: [A]\n",
    ),
    (
        "a text whose lines look like comments is never changed by the spacing",
        "text:\n  sv: |\n    Hej\n\n    # Rubrik\nname: X\n",
        "text:\n  sv: |\n    Hej\n\n    Slut\nname: X\n",
        "text:\n  sv: |\n    Hej\n\n    Slut\nname: X\n",
    ),
    (
        "a new field goes after the field Decap puts before it",
        "name: X\n# the seat\nseat: S\n",
        "name: X\nwebsite: https://x.example\nseat: S\n",
        "name: X\nwebsite: https://x.example\n# the seat\nseat: S\n",
    ),
    (
        "a field left out goes with the comment above it",
        "name: X\n# about seat\nseat: S\nrail: true\n",
        "name: X\nrail: true\n",
        "name: X\nrail: true\n",
    ),
    ("a field sent blank goes", "name: X\nseat: S\n", "name: X\nseat: ''\n", "name: X\n"),
    ("a field the file has blank stays", "name: X\nnote: ''\n", "name: X\nnote: ''\n", "name: X\nnote: ''\n"),
    ("quotes the file has are kept", "code: '2221'\nname: X\n", "code: '2222'\nname: X\n", "code: '2222'\nname: X\n"),
    ("double quotes too", 'name: "X"\n', "name: Y\n", 'name: "Y"\n'),
    ("new text YAML reads as a number is quoted", "name: X\n", "name: X\ncode: '2221'\n", 'name: X\ncode: "2221"\n'),
    ("new text YAML reads as a mapping is quoted", "name: X\n", "note: 'a: b'\n", 'note: "a: b"\n'),
    ("yes is text in YAML 1.2 and stays plain", "name: X\n", "name: X\nanswer: 'yes'\n", "name: X\nanswer: yes\n"),
    ("text of several lines is a block", "text: a\n", "text: |-\n  a\n  b\n", "text: |-\n  a\n  b\n"),
    (
        "a folded text stays folded, wrapped as communicators wrap it",
        "text: >-\n  short\n",
        "text: " + "word " * 30 + "end\n",
        "text: >-\n  " + "word " * 18 + "word\n  " + "word " * 11 + "end\n",
    ),
    (
        "a flow mapping stays on one line",
        "population: {count: 1, year: 2021}\n",
        "population:\n  count: 2\n  year: 2021\n",
        "population: {count: 2, year: 2021}\n",
    ),
    (
        "a new short list goes on one line",
        "name: X\n",
        "name: X\nroads:\n  - E14\n  - E45\n",
        "name: X\nroads: [E14, E45]\n",
    ),
    (
        "a new long list gets a line per item",
        "name: X\n",
        "name: X\nroads:\n" + "".join(f"  - Road number {i}\n" for i in range(6)),
        "name: X\nroads:\n" + "".join(f"  - Road number {i}\n" for i in range(6)),
    ),
    ("a new file is written as content writes it", None, "name: X\nroads:\n  - E14\n", "name: X\nroads: [E14]\n"),
    (
        "the comment above a list item stays when the item before it goes",
        "spaces:\n  - name: A\n  # about B\n  - name: B\n  - name: C\n",
        "spaces:\n  - name: B\n  - name: C\n",
        "spaces:\n  # about B\n  - name: B\n  - name: C\n",
    ),
    (
        "and goes with its item",
        "spaces:\n  - name: A\n  # about B\n  - name: B\n  - name: C\n",
        "spaces:\n  - name: A\n  - name: C\n",
        "spaces:\n  - name: A\n  - name: C\n",
    ),
    (
        "in a list of words too",
        "name: X\nroads:\n  - E14\n  # the inland road\n  - E45\n",
        "name: X\nroads:\n  - E45\n",
        "name: X\nroads:\n  # the inland road\n  - E45\n",
    ),
    (
        "after an item ending in a nested list or a block of text",
        "work:\n  spaces:\n    - name: A\n      text: |\n        Hej\n    - name: B\n      tags:\n        - x\n"
        "    # about C\n    - name: C\n",
        "work:\n  spaces:\n    - name: A\n      text: |\n        Hej\n    - name: C\n",
        "work:\n  spaces:\n    - name: A\n      text: |\n        Hej\n    # about C\n    - name: C\n",
    ),
    (
        "items apart keep their blank line, a new one gets it",
        "spaces:\n  - name: A\n\n  # about B\n  - name: B\n\n  - name: C\n",
        "spaces:\n  - name: B\n  - name: C\n  - name: D\n",
        "spaces:\n  # about B\n  - name: B\n\n  - name: C\n\n  - name: D\n",
    ),
]


@pytest.mark.parametrize(("old", "raw", "expected"), [m[1:] for m in MERGES], ids=[m[0] for m in MERGES])
def test_merge_yaml(old, raw, expected):
    assert merge.merge_yaml(old, raw) == expected


PAGES = [
    # id, the page as written (None: a new file), what Decap sends, the page after the save
    (
        "a body Decap trimmed is the body as written",
        "---\ntitle: A  # t\n---\n\nText.\n",
        "---\ntitle: A\n---\nText.",
        "---\ntitle: A  # t\n---\n\nText.\n",
    ),
    (
        "a changed body keeps the blank line after the front matter",
        "---\ntitle: A\n---\n\nText.\n",
        "---\ntitle: B\n---\nNew text.\n\n",
        "---\ntitle: B\n---\n\nNew text.\n",
    ),
    ("a body text without front matter", "Hej.\n", "Hej igen.", "Hej igen.\n"),
    ("a new page", None, "---\ntitle: A\n---\nText.", "---\ntitle: A\n---\nText.\n"),
    ("a new body text", None, "Hej.", "Hej.\n"),
]


@pytest.mark.parametrize(("old", "raw", "expected"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_merge_markdown(old, raw, expected):
    assert merge.merge_markdown(old, raw) == expected


@pytest.mark.parametrize(
    ("old", "raw", "suffix", "line"),
    [
        ("name: A\n", "name: A\nseat: a: b\n", ".yml", 2),
        ("---\ntitle: A\n---\nx\n", "---\ntitle: A\nseat: a: b\n---\nx", ".md", 3),
    ],
    ids=["a file", "a page's front matter, counted from the page's first line"],
)
def test_a_syntax_error_names_its_line(old, raw, suffix, line):
    with pytest.raises(yamlfile.YamlSyntaxError) as error:
        merge.merged_text(old, raw, suffix)
    assert error.value.line == line


def test_a_block_kept_with_its_trailing_blank_lines_reads_back_the_same():
    new = merge.merge_yaml("text: a\nname: X\n", "text: |+\n  Hej\n\nname: X\n")
    assert yamlfile.parse(new).data == {"text": "Hej\n\n", "name": "X"}


def test_every_content_file_merged_with_its_own_data_stays_byte_for_byte():
    files = sorted(ROOT.glob("content/**/*.yml")) + sorted(ROOT.glob("content/*/*.md"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert merge.merged_text(text, as_decap_sends(path), path.suffix) == text, path
