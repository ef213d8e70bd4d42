"""Calling strawberry resolvers from a compiled plan without converting constant arguments again.

strawberry wraps every resolver (`GraphQLCoreConverter.from_resolver`): on each call it turns
graphql-core's argument values into Python values (`convert_arguments`, which resolves the input
types' annotations anew every time: ~25 µs for `claims(search: {…})`), places the source and the info
among the resolver's parameters (`get_arguments`), runs the field's extensions and exception handlers,
and calls the resolver. For a field that has neither extensions nor exception handlers, and whose
arguments are literals of the document (no variables), the converted arguments are the same on every
request: a plan converts them once and, for each call, rebuilds an equal value that shares nothing
mutable with the one it kept (a resolver may change what it is given; requests must not see each
other's changes). Where the source and the info go is asked of strawberry's `get_arguments` once, and
the call itself is strawberry's `StrawberryField.get_result`, as in its wrapper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar, cast

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLResolveInfo,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.language import FieldNode
from strawberry.schema import Schema
from strawberry.schema.schema_converter import get_arguments
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UnsetType

# graphql-core keeps the schema's strawberry definitions under this key of `extensions`.
STRAWBERRY_DEFINITION: Final = "strawberry-definition"
# The resolvers strawberry's converter makes (`from_resolver`); any other is called as it is.
_STRAWBERRY_RESOLVERS: Final = ("from_resolver.<locals>._async_resolver", "from_resolver.<locals>._resolver")
# Values no resolver can change: kept values of these classes are handed out as they are.
_IMMUTABLE: Final = frozenset({str, int, float, bool, type(None), Decimal, date, datetime, time, UnsetType})

Arguments = dict[str, Any]
K = TypeVar("K", bound=Hashable)


class Resolvers:
    """What calling a schema's resolvers directly takes from the schema, and which fields qualify."""

    def __init__(self, schema: Schema) -> None:
        converter = schema.schema_converter
        self.config = schema.config
        self.scalar_registry = converter.scalar_registry
        # An exception handler turns a resolver's exception into a value inside strawberry's wrapper.
        self.enabled = getattr(converter, "exception_handlers", None) == ()

    def direct_call(self, definition: GraphQLField, node: FieldNode) -> DirectCall | None:
        """How to call the resolver of `definition` for the field `node` directly, or None when the
        call must go through strawberry's wrapper (extensions, exception handlers, variables in its
        arguments, input types that convert themselves). The wrapper is told by its `__qualname__`.

        Mirrors strawberry-graphql 0.341.2's
        `strawberry.schema.schema_converter.GraphQLCoreConverter.from_resolver`
        (tests/test_library_mirrors.py fails when that changes)."""
        field = (definition.extensions or {}).get(STRAWBERRY_DEFINITION)
        if not self.enabled or not isinstance(field, StrawberryField):
            return None
        if field.base_resolver is None or field.extensions:
            return None
        if not getattr(definition.resolve, "__qualname__", "").endswith(_STRAWBERRY_RESOLVERS):
            return None
        if any(_has_variables(argument.value) for argument in node.arguments or ()):
            return None
        if any(_converts_itself(argument.type) for argument in definition.args.values()):
            return None
        return DirectCall(field, self)


