"""How strawberry runs an operation's schema extensions, minus the work that is the same for every
request: which hook each extension class has (strawberry inspects every extension for every step of
every request), the context-manager machinery around hooks that simply run to their one `yield` and
back, and the validation of a document seen before."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncGenerator, Callable, Generator, Iterator, Sequence
from functools import partial
from types import TracebackType
from typing import Any, Final, NoReturn, cast

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from gateway.documents import PerDocument

_STEPS: Final = ("on_operation", "on_parse", "on_validate", "on_execute")

# A step's hooks: for each extension (by its place in the list) that has one, the hook (a generator
# function of the extension) and whether it is asynchronous.
_StepHooks = tuple[tuple[int, Callable[[Any], Any], bool], ...]
_Started = Generator[None, None, None] | AsyncGenerator[None, None]


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
            hooks.append((index, hook, False))
        elif inspect.isasyncgenfunction(hook):
            hooks.append((index, hook, True))
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
    """strawberry's runner with each step's hooks taken from a plan instead of inspected anew.

    Mirrors strawberry-graphql 0.341.2's `strawberry.extensions.runner.SchemaExtensionsRunner`
    (tests/test_library_mirrors.py fails when that changes)."""

    def __init__(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension], plan: HookPlan
    ) -> None:
        super().__init__(execution_context, extensions)
        self.plan = plan

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions, self.plan.steps["on_operation"])

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions, self.plan.steps["on_parse"])

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions, self.plan.steps["on_validate"])

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions, self.plan.steps["on_execute"])

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for index in self.plan.with_results:
            results = self.extensions[index].get_results()
            data.update(await results if inspect.isawaitable(results) else results)
        data.update(ctx.extensions_results)
        return data


class _Step(ExtensionContextManagerBase):
    """One step's hooks around what strawberry does in it, with the outcome strawberry's own step gives
    (`ExtensionContextManagerBase`: each hook a `contextlib` context manager on an `AsyncExitStack`).

    A hook normally runs to its `yield` on the way in and to its end on the way out; those are driven
    here directly, as `contextlib` would drive them, without a context manager and an exit stack per
    hook and request. Anything else on the way out — the step raised, a hook raised or did not stop —
    is handed, with the hooks not yet left, to `contextlib` itself, so exceptions pass from hook to hook
    exactly as they do in strawberry. As in strawberry, a hook that raises on the way in leaves the hooks
    entered before it unfinished, and no exception is ever suppressed by the step.

    Mirrors strawberry-graphql 0.341.2's `strawberry.extensions.context.ExtensionContextManagerBase`
    (tests/test_library_mirrors.py fails when that changes; tests/test_execution_pipeline.py compares
    the outcomes with strawberry's own)."""

    __slots__ = ("extensions", "planned", "started")

    def __init__(self, extensions: list[SchemaExtension], planned: _StepHooks) -> None:
        # (strawberry's would inspect every extension again)
        self.extensions = extensions
        self.planned = planned
        self.started: list[tuple[_Started, bool]] = []

    async def __aenter__(self) -> None:
        extensions = self.extensions
        for index, hook, is_async in self.planned:
            generator = hook(extensions[index])
            if is_async:
                try:
                    await generator.__anext__()
                except StopAsyncIteration:
                    raise RuntimeError("generator didn't yield") from None
            else:
                try:
                    next(generator)
                except StopIteration:
                    raise RuntimeError("generator didn't yield") from None
            self.started.append((generator, is_async))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        started = self.started
        if exc_type is not None:
            await _exit_stack(started).__aexit__(exc_type, exc_value, traceback)
            return
        while started:
            # Resumed after its `yield`, a hook normally ends there; anything else is what its context
            # manager's exit would raise.
            generator, is_async = started.pop()
            failure: BaseException
            try:
                if is_async:
                    try:
                        await cast(AsyncGenerator[None, None], generator).__anext__()
                    except StopAsyncIteration:
                        continue
                else:
                    try:
                        next(cast(Generator[None, None, None], generator))
                    except StopIteration:
                        continue
                failure = RuntimeError("generator didn't stop")
            except BaseException as error:
                failure = error
            stack = _exit_stack(started)
            # First out, as the exit of the hook that failed would have raised it.
            stack.push(partial(_reraise, failure))
            await stack.__aexit__(None, None, None)
            return

    def __enter__(self) -> None:
        # Synchronous execution (`Schema.execute_sync`) keeps strawberry's own way: its inspection of the
        # hooks, then its exit stack.
        extensions = self.extensions
        super().__init__([extensions[index] for index, _hook, _is_async in self.planned])
        super().__enter__()


def _exit_stack(started: list[tuple[_Started, bool]]) -> contextlib.AsyncExitStack:
    """The exit stack strawberry would hold for hooks started here and not yet left."""
    stack = contextlib.AsyncExitStack()
    for generator, is_async in started:
        # A context manager of an already started generator: contextlib's own exit, from the `yield` on.
        if is_async:
            started_async = cast(AsyncGenerator[None, None], generator)
            stack.push_async_exit(contextlib.asynccontextmanager(lambda g=started_async: g)())
        else:
            started_sync = cast(Generator[None, None, None], generator)
            stack.push(contextlib.contextmanager(lambda g=started_sync: g)())
    return stack


def _reraise(error: BaseException, *_exc_details: object) -> NoReturn:
    raise error


# strawberry's context managers of each step, run the way `_Step` runs them.
class _Operation(_Step, OperationContextManager):
    pass


class _Parsing(_Step, ParsingContextManager):
    pass


class _Validation(_Step, ValidationContextManager):
    pass


class _Executing(_Step, ExecutingContextManager):
    pass


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
