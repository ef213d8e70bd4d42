"""Idempotency keys: the same key from the same person answers the first submission and files nothing twice.

A key belongs to the person who sent it (the store keeps one message per owner and key), so two people
using the same key file two messages. A key already used for another claim or another action is refused
rather than answered with a submission the request did not ask for.
"""

from __future__ import annotations

from gateway.errors import MutationRefused, Problem, UserErrorCode
from regions.base.records import ClaimRecord, MessageKind, Submission

# The `messages.idempotency_key` column.
MAX_KEY_LENGTH = 100
_FIELD = ("input", "idempotencyKey")


def checked_key(key: str | None) -> str | None:
    """The key as stored; refused when it is blank or too long."""
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise MutationRefused(
            Problem(
                UserErrorCode.INVALID, f"An idempotency key has 1 to {MAX_KEY_LENGTH} characters.", _FIELD
            )
        )
    return key


def matching(earlier: Submission, claim: ClaimRecord, kind: MessageKind) -> Submission:
    """The earlier submission under a key, if it answers this request (same claim, same action)."""
    message = earlier.message
    if (
        message is None
        or message.claim_pk != claim.pk
        or message.region != claim.region
        or message.kind is not kind
    ):
        raise MutationRefused(
            Problem(
                UserErrorCode.INVALID,
                "This idempotency key was already used for another submission; use a new key.",
                _FIELD,
            )
        )
    return earlier
