"""The hook: a strawberry schema extension that answers a query from its compiled plan before
graphql-core would run it (strawberry runs graphql-core only when no extension has set a result)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql.execution import Executor
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.schema import Schema
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from gateway.executor.cache import PlanCache
from gateway.executor.resolvers import Resolvers


def _scalar_classes(schema: Schema) -> dict[str, tuple[type, ...]]:
    """For each scalar, the Python classes strawberry maps to it (their values get a fast path)."""
    found: dict[str, list[type]] = {}
    for python_type, scalar in schema.schema_converter.scalar_registry.items():
        definition = getattr(scalar, "_scalar_definition", scalar)
        name = getattr(definition, "name", None)
        if isinstance(python_type, type) and isinstance(name, str):
            found.setdefault(name, []).append(python_type)
    return {name: tuple(classes) for name, classes in found.items()}


class CompiledPlans:
    """The extension factory of one schema: every request gets an extension instance, all of them share
    this plan cache, built on the first request (the schema does not exist yet when its extensions are
    listed)."""

    def __init__(self) -> None:
        self.cache: PlanCache | None = None
        self.enabled = True

    def __call__(self) -> SchemaExtension:
        return CompiledExecution(self)

    def for_schema(self, schema: Schema) -> PlanCache | None:
        if self.cache is None:
            self.cache = PlanCache(_scalar_classes(schema), Resolvers(schema))
            # Extensions that wrap every resolver would be skipped by compiled plans: never compile then.
            self.enabled = not any(extension._implements_resolve() for extension in schema.get_extensions())
        return self.cache if self.enabled else None


class CompiledExecution(SchemaExtension):
    """Runs queries on their compiled plan; anything the compiler leaves alone runs on graphql-core.
    List it after every extension whose `on_execute` must run first (limits, guest look-up counts)."""

    def __init__(self, plans: CompiledPlans) -> None:
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        cache = self.plans.for_schema(context.schema)
        if (
            context.result is None
            and document is not None
            and context.query is not None
            and cache is not None
            # Mutations run their fields one after another, subscriptions per event: graphql-core's.
            and _is_query(context)
        ):
            schema = context.schema
            executor = schema.execution_context_class.build(
                schema._schema,
                document,
                context.root_value,
                context.context,
                context.variables,
                context.operation_name,
                # strawberry's predicate is graphql-core's, typed more loosely.
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                operation_extensions=context.operation_extensions,
            )
            # A request graphql-core refuses (bad variables, no such operation) is its to answer.
            if not isinstance(executor, list):
                try:
                    plan = cache.plan(context.query, document, executor)
                    if plan is not None:
                        context.result = await plan.run(executor)
                finally:
                    _unlink(executor)
        yield


def _unlink(executor: Executor[Any]) -> None:
    """graphql-core's executor refers to itself (its resolve-info helpers are its own bound methods), and
    through the context to everything the request loaded: unlinked once done with, all of that is freed
    at once instead of waiting for the cycle collector (on a 100-claim page, some 850 objects a request,
    the records among them).

    Mirrors graphql-core 3.3.2's `graphql.execution.executor.Executor.__init__`, which sets
    `async_helpers` (tests/test_library_mirrors.py fails when that changes)."""
    del executor.async_helpers


def _is_query(context: ExecutionContext) -> bool:
    try:
        return context.operation_type is OperationType.QUERY
    except RuntimeError:  # no operation to choose: graphql-core says so
        return False


def compiled_execution() -> CompiledPlans:
    """The extension (factory) to list last among a schema's extensions."""
    return CompiledPlans()
