"""Postal codes by country: strict where the format is known, permissive elsewhere."""

from __future__ import annotations

import re

# Country code -> (pattern after removing spaces, canonical format of the digits, example).
STRICT = {
    "SE": (re.compile(r"^\d{5}$"), lambda d: f"{d[:3]} {d[3:]}", "123 45"),
    "NO": (re.compile(r"^\d{4}$"), str, "0150"),
    "DK": (re.compile(r"^\d{4}$"), str, "1050"),
    "FI": (re.compile(r"^\d{5}$"), str, "00100"),
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
    digits = value.replace(" ", "")
    if not pattern.match(digits):
        raise PostalCodeError(example)
    return canonical(digits)


def address_key(street: str, postal_code: str, country: str) -> str:
    """The same address however it is typed: case, spaces and punctuation do not matter."""
    street = re.sub(r"[^\w]+", " ", street.casefold()).strip()
    return f"{country}|{postal_code.replace(' ', '').upper()}|{street}"
