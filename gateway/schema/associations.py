"""Associations: a person's access to a Tax ID in a region, and the representatives' queue."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway import access
from gateway.context import Info
from gateway.directory.records import AccessLevel, AssociationRecord, AssociationStatus
from gateway.errors import Forbidden, Unauthenticated
from gateway.ids import encode_id
from gateway.loaders import PendingAssociationsQuery
from gateway.schema.entities import ProviderEntity
from gateway.schema.regions import Region, region
from gateway.schema.relay import Node, PageInfo, decode_cursor, encode_cursor, page_size, selects
from gateway.schema.users import User


@strawberry.type
class Association(Node):
    access: AccessLevel
    status: AssociationStatus
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    record: strawberry.Private[AssociationRecord]

    @classmethod
    def from_record(cls, record: AssociationRecord) -> Association:
        return cls(
            id=strawberry.ID(encode_id("Association", None, record.pk)),
            access=record.access,
            status=record.status,
            requested_at=record.requested_at,
            decided_at=record.decided_at,
            decision_reason=record.decision_reason,
            record=record,
        )

    @strawberry.field
    async def user(self, info: Info) -> User:
        user = await info.context.loaders.user_by_id.load(self.record.user_pk)
        if user is None:
            raise LookupError("user of a visible association is missing")
        return User.from_record(user)

    @strawberry.field
    async def entity(self, info: Info) -> ProviderEntity:
        entity = await info.context.loaders.entity_by_id.load(self.record.entity_pk)
        if entity is None:
            raise LookupError("entity of a visible association is missing")
        return ProviderEntity.from_record(entity)

    @strawberry.field
    def region(self) -> Region:
        return region(self.record.region)


@strawberry.type
class AssociationEdge:
    cursor: str
    node: Association


@strawberry.type
class AssociationConnection:
    edges: list[AssociationEdge]
    page_info: PageInfo
    total_count: int


async def pending_associations(info: Info, first: int | None, after: str | None) -> AssociationConnection:
    """Association requests waiting for a decision in the representative's own region."""
    principal = info.context.principal
    if not principal.signed_in:
        raise Unauthenticated()
    deciding = access.deciding_region(principal)
    if deciding is None:
        raise Forbidden("Only regional representatives decide association requests.")
    limit = page_size(first)
    values = decode_cursor(after, 1)
    try:
        after_pk = None if values is None else int(values[0])
    except (TypeError, ValueError):
        after_pk = None
    query = PendingAssociationsQuery(deciding, after_pk, limit, selects(info, "totalCount"))
    page = await info.context.loaders.pending_association_page.load(query)
    for record in page.items:
        info.context.loaders.association_by_id.prime(record.pk, record)
    edges = [AssociationEdge(cursor=encode_cursor(r.pk), node=Association.from_record(r)) for r in page.items]
    return AssociationConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
        total_count=page.total or 0,
    )
