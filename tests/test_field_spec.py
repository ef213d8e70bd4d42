"""A record's field specification is the one place a field is declared: a field added to a record (here a
test-only record over a test-only table) is read, decoded, left UNREAD by lists that do not show it, looked
ahead for and copied into its GraphQL type, with nothing else written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import pytest
import strawberry
from sqlalchemy import Column, Date, MetaData, String, Table, create_engine, insert, select
from strawberry.types.base import get_object_definition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from gateway.schema import claims as claim_types
from gateway.schema.from_records import field_reads, record_builder
from regions.base.columns import Money, Pk, UtcDateTime
from regions.base.fields import nested, read
from regions.base.records import UNREAD, ClaimRecord, record
from regions.base.rows import SQLITE_DECODING, reading, record_fields

metadata = MetaData()
visits = Table(
    "visits",
    metadata,
    Column("id", Pk, primary_key=True),
    Column("room", String(10), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("booked_on", Date),
    Column("copay", Money(), nullable=False),
    Column("checked_in_at", UtcDateTime()),
    Column("nurse_name", String(50)),
    Column("nurse_phone", String(20)),
)


@strawberry.enum
class VisitKind(Enum):
    OFFICE = "OFFICE"
    VIDEO = "VIDEO"


@record
class NurseRecord:
    name: str = read(visits.c.nurse_name)
    phone: str | None = read(visits.c.nurse_phone)


@record
class VisitRecord:
    region: str
    pk: int = read(visits.c.id, always=True)
    room: str = read(visits.c.room)
    kind: VisitKind = read(visits.c.kind)
    booked_on: date | None = read(visits.c.booked_on)
    copay: Decimal = read(visits.c.copay)
    checked_in_at: datetime | None = read(visits.c.checked_in_at)
    nurse: NurseRecord | None = nested(present_when="name")


@strawberry.type
class Nurse:
    name: str
    phone: str | None


@strawberry.type
class Visit:
    room: str
    kind: VisitKind
    booked_on: date | None
    copay: Decimal
    nurse: Nurse | None
    record: strawberry.Private[VisitRecord]

    @strawberry.field
    def label(self) -> str:
        return f"{self.record.region}-{self.record.pk}"


def _stored(row: dict[str, object]) -> tuple[object, ...]:
    """The row as the SQLite driver gives it to a reading of every field."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(insert(visits).values(**row))
        statement = select(*reading(VisitRecord).columns).compile(engine)
        [stored] = connection.exec_driver_sql(str(statement)).fetchall()
    return tuple(stored)


def test_a_declared_field_is_read_and_decoded_as_its_column_type_and_its_type_say() -> None:
    # given a visit stored as SQLite stores it (cents, ISO text)
    stored = _stored(
        {
            "id": 7,
            "room": "4B",
            "kind": "VIDEO",
            "booked_on": date(2026, 3, 2),
            "copay": Decimal("12.50"),
            "checked_in_at": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            "nurse_name": "Ada",
            "nurse_phone": None,
        }
    )
    # when it is read with every field
    visit = reading(VisitRecord).decode("NW", stored, SQLITE_DECODING)
    # then every field has its declared type, the nested record included
    assert visit == VisitRecord(
        region="NW",
        pk=7,
        room="4B",
        kind=VisitKind.VIDEO,
        booked_on=date(2026, 3, 2),
        copay=Decimal("12.50"),
        checked_in_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        nurse=NurseRecord(name="Ada", phone=None),
    )
    assert repr(visit.copay) == "Decimal('12.50')"
    assert [column.name for column in reading(VisitRecord).columns] == [
        "id",
        "room",
        "kind",
        "booked_on",
        "copay",
        "checked_in_at",
        "nurse_name",
        "nurse_phone",
    ]
    # and nulls stay None where the field may be None (a nurse without a name: no nurse)
    empty = (8, "1A", "OFFICE", None, 0, None, None, None)
    absent = reading(VisitRecord).decode("NW", empty, SQLITE_DECODING)
    assert (absent.booked_on, absent.checked_in_at, absent.nurse) == (None, None, None)


