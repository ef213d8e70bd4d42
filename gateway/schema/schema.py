"""The schema, assembled from the domain modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, ParserCache, SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.context import GatewayContext
from gateway.executor.extension import compiled_execution
from gateway.limits import limits_extension
from gateway.partners.operations import partner_extension
from gateway.request_state import RequestState
from gateway.schema.account_only import AccountOnlySessions
from gateway.schema.accounts import AccountMutation, SupportCase
from gateway.schema.associations import Association
from gateway.schema.attestations import AttestationMutation, AttestationQuery, TpaAttestation
from gateway.schema.authorizations import Authorization, AuthorizationMutation, AuthorizationQueryRoot
from gateway.schema.claim_actions import ClaimActionMutation, InBasketSubscription
from gateway.schema.claims import Claim
from gateway.schema.clinical import ClinicalQuery
from gateway.schema.eligibility import EligibilityQuery
from gateway.schema.enrollment import EnrollmentMutation
from gateway.schema.entities import Provider, ProviderEntity
from gateway.schema.guest import GuestLookupCounter, GuestQuery
from gateway.schema.messages import Attachment, Message
from gateway.schema.pipeline import HookPlan, PlannedRunner, ValidatedDocuments, plan_hooks
from gateway.schema.queries import Query
from gateway.schema.security import SecurityMutation
from gateway.schema.users import User
from gateway.settings import Settings


class GatewaySchema(strawberry.Schema):
    """The schema, minus strawberry's own error logging: graphql_http.py logs the unexpected errors
    once, with the request id, and expected ones (codes clients handle) are not worth a log line; and
    with its extensions' hooks looked up once (gateway/schema/pipeline.py), not on every request."""

    @cached_property
    def _hook_plans(self) -> dict[tuple[type[SchemaExtension], ...], HookPlan | None]:
        return {}

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        classes = tuple(type(extension) for extension in extensions)
        if classes not in self._hook_plans:
            self._hook_plans[classes] = plan_hooks(classes)
        plan = self._hook_plans[classes]
        if plan is None:
            return super().create_extensions_runner(execution_context, extensions)
        return PlannedRunner(execution_context, extensions, plan)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


class OperationTypeRecorder(SchemaExtension):
    """Notes the operation type on the request, for the request metrics and the access log."""

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, GatewayContext):
            state = RequestState.of(context.request.scope)
            # RuntimeError: no operation could be chosen; validation reports that itself.
            with contextlib.suppress(RuntimeError):
                state.operation_type = self.execution_context.operation_type.value
            state.operation_name = self.execution_context.operation_name


# Each domain contributes its own root fields; add a domain's class to the tuple of its root.
QUERY_PARTS: tuple[type, ...] = (
    Query,
    GuestQuery,
    EligibilityQuery,
    AuthorizationQueryRoot,
    ClinicalQuery,
    AttestationQuery,
)
MUTATION_PARTS: tuple[type, ...] = (
    AccountMutation,
    EnrollmentMutation,
    AttestationMutation,
    SecurityMutation,
    ClaimActionMutation,
    AuthorizationMutation,
)
SUBSCRIPTION_PARTS: tuple[type, ...] = (InBasketSubscription,)


def _root(name: str, parts: tuple[type, ...]) -> type | None:
    return merge_types(name, parts) if parts else None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the extensions a deployment's settings ask for."""
    settings = settings or Settings()
    extensions: list[Any] = [
        # The caches live at module level, shared by every request (factories: one instance a request).
        lambda: ParserCache(maxsize=512),
        # Before validation: the limits refuse what would cost the validation rules too much work.
        limits_extension(settings.limits),
        ValidatedDocuments,
        OperationTypeRecorder,
        # Guest look-ups are counted against the caller's address before anything executes.
        GuestLookupCounter,
        # Partner operations: per-client requests and cost a minute, scopes, audit (docs/partners.md).
        partner_extension(settings.limits),
        # REGISTERING people and those who must enrol a second factor reach Manage My Account only.
        AccountOnlySessions,
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    if settings.graphql_executor == "compiled":
        # Last: the extensions above must have had their say before a compiled plan answers.
        extensions.append(compiled_execution())
    return GatewaySchema(
        query=_root("Query", QUERY_PARTS),  # type: ignore[arg-type]
        mutation=_root("Mutation", MUTATION_PARTS),
        subscription=_root("Subscription", SUBSCRIPTION_PARTS),
        # Types reachable only through `node(id)` must still be known to the schema.
        types=[
            Claim,
            Provider,
            ProviderEntity,
            Message,
            Attachment,
            User,
            Association,
            SupportCase,
            Authorization,
            TpaAttestation,
        ],
        config=StrawberryConfig(
            auto_camel_case=True,
            # The real limit is enforced with a QUERY_TOO_COMPLEX answer by graphql_http.py; this only
            # keeps strawberry's own, plainer refusal out of its way.
            batching_config={"max_operations": 1000 * max(1, settings.limits.max_batch_operations)},
        ),
        extensions=extensions,
    )


schema = build_schema()
