"""Every text of the intake has a Swedish translation, and the compiled catalog is up to date."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.support.helpers import ROOT

SV = ROOT / "intake" / "translations" / "sv" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def catalog():
    with open(SV / "messages.po", "rb") as f:
        return read_po(f)


def test_every_intake_text_is_translated_to_swedish():
    found = extract_from_dir(ROOT / "intake", METHODS, keywords=KEYWORDS)
    texts = {msg if isinstance(msg, str) else msg[0] for _, _, msg, *_ in found}  # plurals: the singular
    assert len(texts) > 100
    po = catalog()

    def translated(text):
        entry = po.get(text)
        return entry is not None and (all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string))

    untranslated = sorted(t for t in texts if not translated(t))
    assert untranslated == [], "run `make translations` and translate the new texts"


def test_compiled_catalog_matches_the_po_file():
    def entries(messages):
        return {_key(m.id): _key(m.string) for m in messages if m.id}

    with open(SV / "messages.mo", "rb") as f:
        compiled = entries(read_mo(f))
    assert compiled == entries(catalog()), "run `make translations`"


def _key(value):
    return value if isinstance(value, str) else tuple(value)