class DirectCall:
    """One field's resolver, called as strawberry's wrapper calls it, with its constant arguments
    converted on the first call of the plan it belongs to.

    Mirrors strawberry-graphql 0.341.2's
    `strawberry.schema.schema_converter.GraphQLCoreConverter.from_resolver`
    (tests/test_library_mirrors.py fails when that changes)."""

    __slots__ = ("_build", "_source_first", "_special", "field", "info_class", "resolvers")

    def __init__(self, field: StrawberryField, resolvers: Resolvers) -> None:
        self.field = field
        self.resolvers = resolvers
        self.info_class = resolvers.config.info_class
        # Until prepared: unknown. Then a function building fresh converted arguments, or None when they
        # cannot be kept (conversion failed, or a value this module cannot rebuild).
        self._build: Callable[[], Arguments] | _Unknown | None = _UNKNOWN
        # Where strawberry's `get_arguments` puts the source and the info (for `self`, `root`, `parent`
        # and `info` parameters): the same on every call, so asked once.
        self._source_first = False
        self._special: dict[str, bool] = {}  # parameter name: True for the source, False for the info

    @property
    def prepared(self) -> bool:
        return not isinstance(self._build, _Unknown)

    def prepare(self, raw: Arguments, info: GraphQLResolveInfo[Any]) -> None:
        """Convert graphql-core's argument values (`raw`) once, and keep them if they can be rebuilt."""
        self._build = self._keep(raw, self.info_class(_raw_info=info, _field=self.field))

    def __call__(self, source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        """The resolver's value (or awaitable), or `FALLBACK` when strawberry's wrapper must make the call
        (once `prepare`d)."""
        build = self._build
        if build is None or isinstance(build, _Unknown):
            return FALLBACK
        strawberry_info = self.info_class(_raw_info=info, _field=self.field)
        kwargs = build()
        for name, is_source in self._special.items():
            kwargs[name] = source if is_source else strawberry_info
        args = [source] if self._source_first else []
        return self.field.get_result(source, info=strawberry_info, args=args, kwargs=kwargs)

    def _keep(self, raw: Arguments, info: Any) -> Callable[[], Arguments] | None:
        resolvers = self.resolvers
        try:
            converted = convert_arguments(
                raw,
                self.field.arguments,
                scalar_registry=resolvers.scalar_registry,
                config=resolvers.config,
                info=info,
            )
        except Exception:  # strawberry's wrapper raises it again, in its own way, on every call
            return None
        if not self._place_source_and_info():
            return None
        kept = _builders(converted.items())
        return None if kept is None else lambda: {name: build() for name, build in kept.items()}

    def _place_source_and_info(self) -> bool:
        """Ask strawberry's `get_arguments` where the source and the info go, with stand-ins for them;
        False if it answers anything else."""
        source, info = object(), object()
        args, kwargs = get_arguments(
            field=self.field,
            source=source,
            info=cast(Any, info),
            kwargs={},
            config=self.resolvers.config,
            scalar_registry=self.resolvers.scalar_registry,
        )
        if args not in ([], [source]) or any(
            value is not source and value is not info for value in kwargs.values()
        ):
            return False
        self._source_first = bool(args)
        self._special = {name: value is source for name, value in kwargs.items()}
        return True


class _Unknown:
    __slots__ = ()


_UNKNOWN: Final = _Unknown()


class _Fallback:
    """Returned by a `DirectCall` that leaves the call to strawberry's wrapper."""

    __slots__ = ()


FALLBACK: Final = _Fallback()


def _builder(value: Any) -> Callable[[], Any] | None:
    """A function returning a value equal to `value` that shares nothing mutable with it (an immutable
    value itself, lists and strawberry inputs anew), or None for a value of any other kind."""
    if value.__class__ in _IMMUTABLE or isinstance(value, Enum):
        return lambda: value
    if value.__class__ is list:
        items = _builders(enumerate(value))
        return None if items is None else lambda: [item() for item in items.values()]
    definition = get_object_definition(value)
    if definition is None or not definition.is_input or not dataclasses.is_dataclass(value):
        return None
    fields = dataclasses.fields(value)
    if not all(field.init for field in fields):
        return None
    parts = _builders((field.name, getattr(value, field.name)) for field in fields)
    if parts is None:
        return None
    input_class = value.__class__
    # The input's own constructor, as strawberry's conversion builds it (`type_(**kwargs)`).
    return lambda: input_class(**{name: part() for name, part in parts.items()})


def _builders(values: Iterable[tuple[K, Any]]) -> dict[K, Callable[[], Any]] | None:
    """A builder for each value, or None if one of them has none."""
    builders: dict[K, Callable[[], Any]] = {}
    for key, value in values:
        build = _builder(value)
        if build is None:
            return None
        builders[key] = build
    return builders


def _has_variables(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variables(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variables(field.value) for field in value.fields)
    return False


def _converts_itself(type_: GraphQLInputType, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an input type, or one inside it, builds its own value (strawberry's `from_input`, which is
    given the request's `info`): such a value cannot be kept between requests."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return False
    definition = (named.extensions or {}).get(STRAWBERRY_DEFINITION)
    if getattr(definition, "from_input", None) is not None:
        return True
    inner = seen | {named.name}
    return any(_converts_itself(field.type, inner) for field in named.fields.values())
