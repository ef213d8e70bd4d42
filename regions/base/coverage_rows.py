"""The one statement that finds members with their coverage, benefits and accumulators, and how its rows
become records (regions/base/coverage.py).

A member, their coverages, the coverages' benefits and the accumulators are rows of four tables, and a
look-up must cost one statement whatever it finds: the statement is a UNION ALL of three parts (coverages
with their member, benefits, accumulators), each row tagged with its part and laid out in one shared set of
typed slots. Joined instead, benefits times accumulators would multiply the rows a member costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, cast, literal_column, null, or_, select, union_all
from sqlalchemy.types import Boolean, Date, Integer, String, TypeEngine

from regions.base.columns import Money
from regions.base.coverage import (
    AccumulatorKind,
    AccumulatorRecord,
    BenefitRecord,
    CoverageLevel,
    CoverageRecord,
    MemberCoverage,
    MemberKey,
    Network,
)
from regions.base.reads import one_of
from regions.base.records import MemberRecord, PlanType
from regions.base.rows import Decoding
from regions.base.tables import accumulators, benefits, coverages, members

Row = Sequence[Any]

_COVERAGE, _BENEFIT, _ACCUMULATOR = "C", "B", "A"
_PLAN_TYPES = {member.value: member for member in PlanType}
_NETWORKS = {member.value: member for member in Network}
_KINDS = {member.value: member for member in AccumulatorKind}
_LEVELS = {member.value: member for member in CoverageLevel}

# The shared slots of every part, after (part, member id): name -> type.
_SLOTS: dict[str, TypeEngine[Any]] = {
    **{f"s{n}": String() for n in range(1, 9)},
    **{f"d{n}": Date() for n in range(1, 4)},
    **{f"i{n}": Integer() for n in range(1, 6)},
    **{f"b{n}": Boolean() for n in range(1, 4)},
    **{f"m{n}": Money() for n in range(1, 3)},
}
_SLOT_INDEX = {name: index for index, name in enumerate(_SLOTS, start=2)}


def _part(tag: str, filled: dict[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """A part's columns in slot order: its own values, typed NULLs elsewhere (PostgreSQL types a UNION's
    columns from its first part, so every NULL carries the slot's type)."""
    columns: list[ColumnElement[Any]] = [
        literal_column(f"'{tag}'", String()).label("part"),
        members.c.member_id,
    ]
    for name, type_ in _SLOTS.items():
        column = filled.get(name)
        columns.append((column if column is not None else cast(null(), type_)).label(name))
    return columns


def member_coverage_select(single: bool) -> Select[Any]:
    """Members by exact member id (bound as `member_ids`, see `one_of`), with every coverage, benefit and
    accumulator they have: the member look-up itself and everything an eligibility answer shows."""
    by_id = one_of(members.c.member_id, "member_ids", single)
    coverage_part = (
        select(
            *_part(
                _COVERAGE,
                {
                    "i1": members.c.id,
                    "s1": members.c.first_name,
                    "s2": members.c.last_name,
                    "d1": members.c.date_of_birth,
                    "s3": members.c.plan_type,
                    "i2": coverages.c.id,
                    "s4": coverages.c.plan_type,
                    "s5": coverages.c.plan_name,
                    "s6": coverages.c.group_name,
                    "s7": coverages.c.group_number,
                    "s8": coverages.c.family_id,
                    "d2": coverages.c.coverage_from,
                    "d3": coverages.c.coverage_to,
                },
            ),
            coverages.c.primary_care_provider.label("pcp"),
        )
        # A member without coverage is still found (and answered as not covered).
        .select_from(members.outerjoin(coverages, coverages.c.member_id == members.c.id))
        .where(by_id)
    )
    benefit_part = (
        select(
            *_part(
                _BENEFIT,
                {
                    "i1": benefits.c.id,
                    "i2": benefits.c.coverage_id,
                    "s1": benefits.c.service_type,
                    "s2": benefits.c.network,
                    "b1": benefits.c.covered,
                    "m1": benefits.c.copay,
                    "i3": benefits.c.coinsurance_percent,
                    "b2": benefits.c.deductible_applies,
                    "b3": benefits.c.authorization_required,
                    "i4": benefits.c.visit_limit,
                    "i5": benefits.c.visits_used,
                    "s3": benefits.c.note,
                },
            ),
            cast(null(), String()).label("pcp"),
        )
        .select_from(
            members.join(coverages, coverages.c.member_id == members.c.id).join(
                benefits, benefits.c.coverage_id == coverages.c.id
            )
        )
        .where(by_id)
    )
    # An individual accumulator counts for its member; a family's is shared by every coverage of the
    # family's contract.
    accumulator_part = (
        select(
            *_part(
                _ACCUMULATOR,
                {
                    "i1": accumulators.c.id,
                    "i2": coverages.c.id,
                    "i3": accumulators.c.plan_year,
                    "s1": accumulators.c.kind,
                    "s2": accumulators.c.level,
                    "s3": accumulators.c.network,
                    "m1": accumulators.c.limit_amount,
                    "m2": accumulators.c.met_amount,
                },
            ),
            cast(null(), String()).label("pcp"),
        )
        .select_from(
            members.join(coverages, coverages.c.member_id == members.c.id).join(
                accumulators,
                and_(
                    accumulators.c.family_id == coverages.c.family_id,
                    or_(accumulators.c.member_id == members.c.id, accumulators.c.member_id.is_(None)),
                ),
            )
        )
        .where(by_id)
    )
    statement: Select[Any] = union_all(coverage_part, benefit_part, accumulator_part)  # type: ignore[assignment]
    return statement


