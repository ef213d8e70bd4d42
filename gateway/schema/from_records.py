"""GraphQL types over region records, matched field by field by name: what each GraphQL field of a type
reads of its record (a list's look-ahead), and the function that builds the type from a record. Both are
derived from the type's own fields and the record's field specification (regions/base/fields.py), so a
record field shown in GraphQL is declared twice only: on the record (type, column) and on the GraphQL
type (type, description), under the same name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from strawberry.types.base import get_object_definition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from regions.base.codegen import define
from regions.base.fields import Nested, specification
from regions.base.rows import record_fields

T = TypeVar("T")


def field_reads(
    graphql_type: type,
    record: type,
    *,
    prefix: str = "",
    computed: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """GraphQL field name: the record fields it reads (`prefix`ed: a nested record's fields are dotted in
    its parent's readings). A field named as a field of the record reads that one; a nested record's
    field reads nothing of its own (its fields read by their own selection); the region is always known;
    `computed` says what fields with resolvers read (by their Python names). A field in none of these is
    left out: a list that selects it reads whole records."""
    computed = computed or {}
    specified = {field.name: field for field in specification(record)}
    readable = record_fields(record)
    reads: dict[str, tuple[str, ...]] = {"__typename": ()}
    for field in _graphql_fields(graphql_type):
        name = field.graphql_name or to_camel_case(field.python_name)
        if field.python_name in computed:
            needed = computed[field.python_name]
            if not readable.issuperset(needed):
                unknown = sorted(set(needed) - readable)
                raise TypeError(f"{graphql_type.__name__}.{field.python_name} reads {unknown}: not fields")
            reads[name] = tuple(prefix + path for path in needed)
        elif field.base_resolver is None and field.python_name in specified:
            spec = specified[field.python_name].spec
            own = spec is not None and not isinstance(spec, Nested)
            reads[name] = (prefix + field.python_name,) if own else ()
    return reads


def record_builder(
    graphql_type: type[T],
    record: type,
    *,
    given: tuple[str, ...] = (),
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
) -> Callable[..., T]:
    """`build(record, *given)`: the GraphQL type built from a record. Each of the type's fields named as a
    field of the record is copied from it (through `convert[name]` when given, None staying None where
    the record's field may be None), `given` are passed in (in
    that order), a private `record` field holds the record, and fields with defaults keep them. The
    function's source is generated: keyword arguments spelled out, as a hand-written `from_record` would,
    without a loop per object."""
    convert = convert or {}
    specified = {field.name: field for field in specification(record)}
    namespace: dict[str, Any] = {graphql_type.__name__: graphql_type}
    arguments = []
    for field in dataclasses.fields(graphql_type):  # type: ignore[arg-type]  # a strawberry type is a dataclass
        name = field.name
        if not field.init:
            continue
        if name in given:
            arguments.append(f"{name}={name}")
        elif name == "record":
            arguments.append("record=record")
        elif name in convert:
            namespace[f"convert_{name}"] = convert[name]
            value = f"convert_{name}(record.{name})"
            if name in specified and specified[name].optional:
                value = f"None if record.{name} is None else {value}"
            arguments.append(f"{name}={value}")
        elif name in specified:
            arguments.append(f"{name}=record.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise TypeError(f"{graphql_type.__name__}.{name} is not a field of {record.__name__}")
    source = (
        f"def build(record{''.join(f', {name}' for name in given)}):\n"
        f"    return {graphql_type.__name__}({', '.join(arguments)})\n"
    )
    # The source is generated from the type's and the record's declarations alone.
    build: Callable[..., T] = define(source, f"{graphql_type.__name__} from a record", namespace, "build")
    return build


def _graphql_fields(graphql_type: type) -> list[Any]:
    """The fields a GraphQL type shows (not its private ones)."""
    definition = get_object_definition(graphql_type, strict=True)
    return [
        field
        for field in definition.fields
        if not (field.type_annotation and is_private(field.type_annotation.annotation))
    ]
