"""Argon2id password hashing (argon2-cffi's RFC 9106 low-memory profile)."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so both answers take the same time.
_DUMMY_HASH = _HASHER.hash("not a real password, only here to spend the same time")


def normalise(password: str) -> str:
    """NIST SP 800-63B: passwords are Unicode, normalised (NFKC) before hashing."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _HASHER.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; with no hash, spends the time of a check and answers False."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, normalise(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
