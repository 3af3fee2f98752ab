"""Reading one cell of an import file: the forms' rules, with messages for someone fixing a spreadsheet.

Each reader takes the cell's text (stripped, never empty) and returns the value to store, or raises
Invalid with the reason. Personal data (names, addresses, e-mail) is never repeated in a reason, so
the report can be pasted into a ticket; coded values (dates, choices, slugs) are, to find them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import email_validator

from intake import choices
from intake.models import EARLIEST_DAY
from intake.public import postal
from intake.public.forms import ASCII_NUMBER, CONTROL, ENCODED_WORD, LINE_BREAK, MARKUP, children_ages, phone_number

# Inside one cell, lists (municipalities, what they seek) are separated by commas, semicolons,
# vertical bars or spaces: whichever the cell's delimiter leaves free.
LIST_SEPARATORS = re.compile(r"[,;|\s]+")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST = EARLIEST_DAY


class Invalid(ValueError):
    """The cell cannot be imported; the message says why."""


def text(value: str, max_length: int = 200, one_line: bool = True) -> str:
    if len(value) > max_length:
        raise Invalid(f"use at most {max_length} characters (this has {len(value)})")
    if CONTROL.search(value):
        raise Invalid("remove the invisible control characters")
    if one_line and LINE_BREAK.search(value):
        raise Invalid("write this on one line")
    if MARKUP.search(value):
        raise Invalid("remove the HTML code (text between < and >)")
    if one_line:
        no_encoded_word(value)
    return value.replace("\r\n", "\n").replace("\r", "\n")


def no_encoded_word(value: str) -> None:
    if ENCODED_WORD.search(value):
        raise Invalid('remove "=?...?=": it is not allowed here (it could change an e-mail)')


def email(value: str) -> str:
    if len(value) > 254:
        raise Invalid("use at most 254 characters")
    no_encoded_word(value)
    try:
        # The form's check (WTForms' Email): the syntax only, no DNS look-up.
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise Invalid("not an e-mail address like name@example.com") from None
    return value


def phone(value: str) -> str:
    number = phone_number(value)
    if number is None:
        raise Invalid("not a phone number with digits, e.g. +46 70 123 45 67")
    return number


def one_of(value: str, options) -> str:
    keys = [key for key, _ in options]
    if value not in keys:
        raise Invalid(f'"{value}" is not one of: {", ".join(keys)}')
    return value


def several(value: str, options) -> list[str]:
    keys = [key for key, _ in options]
    items = [item for item in LIST_SEPARATORS.split(value) if item]
    unknown = [item for item in items if item not in keys]
    if unknown:
        raise Invalid(f'"{unknown[0]}" is not one of: {", ".join(keys)}')
    return list(dict.fromkeys(items))


def day(value: str, today: date, years_ahead: int = 0) -> date:
    """A date written YYYY-MM-DD, from EARLIEST to today (what has happened) or `years_ahead` years later."""
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        found = date.fromisoformat(value)
    except ValueError:
        raise Invalid(f'"{value}" is not a date written YYYY-MM-DD') from None
    if found < EARLIEST:
        raise Invalid(f"{value} is before {EARLIEST.isoformat()}, the earliest date an import takes")
    if found > today + timedelta(days=366 * years_ahead):
        raise Invalid(
            f"{value} is more than {years_ahead} years after today" if years_ahead else f"{value} is after today"
        )
    return found


def whole_number(value: str, low: int, high: int) -> int:
    if not ASCII_NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise Invalid(f'"{value}" is not a whole number from {low} to {high}')
    return int(value)


def ages(value: str) -> list[int]:
    result = children_ages(value)
    if result is None:
        raise Invalid("write each child's age in years, from 0 to 25, separated by commas")
    return result


def country(value: str) -> str:
    code = value.upper()
    if code not in choices.country_codes():
        raise Invalid(f'"{value}" is not a two-letter country code (ISO 3166, e.g. SE)')
    return code


def postal_code(value: str, country_code: str) -> str:
    try:
        return postal.normalise(country_code, value)
    except postal.PostalCodeError as exc:
        if exc.example:
            raise Invalid(f"not a postal code in {country_code}; write it as in this example: {exc.example}") from None
        raise Invalid("not a postal code of 3 to 12 letters and digits") from None


def municipalities(value: str, known) -> list[str]:
    """Slugs of municipalities in the content; "unsure" (or nothing) means not sure yet."""
    items = [item for item in LIST_SEPARATORS.split(value.lower()) if item]
    if items == [choices.UNSURE]:
        return []
    if choices.UNSURE in items:
        raise Invalid(f'municipalities or "{choices.UNSURE}", not both')
    unknown = [item for item in items if item not in known]
    if unknown:
        raise Invalid(f'"{unknown[0]}" is not a municipality in the content (known: {", ".join(sorted(known))})')
    return list(dict.fromkeys(items))
