"""Referrals and authorizations (X12 278 in GraphQL shape): the type, the cross-region search (a
provider's list, a reviewer's queue) and the four mutations."""

from __future__ import annotations

import re
from datetime import date, datetime

import strawberry
from strawberry.file_uploads import Upload

from gateway import access
from gateway.accounts.tax_ids import valid_tax_id
from gateway.authorizations.decisions import DecisionRequest, ServiceVerdict, decide_authorization
from gateway.authorizations.provider_actions import (
    ProviderActionResult,
    cancel_authorization,
    respond_to_request_for_information,
)
from gateway.authorizations.requests import AuthorizationRequest, ServiceLine, request_authorization
from gateway.context import Info
from gateway.errors import BadUserInput, MutationRefused, RegionUnavailable, Unauthenticated
from gateway.ids import encode_id
from gateway.loaders import AuthorizationMessagesQuery, RegionPk, RegionQuery
from gateway.schema.claims import Member
from gateway.schema.entities import Provider, ProviderEntity
from gateway.schema.enums import RegionCode
from gateway.schema.messages import Attachment, MessageConnection, _after, _connection
from gateway.schema.prefetch import selected
from gateway.schema.regions import Region, region
from gateway.schema.relay import (
    Node,
    PageInfo,
    decode_cursor,
    encode_cursor,
    merge_pages,
    page_size,
    region_pages,
)
from gateway.schema.user_errors import UserError, user_errors
from regions.base.authorizations import (
    OPEN_STATUSES,
    AuthorizationAction,
    AuthorizationCursor,
    AuthorizationKind,
    AuthorizationRecord,
    AuthorizationSort,
    AuthorizationStatus,
    AuthorizationUrgency,
    AuthorizedServiceRecord,
    ServiceDecision,
)
from regions.base.authorizations import AuthorizationSearch as AuthorizationQuery

for vocabulary in (
    AuthorizationKind,
    AuthorizationUrgency,
    AuthorizationStatus,
    ServiceDecision,
    AuthorizationAction,
    AuthorizationSort,
):
    strawberry.enum(vocabulary)

# The plan's numbers: the region's code, "-A" and nine digits (e.g. CO-A000000001).
_NUMBER = re.compile(r"([A-Z]+)-A\d{9}")
_MEMBER_ID_LENGTH = 20


@strawberry.type
class AuthorizedService:
    procedure_code: str = strawberry.field(description="CPT or HCPCS code.")
    description: str | None
    requested_units: int
    approved_units: int | None
    service_from: date
    service_to: date
    decision: ServiceDecision

    @classmethod
    def from_record(cls, record: AuthorizedServiceRecord) -> AuthorizedService:
        return cls(
            procedure_code=record.procedure_code,
            description=record.description,
            requested_units=record.requested_units,
            approved_units=record.approved_units,
            service_from=record.service_from,
            service_to=record.service_to,
            decision=record.decision,
        )


