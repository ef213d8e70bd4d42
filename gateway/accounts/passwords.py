"""The password policy of NIST SP 800-63B: long, any Unicode, no composition rules, no common passwords."""

from __future__ import annotations

import asyncio
import gzip
from functools import cache
from pathlib import Path

from gateway.auth.passwords import hash_password, normalise, verify_password
from gateway.errors import Problem, UserErrorCode

MIN_LENGTH = 15
# SP 800-63B asks for at least 64; Argon2 takes any length, the limit only bounds the work.
MAX_LENGTH = 128
GUIDELINE = (
    f"A password must be {MIN_LENGTH} to {MAX_LENGTH} characters long. Any characters may be used, "
    "spaces included, with no required mix of letters, digits or symbols; it must not contain your "
    "user ID or be a commonly used password."
)
# Django's list of 19,640 common passwords (BSD 3-clause, see common-passwords.LICENSE.txt).
_COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
# A pattern this short, repeated to the whole length, is no password ("aaaa…", "abcabc…").
_SHORTEST_NON_REPEATING_UNIT = 4
# Argon2id uses tens of MiB per hash: a burst of password changes must not exhaust memory.
_PASSWORD_WORK = asyncio.Semaphore(4)


@cache
def common_passwords() -> frozenset[str]:
    """The list, case-folded; read once per process."""
    with gzip.open(_COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(folded for line in lines if (folded := line.strip().casefold()))


def password_problem(password: str, user_id: str, field: tuple[str, ...]) -> Problem | None:
    """Why a new password is refused, with the guideline stated; None when it may be used."""
    normalised = normalise(password)
    reason = _reason(normalised, user_id)
    return (
        None if reason is None else Problem(UserErrorCode.PASSWORD_GUIDELINES, f"{reason} {GUIDELINE}", field)
    )


def _reason(password: str, user_id: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"This password has {len(password)} characters."
    if len(password) > MAX_LENGTH:
        return f"This password has more than {MAX_LENGTH} characters."
    folded = password.casefold()
    user = user_id.strip().casefold()
    if user and user in folded:
        return "This password contains your user ID."
    if _is_common(folded):
        return "This password is a commonly used one."
    if _repeats(folded):
        return "This password repeats a short pattern."
    return None


def _is_common(folded: str) -> bool:
    """On the list, spaced out, padded with digits and symbols, or a listed password said twice or more."""
    common = common_passwords()
    core = folded.strip("".join(ch for ch in set(folded) if not ch.isalpha()))
    if folded in common or folded.replace(" ", "") in common or (core and core in common):
        return True
    length = len(folded)
    return any(
        length % size == 0 and folded[:size] * (length // size) == folded and folded[:size] in common
        for size in range(1, length // 2 + 1)
    )


def _repeats(folded: str) -> bool:
    """A pattern of a few characters repeated to the whole length ("aaaa…", "abcabc…")."""
    return any(
        (folded[:size] * (len(folded) // size + 1))[: len(folded)] == folded
        for size in range(1, _SHORTEST_NON_REPEATING_UNIT + 1)
    )


async def hashed(password: str) -> str:
    """The Argon2id hash of a new password, computed off the event loop."""
    async with _PASSWORD_WORK:
        return await asyncio.to_thread(hash_password, password)


async def matches(password_hash: str | None, password: str) -> bool:
    """Whether a password is the one on file; spends a check's time even when there is none."""
    async with _PASSWORD_WORK:
        return await asyncio.to_thread(verify_password, password_hash, password)
