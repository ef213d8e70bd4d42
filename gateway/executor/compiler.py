"""Compile a validated operation into Python (the graphql-jit idea): one generated function per
selection set, reading leaf fields as attributes and copying their values without a per-field
awaitable, calling resolvers only where a field has one, and handing awaited values back to the
runtime so that they are awaited level by level (runtime.py).

Fields are collected by graphql-core itself (`collect_fields` on the request's own `Executor`), so
fragments, aliases, merging and @skip/@include mean exactly what they mean to graphql-core; the
directives' variables are part of the plan's cache key (cache.py). Every value the generated code
does not recognise (a wrong class, null in a non-null field, an awaitable, an abstract type, an
exception) goes to graphql-core's `complete_value` for that field, and every error to its
`handle_field_error` rules, so the result is the same as graphql-core's by construction on the rare
paths. Operations the compiler does not take on (mutations, subscriptions, introspection, middleware,
incremental delivery) raise `UnsupportedOperationError` and run on graphql-core.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from enum import Enum
from itertools import count
from operator import methodcaller
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    OperationType,
)
from graphql.execution import ExecutionResult, Executor
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet, collect_fields
from graphql.pyutils import Undefined
from graphql.type import is_leaf_type, is_list_type, is_non_null_type, is_object_type

from gateway.executor.resolvers import STRAWBERRY_DEFINITION, Resolvers
from gateway.executor.runtime import PENDING, FieldPlan, ItemSite, Run
from gateway.schema.prefetch import MISSING, PREFETCHED
from regions.base.codegen import define

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class UnsupportedOperationError(Exception):
    """The operation uses something the compiler leaves to graphql-core."""


class Plan:
    """A compiled operation: `await plan.run(executor)` answers what graphql-core would."""

    __slots__ = ("root", "source")

    def __init__(self, root: Callable[[Any, Run], dict[str, Any]], source: str) -> None:
        self.root = root
        self.source = source  # the generated code, for reading when something looks wrong

    async def run(self, executor: Executor[Any]) -> ExecutionResult:
        run = Run(executor)
        try:
            run.data = self.root(executor.root_value, run)
        except GraphQLError as error:
            run.root_failed(error)
        await run.settle()
        result = executor.build_response(run.data)
        assert isinstance(result, ExecutionResult)
        return result


def compile_plan(
    executor: Executor[Any],
    scalar_classes: Mapping[str, tuple[type, ...]],
    resolvers: Resolvers | None = None,
) -> Plan:
    """The plan of the operation `executor` was built for, under its variables' @skip/@include values.

    `scalar_classes` names, for each custom scalar, the Python classes its values come as (those get
    a fast path; any other value goes to graphql-core); `resolvers`, when given, says which strawberry
    resolvers are called without strawberry's wrapper (resolvers.py)."""
    return _Compiler(executor, scalar_classes, resolvers).compile()