@strawberry.type
class Authorization(Node):
    authorization_number: str = strawberry.field(description="The plan's authorization (or referral) number.")
    kind: AuthorizationKind
    urgency: AuthorizationUrgency
    status: AuthorizationStatus
    member: Member
    region: Region
    servicing_provider_npi: str
    servicing_provider_name: str
    diagnosis_codes: list[str] | None = strawberry.field(
        description="Clinical: null for administrative access."
    )
    clinical_notes: str | None = strawberry.field(description="Clinical: null for administrative access.")
    services: list[AuthorizedService]
    submitted_at: datetime
    decision_due_at: datetime = strawberry.field(
        description="72 hours after submission for expedited requests, 7 calendar days for standard ones."
    )
    decided_at: datetime | None
    decision_reason: str | None
    valid_from: date | None
    valid_to: date | None
    record: strawberry.Private[AuthorizationRecord]

    @classmethod
    def from_record(cls, record: AuthorizationRecord) -> Authorization:
        codes = record.diagnosis_codes
        return cls(
            id=strawberry.ID(encode_id("Authorization", record.region, record.pk)),
            authorization_number=record.authorization_number,
            kind=record.kind,
            urgency=record.urgency,
            status=record.status,
            member=Member.from_record(record.member),
            region=region(record.region),
            servicing_provider_npi=record.servicing_provider_npi,
            servicing_provider_name=record.servicing_provider_name,
            diagnosis_codes=None if codes is None else list(codes),
            clinical_notes=record.clinical_notes,
            services=[AuthorizedService.from_record(service) for service in record.services],
            submitted_at=record.submitted_at,
            decision_due_at=record.decision_due_at,
            decided_at=record.decided_at,
            decision_reason=record.decision_reason,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
            record=record,
        )

    @strawberry.field(
        description="Open past its decision due date (CMS-0057-F time frames): the plan owes a decision."
    )
    def overdue(self, info: Info) -> bool:
        return self.record.is_overdue(info.context.runtime.clock.now())

    @strawberry.field
    async def entity(self, info: Info) -> ProviderEntity:
        entity = await info.context.loaders.entity_by_tax_id.load(self.record.tax_id)
        if entity is None:
            raise LookupError("entity of a visible authorization is missing")
        return ProviderEntity.from_record(entity)

    @strawberry.field
    async def requesting_provider(self, info: Info) -> Provider:
        key = RegionPk(self.record.region, self.record.requesting_provider_pk)
        provider = await info.context.loaders.provider_by_id.load(key)
        if provider is None:
            raise LookupError("requesting provider of a visible authorization is missing")
        return Provider.from_record(provider)

    @strawberry.field
    def available_actions(self, info: Info) -> list[AuthorizationAction]:
        return list(access.authorization_actions(info.context.principal, self.record))

    @strawberry.field
    async def attachments(self, info: Info) -> list[Attachment]:
        key = RegionPk(self.record.region, self.record.pk)
        records = await info.context.loaders.attachments_by_authorization.load(key)
        return [Attachment.from_record(record) for record in records]

    @strawberry.field(description="Decision letters, requests for information and the provider's responses.")
    async def messages(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> MessageConnection:
        limit = page_size(first)
        cursor = _after(after)
        query = AuthorizationMessagesQuery(
            pk=self.record.pk,
            owner_user_id=access.messages_listed_for(info.context.principal),
            after=None if cursor is None else (cursor.sent_at, cursor.pk),
            limit=limit,
            with_total="totalCount" in selected(info),
        )
        try:
            page = await info.context.loaders.authorization_message_page.load(
                RegionQuery(self.record.region, query)
            )
        except RegionUnavailable:
            info.context.region_failed(self.record.region)
            raise
        return await _connection(info, [page], limit)


async def load_authorization(info: Info, region_code: str, pk: int) -> Authorization | None:
    """An authorization by its key, if the caller sees it (Message.authorization, node)."""
    record = await info.context.loaders.authorization_by_id.load(RegionPk(region_code, pk))
    return None if record is None else Authorization.from_record(record)


@strawberry.type
class AuthorizationEdge:
    cursor: str
    node: Authorization


@strawberry.type
class AuthorizationConnection:
    edges: list[AuthorizationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class AuthorizationSearch:
    authorization_number: str | None = None
    regions: list[RegionCode] | None = None
    tax_id: str | None = None
    member_id: str | None = None
    status: list[AuthorizationStatus] | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Only requests open past their decision due date."
    )
    sort: AuthorizationSort = strawberry.field(
        default=AuthorizationSort.SUBMITTED_NEWEST,
        description="A reviewer's queue reads best by DUE_SOONEST.",
    )


def _sorted_at(record: AuthorizationRecord, sort: AuthorizationSort) -> datetime:
    return record.submitted_at if sort is AuthorizationSort.SUBMITTED_NEWEST else record.decision_due_at


async def search_authorizations(
    info: Info, search: AuthorizationSearch, first: int | None, after: str | None
) -> AuthorizationConnection:
    """One keyset page per region the caller may list, all at once, merged in the search's order."""
    context = info.context
    if not context.principal.signed_in:
        raise Unauthenticated()
    limit = page_size(first)
    sort = search.sort
    values = decode_cursor(after, 3)
    cursor = None
    if values is not None:
        try:
            if values[0] != sort.value:
                raise ValueError("a cursor of another order")
            cursor = AuthorizationCursor(at=datetime.fromisoformat(str(values[1])), pk=int(values[2]))
        except (TypeError, ValueError):
            raise BadUserInput("`after` is not a cursor from this list.", argument="after") from None
    number = search.authorization_number.strip().upper() if search.authorization_number else None
    if number is not None and len(number) > 40:
        raise BadUserInput("`authorizationNumber` is too long.", argument="search.authorizationNumber")
    member_id = search.member_id.strip().upper() if search.member_id else None
    if member_id is not None and len(member_id) > _MEMBER_ID_LENGTH:
        raise BadUserInput("`memberId` is too long.", argument="search.memberId")
    tax_id = None
    if search.tax_id is not None:
        tax_id = valid_tax_id(search.tax_id)
        if tax_id is None:
            return _empty()
    regions = None if search.regions is None else [code.value for code in search.regions]
    if number is not None:
        match = _NUMBER.fullmatch(number)
        # A number names its region: the others are not asked at all.
        if match is None:
            return _empty()
        regions = [code for code in regions or context.runtime.regions if code == match[1]]
    scope = access.authorization_scope(context.principal, regions, tax_id)
    statuses = frozenset(search.status) if search.status else None
    due_before = None
    if search.overdue:
        due_before = context.runtime.clock.now()
        statuses = (statuses or OPEN_STATUSES) & OPEN_STATUSES
        if not statuses:
            return _empty()
    keys = [
        RegionQuery(
            code,
            AuthorizationQuery(
                tax_ids=tax_ids,
                authorization_number=number,
                member_id=member_id,
                statuses=statuses,
                submitted_from=search.submitted_from,
                submitted_to=search.submitted_to,
                due_before=due_before,
                sort=sort,
                after=cursor,
                limit=limit,
                with_total="totalCount" in selected(info),
            ),
        )
        for code, tax_ids in sorted(scope.items())
    ]
    pages = await region_pages(context, context.loaders.authorization_page, keys)
    newest = sort is AuthorizationSort.SUBMITTED_NEWEST

    def order(record: AuthorizationRecord) -> tuple[float, int]:
        # merge_pages merges the largest first: the soonest due comes first when negated.
        at = _sorted_at(record, sort).timestamp()
        return (at, record.pk) if newest else (-at, -record.pk)

    records, has_more = merge_pages(pages, limit, order)
    edges = [
        AuthorizationEdge(cursor=_cursor(record, sort), node=Authorization.from_record(record))
        for record in records
    ]
    return AuthorizationConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_more, end_cursor=edges[-1].cursor if edges else None),
        total_count=sum(page.total or 0 for page in pages),
    )


