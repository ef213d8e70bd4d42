"""Rows of the lean reads (regions/base/reads.py) to records: the columns each read selects, in order, and
how each driver's values become the values SQLAlchemy's column types would have given, all derived from the
records' field specifications (regions/base/fields.py).

A reading's decoder is Python source generated for the fields it reads: records are built with positional
arguments, in their fields' order, each value converted inline (a claim's nineteen keyword arguments alone
cost more than half a microsecond per row, and a claims page decodes hundreds of rows; a loop over the
fields, several). tests/test_region_reads.py compares every field with what SQLAlchemy reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache, partial
from operator import mul
from typing import Any, Generic, TypeVar, cast, get_args, get_origin

import orjson
from sqlalchemy import JSON, BigInteger, ColumnElement, Date, Integer, String

from regions.base.codegen import define
from regions.base.columns import Money, UtcDateTime
from regions.base.fields import Nested, Read, SpecifiedField, specification
from regions.base.records import UNREAD

Row = Sequence[Any]
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Decoding:
    """How one driver's values become what the column types give: only what differs is converted."""

    date: Callable[[Any], date]
    money: Callable[[Any], Decimal]
    utc_datetime: Callable[[Any], datetime]
    codes: Callable[[Any], tuple[str, ...]]


def _same(value: Any) -> Any:
    return value


# What Money gives on SQLite, exponent included: integer cents times Decimal("0.01") is exact and keeps
# the two decimals (Decimal("12.50"), not Decimal("12.5")), in C alone (no Python frame per amount).
_cents: Callable[[int], Decimal] = partial(mul, Decimal("0.01"))


def _naive_utc(value: str) -> datetime:
    # UtcDateTime stores naive UTC text on SQLite. Parsed with its offset, the value comes out aware and
    # with `UTC` itself as its tzinfo, a tenth of the cost of `.replace(tzinfo=UTC)` (keyword arguments).
    return datetime.fromisoformat(value + "+00:00")


def _json_codes(value: str) -> tuple[str, ...]:
    return tuple(orjson.loads(value))


def _decoded_codes(value: list[str]) -> tuple[str, ...]:
    return tuple(value)


# SQLite: ISO text for dates and timestamps, integer cents for money, JSON text.
SQLITE_DECODING = Decoding(date=date.fromisoformat, money=_cents, utc_datetime=_naive_utc, codes=_json_codes)
# asyncpg: dates, UTC-aware timestamps and NUMERIC(12, 2) decimals as they are; json already decoded by the
# codec SQLAlchemy's dialect sets on its connections.
POSTGRES_DECODING = Decoding(date=_same, money=_same, utc_datetime=_same, codes=_decoded_codes)

# The names the decoding expressions give `Decoding`'s conversions, and the column types each is for.
_CONVERSIONS: tuple[tuple[type[Any], str, str], ...] = (
    (Date, "as_date", "date"),
    (Money, "money", "money"),
    (UtcDateTime, "utc_datetime", "utc_datetime"),
    (JSON, "codes", "codes"),
)
# Column types whose values every driver gives as the field's (no conversion).
_AS_STORED = (String, Integer, BigInteger)


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A field read from a column, and how its stored value `{v}` is decoded."""

    column: ColumnElement[Any]
    decoded: str
    always: bool


@dataclass(frozen=True, slots=True)
class Reading(Generic[R]):
    """The columns a read selects and how its rows become records. A partial reading leaves the fields
    nobody asked for holding UNREAD."""

    columns: tuple[ColumnElement[Any], ...]
    decode: Callable[[str, Row, Decoding], R]


def reading(record: type[R], fields: frozenset[str] | None = None) -> Reading[R]:
    """How to read records of the class `record` with `fields` (field names, a nested record's dotted,
    e.g. "member.last_name"; None: every field) and whatever its specification always reads. Each row
    costs a column (~0.15 µs in sqlite3) and a conversion per field read, and a list shows a few of a
    claim's 28 fields, so a page reads only those."""
    # A class is hashable; mypy does not know it of `type[R]`.
    return _reading(cast(type, record), fields)


def record_fields(record: type) -> frozenset[str]:
    """Every field a reading of `record` can read, nested records' dotted."""
    return frozenset(_leaves(record))


