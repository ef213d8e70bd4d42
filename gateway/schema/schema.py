"""The schema, assembled from the domain modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import strawberry
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from gateway.schema.associations import Association
from gateway.schema.claims import Claim
from gateway.schema.entities import Provider, ProviderEntity
from gateway.schema.messages import Attachment, Message
from gateway.schema.queries import Query
from gateway.schema.users import User


class OperationTypeRecorder(SchemaExtension):
    """Notes the operation type on the request, for the request metrics and the access log."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        request = getattr(context, "request", None)
        if request is not None:
            # RuntimeError: no operation could be chosen; validation reports that itself.
            with contextlib.suppress(RuntimeError):
                request.state.operation_type = self.execution_context.operation_type.value
            request.state.operation_name = self.execution_context.operation_name
        yield


# Each domain contributes its own root fields; add a domain's class to the tuple of its root.
QUERY_PARTS: tuple[type, ...] = (Query,)
MUTATION_PARTS: tuple[type, ...] = ()
SUBSCRIPTION_PARTS: tuple[type, ...] = ()


def _root(name: str, parts: tuple[type, ...]) -> type | None:
    return merge_types(name, parts) if parts else None


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=_root("Query", QUERY_PARTS),  # type: ignore[arg-type]
        mutation=_root("Mutation", MUTATION_PARTS),
        subscription=_root("Subscription", SUBSCRIPTION_PARTS),
        # Types reachable only through `node(id)` must still be known to the schema.
        types=[Claim, Provider, ProviderEntity, Message, Attachment, User, Association],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            # Factories: the caches themselves live at module level, shared by every request.
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            OperationTypeRecorder,
        ],
    )


schema = build_schema()
