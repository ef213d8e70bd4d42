"""Where each field of a record comes from: the field specification, written on the record itself.

A record (regions/base/records.py) declares every field once, with its type and where it is read from:

    status: ClaimStatus = read(claims.c.status)
    member: MemberRecord = nested()
    payment: PaymentRecord | None = nested(present_when="method")

and everything else is derived from that declaration (regions/base/rows.py `reading`): the columns a read
selects, in order; the positional decoder generated for them (the conversion of each stored value follows
from the column's type and the field's: a `Date` column to `date`, `Money` to `Decimal`, a string to the
field's enum, `None` kept where both may be null); the partial readings of lists, which hold UNREAD in the
fields their selection does not show; and, in the gateway, which GraphQL field reads which record fields
(gateway/schema/from_records.py). A field without a specifier is the region, which the store knows.

How to add a claim field (a message's, or any record's, likewise):

1. The column: in regions/base/tables.py, and an Alembic migration in regions/base/migrations
   (tests/test_migrations.py compares the migrated store with the tables).
2. The record field, where it belongs in regions/base/records.py `ClaimRecord`, e.g.
   `rendering_provider_npi: str | None = read(claims.c.rendering_provider_npi)`. Reads, the positional
   decoder and lists' partial readings follow. A column type no conversion is known for
   (regions/base/rows.py `_CONVERSIONS`) is refused when the reading is built, as is a JSON column read
   as anything but a tuple.
3. To show it in GraphQL: the same name on the GraphQL type (gateway/schema/claims.py `Claim`) with its
   GraphQL type and description; `from_record` copies it and lists read it when it is selected. A field
   whose GraphQL value differs from the record's names its conversion in `record_builder(convert=...)`,
   and a field with a resolver says what it reads in `field_reads(computed=...)`.
4. Its demo values (gateway/seed/fixed.py and bulk.py) and `python -m gateway export-schema`.

Clinical fields are blanked for administrative access in gateway/access.py (`_claim_at`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, get_args, get_type_hints

from sqlalchemy import ColumnElement

# The key of a field's specification in its dataclass field's metadata.
SPEC: Final = "regions.field"


@dataclass(frozen=True, slots=True)
class Read:
    """A field read from `column`; `always`: read by every reading, whatever its selection."""

    column: ColumnElement[Any]
    always: bool = False


@dataclass(frozen=True, slots=True)
class Nested:
    """A record of its own read from the same row; optional records are None when their `present_when`
    field is null (that field is then read by every reading)."""

    present_when: str | None = None


def read(column: ColumnElement[Any], *, always: bool = False) -> Any:
    """The record field is read from `column` (its value converted as the column's type and the field's
    type say); `always`: every reading reads it (what identifies and orders a record, and what access
    rules and the gateway's batching need)."""
    return field(metadata={SPEC: Read(column, always)})


def nested(*, present_when: str | None = None) -> Any:
    """The record field is a record of its own, read from the same row."""
    return field(metadata={SPEC: Nested(present_when)})


@dataclass(frozen=True, slots=True)
class SpecifiedField:
    """One field of a record as its class declares it: its name, its type (resolved, with `None` when
    optional), and where it comes from (None: the region)."""

    name: str
    type: Any
    spec: Read | Nested | None

    @property
    def optional(self) -> bool:
        return type(None) in get_args(self.type)

    @property
    def record(self) -> type:
        """The record type of a nested field, without its `None`."""
        [found] = [kind for kind in (*get_args(self.type), self.type) if dataclasses.is_dataclass(kind)]
        assert isinstance(found, type)
        return found


@cache
def specification(record: type) -> tuple[SpecifiedField, ...]:
    """The fields of a record class, in its order, as its declaration specifies them."""
    types = get_type_hints(record)
    found = []
    for declared in dataclasses.fields(record):
        spec = declared.metadata.get(SPEC)
        if spec is None and declared.name != "region":
            raise TypeError(f"{record.__name__}.{declared.name} says neither read(...) nor nested(...)")
        found.append(SpecifiedField(declared.name, types[declared.name], spec))
    return tuple(found)
