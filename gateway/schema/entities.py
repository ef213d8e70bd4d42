"""Provider entities (Tax IDs), their enrollment agreements, and the providers linked to them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.directory.records import AgreementRecord, AgreementStatus, EntityKind, EntityRecord
from gateway.errors import RegionUnavailable
from gateway.ids import encode_id
from gateway.loaders import RegionQuery
from gateway.schema.enums import RegionCode
from gateway.schema.prefetch import MISSING, Prefetch, later, prefetched, selected
from gateway.schema.regions import Region, region
from gateway.schema.relay import Node, PageInfo, decode_cursor, encode_cursor, page_size
from regions.base.queries import ProviderCursor, ProviderSearch
from regions.base.records import ProviderRecord


@strawberry.type
class EnrollmentAgreement:
    status: AgreementStatus
    signatory_name: str
    signatory_title: str
    submitted_at: datetime
    processed_at: datetime | None

    @classmethod
    def from_record(cls, record: AgreementRecord) -> EnrollmentAgreement:
        return cls(
            status=record.status,
            signatory_name=record.signatory_name,
            signatory_title=record.signatory_title,
            submitted_at=record.submitted_at,
            processed_at=record.processed_at,
        )


@strawberry.type
class ProviderEntity(Node):
    tax_id: str = strawberry.field(description="Nine digits, formatted NN-NNNNNNN.")
    name: str
    kind: EntityKind
    pk: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: EntityRecord) -> ProviderEntity:
        return cls(
            id=strawberry.ID(encode_id("ProviderEntity", None, record.pk)),
            tax_id=record.tax_id,
            name=record.name,
            kind=record.kind,
            pk=record.pk,
        )

    @strawberry.field
    async def agreement(self, info: Info) -> EnrollmentAgreement | None:
        record = await info.context.loaders.agreement_by_entity.load(self.pk)
        return None if record is None else EnrollmentAgreement.from_record(record)

    @strawberry.field(
        description="For a third-party administrator: the provider groups whose attestation grants it access."
    )
    async def attested_by(self, info: Info) -> list[ProviderEntity]:
        pks = await info.context.loaders.attesting_entity_ids.load(self.pk)
        entities = await info.context.loaders.entity_by_id.load_many(pks)
        return [ProviderEntity.from_record(entity) for entity in entities if entity is not None]

    @strawberry.field(
        description="The on-behalf-of provider picker: providers linked to this Tax ID in a region."
    )
    async def providers(
        self,
        info: Info,
        region: RegionCode,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ProviderConnection:
        limit = page_size(first)
        cursor = decode_cursor(after, 2)
        query = ProviderSearch(
            tax_id=self.tax_id,
            text=(search or "").strip()[:100] or None,
            after=None if cursor is None else ProviderCursor(name=str(cursor[0]), pk=int(cursor[1])),
            limit=limit,
            with_total="totalCount" in selected(info),
        )
        try:
            page = await info.context.loaders.provider_page.load(RegionQuery(region.value, query))
        except RegionUnavailable:
            info.context.region_failed(region.value)
            raise
        # Batch at the parent: every provider of the page belongs to this Tax ID, so one load serves all.
        entity: ProviderEntity | Prefetch = MISSING
        if page.items and "entity" in selected(info, "edges", "node"):
            record = await info.context.loaders.entity_by_tax_id.load(self.tax_id)
            entity = MISSING if record is None else ProviderEntity.from_record(record)
        edges = [
            ProviderEdge(cursor=encode_cursor(p.name, p.pk), node=Provider.from_record(p, entity=entity))
            for p in page.items
        ]
        return ProviderConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
            total_count=page.total or 0,
        )


@strawberry.type
class Provider(Node):
    npi: str = strawberry.field(description="Ten digits with a valid check digit.")
    name: str
    specialty: str | None
    region: Region
    tax_id: strawberry.Private[str]
    # Batch at the parent (gateway/schema/prefetch.py): the entity, when the picker loaded it for its page.
    prefetched_entity: strawberry.Private[ProviderEntity | Prefetch] = MISSING

    @classmethod
    def from_record(cls, record: ProviderRecord, *, entity: ProviderEntity | Prefetch = MISSING) -> Provider:
        return cls(
            id=strawberry.ID(encode_id("Provider", record.region, record.pk)),
            npi=record.npi,
            name=record.name,
            specialty=record.specialty,
            region=region(record.region),
            tax_id=record.tax_id,
            prefetched_entity=entity,
        )

    @strawberry.field(metadata=prefetched("prefetched_entity"))
    def entity(self, info: Info) -> Annotated[ProviderEntity, strawberry.lazy("gateway.schema.entities")]:
        if self.prefetched_entity is not MISSING:
            return self.prefetched_entity
        return later(self._load_entity(info))

    async def _load_entity(self, info: Info) -> ProviderEntity:
        record = await info.context.loaders.entity_by_tax_id.load(self.tax_id)
        if record is None:
            # The provider was visible through an association with this Tax ID, so its entity is too.
            raise LookupError("entity of a visible provider is missing")
        return ProviderEntity.from_record(record)


@strawberry.type
class ProviderEdge:
    cursor: str
    node: Provider


@strawberry.type
class ProviderConnection:
    edges: list[ProviderEdge]
    page_info: PageInfo
    total_count: int
