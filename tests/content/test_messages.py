"""Message templates (`content/messages/<slug>.yml`): both languages, safe placeholders only, and
every mistake one line of `tasteget check` with file, line and field."""

from __future__ import annotations

import re

import pytest

from tasteget.content.load import check
from tasteget.content.schema import PLACEHOLDERS

from tests.support.helpers import ROOT, tasteget

GOOD = """\
title:
  sv: Första kontakten
  en: First contact
subject:
  sv: Hej från {campaign} ({reference})
  en: Hello from {campaign} ({reference})
text:
  sv: |
    Hej!

    Jag heter {guide} och är inflyttarvägledare i {municipalities}.
  en: |
    Hello,

    My name is {guide} and I am the relocation guide in {municipalities}.
"""


def whole_example_in_fields_md() -> str:
    text = (ROOT / "content" / "FIELDS.md").read_text(encoding="utf-8")
    return re.search(r"A whole file, e\.g\. `first-contact\.yml`:\n\n```yaml\n(.*?)```", text, re.DOTALL).group(1)


def write_message(root, text: str, slug: str = "hello"):
    folder = root / "messages"
    folder.mkdir(exist_ok=True)
    (folder / f"{slug}.yml").write_text(text, encoding="utf-8")


def test_the_shipped_messages_are_valid_bilingual_and_use_only_safe_placeholders():
    site = check(ROOT / "content", ROOT / "docs").site
    assert sorted(site.messages) == ["bekrafta-besok", "first-contact", "settled", "visit-invitation"]
    values = {name: f"<{name}>" for name in PLACEHOLDERS}
    for message in site.messages.values():
        for lang in ("sv", "en"):
            subject, text = message.fill(lang, values)
            assert "{" not in subject + text and "<guide>" in text
        assert not re.search(r"\b(ni|er|era|ert)\b", message.text.sv.lower() + message.subject.sv.lower())  # du


def test_the_field_reference_shows_a_whole_message_that_passes_the_check(sample):
    write_message(sample, whole_example_in_fields_md(), "first-contact")
    report = check(sample)
    assert report.errors == []
    message = report.site.messages["first-contact"]
    subject, text = message.fill("en", {"region": "Provregionen", "reference": "H-AAAA-AAAA", "guide": "Anna"})
    assert subject == "Welcome to Provregionen (H-AAAA-AAAA)"
    assert text.startswith("Hello,\n\nMy name is Anna and")


BROKEN = [
    # id, replace this, with this, the line is where this marker is (a block's `sv: |`), field, message
    (
        "free text as a placeholder",
        "{guide} och är",
        "{name} och är",
        "  sv: |",
        "text.sv",
        'unknown placeholder "{name}": use one of ' + ", ".join("{" + n + "}" for n in PLACEHOLDERS),
    ),
    ("no English subject", "  en: Hello from {campaign} ({reference})\n", "", "subject:", "subject.en", None),
    (
        "a subject over two lines",
        "  sv: Hej från {campaign} ({reference})\n",
        '  sv: "Hej från {campaign}\\nBcc: x@example.com"\n',
        '  sv: "Hej',
        "subject.sv",
        "a subject is one line: remove the line break",
    ),
    (
        "a subject too long",
        "  sv: Hej från {campaign} ({reference})\n",
        "  sv: " + "Hej " * 40 + "\n",
        "  sv: Hej Hej",
        "subject.sv",
        "a subject has at most 150 characters, this one 159",
    ),
    (
        "a text too long",
        "    My name is {guide}",
        "    " + "x" * 5001 + " {guide}",
        "  en: |",
        "text.en",
        "a message has at most 5000 characters",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "field", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_broken_message_gives_one_clear_line(sample, old, new, marker, field, message):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    write_message(sample, text)
    line = text[: text.index(marker)].count("\n") + 1
    result = tasteget("check", "--content", "content", "--docs", str(ROOT / "docs"), cwd=sample.parent)
    assert result.returncode == 1
    [error] = [e for e in result.stdout.splitlines() if e.startswith("content/messages/")]
    assert error.startswith(f"content/messages/hello.yml:{line}: {field}: "), result.stdout
    assert message is None or message in error, error
    assert "Traceback" not in result.stdout + result.stderr


def test_a_good_message_passes_and_is_counted(sample):
    write_message(sample, GOOD)
    result = tasteget("check", "--content", "content", "--docs", str(ROOT / "docs"), cwd=sample.parent)
    assert result.returncode == 0, result.stdout
    assert "1 messages" in result.stdout
