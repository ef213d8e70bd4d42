"""People: their profile, associations, and the signed-in viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import access
from gateway.accounts.mfa import recovery_codes_left
from gateway.context import Info
from gateway.directory.records import AssociationStatus, UserKind, UserRecord, UserStatus
from gateway.ids import encode_id
from gateway.schema.enums import RegionCode
from gateway.schema.messages import MessageConnection, in_basket
from gateway.schema.regions import Region, region
from gateway.schema.relay import Node
from regions.base.records import MessageFolder

if TYPE_CHECKING:
    from gateway.schema.associations import Association
    from gateway.schema.security import MfaStatus, Session


@strawberry.type
class WorkInfo:
    organization: str
    job_title: str | None
    phone: str | None


@strawberry.type
class SupervisorInfo:
    name: str
    email: str
    phone: str | None


@strawberry.type
class Profile:
    first_name: str
    last_name: str
    email: str
    phone: str | None
    work: WorkInfo
    supervisor: SupervisorInfo | None

    @classmethod
    def from_record(cls, record: UserRecord) -> Profile:
        supervisor = None
        if record.supervisor_name and record.supervisor_email:
            supervisor = SupervisorInfo(
                name=record.supervisor_name, email=record.supervisor_email, phone=record.supervisor_phone
            )
        return cls(
            first_name=record.first_name,
            last_name=record.last_name,
            email=record.email,
            phone=record.phone,
            work=WorkInfo(
                organization=record.organization, job_title=record.job_title, phone=record.work_phone
            ),
            supervisor=supervisor,
        )


@strawberry.type
class User(Node):
    user_id: str
    kind: UserKind
    status: UserStatus
    profile: Profile
    pk: strawberry.Private[int]
    mfa_enabled: strawberry.Private[bool] = False

    @classmethod
    def from_record(cls, record: UserRecord) -> User:
        return cls(
            id=strawberry.ID(encode_id("User", None, record.pk)),
            user_id=record.user_id,
            kind=record.kind,
            status=record.status,
            profile=Profile.from_record(record),
            pk=record.pk,
            mfa_enabled=record.mfa_enabled,
        )

    @strawberry.field
    async def associations(
        self, info: Info, region: RegionCode | None = None, status: AssociationStatus | None = None
    ) -> list[Annotated[Association, strawberry.lazy("gateway.schema.associations")]]:
        from gateway.schema.associations import Association

        records = await info.context.loaders.associations_by_user.load(self.pk)
        return [
            Association.from_record(record)
            for record in records
            if (region is None or record.region == region.value)
            and (status is None or record.status is status)
        ]


@strawberry.type
class Viewer:
    user: User

    @strawberry.field(
        description="The region the session is working in (region switching in Manage My Account)."
    )
    def active_region(self, info: Info) -> Region | None:
        code = info.context.principal.active_region
        return region(code) if code in access.approved_regions(info.context.principal) else None

    @strawberry.field(description="Regions with at least one ACTIVE association.")
    def approved_regions(self, info: Info) -> list[Region]:
        approved = access.approved_regions(info.context.principal)
        return [region(code) for code in info.context.runtime.regions if code in approved]

    @strawberry.field
    async def mfa(self, info: Info) -> Annotated[MfaStatus, strawberry.lazy("gateway.schema.security")]:
        from gateway.schema.security import MfaStatus

        left = await recovery_codes_left(info.context.runtime, self.user.pk) if self.user.mfa_enabled else 0
        return MfaStatus(enabled=self.user.mfa_enabled, recovery_codes_left=left)

    @strawberry.field(description="The person's sessions still in use, newest first; `current` is this one.")
    async def sessions(
        self, info: Info
    ) -> list[Annotated[Session, strawberry.lazy("gateway.schema.security")]]:
        from gateway.schema.security import Session

        listings = await info.context.authenticator.sessions.listing(self.user.pk)
        return [Session.from_listing(listing, info.context.principal.session_id) for listing in listings]

    @strawberry.field
    async def in_basket(
        self,
        info: Info,
        folder: MessageFolder | None = None,
        region: RegionCode | None = None,
        unread_only: bool | None = False,
        first: int | None = 20,
        after: str | None = None,
    ) -> MessageConnection:
        return await in_basket(
            info,
            folder=folder,
            region_code=None if region is None else region.value,
            unread_only=bool(unread_only),
            first=first,
            after=after,
        )
