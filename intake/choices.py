"""The fixed answers the forms offer; the keys are what the CRM stores."""

from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l

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


def countries(lang: str) -> list[tuple[str, str]]:
    """ISO country codes with their names in `lang`, sorted by name."""
    names = Locale.parse(lang).territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    return sorted(((c, names[c]) for c in codes), key=lambda item: item[1].casefold())


def label(options, key: str) -> str:
    return str(dict(options).get(key, key))
