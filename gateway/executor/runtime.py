"""What a compiled plan calls while it runs: resolvers, errors and null propagation, awaited values.

The generated code (compiler.py) completes the common shapes itself; for everything else it hands the
value to graphql-core's own `complete_value` on the same `Executor`, and every error goes through
`handle`, which is graphql-core's `handle_field_error`: so the rare paths are graphql-core's by
construction, and the common ones must agree with them (tests/test_executor_differential.py).

A position in the response is a list `[container, key, site, parent, path]`: the dict or list that
holds a value and the key or index it is held under; the site, a field (`FieldPlan`) or the items of a
list field (`ItemSite`), which says whether the position is non-null and which field it belongs to; the
position of the object or list around it; and its response path. Positions cost one small list: the
path is worked out only when something needs it (a resolver, an error, graphql-core's completion) and
kept in the position then, so a page of objects builds no `Path` at all when nothing goes wrong. A value
a resolver hands back as an awaitable leaves a hole at its position; holes are awaited together, level
by level, so that every loader call of a level lands in one batch, and a non-null error found in a hole
nulls the nearest nullable position above it, as graphql-core's propagation would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from graphql import GraphQLError, GraphQLOutputType, located_error
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode
from graphql.pyutils import Path
from graphql.type import GraphQLField, GraphQLObjectType

from gateway.executor.resolvers import FALLBACK, DirectCall

# [container, key, site, parent position, path or None]; see the module's docstring.
Position: TypeAlias = list[Any]
Completion: TypeAlias = Callable[[Any, Position, "Run"], Any]


class _Pending:
    """Stands in a container for a value still awaited; the hole's completion overwrites it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PENDING"


PENDING = _Pending()


class FieldPlan:
    """One response key of one selection: the field, its nodes and how to get its value. It is also the
    site of the field's positions (`field` is itself; `typename`, its parent type, names them in paths)."""

    __slots__ = (
        "definition",
        "details",
        "direct",
        "field",
        "fragment_variable_values",
        "has_arguments",
        "index",
        "key",
        "node",
        "nodes",
        "non_null",
        "parent_type",
        "resolve",
        "return_type",
        "typename",
    )

    def __init__(
        self,
        index: int,
        key: str,
        parent_type: GraphQLObjectType,
        definition: GraphQLField,
        details: FieldDetailsList,
        non_null: bool,
    ) -> None:
        self.index = index
        self.key = key
        self.parent_type = parent_type
        self.typename: str | None = parent_type.name
        self.field = self
        self.definition = definition
        self.return_type: GraphQLOutputType = definition.type
        self.details = details
        self.nodes: list[FieldNode] = [detail.node for detail in details]
        self.node = details[0].node
        self.fragment_variable_values = details[0].fragment_variable_values
        self.has_arguments = bool(definition.args or self.node.arguments)
        self.resolve = definition.resolve
        # Set by the compiler where strawberry's resolver may be called without its wrapper (resolvers.py).
        self.direct: DirectCall | None = None
        self.non_null = non_null


class ItemSite:
    """The site of the items of a list field (of one list level): keyed by index, under no type name."""

    __slots__ = ("field", "non_null", "typename")

    def __init__(self, field: FieldPlan, non_null: bool) -> None:
        self.field = field
        self.non_null = non_null
        self.typename: str | None = None


