"""Clinical data of one member (problems, medications, allergies, immunizations, lab results, encounters),
for clinical access with a treatment relationship; anyone else gets the same `summary: null`."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.clinical_views import NOT_AVAILABLE, open_clinical_view
from gateway.context import Info
from gateway.errors import BadUserInput, RegionUnavailable
from gateway.loaders import ClinicalSectionKey, ClinicalView, RegionQuery
from gateway.schema.claims import Member
from gateway.schema.enums import RegionCode
from gateway.schema.prefetch import selected
from gateway.schema.regions import Region, region
from gateway.schema.relay import PageInfo, decode_cursor, encode_cursor, page_size
from regions.base.clinical import (
    AllergyRecord,
    ClinicalPageQuery,
    ClinicalStatus,
    ConditionRecord,
    EncounterRecord,
    ImmunizationRecord,
    LabResultRecord,
    MedicationRecord,
    Section,
)
from regions.base.records import Page

strawberry.enum(ClinicalStatus)


@strawberry.input
class MemberLookupInput:
    region: RegionCode
    member_id: str
    member_date_of_birth: date


@strawberry.type
class Condition:
    code: str = strawberry.field(description="ICD-10-CM.")
    description: str
    status: ClinicalStatus
    onset_on: date | None


@strawberry.type
class Medication:
    code: str = strawberry.field(description="RxNorm.")
    description: str
    dosage: str | None
    status: ClinicalStatus
    started_on: date | None


@strawberry.type
class Allergy:
    substance: str
    reaction: str | None
    severity: str | None


@strawberry.type
class Immunization:
    code: str = strawberry.field(description="CVX.")
    description: str
    administered_on: date


@strawberry.type
class LabResult:
    code: str = strawberry.field(description="LOINC.")
    description: str
    value: str
    unit: str | None
    reference_range: str | None
    abnormal: bool
    collected_on: date


@strawberry.type
class LabResultEdge:
    cursor: str
    node: LabResult


@strawberry.type
class LabResultConnection:
    edges: list[LabResultEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class Encounter:
    date: date
    kind: str
    provider_name: str
    diagnosis_codes: list[str]


@strawberry.type
class EncounterEdge:
    cursor: str
    node: Encounter


@strawberry.type
class EncounterConnection:
    edges: list[EncounterEdge]
    page_info: PageInfo
    total_count: int


def _page_query(info: Info, view: ClinicalView, first: int | None, after: str | None) -> ClinicalPageQuery:
    limit = page_size(first)
    values = decode_cursor(after, 2)
    cursor = None
    if values is not None:
        try:
            cursor = (date.fromisoformat(str(values[0])), int(values[1]))
        except (TypeError, ValueError):
            raise BadUserInput("`after` is not a cursor from this list.", argument="after") from None
    return ClinicalPageQuery(
        member_pk=view.member_pk, after=cursor, limit=limit, with_total="totalCount" in selected(info)
    )


@strawberry.type
class ClinicalSummary:
    member: Member
    region: Region
    view: strawberry.Private[ClinicalView]

    async def _section(self, info: Info, section: Section) -> list[Any]:
        key = ClinicalSectionKey(self.view.region, section, self.view.member_pk)
        return await info.context.loaders.clinical_section.load(key)

    @strawberry.field
    async def problems(self, info: Info) -> list[Condition]:
        found: list[ConditionRecord] = await self._section(info, Section.PROBLEMS)
        return [
            Condition(code=c.code, description=c.description, status=c.status, onset_on=c.onset_on)
            for c in found
        ]

    @strawberry.field
    async def medications(self, info: Info) -> list[Medication]:
        found: list[MedicationRecord] = await self._section(info, Section.MEDICATIONS)
        return [
            Medication(
                code=m.code,
                description=m.description,
                dosage=m.dosage,
                status=m.status,
                started_on=m.started_on,
            )
            for m in found
        ]

    @strawberry.field
    async def allergies(self, info: Info) -> list[Allergy]:
        found: list[AllergyRecord] = await self._section(info, Section.ALLERGIES)
        return [Allergy(substance=a.substance, reaction=a.reaction, severity=a.severity) for a in found]

    @strawberry.field
    async def immunizations(self, info: Info) -> list[Immunization]:
        found: list[ImmunizationRecord] = await self._section(info, Section.IMMUNIZATIONS)
        return [
            Immunization(code=i.code, description=i.description, administered_on=i.administered_on)
            for i in found
        ]

    @strawberry.field
    async def lab_results(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> LabResultConnection:
        query = _page_query(info, self.view, first, after)
        page: Page[LabResultRecord] = await _load(
            info, self.view, info.context.loaders.lab_result_page, query
        )
        edges = [
            LabResultEdge(
                cursor=encode_cursor(r.collected_on.isoformat(), r.pk),
                node=LabResult(
                    code=r.code,
                    description=r.description,
                    value=r.value,
                    unit=r.unit,
                    reference_range=r.reference_range,
                    abnormal=r.abnormal,
                    collected_on=r.collected_on,
                ),
            )
            for r in page.items
        ]
        return LabResultConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
            total_count=page.total or 0,
        )

    @strawberry.field
    async def encounters(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> EncounterConnection:
        query = _page_query(info, self.view, first, after)
        page: Page[EncounterRecord] = await _load(info, self.view, info.context.loaders.encounter_page, query)
        edges = [
            EncounterEdge(
                cursor=encode_cursor(e.date.isoformat(), e.pk),
                node=Encounter(
                    date=e.date,
                    kind=e.kind,
                    provider_name=e.provider_name,
                    diagnosis_codes=list(e.diagnosis_codes),
                ),
            )
            for e in page.items
        ]
        return EncounterConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
            total_count=page.total or 0,
        )


async def _load(info: Info, view: ClinicalView, loader: Any, query: ClinicalPageQuery) -> Any:
    try:
        return await loader.load(RegionQuery(view.region, query))
    except RegionUnavailable:
        info.context.region_failed(view.region)
        raise


@strawberry.type
class ClinicalSummaryResult:
    summary: ClinicalSummary | None
    guidance: str | None


@strawberry.type
class ClinicalQuery:
    @strawberry.field(description="Signed-in: clinical data of one member.")
    async def clinical_summary(self, info: Info, input: MemberLookupInput) -> ClinicalSummaryResult:
        view = await open_clinical_view(
            info.context, input.region.value, input.member_id, input.member_date_of_birth
        )
        if view is None:
            return ClinicalSummaryResult(summary=None, guidance=NOT_AVAILABLE)
        summary = ClinicalSummary(
            member=Member.from_record(view.patient.member), region=region(view.region), view=view
        )
        return ClinicalSummaryResult(summary=summary, guidance=None)
