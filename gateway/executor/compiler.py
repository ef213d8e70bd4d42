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
from enum import Enum
from itertools import count
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
from graphql.pyutils import Path, Undefined
from graphql.type import is_abstract_type, is_leaf_type, is_list_type, is_non_null_type, is_object_type

from gateway.executor.runtime import PENDING, FieldPlan, Run
from gateway.schema.prefetch import MISSING, PREFETCHED

# graphql-core keeps the schema's strawberry definitions under this key of `extensions`.
_DEFINITION = "strawberry-definition"
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


def compile_plan(executor: Executor[Any], scalar_classes: Mapping[str, tuple[type, ...]]) -> Plan:
    """The plan of the operation `executor` was built for, under its variables' @skip/@include values.

    `scalar_classes` names, for each custom scalar, the Python classes its values come as (those get
    a fast path; any other value goes to graphql-core)."""
    return _Compiler(executor, scalar_classes).compile()


class _Compiler:
    def __init__(self, executor: Executor[Any], scalar_classes: Mapping[str, tuple[type, ...]]) -> None:
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
        self.names = count()
        self.fields = count()
        self.code: list[str] = []
        # Selections already compiled, by type and (graphql-core's memoized) grouped field set.
        self.objects: dict[tuple[str, int], str] = {}
        self.namespace: dict[str, Any] = {
            "Path": Path,
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
        exec(compile(source, "<compiled operation>", "exec"), self.namespace)
        return Plan(self.namespace[root], source)

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
        """A function completing an object of `object_type` with the fields of one selection."""
        known = self.objects.get((object_type.name, id(fields)))
        if known is not None:
            return known
        name = f"{'root' if root else 'o'}{next(self.names)}"
        self.objects[object_type.name, id(fields)] = name
        body: list[str] = []
        for key, details in fields.items():
            body.extend(self._field(object_type, key, details))
        header = (
            [f"def {name}(src, st):", "    slot = None", "    path = None"]
            if root
            else [
                f"def {name}(src, slot, st):",
                "    path = slot[4]",
            ]
        )
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
        field = self._constant("F", plan)
        complete = self._completion(definition.type, plan, field)
        strawberry_field = (definition.extensions or {}).get(_DEFINITION)
        attribute = _attribute(strawberry_field, definition.resolve)
        prefetched = _prefetched(strawberry_field)
        k = repr(key)
        slot = f"(r, {k}, {plan.non_null}, {field}, Path(path, {k}, {parent.name!r}), slot)"
        lines: list[str]
        if attribute is not None:
            lines = ["    try:", f"        v = {_read('src', attribute)}"]
            lines += [f"        {line}" for line in self._store(definition.type, k, complete, slot)]
            lines += ["    except Exception as e:", f"        r[{k}] = st.fail(e, {field}, path)"]
            return lines
        resolved = [
            f"fp = Path(path, {k}, {parent.name!r})",
            f"fs = (r, {k}, {plan.non_null}, {field}, fp, slot)",
            f"v = st.resolve({field}, src, fp)",
            f"r[{k}] = st.hole(v, fs, {complete}) if st.is_awaitable(v) else {complete}(v, fs, st)",
        ]
        if prefetched is not None:
            # Batch at the parent: the list resolver left the value in an attribute; the field's resolver
            # reads the same attribute first, and loads it itself only when it is MISSING.
            lines = ["    try:", f"        v = {_read('src', prefetched)}", "        if v is MISSING:"]
            lines += [f"            {line}" for line in resolved]
            lines += ["        else:"]
            lines += [f"            {line}" for line in self._store(definition.type, k, complete, slot)]
            lines += ["    except Exception as e:", f"        r[{k}] = st.fail(e, {field}, path)"]
            return lines
        lines = [f"    {line}" for line in resolved[:2]]
        lines += ["    try:", *(f"        {line}" for line in resolved[2:])]
        lines += [
            "    except Exception as e:",
            f"        r[{k}] = st.handle(e, {plan.non_null}, {field}.nodes, fp)",
        ]
        return lines

    def _store(self, type_: GraphQLOutputType, k: str, complete: str, slot: str) -> list[str]:
        """Code storing the completion of `v` at `r[k]`, with null and the common leaf values inline (the
        slot, a response path among them, is built only for the rest)."""
        lines: list[str] = []
        otherwise = ""
        named = _named_nullable(type_)
        leaf = self._leaf(named) if is_leaf_type(named) else None
        if leaf is not None:
            check, value = leaf
            lines.append(f"if {check}: r[{k}] = {value}")
            otherwise = "el"
        if not is_non_null_type(type_):
            lines.append(f"{otherwise}if v is None: r[{k}] = None")
            otherwise = "el"
        completion = f"r[{k}] = {complete}(v, {slot}, st)"
        lines.append(f"else: {completion}" if otherwise else completion)
        return lines

    # ------------------------------------------------------------- completion

    def _completion(self, type_: GraphQLOutputType, plan: FieldPlan, field: str) -> str:
        """A function `c(v, fs, st)` completing a value of `type_` at the slot `fs`."""
        name = f"c{next(self.names)}"
        type_name = self._constant("T", type_)
        non_null = is_non_null_type(type_)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        lines = [f"def {name}(v, fs, st):"]
        if not non_null:
            lines.append("    if v is None: return None")
        lines += [f"    {line}" for line in self._fast(inner, plan, field)]
        lines += [f"    return st.slow({type_name}, v, fs)", ""]
        # Nested completions (list items, objects) are emitted first, so `code` stays in definition order.
        self.code.extend(lines)
        return name

    def _fast(self, inner: GraphQLOutputType, plan: FieldPlan, field: str) -> list[str]:
        """Code returning the completion of `v` (not null) when its shape is the common one."""
        if is_leaf_type(inner):
            return self._fast_leaf(inner)
        if is_object_type(inner):
            assert isinstance(inner, GraphQLObjectType)
            origin = _origin(inner)
            if origin is None:
                return []
            function = self._object(inner, self._subfields(inner, plan.details))
            return [f"if v.__class__ is {self._constant('C', origin)}: return {function}(v, fs, st)"]
        if is_list_type(inner):
            assert isinstance(inner, GraphQLList)
            return self._fast_list(inner.of_type, plan, field)
        if is_abstract_type(inner):
            return []  # the runtime type is graphql-core's to find
        return []

    def _fast_leaf(self, leaf: GraphQLOutputType) -> list[str]:
        found = self._leaf(leaf)
        if found is None:
            return []
        check, value = found
        return [f"if {check}: return {value}"]

    def _leaf(self, leaf: GraphQLOutputType) -> tuple[str, str] | None:
        """A check on `v` under which its completion is a simple expression, and that expression: the value
        itself for strings, booleans and 32-bit ints; the member's name for an enum member (asked of the
        type once, as strawberry's own coercion scans the values); the type's coercion for a custom
        scalar's usual classes, when it gives a value (graphql-core raises for nothing else)."""
        trivial = _trivial_check(leaf)
        if trivial is not None:
            return trivial.format(v="v"), "v"
        if isinstance(leaf, GraphQLEnumType):
            wrapped = self._leaf_classes(leaf)
            if len(wrapped) != 1 or not issubclass(wrapped[0], Enum):
                return None
            names = {member: leaf.coerce_output_value(member) for member in wrapped[0]}
            return f"v.__class__ is {self._constant('E', wrapped[0])}", f"{self._constant('N', names)}[v]"
        classes = self._leaf_classes(leaf)
        if not classes:
            return None
        assert isinstance(leaf, GraphQLScalarType)
        coerce = self._constant("S", leaf.coerce_output_value)
        known = self._constant("K", frozenset(classes))
        return f"v.__class__ in {known} and (s := {coerce}(v)) is not None and s is not Undefined", "s"

    def _leaf_classes(self, leaf: GraphQLOutputType) -> tuple[type, ...]:
        definition = (getattr(leaf, "extensions", None) or {}).get(_DEFINITION)
        if isinstance(leaf, GraphQLEnumType):
            wrapped = getattr(definition, "wrapped_cls", None)
            return (wrapped,) if isinstance(wrapped, type) else ()
        return self.scalar_classes.get(getattr(leaf, "name", ""), ())

    def _fast_list(self, item_type: GraphQLOutputType, plan: FieldPlan, field: str) -> list[str]:
        item_non_null = is_non_null_type(item_type)
        item_inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        item_complete = self._completion(item_type, plan, field)
        item_slot = f"(lst, i, {item_non_null}, {field}, ip, fs)"
        body: list[str] = []
        trivial = _trivial_check(item_inner) if is_leaf_type(item_inner) else None
        if trivial is not None:
            body.append(f"if {trivial.format(v='x')}:")
            body.append("    lst.append(x)")
            body.append("    continue")
        if not item_non_null:
            body += ["if x is None:", "    lst.append(None)", "    continue"]
        body.append("ip = Path(fp, i, None)")
        body.append("try:")
        origin = _origin(item_inner) if is_object_type(item_inner) else None
        if origin is not None:
            assert isinstance(item_inner, GraphQLObjectType)
            function = self._object(item_inner, self._subfields(item_inner, plan.details))
            body.append(f"    if x.__class__ is {self._constant('C', origin)}:")
            body.append(f"        lst.append({function}(x, {item_slot}, st))")
            body.append("    else:")
            body.append(f"        lst.append({item_complete}(x, {item_slot}, st))")
        else:
            body.append(f"    lst.append({item_complete}(x, {item_slot}, st))")
        body.append("except Exception as e:")
        body.append(f"    lst.append(st.handle(e, {item_non_null}, {field}.nodes, ip))")
        return [
            "if v.__class__ is list:",
            "    fp = fs[4]",
            "    lst = []",
            "    for i, x in enumerate(v):",
            *(f"        {line}" for line in body),
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


def _origin(object_type: GraphQLObjectType) -> type | None:
    """The Python class whose instances complete as `object_type` without a check: its strawberry class,
    when the type has no `is_type_of` or strawberry's own (an isinstance check)."""
    definition = (object_type.extensions or {}).get(_DEFINITION)
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type):
        return None
    is_type_of = object_type.is_type_of
    if is_type_of is not None and not is_type_of.__qualname__.startswith("GraphQLCoreConverter."):
        return None
    return origin


def _attribute(strawberry_field: Any, resolve: Any) -> str | None:
    """The attribute a field without a resolver reads (strawberry's basic field), or None."""
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
