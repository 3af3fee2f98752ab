"""Postal codes by country: strict where the format is known, permissive elsewhere."""

from __future__ import annotations

import re

# Country code -> (pattern after removing spaces and upper-casing, canonical format, example).
STRICT = {
    "SE": (re.compile(r"^\d{5}$"), lambda d: f"{d[:3]} {d[3:]}", "123 45"),
    "NO": (re.compile(r"^\d{4}$"), str, "0150"),
    "DK": (re.compile(r"^\d{4}$"), str, "1050"),
    "FI": (re.compile(r"^\d{5}$"), str, "00100"),
    "DE": (re.compile(r"^\d{5}$"), str, "10115"),
    # Four digits, the first not 0, then two letters (never SA, SD or SS): "1234 AB".
    "NL": (re.compile(r"^[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}$"), lambda d: f"{d[:4]} {d[4:]}", "1012 AB"),
}
PERMISSIVE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}[A-Za-z0-9]$")


class PostalCodeError(ValueError):
    def __init__(self, example: str | None):
        super().__init__(example)
        self.example = example


def normalise(country: str, value: str) -> str:
    """The postal code in its usual form; PostalCodeError (with an example) when it cannot be."""
    value = " ".join(value.split())
    rule = STRICT.get(country)
    if rule is None:
        if not PERMISSIVE.match(value):
            raise PostalCodeError(None)
        return value.upper()
    pattern, canonical, example = rule
    if country == "SE" and not re.fullmatch(r"\d{3} ?\d{2}", value):
        raise PostalCodeError(example)  # Swedish: NNN NN strictly (the space may be left out)
    compact = value.replace(" ", "").upper()
    if not pattern.match(compact):
        raise PostalCodeError(example)
    return canonical(compact)


def address_key(street: str, postal_code: str, country: str) -> str:
    """The same address however it is typed: case, spaces and punctuation do not matter."""
    street = re.sub(r"[^\w]+", " ", street.casefold()).strip()
    return f"{country}|{postal_code.replace(' ', '').upper()}|{street}"
