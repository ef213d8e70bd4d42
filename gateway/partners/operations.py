"""Every GraphQL operation of a partner: counted against its client's requests and query cost per minute
(sliding windows in the shared cache, so that every replica counts against the same limits), refused
where it asks for what a partner may not do, and written to the audit trail under its client id."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode, OperationType
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from gateway import access
from gateway.auth.principal import PartnerAllowance, Principal
from gateway.context import GatewayContext
from gateway.documents import fields_of, fragments_of
from gateway.errors import Forbidden, GatewayError, QueryTooComplex, RateLimited
from gateway.limits import QueryLimits, measure
from gateway.partners.records import Scope
from gateway.ratelimit import RateLimiter

WINDOW_SECONDS = 60
# Take Action (seed 004): the mutations that file a message on a claim, which need `messages:write`.
TAKE_ACTION_FIELDS = frozenset(
    {"submitSupportingDocumentation", "respondToRequestForInformation", "fileDispute"}
)
# Lengths of the audit columns `actor` and `client_address`, and of what an event keeps of a name.
_ACTOR_LENGTH = 100
_ADDRESS_LENGTH = 64
_NAME_LENGTH = 100


def requests_key(client_id: str) -> str:
    return f"partner:{client_id}:requests"


def cost_key(client_id: str) -> str:
    return f"partner:{client_id}:cost"


def root_fields(document: DocumentNode, operation_name: str | None) -> tuple[OperationType, list[str]] | None:
    """The type of the chosen operation and the names of its root fields, through fragments."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fields = fields_of([operation.selection_set], fragments_of(document))
    return operation.operation, list(dict.fromkeys(field.name.value for field in fields))


def refusal(principal: Principal, operation_type: OperationType, fields: list[str]) -> Forbidden | None:
    """What a partner may not run, as the FORBIDDEN error it gets (docs/partners.md, "Errors"): any
    subscription or mutation that is for people, and Take Action without `messages:write`."""
    if operation_type is OperationType.QUERY or access.may_act_as_person(principal):
        return None
    for field in fields:
        if field == "__typename":
            continue
        if field in TAKE_ACTION_FIELDS:
            if not access.may_take_action(principal):
                return Forbidden(
                    f"{field} needs the {Scope.MESSAGES_WRITE.value} scope, which this token does not hold.",
                    scope=Scope.MESSAGES_WRITE.value,
                )
            continue
        what = "subscriptions" if operation_type is OperationType.SUBSCRIPTION else field
        return Forbidden(
            f"Partner tokens cannot use {what}: accounts, enrollment and the in-basket are for people."
        )
    return None


def partner_extension(limits: QueryLimits) -> type[SchemaExtension]:
    """A schema extension for partner operations; people's and guests' operations pass untouched."""

    class PartnerOperations(SchemaExtension):
        # Set by on_operation for a partner: a refusal of the request count, and the cost charged.
        refused: GatewayError | None = None
        cost: int | None = None

        async def on_operation(self) -> AsyncIterator[None]:
            context = _partner_context(self.execution_context)
            if context is None:
                yield
                return
            principal = context.principal
            client_id, allowance = _client(principal)
            limiter = RateLimiter(context.runtime.cache)
            # Counted before parsing, so that malformed documents count too; refused in on_execute, where
            # every transport (HTTP, WebSocket) answers a refusal as a GraphQL error.
            decision = await limiter.hit(
                requests_key(client_id), allowance.requests_per_minute, WINDOW_SECONDS
            )
            if not decision.allowed:
                self.refused = RateLimited(
                    f"This client may send {allowance.requests_per_minute} requests a minute; "
                    "try again later.",
                    decision.retry_after_seconds,
                )
            outcome = "error"
            try:
                yield
                outcome = _outcome(self.execution_context)
            except GatewayError as error:
                outcome = error.code.value.lower()
                raise
            finally:
                await _audit(context, self.execution_context, outcome, self.cost)

        async def on_execute(self) -> AsyncIterator[None]:
            execution = self.execution_context
            context = _partner_context(execution)
            if context is None or execution.graphql_document is None:
                yield
                return
            if self.refused is not None:
                raise self.refused
            principal = context.principal
            client_id, allowance = _client(principal)
            found = root_fields(execution.graphql_document, execution.operation_name)
            if found is not None:
                refused = refusal(principal, *found)
                if refused is not None:
                    raise refused
            operation = get_operation_ast(execution.graphql_document, execution.operation_name)
            if operation is not None:
                self.cost = _cost(execution, operation, limits)
                await _charge(context, client_id, allowance, self.cost)
            yield

    return PartnerOperations


def _partner_context(execution: ExecutionContext) -> GatewayContext | None:
    context = execution.context
    if isinstance(context, GatewayContext) and context.principal.is_partner:
        return context
    return None


def _client(principal: Principal) -> tuple[str, PartnerAllowance]:
    # Every partner principal has both (gateway/auth/partners.py).
    assert principal.client_id is not None
    assert principal.allowance is not None
    return principal.client_id, principal.allowance


def _cost(execution: ExecutionContext, operation: OperationDefinitionNode, limits: QueryLimits) -> int:
    """The operation's cost as the limits measure it (gateway/limits.py): what the client is charged."""
    document = execution.graphql_document
    assert document is not None
    fragments = fragments_of(document)
    return measure(execution.schema._schema, operation, fragments, execution.variables or {}, limits).cost


async def _charge(context: GatewayContext, client_id: str, allowance: PartnerAllowance, cost: int) -> None:
    """Charge the cost to the client's minute; refused whole if it does not fit, and then charges nothing."""
    maximum = allowance.cost_per_minute
    if cost > maximum:
        # It would never fit: waiting would not help, so it is not a rate limit.
        raise QueryTooComplex(
            f"The operation costs {cost}, more than this client may spend in a minute ({maximum}).",
            limit="clientCostPerMinute",
            value=cost,
            maximum=maximum,
        )
    limiter = RateLimiter(context.runtime.cache)
    decision = await limiter.hit(cost_key(client_id), maximum, WINDOW_SECONDS, cost)
    if not decision.allowed:
        raise RateLimited(
            f"This client may spend a query cost of {maximum} a minute, and {decision.remaining} is left; "
            "try again later.",
            decision.retry_after_seconds,
        )


def _outcome(execution: ExecutionContext) -> str:
    result = execution.result
    if result is None or (execution.pre_execution_errors and not getattr(result, "data", None)):
        return "rejected"
    if getattr(result, "errors", None):
        return "error"
    data = getattr(result, "data", None)
    if isinstance(data, dict) and any(
        isinstance(payload, dict) and payload.get("userErrors") for payload in data.values()
    ):
        return "user_error"
    return "ok"


async def _audit(
    context: GatewayContext, execution: ExecutionContext, outcome: str, cost: int | None
) -> None:
    """One event per partner operation: which, what came of it and its cost; never variables, which may
    hold health information."""
    detail: dict[str, Any] = {}
    # RuntimeError: no operation could be chosen (the document did not parse, or names none).
    with contextlib.suppress(RuntimeError):
        detail["operation_type"] = execution.operation_type.value
    if execution.operation_name:
        detail["operation_name"] = str(execution.operation_name)[:_NAME_LENGTH]
    if cost is not None:
        detail["cost"] = cost
    client = context.request.client
    await context.runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=(context.principal.user_id or "")[:_ACTOR_LENGTH] or None,
        action="partner_request",
        outcome=outcome[:30],
        client_address=client.host[:_ADDRESS_LENGTH] if client is not None and client.host else None,
        request_id=context.request_id or None,
        detail=detail,
    )
