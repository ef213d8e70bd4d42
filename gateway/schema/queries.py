"""The Query root."""

from __future__ import annotations

import asyncio

import strawberry

from gateway.accounts.tax_ids import valid_tax_id
from gateway.context import Info
from gateway.errors import BadUserInput, Unauthenticated
from gateway.schema.associations import AssociationConnection, pending_associations
from gateway.schema.claims import ClaimConnection, ClaimSearch, search_claims
from gateway.schema.entities import ProviderEntity
from gateway.schema.nodes import resolve_node
from gateway.schema.regions import Region, all_regions
from gateway.schema.relay import MAX_FIRST, Node
from gateway.schema.users import User, Viewer


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_FIRST:
            raise BadUserInput(f"At most {MAX_FIRST} ids at once.", argument="ids")
        return list(await asyncio.gather(*(resolve_node(info, node_id) for node_id in ids)))

    @strawberry.field
    def regions(self) -> list[Region]:
        return all_regions()

    @strawberry.field(description="Null when signed out.")
    async def viewer(self, info: Info) -> Viewer | None:
        principal = info.context.principal
        if not principal.signed_in or principal.user_pk is None:
            return None
        record = await info.context.loaders.user_by_id.load(principal.user_pk)
        return None if record is None else Viewer(user=User.from_record(record))

    @strawberry.field
    async def claims(
        self, info: Info, search: ClaimSearch, first: int | None = 20, after: str | None = None
    ) -> ClaimConnection:
        return await search_claims(info, search, first, after)

    @strawberry.field
    async def entity(self, info: Info, tax_id: str) -> ProviderEntity | None:
        if not info.context.principal.signed_in:
            raise Unauthenticated()
        normalised = valid_tax_id(tax_id)
        if normalised is None:
            return None
        record = await info.context.loaders.entity_by_tax_id.load(normalised)
        return None if record is None else ProviderEntity.from_record(record)

    @strawberry.field(
        description="Regional representatives: association requests waiting for a decision in their region."
    )
    async def pending_associations(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> AssociationConnection:
        return await pending_associations(info, first, after)
