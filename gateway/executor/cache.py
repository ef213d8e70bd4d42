"""Compiled plans, cached per document, operation and the values of the variables that @skip and
@include read (collecting fields depends on those, nothing else does)."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from graphql import DocumentNode, VariableNode
from graphql.execution import Executor
from graphql.language import Visitor, visit

from gateway.executor.compiler import Plan, UnsupportedOperationError, compile_plan
from gateway.executor.resolvers import Resolvers

logger = logging.getLogger("gateway.executor")

PLAN_CACHE_SIZE: Final = 512


class _NotCompiled:
    """Remembers that an operation runs on graphql-core, so it is not compiled again."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _DirectiveVariables(Visitor):
    """Names of the variables that @skip and @include read."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: Any, *_args: Any) -> None:
        if node.name.value in {"skip", "include"}:
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    self.names.add(argument.value.name.value)


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    visitor = _DirectiveVariables()
    visit(document, visitor)
    return tuple(sorted(visitor.names))


class PlanCache:
    """Plans by document hash, operation name and @skip/@include variable values; least recently used
    plans leave first. Persisted and trusted documents make this the common case: each is compiled
    once per process."""

    def __init__(
        self,
        scalar_classes: Mapping[str, tuple[type, ...]],
        resolvers: Resolvers | None = None,
        size: int = PLAN_CACHE_SIZE,
    ) -> None:
        self.scalar_classes = scalar_classes
        self.resolvers = resolvers
        self.size = size
        self._plans: OrderedDict[tuple[str, str | None, tuple[Any, ...]], Plan | _NotCompiled] = OrderedDict()
        # Per document text: its hash and the variables its directives read, worked out once.
        self._documents: OrderedDict[str, tuple[str, tuple[str, ...]]] = OrderedDict()
        # What happened so far, for tests and for reading in a debugger: plans run, and operations left
        # to graphql-core by reason.
        self.runs = 0
        self.not_compiled: dict[str, int] = {}

    def plan(self, query: str, document: DocumentNode, executor: Executor[Any]) -> Plan | None:
        """The plan of the operation `executor` runs, compiling it on first sight; None when it runs on
        graphql-core."""
        digest, names = self._document(query, document)
        operation = executor.operation.name.value if executor.operation.name else None
        coerced = executor.variable_values.coerced if names else {}
        key = (digest, operation, tuple(_hashable(coerced.get(name)) for name in names))
        found = self._plans.get(key)
        if found is None:
            try:
                found = compile_plan(executor, self.scalar_classes, self.resolvers)
            except UnsupportedOperationError as unsupported:
                found = _NotCompiled(str(unsupported))
            except Exception:  # a compiler bug must cost speed, never an answer
                logger.exception("operation not compiled", extra={"fields": {"document_hash": digest}})
                found = _NotCompiled("compiler error")
            self._plans[key] = found
            if len(self._plans) > self.size:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        if isinstance(found, _NotCompiled):
            self.not_compiled[found.reason] = self.not_compiled.get(found.reason, 0) + 1
            return None
        self.runs += 1
        return found

    def _document(self, query: str, document: DocumentNode) -> tuple[str, tuple[str, ...]]:
        known = self._documents.get(query)
        if known is None:
            known = (hashlib.sha256(query.encode()).hexdigest(), directive_variables(document))
            self._documents[query] = known
            if len(self._documents) > self.size:
                self._documents.popitem(last=False)
        return known


def _hashable(value: Any) -> Any:
    """@skip/@include take Boolean! variables; anything else (an invalid value) just keys its own plan."""
    return value if isinstance(value, bool | None) else repr(value)
