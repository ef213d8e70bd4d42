"""Clinical records of a region's members (problems, medications, allergies, immunizations, lab results,
encounters) and the evidence of a treatment relationship, read from one regional store: one statement per
section, whatever a member's history holds."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, bindparam, func, literal, select, tuple_

from regions.base.reads import Row, keys, one_of
from regions.base.records import MemberRecord, Page, record
from regions.base.rows import reading
from regions.base.store import RegionStore
from regions.base.tables import (
    allergies,
    authorization_services,
    authorizations,
    claims,
    conditions,
    encounters,
    immunizations,
    lab_results,
    medications,
    members,
)

_LIMIT: BindParameter[int] = bindparam("limit", type_=Integer())


class ClinicalStatus(Enum):
    ACTIVE = "ACTIVE"
    RESOLVED = "RESOLVED"
    INACTIVE = "INACTIVE"


_STATUSES = {member.value: member for member in ClinicalStatus}


@record
class ConditionRecord:
    code: str  # ICD-10-CM
    description: str
    status: ClinicalStatus
    onset_on: date | None


@record
class MedicationRecord:
    code: str  # RxNorm
    description: str
    dosage: str | None
    status: ClinicalStatus
    started_on: date | None


@record
class AllergyRecord:
    substance: str
    reaction: str | None
    severity: str | None


@record
class ImmunizationRecord:
    code: str  # CVX
    description: str
    administered_on: date


@record
class LabResultRecord:
    pk: int
    code: str  # LOINC
    description: str
    value: str
    unit: str | None
    reference_range: str | None
    abnormal: bool
    collected_on: date


@record
class EncounterRecord:
    pk: int
    date: date
    kind: str
    provider_name: str
    diagnosis_codes: tuple[str, ...]


class RelationshipKind(Enum):
    CLAIM = "CLAIM"
    AUTHORIZATION = "AUTHORIZATION"


@record
class TreatmentEvidence:
    """The latest claim service date, or authorization, of a member under one Tax ID: what a treatment
    relationship rests on (the gateway's access rule decides whether it is recent enough)."""

    kind: RelationshipKind
    tax_id: str
    reference: str  # the claim or authorization number
    on: date


@dataclass(frozen=True, slots=True)
class PatientLookup:
    """A member found by exact member id and date of birth, with the evidence of treatment under the
    Tax IDs asked about (nothing when no such member exists)."""

    member_pk: int
    member: MemberRecord
    evidence: tuple[TreatmentEvidence, ...]


class Section(Enum):
    PROBLEMS = "PROBLEMS"
    MEDICATIONS = "MEDICATIONS"
    ALLERGIES = "ALLERGIES"
    IMMUNIZATIONS = "IMMUNIZATIONS"


@dataclass(frozen=True, slots=True)
class ClinicalPageQuery:
    """A page of a member's lab results or encounters, newest first."""

    member_pk: int
    after: tuple[date, int] | None = None
    limit: int = 20
    with_total: bool = False


def _param(column: ColumnElement[Any], name: str) -> BindParameter[Any]:
    return bindparam(name, type_=column.type)


class ClinicalStore:
    """The clinical records of one region's store, on the store's own reads."""

    def __init__(self, store: RegionStore) -> None:
        self.store = store

    async def patient(
        self, member_id: str, date_of_birth: date, tax_ids: Sequence[str], since: date
    ) -> PatientLookup | None:
        """The member with this id and date of birth, and their latest claim and authorization under each
        of `tax_ids` since `since`: one statement, the same whatever is found."""
        one_tax_id, bound = keys(sorted(tax_ids))

        def build() -> Select[Any]:
            member = (
                select(members.c.id.label("member_pk"), *reading(MemberRecord).columns)
                .where(
                    members.c.member_id == _param(members.c.member_id, "member_id"),
                    members.c.date_of_birth == _param(members.c.date_of_birth, "date_of_birth"),
                )
                .subquery("member")
            )
            by_claim = (
                select(
                    literal(RelationshipKind.CLAIM.value).label("kind"),
                    claims.c.tax_id,
                    func.max(claims.c.claim_number).label("reference"),
                    func.max(claims.c.service_to).label("on"),
                    claims.c.member_id,
                )
                .where(
                    claims.c.member_id == member.c.member_pk,
                    one_of(claims.c.tax_id, "tax_ids", one_tax_id),
                    claims.c.service_to >= _param(claims.c.service_to, "since"),
                )
                .group_by(claims.c.tax_id, claims.c.member_id)
            )
            service_end = (
                select(func.max(authorization_services.c.service_to))
                .where(authorization_services.c.authorization_id == authorizations.c.id)
                .scalar_subquery()
            )
            by_authorization = (
                select(
                    literal(RelationshipKind.AUTHORIZATION.value).label("kind"),
                    authorizations.c.tax_id,
                    func.max(authorizations.c.authorization_number).label("reference"),
                    func.max(func.coalesce(service_end, func.date(authorizations.c.submitted_at))).label(
                        "on"
                    ),
                    authorizations.c.member_id,
                )
                .where(
                    authorizations.c.member_id == member.c.member_pk,
                    one_of(authorizations.c.tax_id, "tax_ids", one_tax_id),
                    authorizations.c.submitted_at >= _param(authorizations.c.submitted_at, "since_at"),
                )
                .group_by(authorizations.c.tax_id, authorizations.c.member_id)
            )
            evidence = by_claim.union_all(by_authorization).subquery("evidence")
            return select(
                *member.c, evidence.c.kind, evidence.c.tax_id, evidence.c.reference, evidence.c.on
            ).select_from(member.outerjoin(evidence, evidence.c.member_id == member.c.member_pk))

        values = {
            "member_id": member_id,
            "date_of_birth": date_of_birth,
            "tax_ids": bound,
            "since": since,
            "since_at": datetime(since.year, since.month, since.day, tzinfo=UTC),
        }
        rows = await self._rows(("clinical_patient", one_tax_id), build, values)
        if not rows:
            return None
        decoding = self.store.reads.decoding
        first = rows[0]
        member = reading(MemberRecord)
        width = 1 + len(member.columns)
        evidence = tuple(
            TreatmentEvidence(RelationshipKind(kind), tax_id, reference, _as_date(decoding.date, on))
            for *_, kind, tax_id, reference, on in rows
            if kind is not None
        )
        return PatientLookup(
            member_pk=first[0],
            member=member.decode(self.store.region, first[1:width], decoding),
            evidence=evidence,
        )

    async def section(self, section: Section, member_pks: Sequence[int]) -> dict[int, list[Any]]:
        """One section of several members' records, in one statement."""
        single, bound = keys(member_pks)
        table, columns, order, decode = self._sections()[section]

        def build() -> Select[Any]:
            return (
                select(table.c.member_id, *columns)
                .where(one_of(table.c.member_id, "pks", single))
                .order_by(*order)
            )

        rows = await self._rows(("clinical_section", section, single), build, {"pks": bound})
        found: dict[int, list[Any]] = {pk: [] for pk in member_pks}
        for row in rows:
            found.setdefault(row[0], []).append(decode(row[1:]))
        return found

    async def lab_results(self, query: ClinicalPageQuery) -> Page[LabResultRecord]:
        as_date = self.store.reads.decoding.date

        def decode(row: Row) -> LabResultRecord:
            pk, code, description, value, unit, reference_range, abnormal, collected_on, *_ = row
            return LabResultRecord(
                pk, code, description, value, unit, reference_range, bool(abnormal), as_date(collected_on)
            )

        columns = (
            lab_results.c.id,
            lab_results.c.code,
            lab_results.c.description,
            lab_results.c.value,
            lab_results.c.unit,
            lab_results.c.reference_range,
            lab_results.c.abnormal,
            lab_results.c.collected_on,
        )
        return await self._dated_page("lab_results", columns, lab_results.c.collected_on, query, decode)

    async def encounters(self, query: ClinicalPageQuery) -> Page[EncounterRecord]:
        decoding = self.store.reads.decoding

        def decode(row: Row) -> EncounterRecord:
            pk, on, kind, provider_name, codes, *_ = row
            return EncounterRecord(pk, decoding.date(on), kind, provider_name, decoding.codes(codes))

        columns = (
            encounters.c.id,
            encounters.c.encounter_on,
            encounters.c.kind,
            encounters.c.provider_name,
            encounters.c.diagnosis_codes,
        )
        return await self._dated_page("encounters", columns, encounters.c.encounter_on, query, decode)

    # ----------------------------------------------------------------- helpers

    async def _dated_page(
        self,
        name: str,
        columns: tuple[ColumnElement[Any], ...],
        dated_by: ColumnElement[Any],
        query: ClinicalPageQuery,
        decode: Any,
    ) -> Page[Any]:
        table = dated_by.table
        after = query.after is not None

        def build() -> tuple[Select[Any], Select[Any]]:
            conditions = [table.c.member_id == _param(table.c.member_id, "member_pk")]
            page_conditions = list(conditions)
            if after:
                page_conditions.append(
                    tuple_(dated_by, table.c.id)
                    < tuple_(_param(dated_by, "after_on"), _param(table.c.id, "after_pk"))
                )
            page = (
                select(*columns)
                .where(*page_conditions)
                .order_by(dated_by.desc(), table.c.id.desc())
                .limit(_LIMIT)
            )
            return page, select(func.count()).select_from(table).where(*conditions)

        values: dict[str, Any] = {"member_pk": query.member_pk, "limit": query.limit + 1}
        if query.after is not None:
            values["after_on"], values["after_pk"] = query.after
        rows, total = await self.store._page((name, after), build, values, query.with_total, after)
        return Page(
            items=[decode(row) for row in rows[: query.limit]], has_more=len(rows) > query.limit, total=total
        )

    async def _rows(self, shape: Hashable, build: Any, values: dict[str, Any]) -> list[Row]:
        return await self.store._rows(shape, build, values)

    def _sections(self) -> dict[Section, tuple[Any, tuple[ColumnElement[Any], ...], tuple[Any, ...], Any]]:
        as_date = self.store.reads.decoding.date

        def maybe_date(value: Any) -> date | None:
            return None if value is None else as_date(value)

        return {
            Section.PROBLEMS: (
                conditions,
                (conditions.c.code, conditions.c.description, conditions.c.status, conditions.c.onset_on),
                (conditions.c.member_id, conditions.c.id),
                lambda row: ConditionRecord(row[0], row[1], _STATUSES[row[2]], maybe_date(row[3])),
            ),
            Section.MEDICATIONS: (
                medications,
                (
                    medications.c.code,
                    medications.c.description,
                    medications.c.dosage,
                    medications.c.status,
                    medications.c.started_on,
                ),
                (medications.c.member_id, medications.c.id),
                lambda row: MedicationRecord(row[0], row[1], row[2], _STATUSES[row[3]], maybe_date(row[4])),
            ),
            Section.ALLERGIES: (
                allergies,
                (allergies.c.substance, allergies.c.reaction, allergies.c.severity),
                (allergies.c.member_id, allergies.c.id),
                lambda row: AllergyRecord(row[0], row[1], row[2]),
            ),
            Section.IMMUNIZATIONS: (
                immunizations,
                (immunizations.c.code, immunizations.c.description, immunizations.c.administered_on),
                (immunizations.c.member_id, immunizations.c.administered_on.desc(), immunizations.c.id),
                lambda row: ImmunizationRecord(row[0], row[1], as_date(row[2])),
            ),
        }


def _as_date(convert: Callable[[Any], date], value: Any) -> date:
    """A date column, or the text SQLite's date() gives for a timestamp."""
    if isinstance(value, date):
        return value
    return convert(str(value)[:10])
