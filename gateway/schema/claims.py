"""Claims, their members and payments, and the cross-region claims search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from gateway import access
from gateway.context import Info
from gateway.errors import BadUserInput, Unauthenticated
from gateway.ids import encode_id
from gateway.loaders import RegionPk, RegionQuery
from gateway.schema.entities import Provider, ProviderEntity
from gateway.schema.enums import RegionCode
from gateway.schema.from_records import field_reads, record_builder
from gateway.schema.prefetch import MISSING, Prefetch, later, load_for_page, prefetched, selected
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
from regions.base.queries import ClaimCursor
from regions.base.queries import ClaimSearch as ClaimQuery
from regions.base.records import (
    ClaimAction,
    ClaimRecord,
    ClaimStatus,
    MemberRecord,
    PaymentMethod,
    PaymentRecord,
    PlanType,
)

if TYPE_CHECKING:
    from gateway.schema.messages import MessageConnection

RecordT = TypeVar("RecordT")
BuiltT = TypeVar("BuiltT")


@strawberry.type
class Payment:
    vendor: str = strawberry.field(description="The vendor (payee) the payment was issued to.")
    method: PaymentMethod
    reference: str = strawberry.field(description="Check or EFT trace number.")
    amount: Decimal
    paid_on: date

    @classmethod
    def from_record(cls, record: PaymentRecord | None) -> Payment | None:
        return None if record is None else _payment(record)


@strawberry.type
class Member:
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: date | None = strawberry.field(description="Clinical: null for administrative access.")
    plan_type: PlanType

    @classmethod
    def from_record(cls, record: MemberRecord) -> Member:
        return _member(record)


_payment = record_builder(Payment, PaymentRecord)
_member = record_builder(Member, MemberRecord)


@strawberry.type
class Claim(Node):
    claim_number: str = strawberry.field(description="The KP-assigned claim number.")
    member: Member
    service_from: date
    service_to: date
    received_on: date
    billed_amount: Decimal
    allowed_amount: Decimal | None
    paid_amount: Decimal | None
    patient_responsibility: Decimal | None
    status: ClaimStatus
    status_category: str = strawberry.field(
        description="X12 277 claim status category code, e.g. F1 (finalized, paid)."
    )
    status_detail: str | None
    payment: Payment | None
    diagnosis_codes: list[str] | None = strawberry.field(
        description="Clinical: null for administrative access."
    )
    region: Region
    record: strawberry.Private[ClaimRecord]
    # Batch at the parent (gateway/schema/prefetch.py): what a list resolver loaded for its whole page.
    prefetched_entity: strawberry.Private[ProviderEntity | Prefetch] = MISSING
    prefetched_billing_provider: strawberry.Private[Provider | Prefetch] = MISSING

    @classmethod
    def from_record(
        cls,
        record: ClaimRecord,
        *,
        entity: ProviderEntity | Prefetch = MISSING,
        billing_provider: Provider | Prefetch = MISSING,
    ) -> Claim:
        return _claim(
            record,
            strawberry.ID(encode_id("Claim", record.region, record.pk)),
            region(record.region),
            entity,
            billing_provider,
        )

    @strawberry.field(metadata=prefetched("prefetched_entity"))
    def entity(self, info: Info) -> ProviderEntity:
        if self.prefetched_entity is not MISSING:
            return self.prefetched_entity
        return later(self._load_entity(info))

    async def _load_entity(self, info: Info) -> ProviderEntity:
        entity = await info.context.loaders.entity_by_tax_id.load(self.record.tax_id)
        if entity is None:
            raise LookupError("entity of a visible claim is missing")
        return ProviderEntity.from_record(entity)

    @strawberry.field(metadata=prefetched("prefetched_billing_provider"))
    def billing_provider(self, info: Info) -> Provider:
        if self.prefetched_billing_provider is not MISSING:
            return self.prefetched_billing_provider
        return later(self._load_billing_provider(info))

    async def _load_billing_provider(self, info: Info) -> Provider:
        key = RegionPk(self.record.region, self.record.billing_provider_pk)
        provider = await info.context.loaders.provider_by_id.load(key)
        if provider is None:
            raise LookupError("billing provider of a visible claim is missing")
        return Provider.from_record(provider)

    @strawberry.field
    def available_actions(self, info: Info) -> list[ClaimAction]:
        if not access.may_take_action(info.context.principal):
            return []
        return list(info.context.runtime.regions[self.record.region].available_actions(self.record))

    @strawberry.field
    async def messages(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Annotated[MessageConnection, strawberry.lazy("gateway.schema.messages")]:
        from gateway.schema.messages import claim_messages

        return await claim_messages(info, self.record, first, after)


def _codes(codes: tuple[str, ...] | None) -> list[str] | None:
    if isinstance(codes, tuple):
        return list(codes)
    return codes  # None, or UNREAD in a list that does not show them (`_CLAIM_READS`)


_claim = record_builder(
    Claim,
    ClaimRecord,
    given=("id", "region", "prefetched_entity", "prefetched_billing_provider"),
    convert={"member": _member, "payment": _payment, "diagnosis_codes": _codes},
)


async def claims_from_records(
    info: Info, records: Sequence[ClaimRecord], wanted: frozenset[str]
) -> list[Claim]:
    """Claims for a page of records, with the entities and billing providers the selection asks for
    (`wanted`: the names of the fields selected on the claims) loaded for the whole page at once."""
    loaders = info.context.loaders
    entities = providers = None
    if "entity" in wanted:
        entities = await load_for_page(loaders.entity_by_tax_id, [record.tax_id for record in records])
    if "billingProvider" in wanted:
        providers = await load_for_page(
            loaders.provider_by_id,
            [RegionPk(record.region, record.billing_provider_pk) for record in records],
        )
    entity_of = _built(entities, ProviderEntity.from_record, len(records))
    provider_of = _built(providers, Provider.from_record, len(records))
    return [
        Claim.from_record(record, entity=entity, billing_provider=provider)
        for record, entity, provider in zip(records, entity_of, provider_of, strict=True)
    ]


def _built(
    loaded: list[RecordT | Prefetch | None] | None, build: Callable[[RecordT], BuiltT], size: int
) -> list[BuiltT | Prefetch]:
    """Item by item, the object built from what was loaded for it (once per distinct record); MISSING
    where nothing was, so that the item's own field loads it and reports a miss as it would alone."""
    if loaded is None:
        return [MISSING] * size
    objects: dict[int, BuiltT] = {}
    for record in loaded:
        if record is not None and record is not MISSING and id(record) not in objects:
            objects[id(record)] = build(record)
    return [objects.get(id(record), MISSING) for record in loaded]


