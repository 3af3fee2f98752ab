"""*Du* throughout: the Swedish texts a mover reads (the forms, the receipts, the e-mails, the guides'
messages they start from, the site's content that the forms and e-mails show, and the site's own
labels) address the
reader as *du*, never as *ni*. Staff texts are scanned too: the back office says *du* as well.
Stories are left out: they are a person's own words, quoted."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from tasteget.content import yamlfile
from tasteget.site.labels import LABELS

from tests.support.helpers import ROOT
from tests.support.swedish import ni_forms

CONTENT = ROOT / "content"
CATALOG = ROOT / "intake" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Vad söker ni?", ["ni"]),
        ("Er anmälan har tagits emot.", ["Er"]),
        ("Vi har fått er anmälan", ["er"]),
        ("Era uppgifter och ert hushåll", ["Era", "ert"]),
        ("hos eder", ["eder"]),
        ("Ni's", ["Ni's"]),
        ("eller perioder, Nilsson och Ernst; CRM:er, sinnen, nio, erbjudande, hemma", []),
        ("Vad söker du? Din anmälan, ditt hushåll, dina uppgifter", []),
    ],
)
def test_the_scan_finds_ni_forms_and_only_them(text, found):
    assert ni_forms(text) == found


def _swedish(data, path=()):
    """Every Swedish text in a content file: the values of `sv` keys, with where they are."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sv" and isinstance(value, str):
                yield ".".join(map(str, path)), value
            else:
                yield from _swedish(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _swedish(value, (*path, i))


def test_every_swedish_text_of_the_intake_says_du():
    with open(CATALOG, "rb") as f:
        catalog = read_po(f)
    found = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        forms = [form for text in strings for form in ni_forms(text or "")]
        if message.id and forms:
            found[message.id if isinstance(message.id, str) else message.id[0]] = forms
    assert len(catalog) > 100
    assert found == {}


def test_the_contents_swedish_texts_say_du():
    files = [CONTENT / "region.yml", *sorted((CONTENT / "municipalities").glob("*.yml"))]
    files += sorted((CONTENT / "messages").glob("*.yml"))
    found = {}
    for path in files:
        document = yamlfile.parse(path.read_text(encoding="utf-8"))
        for where, text in _swedish(document.data):
            if forms := ni_forms(text):
                found[f"{path.relative_to(CONTENT)}: {where}"] = forms
    for path in sorted((CONTENT / "pages").glob("*.sv.md")):
        if forms := ni_forms(path.read_text(encoding="utf-8")):
            found[str(path.relative_to(CONTENT))] = forms
    assert len(files) > 10
    assert found == {}


def _texts(value, path=()):
    """Every text in the site's labels, with its key (some labels are dicts of texts)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _texts(inner, (*path, key))
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            yield from _texts(inner, (*path, i))
    elif isinstance(value, str):
        yield ".".join(map(str, path)), value


def test_the_sites_own_swedish_labels_say_du():
    found = {where: forms for where, text in _texts(LABELS["sv"]) if (forms := ni_forms(text))}
    assert len(LABELS["sv"]) > 50
    assert found == {}
