"""How strawberry runs an operation's schema extensions, minus the work that is the same for every
request: which hook each extension class has (strawberry inspects every extension for every step of
every request), and the validation of a document seen before."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Final

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from gateway.documents import PerDocument

_STEPS: Final = ("on_operation", "on_parse", "on_validate", "on_execute")

# A step's hooks: for each extension (by its place in the list) that has one, how to open it.
_StepHooks = tuple[tuple[int, Callable[[Any], Any], bool], ...]


class HookPlan:
    """Which extension has which hook, worked out once per list of extension classes."""

    def __init__(self, classes: Sequence[type[SchemaExtension]]) -> None:
        self.steps: dict[str, _StepHooks] = {step: _step_hooks(classes, step) for step in _STEPS}
        self.with_results = tuple(
            index for index, cls in enumerate(classes) if cls.get_results is not SchemaExtension.get_results
        )


def _step_hooks(classes: Sequence[type[SchemaExtension]], step: str) -> _StepHooks:
    hooks: list[tuple[int, Callable[[Any], Any], bool]] = []
    default = getattr(SchemaExtension, step)
    for index, cls in enumerate(classes):
        hook = getattr(cls, step)
        if hook is default:
            continue
        if inspect.isgeneratorfunction(hook):
            hooks.append((index, contextlib.contextmanager(hook), False))
        elif inspect.isasyncgenfunction(hook):
            hooks.append((index, contextlib.asynccontextmanager(hook), True))
        else:
            raise NotSupportedHookError(f"{cls.__name__}.{step} is not a generator")
    return tuple(hooks)


class NotSupportedHookError(TypeError):
    """A hook strawberry would wrap itself (a plain function): such a list runs strawberry's way."""


def plan_hooks(classes: tuple[type[SchemaExtension], ...]) -> HookPlan | None:
    """The plan for a list of extension classes; None when one of them needs strawberry's own wrapping."""
    try:
        return HookPlan(classes)
    except NotSupportedHookError:
        return None


class PlannedRunner(SchemaExtensionsRunner):
    """strawberry's runner with each step's hooks taken from a plan instead of inspected anew."""

    def __init__(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension], plan: HookPlan
    ) -> None:
        super().__init__(execution_context, extensions)
        self.plan = plan

    def _hooks(self, step: str) -> list[WrappedHook]:
        extensions = self.extensions
        return [
            WrappedHook(extensions[index], partial(open_hook, extensions[index]), is_async)
            for index, open_hook, is_async in self.plan.steps[step]
        ]

    def operation(self) -> OperationContextManager:
        return _Operation(self._hooks("on_operation"))

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self._hooks("on_parse"))

    def validation(self) -> ValidationContextManager:
        return _Validation(self._hooks("on_validate"))

    def executing(self) -> ExecutingContextManager:
        return _Executing(self._hooks("on_execute"))

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for index in self.plan.with_results:
            results = self.extensions[index].get_results()
            data.update(await results if inspect.isawaitable(results) else results)
        data.update(ctx.extensions_results)
        return data


# strawberry's context managers of each step, given their hooks rather than finding them.
class _Operation(OperationContextManager):
    def __init__(self, hooks: list[WrappedHook]) -> None:
        self.hooks = hooks


class _Parsing(ParsingContextManager):
    def __init__(self, hooks: list[WrappedHook]) -> None:
        self.hooks = hooks


class _Validation(ValidationContextManager):
    def __init__(self, hooks: list[WrappedHook]) -> None:
        self.hooks = hooks


class _Executing(ExecutingContextManager):
    def __init__(self, hooks: list[WrappedHook]) -> None:
        self.hooks = hooks


# Per document, schema and rules: the validation errors (strawberry's ValidationCache keys its cache on
# the document itself, whose hash walks the whole tree on every request).
_VALIDATED: PerDocument[list[GraphQLError]] = PerDocument()


class ValidatedDocuments(SchemaExtension):
    """Validates each document once per schema and set of rules."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            schema = context.schema._schema
            rules = context.validation_rules
            context.pre_execution_errors = _VALIDATED.get(
                document, (schema, rules), lambda: validate_document(schema, document, rules)
            )
        yield
