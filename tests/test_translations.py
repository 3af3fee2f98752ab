"""Every text of the intake has a Swedish translation, and the compiled catalog is up to date."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from helpers import ROOT

SV = ROOT / "intake" / "translations" / "sv" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def catalog():
    with open(SV / "messages.po", "rb") as f:
        return read_po(f)


def test_every_intake_text_is_translated_to_swedish():
    texts = {msg for _, _, msg, *_ in extract_from_dir(ROOT / "intake", METHODS, keywords=KEYWORDS)}
    assert len(texts) > 100
    po = catalog()
    untranslated = sorted(t for t in texts if not (po.get(t) and po.get(t).string))
    assert untranslated == [], "run `make translations` and translate the new texts"


def test_compiled_catalog_matches_the_po_file():
    with open(SV / "messages.mo", "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == {m.id: m.string for m in catalog() if m.id}, "run `make translations`"
