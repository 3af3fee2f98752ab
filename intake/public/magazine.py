"""What the magazine's order page states about it, from content: language, postage abroad, price,
delivery. A fact content does not give is left out (`tasteget check` warns), never guessed."""

from __future__ import annotations

from babel import Locale
from flask_babel import gettext as _

from tasteget.content.schema import Magazine

HOME_COUNTRY = "SE"  # where the magazine is posted from; `ships_abroad: false` means only here


def language_names(codes: list[str], lang: str) -> str:
    """ "Swedish and English" / "svenska och engelska": the languages' names in the page's language."""
    names = Locale.parse(lang).languages
    words = [names.get(code, code) for code in codes]
    text = words[0] if len(words) == 1 else _("%(some)s and %(last)s", some=", ".join(words[:-1]), last=words[-1])
    return text[:1].upper() + text[1:]


def facts(magazine: Magazine, lang: str) -> list[tuple[str, str]]:
    """(what, the answer) for each fact content states, in the page's language."""
    stated = []
    if magazine.languages:
        stated.append((_("Language"), language_names(magazine.languages, lang)))
    if magazine.ships_abroad is not None:
        abroad = _("Addresses in Sweden and abroad") if magazine.ships_abroad else _("Addresses in Sweden only")
        stated.append((_("Posted to"), abroad))
    if magazine.price is not None:
        stated.append((_("Price"), magazine.price.get(lang)))
    if magazine.delivery is not None:
        stated.append((_("Delivery"), magazine.delivery.get(lang)))
    return stated