@dataclass(slots=True)
class _Coverage:
    """A coverage row while its benefits and accumulators are gathered."""

    row: Row
    benefits: list[BenefitRecord]
    accumulators: dict[int, AccumulatorRecord]


@dataclass(slots=True)
class _Found:
    member_pk: int
    member: MemberRecord
    coverages: dict[int, _Coverage]


def member_coverages(
    region: str, rows: Sequence[Row], keys: Sequence[MemberKey], decoding: Decoding
) -> dict[MemberKey, MemberCoverage]:
    """The members of `keys` that the rows hold with the very date of birth asked for; the others are
    missing, whichever key was wrong."""
    slot = _SLOT_INDEX
    as_date, money = decoding.date, decoding.money
    found: dict[str, _Found] = {}
    benefit_rows: list[Row] = []
    accumulator_rows: list[Row] = []
    for row in rows:
        part = row[0]
        if part == _BENEFIT:
            benefit_rows.append(row)
        elif part == _ACCUMULATOR:
            accumulator_rows.append(row)
        else:
            member_id = row[1]
            entry = found.get(member_id)
            if entry is None:
                member = MemberRecord(
                    member_id,
                    row[slot["s1"]],
                    row[slot["s2"]],
                    as_date(row[slot["d1"]]),
                    _PLAN_TYPES[row[slot["s3"]]],
                    None,
                    None,
                )
                entry = found[member_id] = _Found(row[slot["i1"]], member, {})
            coverage_pk = row[slot["i2"]]
            if coverage_pk is not None:
                entry.coverages[coverage_pk] = _Coverage(row, [], {})
    for row in sorted(benefit_rows, key=lambda row: row[slot["i1"]]):
        entry = found.get(row[1])
        coverage = None if entry is None else entry.coverages.get(row[slot["i2"]])
        if coverage is None:
            continue
        copay = row[slot["m1"]]
        coverage.benefits.append(
            BenefitRecord(
                row[slot["s1"]],
                _NETWORKS[row[slot["s2"]]],
                bool(row[slot["b1"]]),
                None if copay is None else money(copay),
                row[slot["i3"]],
                bool(row[slot["b2"]]),
                bool(row[slot["b3"]]),
                row[slot["i4"]],
                row[slot["i5"]],
                row[slot["s3"]],
            )
        )
    for row in sorted(accumulator_rows, key=lambda row: row[slot["i1"]]):
        entry = found.get(row[1])
        coverage = None if entry is None else entry.coverages.get(row[slot["i2"]])
        if coverage is None:
            continue
        pk = row[slot["i1"]]
        coverage.accumulators[pk] = AccumulatorRecord(
            pk,
            row[slot["i3"]],
            _KINDS[row[slot["s1"]]],
            _LEVELS[row[slot["s2"]]],
            _NETWORKS[row[slot["s3"]]],
            money(row[slot["m1"]]),
            money(row[slot["m2"]]),
        )
    answers: dict[MemberKey, MemberCoverage] = {}
    for key in keys:
        entry = found.get(key.member_id)
        if entry is None or entry.member.date_of_birth != key.date_of_birth:
            continue
        records = tuple(
            sorted(
                (_coverage_record(coverage, decoding) for coverage in entry.coverages.values()),
                key=lambda record: (record.coverage_from, record.pk),
            )
        )
        answers[key] = MemberCoverage(region, entry.member_pk, entry.member, records)
    return answers


def _coverage_record(coverage: _Coverage, decoding: Decoding) -> CoverageRecord:
    row, slot, as_date = coverage.row, _SLOT_INDEX, decoding.date
    coverage_to = row[slot["d3"]]
    return CoverageRecord(
        row[slot["i2"]],
        _PLAN_TYPES[row[slot["s4"]]],
        row[slot["s5"]],
        row[slot["s6"]],
        row[slot["s7"]],
        row[slot["s8"]],
        as_date(row[slot["d2"]]),
        None if coverage_to is None else as_date(coverage_to),
        row[-1],
        tuple(coverage.benefits),
        tuple(coverage.accumulators.values()),
    )
