"""Manage My Account › Security: multi-factor sign-in (TOTP) and the person's sessions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.accounts.mfa import begin_totp_enrollment, confirm_totp_enrollment, disable_mfa
from gateway.accounts.sessions import end_session
from gateway.auth.sessions import SessionListing
from gateway.context import Info
from gateway.errors import MutationRefused
from gateway.schema.accounts import caller_of, sessions_of
from gateway.schema.user_errors import UserError, user_errors


@strawberry.type
class MfaStatus:
    enabled: bool
    recovery_codes_left: int


@strawberry.type
class TotpEnrollment:
    uri: str = strawberry.field(description="otpauth:// URI for an authenticator app (and its QR code).")
    secret: str


@strawberry.type
class TotpEnrollmentPayload:
    enrollment: TotpEnrollment | None
    user_errors: list[UserError]


@strawberry.input
class ConfirmTotpInput:
    code: str


@strawberry.type
class ConfirmTotpPayload:
    recovery_codes: list[str] | None = strawberry.field(description="Shown once.")
    user_errors: list[UserError]


@strawberry.input
class DisableMfaInput:
    password: str
    code: str


@strawberry.type
class DisableMfaPayload:
    disabled: bool
    user_errors: list[UserError]


@strawberry.type
class Session:
    id: strawberry.ID
    created_at: datetime
    last_seen_at: datetime
    user_agent: str | None
    current: bool

    @classmethod
    def from_listing(cls, listing: SessionListing, current_id: str | None) -> Session:
        return cls(
            id=strawberry.ID(listing.id),
            created_at=listing.created_at,
            last_seen_at=listing.last_seen_at,
            user_agent=listing.user_agent,
            current=listing.id == current_id,
        )


@strawberry.input
class EndSessionInput:
    session_id: strawberry.ID


@strawberry.type
class EndSessionPayload:
    ended: bool
    user_errors: list[UserError]


@strawberry.type
class SecurityMutation:
    @strawberry.mutation(
        description=(
            "Starts enrolling a TOTP authenticator: scan the URI's QR code, then confirm with a first code. "
            "INVALID while multi-factor sign-in is already on."
        )
    )
    async def begin_totp_enrollment(self, info: Info) -> TotpEnrollmentPayload:
        try:
            enrollment = await begin_totp_enrollment(info.context.runtime, caller_of(info))
        except MutationRefused as refused:
            return TotpEnrollmentPayload(enrollment=None, user_errors=user_errors(refused))
        return TotpEnrollmentPayload(
            enrollment=TotpEnrollment(uri=enrollment.uri, secret=enrollment.secret), user_errors=[]
        )

    @strawberry.mutation(
        description=(
            "A first code turns multi-factor sign-in on and answers ten single-use recovery codes, shown "
            "this once (MFA_CODE_INVALID for a wrong code)."
        )
    )
    async def confirm_totp_enrollment(self, info: Info, input: ConfirmTotpInput) -> ConfirmTotpPayload:
        try:
            codes = await confirm_totp_enrollment(info.context.runtime, caller_of(info), input.code)
        except MutationRefused as refused:
            return ConfirmTotpPayload(recovery_codes=None, user_errors=user_errors(refused))
        return ConfirmTotpPayload(recovery_codes=codes, user_errors=[])

    @strawberry.mutation(
        description=(
            "Switches multi-factor sign-in off: the password and a current code or an unused recovery code."
        )
    )
    async def disable_mfa(self, info: Info, input: DisableMfaInput) -> DisableMfaPayload:
        try:
            await disable_mfa(
                info.context.runtime,
                caller_of(info),
                info.context.authenticator.second_factor,
                password=input.password,
                code=input.code,
            )
        except MutationRefused as refused:
            return DisableMfaPayload(disabled=False, user_errors=user_errors(refused))
        return DisableMfaPayload(disabled=True, user_errors=[])

    @strawberry.mutation(
        description=(
            "Ends one of the person's own sessions (the current one too), at once on every replica; "
            "anyone else's is NOT_FOUND."
        )
    )
    async def end_session(self, info: Info, input: EndSessionInput) -> EndSessionPayload:
        try:
            await end_session(info.context.runtime, caller_of(info), sessions_of(info), str(input.session_id))
        except MutationRefused as refused:
            return EndSessionPayload(ended=False, user_errors=user_errors(refused))
        return EndSessionPayload(ended=True, user_errors=[])
