"""Registration, recovery, support cases and Manage My Account: their mutations and types."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from enum import Enum

import strawberry

from gateway.accounts.associations import remove_association, request_association
from gateway.accounts.profile import ProfileChanges, update_profile
from gateway.accounts.recovery import recover_user_id, request_password_reset, reset_password
from gateway.accounts.region import switch_region
from gateway.accounts.registration import Registration, register_user
from gateway.accounts.security import change_password
from gateway.accounts.support import (
    CONSULTANT,
    SupportCaseView,
    SupportRequest,
    open_support_case,
    reply_to_support_case,
)
from gateway.accounts.transaction import Caller
from gateway.auth.sessions import SessionStore
from gateway.context import Info
from gateway.directory.accounts import SupportCaseRecord, SupportCaseReplyRecord, SupportTopic
from gateway.directory.records import UserKind
from gateway.errors import MutationRefused
from gateway.ids import encode_id
from gateway.schema.associations import Association
from gateway.schema.enums import RegionCode
from gateway.schema.regions import Region, region
from gateway.schema.relay import Node
from gateway.schema.user_errors import UserError, user_errors
from gateway.schema.users import User, Viewer

strawberry.enum(SupportTopic)


def caller_of(info: Info) -> Caller:
    """Who is asking, and from where, for the account services."""
    client = info.context.request.client
    return Caller(
        principal=info.context.principal,
        client_address=client.host if client else None,
        request_id=info.context.request_id or None,
    )


def sessions_of(info: Info) -> SessionStore:
    return info.context.authenticator.sessions


# ------------------------------------------------------------------- types


@strawberry.type(
    description=(
        "Accepted whether or not the account exists, so it cannot be used to discover accounts; refused "
        "(RATE_LIMITED) only when asked too often, alike for accounts that exist and that do not."
    )
)
class AcceptedPayload:
    accepted: bool
    user_errors: list[UserError]


@strawberry.enum
class SupportCaseStatus(Enum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


@strawberry.type
class SupportCaseReply:
    body: str
    sent_at: datetime
    author: str = strawberry.field(description='"Online Affiliate consultant" or the person\'s own name.')

    @classmethod
    def from_record(cls, record: SupportCaseReplyRecord) -> SupportCaseReply:
        return cls(body=record.body, sent_at=record.sent_at, author=record.author_name or CONSULTANT)


@strawberry.type
class SupportCase(Node):
    case_number: str
    topic: SupportTopic
    status: str
    case_status: SupportCaseStatus
    description: str
    replies: list[SupportCaseReply]
    opened_at: datetime
    region_code: strawberry.Private[str]

    @classmethod
    def from_record(
        cls, record: SupportCaseRecord, replies: Sequence[SupportCaseReplyRecord] = ()
    ) -> SupportCase:
        return cls(
            id=strawberry.ID(encode_id("SupportCase", None, record.pk)),
            case_number=record.case_number,
            topic=record.topic,
            status=record.status,
            case_status=SupportCaseStatus(record.status),
            description=record.description,
            replies=[SupportCaseReply.from_record(reply) for reply in replies],
            opened_at=record.opened_at,
            region_code=record.region,
        )

    @classmethod
    def from_view(cls, view: SupportCaseView) -> SupportCase:
        return cls.from_record(view.case, view.replies)

    @strawberry.field
    def region(self) -> Region:
        return region(self.region_code)


@strawberry.type
class SupportCasePayload:
    support_case: SupportCase | None
    user_errors: list[UserError]


@strawberry.type
class UpdateProfilePayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class ChangePasswordPayload:
    changed: bool
    user_errors: list[UserError]


@strawberry.type
class AssociationPayload:
    association: Association | None
    user_errors: list[UserError]


@strawberry.type
class SwitchRegionPayload:
    viewer: Viewer | None
    user_errors: list[UserError]


@strawberry.type
class RegisterUserPayload:
    user: User | None
    user_errors: list[UserError]


# ------------------------------------------------------------------ inputs


@strawberry.input
class ProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    organization: str | None = None
    job_title: str | None = None
    work_phone: str | None = None
    supervisor_name: str | None = None
    supervisor_email: str | None = None
    supervisor_phone: str | None = None

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            **{field.name: getattr(self, field.name) for field in dataclasses.fields(ProfileChanges)}
        )


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class RequestAssociationInput:
    tax_id: str
    region: RegionCode


@strawberry.input
class RemoveAssociationInput:
    association_id: strawberry.ID


@strawberry.input
class SwitchRegionInput:
    region: RegionCode


@strawberry.input
class AssociationRequestInput:
    tax_id: str
    region: RegionCode


@strawberry.input
class RegisterUserInput:
    user_id: str
    password: str
    kind: UserKind
    profile: ProfileInput
    associations: list[AssociationRequestInput] = strawberry.field(
        description="At least one; each starts PENDING until a regional representative decides."
    )
    employer_tax_id: str | None = strawberry.field(
        default=None,
        description=(
            "The Tax ID of the organization the person works for. Required of a third-party "
            "administrator: its own Tax ID, with a processed agreement; it may associate only with "
            "the provider groups whose TPA attestation names it."
        ),
    )


@strawberry.input
class RequestPasswordResetInput:
    user_id: str
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str
    new_password: str


@strawberry.input
class RecoverUserIdInput:
    email: str


@strawberry.input
class ReplyToSupportCaseInput:
    support_case_id: strawberry.ID
    body: str
    close: bool | None = False


@strawberry.input
class SupportCaseInput:
    region: RegionCode
    topic: SupportTopic
    group_name: str
    tax_id: str
    contact_email: str
    description: str


# --------------------------------------------------------------- mutations


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description=(
            "New user registration; no sign-in needed. The account is REGISTERING: it signs in to Manage My "
            "Account only (profile, associations, security) until a regional representative approves a "
            "first association, which makes it ACTIVE and emails that its access is complete."
        )
    )
    async def register_user(self, info: Info, input: RegisterUserInput) -> RegisterUserPayload:
        registration = Registration(
            user_id=input.user_id,
            password=input.password,
            kind=input.kind,
            profile=input.profile.changes(),
            associations=[(request.tax_id, request.region.value) for request in input.associations],
            employer_tax_id=input.employer_tax_id,
        )
        try:
            registered = await register_user(info.context.runtime, caller_of(info), registration)
        except MutationRefused as refused:
            return RegisterUserPayload(user=None, user_errors=user_errors(refused))
        # What the registrant has just submitted is theirs to read back, though they cannot sign in yet.
        loaders = info.context.loaders
        loaders.user_by_id.prime(registered.user.pk, registered.user)
        loaders.associations_by_user.prime(registered.user.pk, registered.associations)
        for entity in registered.entities:
            loaders.entity_by_id.prime(entity.pk, entity)
        return RegisterUserPayload(user=User.from_record(registered.user), user_errors=[])

    @strawberry.mutation(
        description="Emails a single-use reset code when the user ID and email address belong together."
    )
    async def request_password_reset(self, info: Info, input: RequestPasswordResetInput) -> AcceptedPayload:
        try:
            await request_password_reset(
                info.context.runtime, caller_of(info), user_id=input.user_id, email=input.email
            )
        except MutationRefused as refused:
            return AcceptedPayload(accepted=False, user_errors=user_errors(refused))
        return AcceptedPayload(accepted=True, user_errors=[])

    @strawberry.mutation(
        description=(
            "A new password with an emailed reset code: it works once, "
            "before it expires; signs every session off."
        )
    )
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> ChangePasswordPayload:
        try:
            await reset_password(
                info.context.runtime,
                caller_of(info),
                sessions_of(info),
                token=input.token,
                new_password=input.new_password,
            )
        except MutationRefused as refused:
            return ChangePasswordPayload(changed=False, user_errors=user_errors(refused))
        return ChangePasswordPayload(changed=True, user_errors=[])

    @strawberry.mutation(
        description="Emails the user IDs registered with an email address, if there are any."
    )
    async def recover_user_id(self, info: Info, input: RecoverUserIdInput) -> AcceptedPayload:
        try:
            await recover_user_id(info.context.runtime, caller_of(info), email=input.email)
        except MutationRefused as refused:
            return AcceptedPayload(accepted=False, user_errors=user_errors(refused))
        return AcceptedPayload(accepted=True, user_errors=[])

    @strawberry.mutation(
        description=(
            "Opens an Online Affiliate support case, e.g. to ask whether "
            "an agreement is on file; no sign-in needed."
        )
    )
    async def open_support_case(self, info: Info, input: SupportCaseInput) -> SupportCasePayload:
        request = SupportRequest(
            region=input.region.value,
            topic=input.topic,
            group_name=input.group_name,
            tax_id=input.tax_id,
            contact_email=input.contact_email,
            description=input.description,
        )
        try:
            case = await open_support_case(info.context.runtime, caller_of(info), request)
        except MutationRefused as refused:
            return SupportCasePayload(support_case=None, user_errors=user_errors(refused))
        return SupportCasePayload(support_case=SupportCase.from_record(case), user_errors=[])

    @strawberry.mutation(
        description=(
            'Regional representatives answer support cases ("a consultant will respond"); the opener is '
            "emailed. The opener, signed in, may add to their own case."
        )
    )
    async def reply_to_support_case(self, info: Info, input: ReplyToSupportCaseInput) -> SupportCasePayload:
        try:
            view = await reply_to_support_case(
                info.context.runtime,
                caller_of(info),
                input.support_case_id,
                input.body,
                close=bool(input.close),
            )
        except MutationRefused as refused:
            return SupportCasePayload(support_case=None, user_errors=user_errors(refused))
        return SupportCasePayload(support_case=SupportCase.from_view(view), user_errors=[])

    @strawberry.mutation(
        description=(
            "Manage My Account › Profile. A field left out stays as it "
            "is; an optional field sent empty is cleared."
        )
    )
    async def update_profile(self, info: Info, input: ProfileInput) -> UpdateProfilePayload:
        try:
            user = await update_profile(info.context.runtime, caller_of(info), input.changes())
        except MutationRefused as refused:
            return UpdateProfilePayload(user=None, user_errors=user_errors(refused))
        return UpdateProfilePayload(user=User.from_record(user), user_errors=[])

    @strawberry.mutation(
        description=(
            "Manage My Account › Security. Needs the current password; signs the person's other sessions off."
        )
    )
    async def change_password(self, info: Info, input: ChangePasswordInput) -> ChangePasswordPayload:
        try:
            await change_password(
                info.context.runtime,
                caller_of(info),
                sessions_of(info),
                current_password=input.current_password,
                new_password=input.new_password,
            )
        except MutationRefused as refused:
            return ChangePasswordPayload(changed=False, user_errors=user_errors(refused))
        return ChangePasswordPayload(changed=True, user_errors=[])

    @strawberry.mutation(
        description=(
            "Asks for a new Tax ID association, PENDING until a representative of the region decides. "
            "The Tax ID needs a processed enrollment agreement."
        )
    )
    async def request_association(self, info: Info, input: RequestAssociationInput) -> AssociationPayload:
        try:
            record, entity = await request_association(
                info.context.runtime, caller_of(info), input.tax_id, input.region.value
            )
        except MutationRefused as refused:
            return AssociationPayload(association=None, user_errors=user_errors(refused))
        # The request makes the entity the person's to see; this request's principal predates it.
        info.context.loaders.entity_by_id.prime(entity.pk, entity)
        return AssociationPayload(association=Association.from_record(record), user_errors=[])

    @strawberry.mutation(
        description=(
            "Removes one of the person's own associations; its access ends at once, on every read path."
        )
    )
    async def remove_association(self, info: Info, input: RemoveAssociationInput) -> AssociationPayload:
        try:
            record = await remove_association(info.context.runtime, caller_of(info), input.association_id)
        except MutationRefused as refused:
            return AssociationPayload(association=None, user_errors=user_errors(refused))
        return AssociationPayload(association=Association.from_record(record), user_errors=[])

    @strawberry.mutation(
        description=(
            "Sets the session's active region among the approved ones; any other region is "
            "REGION_NOT_APPROVED. `viewer.activeRegion` reflects it for the rest of the session."
        )
    )
    async def switch_region(self, info: Info, input: SwitchRegionInput) -> SwitchRegionPayload:
        try:
            principal = await switch_region(
                info.context.runtime, caller_of(info), sessions_of(info), input.region.value
            )
        except MutationRefused as refused:
            return SwitchRegionPayload(viewer=None, user_errors=user_errors(refused))
        # The rest of this request sees the new region too, as every later request of the session will.
        info.context.principal = principal
        record = (
            None
            if principal.user_pk is None
            else await info.context.loaders.user_by_id.load(principal.user_pk)
        )
        return SwitchRegionPayload(
            viewer=None if record is None else Viewer(user=User.from_record(record)), user_errors=[]
        )