def _cursor(record: AuthorizationRecord, sort: AuthorizationSort) -> str:
    return encode_cursor(sort.value, _sorted_at(record, sort).isoformat(), record.pk)


def _empty() -> AuthorizationConnection:
    return AuthorizationConnection(
        edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None), total_count=0
    )


@strawberry.type
class AuthorizationQueryRoot:
    @strawberry.field(
        description="Referrals and authorizations under the caller's Tax IDs; a reviewer's region queue."
    )
    async def authorizations(
        self, info: Info, search: AuthorizationSearch, first: int | None = 20, after: str | None = None
    ) -> AuthorizationConnection:
        return await search_authorizations(info, search, first, after)


# ------------------------------------------------------------------------------- mutations

_IDEMPOTENCY = "Repeating a key returns the first result instead of sending twice."


@strawberry.input
class AuthorizedServiceInput:
    procedure_code: str
    units: int
    service_from: date
    service_to: date


@strawberry.input
class AuthorizationRequestInput:
    region: RegionCode
    member_id: str
    member_date_of_birth: date
    kind: AuthorizationKind
    requesting_provider_id: strawberry.ID = strawberry.field(
        description="A provider linked to one of the caller's Tax IDs in the region."
    )
    servicing_provider_npi: str
    servicing_provider_name: str
    diagnosis_codes: list[str] = strawberry.field(description="ICD-10-CM codes.")
    services: list[AuthorizedServiceInput]
    clinical_notes: str
    urgency: AuthorizationUrgency = AuthorizationUrgency.STANDARD
    attachments: list[Upload] | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=_IDEMPOTENCY)


@strawberry.input
class CancelAuthorizationInput:
    authorization_id: strawberry.ID
    reason: str


@strawberry.input
class AuthorizationRfiResponseInput:
    authorization_id: strawberry.ID
    body: str
    attachments: list[Upload] | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=_IDEMPOTENCY)