def test_a_list_reads_only_the_fields_it_shows_and_what_is_always_read() -> None:
    partial = reading(VisitRecord, frozenset({"copay"}))
    # the identity, the field shown, and what says whether the nurse is there at all
    assert [column.name for column in partial.columns] == ["id", "copay", "nurse_name"]
    visit = partial.decode("NW", (8, 1250, "Ada"), SQLITE_DECODING)
    assert (visit.pk, visit.copay) == (8, Decimal("12.50"))
    assert visit.room is UNREAD
    assert visit.kind is UNREAD
    assert visit.nurse is not None
    assert visit.nurse.phone is UNREAD
    with pytest.raises(ValueError, match="not fields of VisitRecord"):
        reading(VisitRecord, frozenset({"colour"}))


def test_the_look_ahead_and_the_graphql_type_follow_the_record() -> None:
    reads = field_reads(Visit, VisitRecord, computed={"label": ("pk",)})
    assert reads == {
        "__typename": (),
        "room": ("room",),
        "kind": ("kind",),
        "bookedOn": ("booked_on",),
        "copay": ("copay",),
        "nurse": (),
        "label": ("pk",),
    }
    assert field_reads(Nurse, NurseRecord, prefix="nurse.") == {
        "__typename": (),
        "name": ("nurse.name",),
        "phone": ("nurse.phone",),
    }
    # a field with a resolver that says nothing of what it reads is left out: lists then read everything
    assert "label" not in field_reads(Visit, VisitRecord)
    # the GraphQL type is built from the record, field by field
    nurse = record_builder(Nurse, NurseRecord)
    build = record_builder(Visit, VisitRecord, convert={"nurse": nurse})
    record_ = VisitRecord(
        "NW", 9, "2C", VisitKind.OFFICE, None, Decimal("5.00"), None, NurseRecord("Bo", "5")
    )
    visit = build(record_)
    assert (visit.room, visit.kind, visit.copay, visit.record) == (
        "2C",
        VisitKind.OFFICE,
        Decimal("5.00"),
        record_,
    )
    assert visit.nurse == Nurse(name="Bo", phone="5")
    assert build(dataclasses.replace(record_, nurse=None)).nurse is None


@strawberry.type
class Misnamed:
    """A GraphQL type with a field its record lacks (module level: the dead-code test sees a GraphQL field)."""

    rooom: str


def test_a_graphql_field_the_record_lacks_and_a_field_without_a_source_are_refused() -> None:
    with pytest.raises(TypeError, match=r"Misnamed\.rooom is not a field of VisitRecord"):
        record_builder(Misnamed, VisitRecord)
    with pytest.raises(TypeError, match=r"reads \['colour'\]"):
        field_reads(Visit, VisitRecord, computed={"label": ("colour",)})

    @record
    class Unsourced:
        region: str
        pk: int

    with pytest.raises(TypeError, match=r"Unsourced\.pk says neither"):
        record_fields(Unsourced)


@pytest.mark.parametrize(
    ("graphql_type", "reads", "whole"),
    [
        (claim_types.Claim, claim_types._CLAIM_READS, {"availableActions", "messages"}),
        (claim_types.Member, claim_types._MEMBER_READS, set()),
        (claim_types.Payment, claim_types._PAYMENT_READS, set()),
    ],
)
def test_every_claim_field_but_those_that_may_read_anything_is_looked_ahead_for(
    graphql_type: type, reads: dict[str, tuple[str, ...]], whole: set[str]
) -> None:
    shown = {
        field.graphql_name or to_camel_case(field.python_name)
        for field in get_object_definition(graphql_type, strict=True).fields
        if not (field.type_annotation and is_private(field.type_annotation.annotation))
    }
    assert whole <= shown
    assert set(reads) == (shown - whole) | {"__typename"}
    assert {path for paths in reads.values() for path in paths} <= record_fields(ClaimRecord)
