"""The registration's occupation fields: typed text mapped to the occupation taxonomy, the three
answers that are not an occupation, and the names the autocomplete suggests.

An answer is one field per adult, typed or picked from the suggestions; the text is stored as typed,
and beside it what it maps to: the taxonomy's concept id and SSYK-4 group when it names an
occupation or a group (`Taxonomy.match`, in the page's language, then the other), or one of
`SITUATIONS` when it says "studying", "retired" or "not working now" instead. Those three are
recognised typed values rather than a separate choice: without JavaScript the field reads the same,
with it they are suggested like any occupation, and nobody has to answer twice (a text field and a
choice that could disagree). Text that maps to nothing is stored as typed, with no error.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from flask import Response, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tasteget.occupations import taxonomy

# Stored as the key; shown as the label in the reader's language.
SITUATIONS = {
    "studying": _l("Studying"),
    "retired": _l("Retired"),
    "not_working": _l("Not working now"),
}
# Other ways of writing the three answers, as `taxonomy.fold` leaves them (case, accents and
# punctuation folded; the labels themselves, in both languages, are recognised too).
_SYNONYMS = {
    "studying": ("studerar", "studerande", "student", "studier", "studies", "studie"),
    "retired": ("pensionar", "pensionerad", "pension", "pensioner", "pensionist", "retiree"),
    "not_working": (
        "arbetar inte",
        "arbetar inte nu",
        "arbetslos",
        "utan arbete",
        "not working",
        "unemployed",
        "no job",
        "jobless",
    ),
}


class Answer(NamedTuple):
    """What one occupation field's text maps to (all None: nothing, or nothing was typed)."""

    concept: str | None = None
    ssyk: str | None = None
    situation: str | None = None


@cache
def _situations() -> dict[str, str]:
    """Folded text → situation key, in both languages."""
    found = {}
    for key, label in SITUATIONS.items():
        for lang in ("sv", "en"):
            with force_locale(lang):
                found[taxonomy.fold(str(label), lang)] = key
            for synonym in _SYNONYMS[key]:
                found[taxonomy.fold(synonym, lang)] = key
    return found


def situation_label(key: str | None) -> str | None:
    """A stored situation key in the current language, e.g. "Pensionär"."""
    label = SITUATIONS.get(key or "")
    return str(label) if label else None


def answer(text: str | None, lang: str) -> Answer:
    """What typed `text` maps to, read in the page's language `lang`."""
    if not text:
        return Answer()
    for language in (lang, "en" if lang == "sv" else "sv"):
        key = _situations().get(taxonomy.fold(text, language))
        if key:
            return Answer(situation=key)
    found = taxonomy.load().match(text, lang)
    if found is None:
        return Answer()
    return Answer(concept=found.concept_id, ssyk=found.ssyk)


@cache
def names(lang: str) -> tuple[str, ...]:
    """What the autocomplete suggests in `lang`: the three answers, then every SSYK-4 group's name and
    (in Swedish, the only language the taxonomy names them in) every occupation name, sorted."""
    tx = taxonomy.load()
    found = {group.name(lang) for group in tx.units()}
    if lang == "sv":
        found.update(occupation.name_sv for occupation in tx.occupations())
    with force_locale(lang):
        first = [str(label) for label in SITUATIONS.values()]
    return (*first, *sorted(found - set(first), key=lambda name: (taxonomy.fold(name, lang), name)))


def _fold(text: str) -> str:
    """`text` as occupation.js folds it: accents and case dropped, every run of anything but
    letters and digits one space."""
    folded = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text)).lower()
    return re.sub(r"[\W_]+", " ", folded).strip()


def initial(text: str) -> str:
    """The first character of `text` folded: the key of the names a query can match."""
    return _fold(text)[:1]


@cache
def _shards(lang: str) -> dict[str, tuple[bytes, str]]:
    """The names in `lang` by the initials of their words, as JSON with its ETag: a query matches a
    name only where one of its words starts (occupation.js), so the names under a query's first
    character are all it can match. A shard is a few KB gzipped where the whole Swedish list is
    18 KB (bench/FORM_RESULTS.md); each keeps the list's order."""
    keys: dict[str, list[str]] = {}
    for name in names(lang):
        for key in dict.fromkeys(word[0] for word in _fold(name).split()):
            keys.setdefault(key, []).append(name)
    return {key: _json(found) for key, found in keys.items()}


def _json(found) -> tuple[bytes, str]:
    body = json.dumps(list(found), ensure_ascii=False, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


def names_response(lang: str, key: str) -> Response:
    """The names under `key` (`initial` of a query) as JSON, an empty list when there are none, with
    an ETag so a browser asks again cheaply (as for the site's assets)."""
    body, etag = _shards(lang).get(key) or _json([])
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    return response.make_conditional(request)


def suggestion_texts() -> dict[str, str]:
    """The autocomplete's own words (its status messages for screen readers) in the page's language,
    for the template to hand to the script; `%(count)d` is filled in by the script."""
    return {
        "no-results": _("No occupation found: your text will be kept as you wrote it"),
        "query-too-short": _("Type at least %(count)d letters to see suggestions"),
        "one-result": _("1 suggestion is available."),
        "results": _("%(count)d suggestions are available."),
        "selected": _("%(option)s is selected."),
        "hint": _("When suggestions are available, use the up and down arrows to review and Enter to select."),
    }