class _Compiler:
    def __init__(
        self,
        executor: Executor[Any],
        scalar_classes: Mapping[str, tuple[type, ...]],
        resolvers: Resolvers | None,
    ) -> None:
        if executor.operation.operation is not OperationType.QUERY:
            raise UnsupportedOperationError("only queries are compiled")
        if executor.middleware_manager is not None or not executor.error_propagation:
            raise UnsupportedOperationError("middleware or disabled error propagation")
        if getattr(executor, "abort_signal", None) is not None:
            raise UnsupportedOperationError("abort signals")
        if any(fragment.variable_signatures for fragment in executor.fragments.values()):
            raise UnsupportedOperationError("fragment variables")
        self.executor = executor
        self.schema = executor.schema
        self.scalar_classes = scalar_classes
        self.resolvers = resolvers
        self.names = count()
        self.fields = count()
        self.code: list[str] = []
        # Selections already compiled, by type and (graphql-core's memoized) grouped field set.
        self.objects: dict[tuple[str, int], str] = {}
        self.namespace: dict[str, Any] = {
            "PENDING": PENDING,
            "MISSING": MISSING,
            "Undefined": Undefined,
        }

    def compile(self) -> Plan:
        executor = self.executor
        root_type = self.schema.get_root_type(OperationType.QUERY)
        if root_type is None:
            raise UnsupportedOperationError("no query root")
        collected = collect_fields(
            self.schema,
            executor.fragments,
            executor.variable_values,
            root_type,
            executor.operation,
            executor.hide_suggestions,
        )
        if collected.new_defer_usages:
            raise UnsupportedOperationError("@defer")
        root = self._object(root_type, collected.grouped_field_set, root=True)
        source = "\n".join(self.code)
        return Plan(define(source, "compiled operation", self.namespace, root), source)

    # ---------------------------------------------------------------- naming

    def _constant(self, prefix: str, value: Any) -> str:
        name = f"{prefix}{next(self.names)}"
        self.namespace[name] = value
        return name

    # ------------------------------------------------------------- selections

    def _subfields(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> GroupedFieldSet:
        collected = self.executor.collect_subfields(object_type, details)
        if collected.new_defer_usages:
            raise UnsupportedOperationError("@defer")
        return collected.grouped_field_set

    def _object(self, object_type: GraphQLObjectType, fields: GroupedFieldSet, *, root: bool = False) -> str:
        """A function `o(src, pos, st)` completing an object of `object_type` with the fields of one
        selection, at the position `pos` (None for the root object)."""
        known = self.objects.get((object_type.name, id(fields)))
        if known is not None:
            return known
        name = f"{'root' if root else 'o'}{next(self.names)}"
        self.objects[object_type.name, id(fields)] = name
        body: list[str] = []
        for key, details in fields.items():
            body.extend(self._field(object_type, key, details))
        header = [f"def {name}(src, st):", "    pos = None"] if root else [f"def {name}(src, pos, st):"]
        self.code.extend([*header, "    r = {}", *body, "    return r", ""])
        return name

    def _field(self, parent: GraphQLObjectType, key: str, details: FieldDetailsList) -> list[str]:
        field_name = details[0].node.name.value
        if field_name == "__typename":
            return [f"    r[{key!r}] = {parent.name!r}"]
        if field_name.startswith("__"):
            raise UnsupportedOperationError("introspection")
        definition = self.schema.get_field(parent, field_name)
        if definition is None:
            raise UnsupportedOperationError(f"unknown field {parent.name}.{field_name}")
        plan = FieldPlan(
            next(self.fields), key, parent, definition, details, is_non_null_type(definition.type)
        )
        plan.resolve = definition.resolve or self.executor.field_resolver
        if definition.resolve is not None and self.resolvers is not None:
            plan.direct = self.resolvers.direct_call(definition, plan.node)
        field = self._constant("F", plan)
        complete = self._completion(definition.type, plan, field)
        strawberry_field = (definition.extensions or {}).get(STRAWBERRY_DEFINITION)
        attribute = _attribute(strawberry_field, definition.resolve)
        prefetched = _prefetched(strawberry_field)
        k = repr(key)
        failed = [
            "    except Exception as e:",
            f"        r[{k}] = st.fail(e, {field}, pos, {k})",
        ]
        if attribute is not None:
            lines = ["    try:", f"        v = {_read('src', attribute)}"]
            lines += [f"        {line}" for line in self._store(definition.type, plan, k, complete, field)]
            return lines + failed
        # A resolver is given its path, so the field's position holds it from the start.
        resolved = [
            f"fp = st.field_path({field}, pos)",
            f"v = st.resolve({field}, src, fp)",
            f"if st.is_awaitable(v): r[{k}] = st.hole(v, [r, {k}, {field}, pos, fp], {complete})",
            f"else: r[{k}] = {complete}(v, [r, {k}, {field}, pos, fp], st)",
        ]
        if prefetched is not None:
            # Batch at the parent: the list resolver left the value in an attribute; the field's resolver
            # reads the same attribute first, and loads it itself only when it is MISSING.
            lines = ["    try:", f"        v = {_read('src', prefetched)}", "        if v is MISSING:"]
            lines += [f"            {line}" for line in resolved]
            lines += ["        else:"]
            lines += [
                f"            {line}" for line in self._store(definition.type, plan, k, complete, field)
            ]
            return lines + failed
        lines = [f"    {resolved[0]}", "    try:", *(f"        {line}" for line in resolved[1:])]
        lines += [
            "    except Exception as e:",
            f"        r[{k}] = st.handle(e, {plan.non_null}, {field}.nodes, fp)",
        ]
        return lines

    def _store(
        self, type_: GraphQLOutputType, plan: FieldPlan, k: str, complete: str, field: str
    ) -> list[str]:
        """Code storing the completion of `v` at `r[k]`: a common leaf value, an object of the expected
        class, or null inline; the rest through the field's completion (`complete`)."""
        position = f"[r, {k}, {field}, pos, None]"
        checks = self._checks(_named_nullable(type_), plan, "v", position)
        if not is_non_null_type(type_):
            checks.append(("v is None", "None"))
        return _chain(checks, lambda value: f"r[{k}] = {value}", f"{complete}(v, {position}, st)")

    def _checks(
        self, named: GraphQLOutputType, plan: FieldPlan, v: str, position: str
    ) -> list[tuple[str, str]]:
        """For a value `v` of a (nullable) leaf or object type, a check under which its completion is a
        simple expression, and that expression: none for other types, or when there is no such check."""
        if is_leaf_type(named):
            leaf = self._leaf(named, v)
            return [] if leaf is None else [leaf]
        if is_object_type(named):
            assert isinstance(named, GraphQLObjectType)
            origin = _origin(named)
            if origin is not None:
                function = self._object(named, self._subfields(named, plan.details))
                check = f"{v}.__class__ is {self._constant('C', origin)}"
                return [(check, f"{function}({v}, {position}, st)")]
        return []

    # ------------------------------------------------------------- completion

    def _completion(self, type_: GraphQLOutputType, plan: FieldPlan, field: str) -> str:
        """A function `c(v, pos, st)` completing a value of `type_` at the position `pos`."""
        name = f"c{next(self.names)}"
        type_name = self._constant("T", type_)
        non_null = is_non_null_type(type_)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        lines = [f"def {name}(v, pos, st):"]
        if not non_null:
            lines.append("    if v is None: return None")
        lines += [f"    {line}" for line in self._fast(inner, plan, field)]
        lines += [f"    return st.slow({type_name}, v, pos)", ""]
        # Nested completions (list items, objects) are emitted first, so `code` stays in definition order.
        self.code.extend(lines)
        return name

    def _fast(self, inner: GraphQLOutputType, plan: FieldPlan, field: str) -> list[str]:
        """Code returning the completion of `v` (not null) when its shape is the common one (an abstract
        type's runtime type is graphql-core's to find)."""
        if is_list_type(inner):
            assert isinstance(inner, GraphQLList)
            return self._fast_list(inner.of_type, plan, field)
        return [f"if {check}: return {value}" for check, value in self._checks(inner, plan, "v", "pos")]

    def _leaf(self, leaf: GraphQLOutputType, v: str) -> tuple[str, str] | None:
        """A check on `v` under which its completion is a simple expression, and that expression: the value
        itself for strings, booleans and 32-bit ints; the member's name for an enum member (asked of the
        type once, as strawberry's own coercion scans the values); for a custom scalar's usual classes,
        the type's coercion, inline when it is one that always gives a string (graphql-core raises for
        None and Undefined, so a coercion that may give them is checked)."""
        trivial = _trivial_check(leaf)
        if trivial is not None:
            return trivial.format(v=v), v
        if isinstance(leaf, GraphQLEnumType):
            wrapped = self._leaf_classes(leaf)
            if len(wrapped) != 1 or not issubclass(wrapped[0], Enum):
                return None
            names = {member: leaf.coerce_output_value(member) for member in wrapped[0]}
            check = f"{v}.__class__ is {self._constant('E', wrapped[0])}"
            if all(name == member.name for member, name in names.items()):
                return check, f"{v}._name_"  # an attribute read; `names[v]` would hash the member in Python
            return check, f"{self._constant('N', names)}[{v}]"
        classes = self._leaf_classes(leaf)
        if not classes:
            return None
        assert isinstance(leaf, GraphQLScalarType)
        coerce = leaf.coerce_output_value
        check = (
            f"{v}.__class__ is {self._constant('C', classes[0])}"
            if len(classes) == 1
            else f"{v}.__class__ in {self._constant('K', frozenset(classes))}"
        )
        inline = _inline_coercion(coerce, classes)
        if inline is not None:
            return check, inline.format(v=v)
        coerced = f"(s := {self._constant('S', coerce)}({v})) is not None and s is not Undefined"
        return f"{check} and {coerced}", "s"

    def _leaf_classes(self, leaf: GraphQLOutputType) -> tuple[type, ...]:
        definition = (getattr(leaf, "extensions", None) or {}).get(STRAWBERRY_DEFINITION)
        if isinstance(leaf, GraphQLEnumType):
            wrapped = getattr(definition, "wrapped_cls", None)
            return (wrapped,) if isinstance(wrapped, type) else ()
        return self.scalar_classes.get(getattr(leaf, "name", ""), ())

    def _fast_list(self, item_type: GraphQLOutputType, plan: FieldPlan, field: str) -> list[str]:
        item_non_null = is_non_null_type(item_type)
        item_inner = _named_nullable(item_type)
        item_complete = self._completion(item_type, plan, field)
        site = self._constant("I", ItemSite(plan, item_non_null))
        position = f"[lst, i, {site}, pos, None]"
        checks = self._checks(item_inner, plan, "x", position)
        if not item_non_null:
            checks.append(("x is None", "None"))
        body = _chain(checks, lambda value: f"lst.append({value})", f"{item_complete}(x, {position}, st)")
        return [
            "if v.__class__ is list:",
            "    lst = []",
            "    for i, x in enumerate(v):",
            "        try:",
            *(f"            {line}" for line in body),
            "        except Exception as e:",
            f"            lst.append(st.fail(e, {site}, pos, i))",
            "    return lst",
        ]


# ------------------------------------------------------------------- helpers


def _named_nullable(type_: GraphQLOutputType) -> GraphQLOutputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _trivial_check(type_: GraphQLOutputType) -> str | None:
    """A check under which a value is its own completion (graphql-core's coercion returns it as is)."""
    if type_ is GraphQLString or type_ is GraphQLID:
        return "{v}.__class__ is str"
    if type_ is GraphQLBoolean:
        return "{v}.__class__ is bool"
    if type_ is GraphQLInt:
        return "({v}.__class__ is int and " + f"{_INT_MIN} <= " + "{v} <= " + f"{_INT_MAX})"
    return None


def _inline_coercion(coerce: Any, classes: tuple[type, ...]) -> str | None:
    """An expression (of `{v}`) doing what `coerce` does to values of exactly these classes, when it always
    gives a string: `str` (strawberry's Decimal), or `isoformat` of the standard date and time classes
    (its Date, DateTime and Time)."""
    if coerce is str:
        return "str({v})"
    if (
        isinstance(coerce, methodcaller)
        and coerce.__reduce__() == (methodcaller, ("isoformat",))
        and all(cls in (date, datetime, time) for cls in classes)
    ):
        return "{v}.isoformat()"
    return None


def _origin(object_type: GraphQLObjectType) -> type | None:
    """The Python class whose instances complete as `object_type` without a check: its strawberry class,
    when the type has no `is_type_of` or strawberry's own (an isinstance check), told by its `__qualname__`.

    Mirrors strawberry-graphql 0.341.2's
    `strawberry.schema.schema_converter.GraphQLCoreConverter._get_is_type_of`
    (tests/test_library_mirrors.py fails when that changes)."""
    definition = (object_type.extensions or {}).get(STRAWBERRY_DEFINITION)
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type):
        return None
    is_type_of = object_type.is_type_of
    if is_type_of is not None and not is_type_of.__qualname__.startswith("GraphQLCoreConverter."):
        return None
    return origin


