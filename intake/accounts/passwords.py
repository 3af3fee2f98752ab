"""Staff passwords: Argon2id hashes, a minimum length and a check against common passwords.

The strength check is zxcvbn's, whose dictionaries include the most common leaked passwords.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Compared against when the user is unknown, so both cases take the same time.
_DUMMY = _hasher.hash("not a real password, only there to spend the same time")


class WeakPassword(ValueError):
    """The password is refused: `reason` is short, long or common; the message says why in English."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def check_strength(password: str, user_inputs: tuple[str, ...] = ()) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword("short", f"use at least {MIN_LENGTH} characters")
    if len(password) > 1024:
        raise WeakPassword("long", "use at most 1024 characters")
    if zxcvbn(password[:100], user_inputs=list(user_inputs))["score"] < 3:
        raise WeakPassword("common", "this password is too common or too easy to guess; try a few unrelated words")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; the same work is done when there is no user."""
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