@strawberry.input
class ServiceDecisionInput:
    procedure_code: str
    decision: ServiceDecision
    approved_units: int | None = None


@strawberry.input
class DecideAuthorizationInput:
    authorization_id: strawberry.ID
    status: AuthorizationStatus = strawberry.field(
        description="APPROVED, PARTIALLY_APPROVED, DENIED or PENDED_FOR_INFORMATION."
    )
    services: list[ServiceDecisionInput] | None = None
    reason: str | None = strawberry.field(
        default=None, description="Required for DENIED, PARTIALLY_APPROVED and PENDED_FOR_INFORMATION."
    )
    valid_from: date | None = None
    valid_to: date | None = None


@strawberry.type
class AuthorizationPayload:
    authorization: Authorization | None
    confirmation: str | None = strawberry.field(
        description="Shown to the person on success, with the authorization number."
    )
    user_errors: list[UserError]

    @classmethod
    def done(cls, authorization: AuthorizationRecord, confirmation: str) -> AuthorizationPayload:
        return cls(
            authorization=Authorization.from_record(authorization), confirmation=confirmation, user_errors=[]
        )

    @classmethod
    def refused(cls, refused: MutationRefused) -> AuthorizationPayload:
        return cls(authorization=None, confirmation=None, user_errors=user_errors(refused))


def _acted(result: ProviderActionResult) -> AuthorizationPayload:
    return AuthorizationPayload.done(result.authorization, result.confirmation)


@strawberry.type
class AuthorizationMutation:
    @strawberry.mutation(
        description=(
            "Only where the region takes online requests (`Region.onlineAuthorizationRequests`); clinical "
            "access only."
        )
    )
    async def request_authorization(
        self, info: Info, input: AuthorizationRequestInput
    ) -> AuthorizationPayload:
        request = AuthorizationRequest(
            region=input.region.value,
            member_id=input.member_id,
            member_date_of_birth=input.member_date_of_birth,
            kind=input.kind,
            urgency=input.urgency,
            requesting_provider_id=str(input.requesting_provider_id),
            servicing_provider_npi=input.servicing_provider_npi,
            servicing_provider_name=input.servicing_provider_name,
            diagnosis_codes=list(input.diagnosis_codes),
            services=[
                ServiceLine(line.procedure_code, line.units, line.service_from, line.service_to)
                for line in input.services
            ],
            clinical_notes=input.clinical_notes,
            attachments=input.attachments,
            idempotency_key=input.idempotency_key,
        )
        try:
            result = await request_authorization(info.context, request)
        except MutationRefused as refused:
            return AuthorizationPayload.refused(refused)
        return AuthorizationPayload.done(result.authorization, result.confirmation)

    @strawberry.mutation
    async def cancel_authorization(self, info: Info, input: CancelAuthorizationInput) -> AuthorizationPayload:
        try:
            return _acted(await cancel_authorization(info.context, str(input.authorization_id), input.reason))
        except MutationRefused as refused:
            return AuthorizationPayload.refused(refused)

    @strawberry.mutation
    async def respond_to_authorization_request_for_information(
        self, info: Info, input: AuthorizationRfiResponseInput
    ) -> AuthorizationPayload:
        try:
            result = await respond_to_request_for_information(
                info.context,
                str(input.authorization_id),
                input.body,
                input.attachments,
                input.idempotency_key,
            )
        except MutationRefused as refused:
            return AuthorizationPayload.refused(refused)
        return _acted(result)

    @strawberry.mutation(
        description=(
            "Utilization reviewers of the authorization's region; anyone else signed in gets NOT_ALLOWED."
        )
    )
    async def decide_authorization(self, info: Info, input: DecideAuthorizationInput) -> AuthorizationPayload:
        request = DecisionRequest(
            authorization_id=str(input.authorization_id),
            status=input.status,
            services=None
            if input.services is None
            else [ServiceVerdict(s.procedure_code, s.decision, s.approved_units) for s in input.services],
            reason=input.reason,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
        )
        try:
            result = await decide_authorization(info.context, request)
        except MutationRefused as refused:
            return AuthorizationPayload.refused(refused)
        return AuthorizationPayload.done(result.authorization, result.confirmation)
