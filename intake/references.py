"""Reference numbers people can read out on the phone: no 0/O, 1/I/L or U to confuse."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford-like, without look-alikes


def new_reference(prefix: str) -> str:
    """E.g. H-7K3M-9Q2X: 8 random characters, about 39 bits, hard to guess."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"
