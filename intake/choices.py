"""The fixed answers the forms offer; the keys are what the CRM stores."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

UNSURE = "unsure"

CHANNELS = [("email", _l("E-mail")), ("phone", _l("Phone")), ("video", _l("Video call"))]
# Language names are written in their own language.
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
SEEKS = [
    ("job", _l("A job")),
    ("partner_job", _l("A job for my partner")),
    ("housing", _l("Housing")),
    ("school", _l("School or childcare")),
    ("coworking", _l("A coworking space")),
    ("business", _l("Starting a business")),
    ("visit", _l("A try-out visit")),
]
TENURES = [("rent", _l("Rent")), ("buy", _l("Buy")), ("either", _l("Either"))]
HOUSING_TYPES = [("house", _l("House")), ("apartment", _l("Apartment")), ("farm", _l("Farm"))]
SETTINGS = [("town", _l("In a town")), ("village", _l("In a village")), ("either", _l("Either"))]
TIMEFRAMES = [
    ("6m", _l("Within 6 months")),
    ("12m", _l("In 6–12 months")),
    ("24m", _l("In 1–2 years")),
    ("curious", _l("Just curious")),
]
HEARD_FROM = [
    ("magazine", _l("Our magazine")),
    ("social", _l("Social media")),
    ("friends", _l("Friends or family")),
    ("event", _l("A fair or event")),
    ("search", _l("A web search")),
    ("news", _l("News or advertising")),
    ("employer", _l("An employer")),
    ("other", _l("Somewhere else")),
]

# Babel's territory names include regions such as "Europe" (numeric codes) and placeholders.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}


@lru_cache(maxsize=8)
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """ISO country codes with their names in `lang`, sorted by name."""
    names = Locale.parse(lang).territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    return tuple(sorted(((c, names[c]) for c in codes), key=lambda item: item[1].casefold()))


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in countries("en"))


# English says "in the Netherlands", "in the United Kingdom": the names Babel gives that take "the".
_ENGLISH_THE = {"BS", "CF", "DO", "GM", "KM", "MV", "NL", "PH", "SC", "AE", "GB", "US"}


def country_name(code: str, lang: str, in_sentence: bool = False) -> str:
    """The country's name in `lang` ("Norge", "Norway"), or the code when it is not a country;
    `in_sentence`: as it reads after "in" ("the Netherlands")."""
    name = dict(countries(lang)).get(code, code)
    if in_sentence and lang == "en" and (code in _ENGLISH_THE or name.endswith("Islands")):
        return f"the {name}"
    return name


@lru_cache(maxsize=8)
def _country_options(lang: str) -> str:
    return "".join(f'<option value="{code}">{escape(name)}</option>' for code, name in countries(lang))


def country_options(lang: str, selected: str | None, choose: str | None = None) -> Markup:
    """The <option>s of the country list, rendered once per language (about 250 of them); with
    `choose`, an empty first option of that text ("Choose a country"), chosen until a country is."""
    html = _country_options(lang)
    if choose is not None:
        first = " selected" if not selected or f'<option value="{selected}">' not in html else ""
        html = f'<option value=""{first}>{escape(choose)}</option>' + html
    if selected and f'<option value="{selected}">' in html:
        html = html.replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1)
    return Markup(html)


def label(options, key: str) -> str:
    return str(dict(options).get(key, key))
