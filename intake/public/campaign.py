"""A link's campaign parameters (`utm_*`): what the intake keeps of them.

Anyone can put anything into a link, and the mover who follows it never typed it: a value that is
not a campaign's name is dropped (the form goes through without it), never shown as an error.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 100
# A letter (Swedish ones too) or digit, then those, spaces and the marks URLs leave alone (._~-):
# a name, never a formula, markup, a line break, a URL or an address.
NAME = re.compile(r"[^\W_][\w .~-]*")


def value(raw) -> str | None:
    """The parameter as kept, or None when it is missing or not a campaign's name."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFC", raw.strip())
    if len(text) > MAX_LENGTH or not NAME.fullmatch(text):
        return None
    return text
