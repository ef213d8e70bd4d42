"""Forgot your user ID, password reset (seed 002, question 3): answers that never reveal an account.

Both requests always answer "accepted". Whether or not an account matches, each runs one
transaction (with its audit event) and then waits out the same floor, so the answer takes about
the same time either way; only the email, written to the outbox, says what was found.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import unicodedata
from datetime import UTC, datetime, timedelta

from gateway.accounts.attempts import count_attempt
from gateway.accounts.passwords import hashed, password_problem
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import EMAIL_LENGTH
from gateway.auth.sessions import SessionStore
from gateway.auth.throttle import Attempt, canonical_user_id
from gateway.directory.accounts import DirectoryAccounts
from gateway.directory.records import UserStatus
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.outbox import PASSWORD_RESET, new_reset_code, rendered_body
from gateway.runtime import Runtime

logger = logging.getLogger("gateway.outbox")

# Every recovery answer takes at least this long, so a match and a miss look alike from outside.
ANSWER_FLOOR_SECONDS = 0.1
_USER_ID_LENGTH = 64
_TOKEN_LENGTH = 100
USER_ID_RECOVERY = "user_id_recovery"


def token_hash(token: str) -> str:
    """What the directory keeps of a reset code: its SHA-256, never the code itself."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _plain(value: str, max_length: int) -> str | None:
    """Typed text fit to look up (trimmed, short enough, no control characters), else None."""
    text = value.strip()
    if not text or len(text) > max_length or any(unicodedata.category(c).startswith("C") for c in text):
        return None
    return text


async def request_password_reset(runtime: Runtime, caller: Caller, *, user_id: str, email: str) -> None:
    """Email a single-use reset code when the user id and email address belong together."""
    started = time.monotonic()
    typed_user_id = _plain(user_id, _USER_ID_LENGTH)
    typed_email = _plain(email, EMAIL_LENGTH)
    queued: tuple[int, str, str, str] | None = None
    actor = (typed_user_id or "").lower() or None
    async with account_change(runtime, caller, "request_password_reset", actor=actor) as change:
        # Counted for the user id as typed, before anything is looked up: a refusal tells nothing.
        await count_attempt(runtime, caller, Attempt.PASSWORD_RESET, account=canonical_user_id(user_id))
        async with change.transaction() as rows:
            found = await rows.recovery_address(typed_user_id.lower()) if typed_user_id else None
            matched = (
                found is not None
                and typed_email is not None
                and found[2] is not UserStatus.DISABLED
                and found[1].casefold() == typed_email.casefold()
            )
            change.detail["matched"] = matched
            if found is not None and matched:
                user_pk, address, _ = found
                # The code itself is in no row: the email holds a placeholder it is made from when sent.
                reset = await new_reset_code(runtime.settings.signing_key_path)
                now = datetime.now(UTC)
                ttl = runtime.settings.password_reset_ttl_seconds
                await rows.add_reset_token(
                    user_pk, token_hash(reset.code), created_at=now, expires_at=now + timedelta(seconds=ttl)
                )
                subject = "Reset your Online Affiliate password"
                body = (
                    f"Someone asked to reset the password of the Online Affiliate user ID {actor}.\n\n"
                    f"To choose a new password, enter this reset code within {max(1, ttl // 60)} minutes:\n\n"
                    f"{reset.placeholder}\n\n"
                    "The code works once. If you did not ask for this, ignore this email: your password "
                    "stays as it is."
                )
                queued = (await _queue(rows, PASSWORD_RESET, address, subject, body), address, subject, body)
    if queued is not None:
        await _log_email(runtime, PASSWORD_RESET, *queued)
    await _answer_floor(started)


async def recover_user_id(runtime: Runtime, caller: Caller, *, email: str) -> None:
    """Email the user IDs registered with an address, if there are any."""
    started = time.monotonic()
    typed_email = _plain(email, EMAIL_LENGTH)
    queued: tuple[int, str, str, str] | None = None
    async with account_change(runtime, caller, "recover_user_id", actor=None) as change:
        await count_attempt(runtime, caller, Attempt.USER_ID_RECOVERY, account=email.strip().casefold())
        async with change.transaction() as rows:
            user_ids = await rows.user_ids_by_email(typed_email) if typed_email else []
            change.detail["matched"] = len(user_ids)
            if typed_email and user_ids:
                subject = "Your Online Affiliate user ID"
                listed = "\n".join(f"  {user_id}" for user_id in user_ids)
                body = (
                    "Someone asked which Online Affiliate user IDs belong to this email address. "
                    f"They are:\n\n{listed}\n\n"
                    "If you did not ask for this, ignore this email."
                )
                queued = (
                    await _queue(rows, USER_ID_RECOVERY, typed_email, subject, body),
                    typed_email,
                    subject,
                    body,
                )
    if queued is not None:
        await _log_email(runtime, USER_ID_RECOVERY, *queued)
    await _answer_floor(started)


async def reset_password(
    runtime: Runtime, caller: Caller, sessions: SessionStore, *, token: str, new_password: str
) -> None:
    """Set a new password with an emailed code: once, before it expires. Signs every session off."""
    invalid = MutationRefused(
        Problem(
            UserErrorCode.TOKEN_INVALID,
            "This reset code does not work: it was used already, it expired, or it was mistyped. "
            "Ask for a new one.",
            ("input", "token"),
        )
    )
    async with account_change(runtime, caller, "reset_password") as change:
        typed = _plain(token, _TOKEN_LENGTH)
        if typed is None:
            raise invalid
        async with change.reads() as reads:
            record = await reads.reset_token(token_hash(typed))
        now = datetime.now(UTC)
        if record is None or record.used_at is not None or record.expires_at <= now:
            raise invalid
        user = (await runtime.directory.users_by_pks([record.user_pk])).get(record.user_pk)
        if user is None or user.status is UserStatus.DISABLED:
            raise invalid
        change.actor = user.user_id
        change.detail["user"] = user.pk
        refused = password_problem(new_password, user.user_id, ("input", "newPassword"))
        if refused is not None:
            raise MutationRefused(refused)
        password_hash = await hashed(new_password)
        async with change.transaction() as rows:
            # Spent in the same transaction that sets the password: two uses racing get one success.
            if not await rows.use_reset_tokens(user.pk, record.pk, datetime.now(UTC)):
                raise invalid
            await rows.set_password_hash(user.pk, password_hash)
    await sessions.revoke_all_for_user(user.pk)


async def _queue(rows: DirectoryAccounts, kind: str, recipient: str, subject: str, body: str) -> int:
    return await rows.add_email(
        kind=kind, recipient=recipient, subject=subject, body=body, at=datetime.now(UTC)
    )


async def _log_email(
    runtime: Runtime, kind: str, outbox_id: int, recipient: str, subject: str, body: str
) -> None:
    """In development the email is logged whole (its reset code in place), for want of a mail relay;
    never in production, where it may carry a reset code."""
    fields: dict[str, object] = {"outbox_id": outbox_id, "kind": kind}
    if not runtime.settings.production:
        body = await rendered_body(runtime.settings.signing_key_path, kind, body)
        fields.update(to=recipient, subject=subject, body=body)
    logger.info("email queued", extra={"fields": fields})


async def _answer_floor(started: float) -> None:
    remaining = ANSWER_FLOOR_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)