def _attribute(strawberry_field: Any, resolve: Any) -> str | None:
    """The attribute a field without a resolver reads (strawberry's basic field), or None.

    Mirrors strawberry-graphql 0.341.2's
    `strawberry.schema.schema_converter.GraphQLCoreConverter.from_resolver`
    (tests/test_library_mirrors.py fails when that changes)."""
    if strawberry_field is None or resolve is None:
        return None
    if not getattr(strawberry_field, "is_basic_field", False):
        return None
    if not getattr(resolve, "__qualname__", "").endswith("._get_basic_result"):
        return None
    if getattr(strawberry_field, "default_resolver", getattr) is not getattr:
        return None
    python_name = getattr(strawberry_field, "python_name", None)
    return python_name if isinstance(python_name, str) else None


def _prefetched(strawberry_field: Any) -> str | None:
    metadata = getattr(strawberry_field, "metadata", None) or {}
    attribute = metadata.get(PREFETCHED)
    return attribute if isinstance(attribute, str) else None


def _read(source: str, attribute: str) -> str:
    if attribute.isidentifier() and not keyword.iskeyword(attribute):
        return f"{source}.{attribute}"
    return f"getattr({source}, {attribute!r})"


def _chain(checks: list[tuple[str, str]], store: Callable[[str], str], fallback: str) -> list[str]:
    """`if check: store(value)` for each (check, value) in turn, else `store(fallback)`."""
    lines = [
        f"{'if' if index == 0 else 'elif'} {check}: {store(value)}"
        for index, (check, value) in enumerate(checks)
    ]
    lines.append(f"else: {store(fallback)}" if lines else store(fallback))
    return lines
