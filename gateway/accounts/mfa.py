"""Manage My Account › Security: a TOTP authenticator (enrol with a QR code and a first code, ten single-use
recovery codes shown once), switched off with the password and a code."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.accounts.passwords import matches
from gateway.accounts.transaction import Caller, account_change
from gateway.auth.mfa import (
    SecondFactor,
    new_recovery_codes,
    new_totp_secret,
    provisioning_uri,
    recovery_code_hash,
    totp_step,
)
from gateway.directory.accounts import DirectoryAccounts
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime


@dataclass(frozen=True, slots=True)
class TotpEnrollment:
    uri: str
    secret: str


def _code_invalid(field: tuple[str, ...]) -> MutationRefused:
    return MutationRefused(
        Problem(
            UserErrorCode.MFA_CODE_INVALID,
            "This code does not work: type the six digits your authenticator app shows now.",
            field,
        )
    )


async def begin_totp_enrollment(runtime: Runtime, caller: Caller) -> TotpEnrollment:
    """A new secret to enrol (replacing one not confirmed); multi-factor sign-in is on once confirmed."""
    user_pk, user_id = caller.person()
    async with account_change(runtime, caller, "begin_totp_enrollment") as change:
        async with change.reads() as reads:
            confirmed, _ = await reads.totp_secrets(user_pk)
        if confirmed is not None:
            raise MutationRefused(
                Problem(
                    UserErrorCode.INVALID,
                    "Multi-factor sign-in is already on; switch it off first to enrol another authenticator.",
                    None,
                )
            )
        secret = new_totp_secret()
        async with change.transaction() as rows:
            await rows.set_pending_totp_secret(user_pk, secret)
    return TotpEnrollment(uri=provisioning_uri(secret, user_id), secret=secret)


async def confirm_totp_enrollment(runtime: Runtime, caller: Caller, code: str) -> list[str]:
    """A first code of the new authenticator turns multi-factor sign-in on; returns the ten recovery codes,
    shown this once (the directory keeps their hashes only)."""
    user_pk, _ = caller.person()
    field = ("input", "code")
    async with account_change(runtime, caller, "confirm_totp_enrollment") as change:
        async with change.reads() as reads:
            confirmed, pending = await reads.totp_secrets(user_pk)
        if pending is None:
            raise MutationRefused(
                Problem(UserErrorCode.INVALID, "Begin the enrolment first: scan the QR code it shows.", field)
            )
        if totp_step(pending, code) is None:
            raise _code_invalid(field)
        codes = new_recovery_codes()
        async with change.transaction() as rows:
            if not await rows.enable_totp(user_pk, pending, [recovery_code_hash(c) for c in codes]):
                raise MutationRefused(Problem(UserErrorCode.INVALID, "Begin the enrolment again.", field))
        change.detail["replaced"] = confirmed is not None
    return codes


async def disable_mfa(
    runtime: Runtime, caller: Caller, second_factor: SecondFactor, *, password: str, code: str
) -> None:
    """Switch multi-factor sign-in off: the password and a current code (or an unused recovery code)."""
    user_pk, user_id = caller.person()
    async with account_change(runtime, caller, "disable_mfa") as change:
        credentials = await runtime.directory.credentials(user_id)
        if credentials is None or not await matches(credentials.password_hash, password):
            raise MutationRefused(
                Problem(
                    UserErrorCode.WRONG_PASSWORD,
                    "Your password is not the one you typed.",
                    ("input", "password"),
                )
            )
        if credentials.totp_secret is None:
            raise MutationRefused(Problem(UserErrorCode.INVALID, "Multi-factor sign-in is not on.", None))
        if not await second_factor.verify(user_pk, credentials.totp_secret, code):
            raise _code_invalid(("input", "code"))
        async with change.transaction() as rows:
            await rows.disable_totp(user_pk)


async def recovery_codes_left(runtime: Runtime, user_pk: int) -> int:
    async with runtime.directory.engine.connect() as connection:
        return await DirectoryAccounts(connection).recovery_codes_left(user_pk)