# Bounded: the field sets come from clients' selections.
@lru_cache(maxsize=512)
def _reading(record: type, fields: frozenset[str] | None) -> Reading[Any]:
    leaves = _leaves(record)
    unknown = set() if fields is None else fields - leaves.keys()
    if unknown:
        raise ValueError(f"not fields of {record.__name__}: {sorted(unknown)}")
    read = [path for path, leaf in leaves.items() if fields is None or leaf.always or path in fields]
    variable = {path: f"c{index}" for index, path in enumerate(read)}
    namespace: dict[str, Any] = {"UNREAD": UNREAD}

    def value(path: str) -> str:
        if path not in variable:
            return "UNREAD"
        decoded = leaves[path].decoded
        return decoded.format(v=variable[path])

    returned = _built(record, "", value, variable, namespace)
    helpers = "".join(
        f"    {helper} = decoding.{attribute}\n"
        for _, helper, attribute in _CONVERSIONS
        if f"{helper}(" in returned
    )
    source = (
        "def decode(region, row, decoding):\n"
        f"{helpers}"
        f"    {''.join(f'{name}, ' for name in variable.values())}*_ = row\n"
        f"    return {returned}\n"
    )
    # The source is generated from the records' specifications alone, never from a client's text.
    decode = define(source, f"reading of {record.__name__}", namespace, "decode")
    return Reading(tuple(leaves[path].column for path in read), decode)


def _built(
    record: type,
    prefix: str,
    value: Callable[[str], str],
    variable: dict[str, str],
    namespace: dict[str, Any],
) -> str:
    """The expression that builds a `record` from the row's variables, its arguments in its fields' order."""
    namespace[record.__name__] = record
    arguments = []
    for field in specification(record):
        path = prefix + field.name
        if field.spec is None:
            arguments.append("region")
        elif isinstance(field.spec, Nested):
            inner = _built(field.record, f"{path}.", value, variable, namespace)
            present = field.spec.present_when
            if present is not None:
                inner = f"None if {variable[f'{path}.{present}']} is None else {inner}"
            arguments.append(inner)
        else:
            arguments.append(value(path))
            _enum_values(field, namespace)
    return f"{record.__name__}({', '.join(arguments)})"


@lru_cache(maxsize=64)
def _leaves(record: type) -> dict[str, _Leaf]:
    """The fields of a record read from columns, in its order, nested records' dotted."""
    found: dict[str, _Leaf] = {}
    for field in specification(record):
        if isinstance(field.spec, Read):
            found[field.name] = _Leaf(field.spec.column, _decoded(field, field.spec), field.spec.always)
        elif isinstance(field.spec, Nested):
            for path, leaf in _leaves(field.record).items():
                # Whether an optional nested record is there at all is known from its `present_when`.
                always = leaf.always or path == field.spec.present_when
                found[f"{field.name}.{path}"] = _Leaf(leaf.column, leaf.decoded, always)
    return found


def _decoded(field: SpecifiedField, spec: Read) -> str:
    """How a stored value `{v}` becomes the field's: from the field's type (an enum) or the column's."""
    column_type = spec.column.type
    kind = next((kind for kind in get_args(field.type) if kind is not type(None)), field.type)
    if isinstance(kind, type) and issubclass(kind, Enum):
        converted = f"{_enum_values_name(kind)}[{{v}}]"
    else:
        found = [helper for of, helper, _ in _CONVERSIONS if isinstance(column_type, of)]
        if found:
            converted = f"{found[0]}({{v}})"
            if found[0] == "codes" and get_origin(kind) is not tuple:
                raise TypeError(f"{field.name}: a JSON column is read as a tuple of codes")
        elif isinstance(column_type, _AS_STORED):
            return "{v}"
        else:
            raise TypeError(f"{field.name}: no decoding for {column_type!r} (regions/base/rows.py)")
    if field.optional and spec.column.nullable:
        return f"None if {{v}} is None else {converted}"
    return converted


def _enum_values_name(kind: type[Enum]) -> str:
    return f"{kind.__name__.upper()}_BY_VALUE"


def _enum_values(field: SpecifiedField, namespace: dict[str, Any]) -> None:
    """Stored values to the members of the field's enum, if it has one: a dict look-up per row instead
    of an Enum call."""
    for kind in (*get_args(field.type), field.type):
        if isinstance(kind, type) and issubclass(kind, Enum):
            namespace[_enum_values_name(kind)] = {member.value: member for member in kind}