def _edge_cursor(root: ClaimEdge) -> str:
    if root.known_cursor is not MISSING:
        return root.known_cursor
    return _claim_cursor(root.node.record)


@strawberry.type
class ClaimEdge:
    # A field with a resolver, declared here to keep its place in the schema: the page builds the cursors
    # only when the selection asks for them (`known_cursor`), and the resolver covers any other edge.
    cursor: str = strawberry.field(resolver=_edge_cursor, metadata=prefetched("known_cursor"))
    node: Claim
    known_cursor: strawberry.Private[str | Prefetch] = MISSING


@strawberry.type
class ClaimConnection:
    edges: list[ClaimEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class ClaimSearch:
    claim_number: str | None = strawberry.field(default=None, description="Exact KP-assigned claim number.")
    regions: list[RegionCode] | None = strawberry.field(
        default=None, description="Limit to these regions; default: every region the caller is approved for."
    )
    tax_id: str | None = None
    status: list[ClaimStatus] | None = None
    received_from: date | None = None
    received_to: date | None = None


# What each field of a claim in a list reads of its record (regions/base/rows.py `reading`), beyond what
# every claim read holds; the member's and the payment's fields by their own selections. Derived from the
# GraphQL types and the records' specifications (gateway/schema/from_records.py): a field with a resolver
# says here what it reads, and one not said (availableActions, messages) may read anything, so a page that
# selects it reads whole records.
_CLAIM_READS = field_reads(
    Claim,
    ClaimRecord,
    computed={"id": ("pk",), "entity": ("tax_id",), "billing_provider": ("billing_provider_pk",)},
)
_MEMBER_READS = field_reads(Member, MemberRecord, prefix="member.")
_PAYMENT_READS = field_reads(Payment, PaymentRecord, prefix="payment.")


@lru_cache(maxsize=1024)
def _claim_fields(
    claim: frozenset[str], member: frozenset[str], payment: frozenset[str]
) -> frozenset[str] | None:
    """The record fields a page of claims with these selections needs; None: all of them."""
    needed: set[str] = set()
    for names, reads in ((claim, _CLAIM_READS), (member, _MEMBER_READS), (payment, _PAYMENT_READS)):
        for name in names:
            read = reads.get(name)
            if read is None:
                return None
            needed.update(read)
    return frozenset(needed)


def _claim_cursor(claim: ClaimRecord) -> str:
    return encode_cursor(claim.received_on.isoformat(), claim.claim_number)


def _order_key(claim: ClaimRecord) -> tuple[date, str]:
    return (claim.received_on, claim.claim_number)


async def search_claims(
    info: Info, search: ClaimSearch, first: int | None, after: str | None
) -> ClaimConnection:
    """One keyset page per approved region, all at once, merged newest first."""
    context = info.context
    if not context.principal.signed_in:
        raise Unauthenticated()
    limit = page_size(first)
    values = decode_cursor(after, 2)
    cursor = None
    if values is not None:
        try:
            cursor = ClaimCursor(received_on=date.fromisoformat(str(values[0])), claim_number=str(values[1]))
        except ValueError:
            raise BadUserInput("`after` is not a cursor from this list.", argument="after") from None
    if search.claim_number is not None and len(search.claim_number) > 40:
        raise BadUserInput("`claimNumber` is too long.", argument="search.claimNumber")
    regions = None if search.regions is None else [code.value for code in search.regions]
    scope = access.claim_scope(context.principal, regions, search.tax_id)
    with_total = "totalCount" in selected(info)
    node = selected(info, "edges", "node")
    fields = _claim_fields(
        node, selected(info, "edges", "node", "member"), selected(info, "edges", "node", "payment")
    )
    claim_number = search.claim_number.strip().upper() if search.claim_number else None
    adapters = context.runtime.regions
    keys = [
        RegionQuery(
            code,
            ClaimQuery(
                tax_ids=tax_ids,
                claim_number=claim_number,
                statuses=frozenset(search.status) if search.status else None,
                received_from=search.received_from,
                received_to=search.received_to,
                after=cursor,
                limit=limit,
                with_total=with_total,
                fields=fields,
            ),
        )
        for code, tax_ids in sorted(scope.items())
        # A claim number names its region (each has its own format): the others are not asked at all.
        if claim_number is None or adapters[code].is_own_claim_number(claim_number)
    ]
    pages = await region_pages(context, context.loaders.claim_page, keys)
    claims, has_more = merge_pages(pages, limit, _order_key)
    nodes = await claims_from_records(info, claims, node)
    # Edges' cursors are built only when the selection asks for them: a list is walked by
    # pageInfo.endCursor, which is the last claim's.
    if "cursor" in selected(info, "edges"):
        edges = [
            ClaimEdge(node=node, known_cursor=_claim_cursor(claim))
            for claim, node in zip(claims, nodes, strict=True)
        ]
    else:
        edges = [ClaimEdge(node=node) for node in nodes]
    return ClaimConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_more, end_cursor=_claim_cursor(claims[-1]) if claims else None),
        total_count=sum(page.total or 0 for page in pages),
    )