class Run:
    """The state of one execution of a plan over graphql-core's `Executor` for the same request."""

    __slots__ = ("_arguments", "collected", "data", "executor", "holes", "is_awaitable")

    def __init__(self, executor: Executor[Any]) -> None:
        self.executor = executor
        self.collected = executor.collected_errors
        self.is_awaitable = executor.is_awaitable
        self.holes: list[tuple[Awaitable[Any], Position, Completion | None]] = []
        self._arguments: dict[int, dict[str, Any] | Exception] = {}
        self.data: dict[str, Any] | None = None

    # ----------------------------------------------------------------- paths

    def path(self, position: Position | None) -> Path | None:
        """The response path of a position (None above the root fields), kept once worked out."""
        if position is None:
            return None
        path: Path | None = position[4]
        if path is None:
            path = position[4] = Path(self.path(position[3]), position[1], position[2].typename)
        return path

    def field_path(self, field: FieldPlan, parent: Position | None) -> Path:
        """The path of `field` of the object at `parent` (None: a root field)."""
        return Path(self.path(parent), field.key, field.typename)

    # --------------------------------------------------------------- resolving

    def arguments(self, field: FieldPlan) -> dict[str, Any]:
        """A field's coerced arguments; they depend on the variables only, so once per run."""
        found = self._arguments.get(field.index)
        if found is None:
            try:
                found = get_argument_values(
                    field.definition,
                    field.node,
                    self.executor.variable_values,
                    field.fragment_variable_values,
                    self.executor.hide_suggestions,
                )
            except Exception as error:  # raised again for every parent, as graphql-core would
                found = error
            self._arguments[field.index] = found
        if isinstance(found, Exception):
            raise found
        return found

    def resolve(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """Call a field's resolver as graphql-core's `execute_field` does."""
        info = self.executor.build_resolve_info(field.definition, field.nodes, field.parent_type, path)
        direct = field.direct
        if direct is not None:
            if not direct.prepared:
                direct.prepare(self.arguments(field) if field.has_arguments else {}, info)
            value = direct(source, info)
            if value is not FALLBACK:
                return value
        arguments = self.arguments(field) if field.has_arguments else {}
        return field.resolve(source, info, **arguments)  # type: ignore[misc]

    def hole(self, awaitable: Awaitable[Any], position: Position, completion: Completion | None) -> _Pending:
        """Leave a position to be filled once `awaitable` is done, with its value completed."""
        self.holes.append((awaitable, position, completion))
        return PENDING

    def slow(self, return_type: GraphQLOutputType, value: Any, position: Position) -> Any:
        """Complete a value the generated code has no fast path for: graphql-core's own completion."""
        field: FieldPlan = position[2].field
        path = self.path(position)
        assert path is not None
        executor = self.executor
        info = executor.build_resolve_info(field.definition, field.nodes, field.parent_type, path)
        if self.is_awaitable(value):
            awaited = executor.complete_awaitable_value(return_type, field.details, info, path, value, None)
            return self.hole(awaited, position, None)
        completed = executor.complete_value(return_type, field.details, info, path, value, None)
        if self.is_awaitable(completed):
            return self.hole(completed, position, None)
        return completed

    # ------------------------------------------------------------------ errors

    def handle(self, error: Exception, non_null: bool, nodes: list[FieldNode], path: Path) -> None:
        """graphql-core's `handle_field_error`: locate the error; a non-null position passes it up,
        a nullable one records it and becomes null."""
        located = located_error(error, nodes, path.as_list())
        if non_null:
            raise located
        self.collected.add(located, path)

    def fail(self, error: Exception, site: FieldPlan | ItemSite, parent: Position | None, key: Any) -> None:
        """An error of the value at `key` (a field's response key, or a list index) of `site`, in the
        object or list at `parent`."""
        path = Path(self.path(parent), key, site.typename)
        self.handle(error, site.non_null, site.field.nodes, path)

    def fail_at(self, error: Exception, position: Position | None) -> None:
        """An error found in a hole: null the nearest nullable position at or above `position`."""
        while position is not None:
            container, key, site, parent, _path = position
            path = self.path(position)
            assert path is not None
            located = located_error(error, site.field.nodes, path.as_list())
            if not site.non_null:
                self.collected.add(located, path)
                container[key] = None
                return
            error, position = located, parent
        self.collected.add(located_error(error), None)
        self.data = None

    # ----------------------------------------------------------------- holes

    async def settle(self) -> None:
        """Await the holes level by level (each level's together, so loaders batch across the whole
        level), completing what they return, until none is left."""
        while self.holes:
            holes, self.holes = self.holes, []
            results: list[Any]
            if len(holes) == 1:
                try:
                    results = [await holes[0][0]]
                except Exception as error:
                    results = [error]
            else:
                results = await asyncio.gather(*(hole[0] for hole in holes), return_exceptions=True)
            for (_awaitable, position, completion), result in zip(holes, results, strict=True):
                if isinstance(result, BaseException):
                    if not isinstance(result, Exception):
                        raise result
                    self.fail_at(result, position)
                    continue
                try:
                    value = result if completion is None else completion(result, position, self)
                except Exception as error:
                    self.fail_at(error, position)
                else:
                    position[0][position[1]] = value

    def root_failed(self, error: GraphQLError) -> None:
        """A non-null root field failed: the whole `data` is null (graphql-core's `execute_operation`)."""
        self.collected.add(error, None)
        self.data = None
