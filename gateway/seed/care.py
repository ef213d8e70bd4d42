"""The fixed referrals, authorizations and clinical records of the demo, as rows of a region's store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from gateway.seed.npi import npi_from
from regions.base.authorizations import (
    OPEN_STATUSES,
    PROCEDURE_DESCRIPTIONS,
    AuthorizationKind,
    AuthorizationStatus,
    AuthorizationUrgency,
    ServiceDecision,
    authorization_number,
    decision_due_at,
    open_request_key,
)
from regions.base.clinical import ClinicalStatus
from regions.base.records import MessageFolder, MessageKind

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class FixedService:
    procedure_code: str
    requested_units: int
    service_from: date
    service_to: date
    approved_units: int | None
    decision: ServiceDecision


@dataclass(frozen=True, slots=True)
class FixedAuthorization:
    region: str
    number_pk: int  # the number is the region's code, "-A" and this row id
    member_id: str
    tax_id: str
    requested_by: str
    kind: AuthorizationKind
    urgency: AuthorizationUrgency
    status: AuthorizationStatus
    services: tuple[FixedService, ...]
    diagnosis_codes: tuple[str, ...]
    clinical_notes: str
    servicing_provider: tuple[str, str]  # NPI, name
    submitted_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    valid: tuple[date, date] | None = None
    # The letter filed for the decision (approval letter or request for information).
    letter: tuple[str, str] | None = None


AUTHORIZATIONS: Final[tuple[FixedAuthorization, ...]] = (
    FixedAuthorization(
        region="CO",
        number_pk=1,
        member_id="M300000001",
        tax_id="84-2000002",
        requested_by="omar.haddad",
        kind=AuthorizationKind.PRIOR_AUTHORIZATION,
        urgency=AuthorizationUrgency.STANDARD,
        status=AuthorizationStatus.APPROVED,
        services=(
            FixedService("27447", 1, date(2026, 1, 15), date(2026, 7, 15), 1, ServiceDecision.APPROVED),
        ),
        diagnosis_codes=("M17.11",),
        clinical_notes=(
            "Primary osteoarthritis of the right knee, Kellgren-Lawrence grade 4 on weight-bearing films. "
            "Six months of failed conservative treatment: physical therapy, NSAIDs and two corticosteroid "
            "injections. Requesting total knee arthroplasty."
        ),
        servicing_provider=(npi_from(300_118_001), "Front Range Surgery Center"),
        submitted_at=datetime(2026, 1, 6, 15, 20, tzinfo=UTC),
        decided_at=datetime(2026, 1, 9, 18, 0, tzinfo=UTC),
        decided_by="um.co",
        valid=(date(2026, 1, 15), date(2026, 7, 15)),
        letter=(
            "Authorization CO-A000000001 approved",
            "Authorization CO-A000000001 for member M300000001 has been approved.\n\n"
            "  27447 Total knee arthroplasty: 1 of 1 units approved\n\n"
            "Valid from 2026-01-15 to 2026-07-15.",
        ),
    ),
    FixedAuthorization(
        region="CO",
        number_pk=2,
        member_id="M300000001",
        tax_id="84-2000002",
        requested_by="omar.haddad",
        kind=AuthorizationKind.REFERRAL,
        urgency=AuthorizationUrgency.STANDARD,
        status=AuthorizationStatus.PENDED_FOR_INFORMATION,
        services=(
            FixedService("97110", 12, date(2026, 3, 2), date(2026, 4, 30), None, ServiceDecision.PENDING),
        ),
        diagnosis_codes=("M17.11", "Z96.651"),
        clinical_notes="Post-operative rehabilitation after right total knee arthroplasty: strength and "
        "range of motion.",
        servicing_provider=(npi_from(300_118_002), "Foothills Physical Therapy"),
        submitted_at=datetime(2026, 2, 20, 16, 0, tzinfo=UTC),
        decided_at=datetime(2026, 2, 23, 17, 30, tzinfo=UTC),
        decided_by="um.co",
        decision_reason="Please send the physical therapy plan of care with goals and the number of visits "
        "to date.",
        letter=(
            "Request for information: authorization CO-A000000002",
            "We need more information to decide authorization CO-A000000002 for member M300000001. What we "
            "need: Please send the physical therapy plan of care with goals and the number of visits to "
            "date.\n\nRespond through Online Affiliate with your answer and any supporting documents.",
        ),
    ),
    FixedAuthorization(
        region="NCAL",
        number_pk=1,
        member_id="M200000001",
        tax_id="95-1000001",
        requested_by="dana.reyes",
        kind=AuthorizationKind.REFERRAL,
        urgency=AuthorizationUrgency.STANDARD,
        status=AuthorizationStatus.SUBMITTED,
        services=(
            FixedService("99244", 1, date(2026, 3, 10), date(2026, 6, 10), None, ServiceDecision.PENDING),
        ),
        diagnosis_codes=("K21.9",),
        clinical_notes="Gastro-esophageal reflux persisting after eight weeks of proton pump inhibitor "
        "therapy; referral to gastroenterology for a consultation.",
        servicing_provider=(npi_from(200_774_001), "Bay Area Gastroenterology Associates"),
        submitted_at=datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
    ),
)


@dataclass(slots=True)
class CareRows:
    authorizations: list[Row]
    authorization_services: list[Row]
    messages: list[Row]
    conditions: list[Row]
    medications: list[Row]
    allergies: list[Row]
    immunizations: list[Row]
    lab_results: list[Row]
    encounters: list[Row]


def care_rows(
    region: str, member_pks: Mapping[str, int], provider_pks: Mapping[str, int], first_message_pk: int
) -> CareRows:
    """A region's fixed authorizations (with their services and messages) and clinical records; members
    and the requesting providers (the first of each Tax ID) by their keys in the region's rows."""
    rows = CareRows([], [], [], [], [], [], [], [], [])
    for fixed in (item for item in AUTHORIZATIONS if item.region == region):
        pk = fixed.number_pk
        number = authorization_number(region, pk)
        services = [(s.procedure_code, s.service_from, s.service_to) for s in fixed.services]
        rows.authorizations.append(
            {
                "id": pk,
                "authorization_number": number,
                "tax_id": fixed.tax_id,
                "member_id": member_pks[fixed.member_id],
                "kind": fixed.kind.value,
                "urgency": fixed.urgency.value,
                "status": fixed.status.value,
                "requesting_provider_id": provider_pks[fixed.tax_id],
                "servicing_provider_npi": fixed.servicing_provider[0],
                "servicing_provider_name": fixed.servicing_provider[1],
                "diagnosis_codes": list(fixed.diagnosis_codes),
                "clinical_notes": fixed.clinical_notes,
                "requested_by": fixed.requested_by,
                "idempotency_key": None,
                "open_request_key": open_request_key(fixed.member_id, services)
                if fixed.status in OPEN_STATUSES
                else None,
                "submitted_at": fixed.submitted_at,
                "decision_due_at": decision_due_at(fixed.urgency, fixed.submitted_at),
                "decided_at": fixed.decided_at,
                "decided_by": fixed.decided_by,
                "decision_reason": fixed.decision_reason,
                "valid_from": fixed.valid[0] if fixed.valid else None,
                "valid_to": fixed.valid[1] if fixed.valid else None,
            }
        )
        for line, service in enumerate(fixed.services, start=1):
            rows.authorization_services.append(
                {
                    "authorization_id": pk,
                    "line_number": line,
                    "procedure_code": service.procedure_code,
                    "description": PROCEDURE_DESCRIPTIONS.get(service.procedure_code),
                    "requested_units": service.requested_units,
                    "approved_units": service.approved_units,
                    "service_from": service.service_from,
                    "service_to": service.service_to,
                    "decision": service.decision.value,
                }
            )
        kind_name = fixed.kind.value.replace("_", " ").capitalize()
        rows.messages.append(
            _message(
                first_message_pk + len(rows.messages),
                fixed,
                pk,
                MessageKind.AUTHORIZATION_REQUEST,
                MessageFolder.SENT,
                (
                    f"{kind_name} request {number}",
                    f"{kind_name} request for member {fixed.member_id}: {len(fixed.services)} service "
                    f"line(s), {fixed.urgency.value.lower()}, with 0 attachment(s).",
                ),
                fixed.submitted_at,
            )
        )
        if fixed.letter is not None and fixed.decided_at is not None:
            letter_kind = (
                MessageKind.AUTHORIZATION_REQUEST_FOR_INFORMATION
                if fixed.status is AuthorizationStatus.PENDED_FOR_INFORMATION
                else MessageKind.AUTHORIZATION_DECISION_LETTER
            )
            rows.messages.append(
                _message(
                    first_message_pk + len(rows.messages),
                    fixed,
                    pk,
                    letter_kind,
                    MessageFolder.CUSTOMER_SERVICE_REPLY,
                    fixed.letter,
                    fixed.decided_at,
                )
            )
    for member_id, record in CLINICAL_RECORDS.items():
        if member_id in member_pks:
            _add_clinical(rows, member_pks[member_id], record)
    return rows


def _message(
    pk: int,
    fixed: FixedAuthorization,
    authorization_pk: int,
    kind: MessageKind,
    folder: MessageFolder,
    text: tuple[str, str],
    at: datetime,
) -> Row:
    sent = folder is MessageFolder.SENT
    return {
        "id": pk,
        "claim_id": None,
        "authorization_id": authorization_pk,
        "tax_id": fixed.tax_id,
        "owner_user_id": fixed.requested_by,
        "kind": kind.value,
        "folder": folder.value,
        "subject": text[0],
        "body": text[1],
        "subtopic": None,
        "crm_id": None,
        "on_behalf_of_provider_id": None,
        "in_reply_to_id": None,
        "idempotency_key": None,
        "sent_at": at,
        "read_at": at if sent else None,
    }


# ------------------------------------------------------------------------ clinical records


@dataclass(frozen=True, slots=True)
class ClinicalRecord:
    """One member's chart: (code, description, status, onset) problems; (RxNorm, description, dosage,
    status, start) medications; (substance, reaction, severity) allergies; (CVX, description, date)
    immunizations; (LOINC, description, value, unit, range, abnormal, date) labs; (date, kind, provider,
    codes) encounters."""

    problems: tuple[tuple[str, str, ClinicalStatus, date | None], ...]
    medications: tuple[tuple[str, str, str | None, ClinicalStatus, date | None], ...]
    allergies: tuple[tuple[str, str | None, str | None], ...]
    immunizations: tuple[tuple[str, str, date], ...]
    labs: tuple[tuple[str, str, str, str | None, str | None, bool, date], ...]
    encounters: tuple[tuple[date, str, str, tuple[str, ...]], ...]


ACTIVE, RESOLVED = ClinicalStatus.ACTIVE, ClinicalStatus.RESOLVED

CLINICAL_RECORDS: Final[Mapping[str, ClinicalRecord]] = {
    "M300000001": ClinicalRecord(
        problems=(
            ("M17.11", "Unilateral primary osteoarthritis, right knee", ACTIVE, date(2023, 5, 2)),
            ("E11.9", "Type 2 diabetes mellitus without complications", ACTIVE, date(2018, 9, 14)),
        ),
        medications=(("6809", "Metformin", "500 mg by mouth twice daily", ACTIVE, date(2018, 9, 14)),),
        allergies=(("Penicillin", "Hives", "Moderate"),),
        immunizations=(("141", "Influenza, seasonal, injectable", date(2025, 10, 3)),),
        labs=(
            (
                "4548-4",
                "Hemoglobin A1c/Hemoglobin.total in Blood",
                "7.2",
                "%",
                "4.0-5.6",
                True,
                date(2025, 12, 18),
            ),
            (
                "2345-7",
                "Glucose [Mass/volume] in Serum or Plasma",
                "138",
                "mg/dL",
                "70-99",
                True,
                date(2025, 12, 18),
            ),
            (
                "2160-0",
                "Creatinine [Mass/volume] in Serum or Plasma",
                "0.9",
                "mg/dL",
                "0.6-1.2",
                False,
                date(2025, 12, 18),
            ),
        ),
        encounters=(
            (date(2025, 12, 18), "Office visit", "Front Range Orthopedics", ("M17.11", "E11.9")),
            (date(2026, 1, 8), "Outpatient procedure", "Front Range Surgery Center", ("M17.11",)),
        ),
    ),
    "M200000001": ClinicalRecord(
        problems=(
            ("K21.9", "Gastro-esophageal reflux disease without esophagitis", ACTIVE, date(2025, 10, 1)),
        ),
        medications=(("7646", "Omeprazole", "20 mg by mouth daily", ACTIVE, date(2025, 11, 4)),),
        allergies=(),
        immunizations=(("213", "SARS-COV-2 (COVID-19) vaccine, unspecified formulation", date(2025, 9, 20)),),
        labs=(
            (
                "718-7",
                "Hemoglobin [Mass/volume] in Blood",
                "13.9",
                "g/dL",
                "13.2-16.6",
                False,
                date(2026, 1, 10),
            ),
        ),
        encounters=((date(2026, 1, 12), "Outpatient procedure", "Harbor Medical Group", ("K21.9", "R10.9")),),
    ),
    "M100000001": ClinicalRecord(
        problems=(("M25.561", "Pain in right knee", RESOLVED, date(2026, 2, 1)),),
        medications=(
            ("5640", "Ibuprofen", "400 mg by mouth as needed", ClinicalStatus.INACTIVE, date(2026, 2, 9)),
        ),
        allergies=(("Sulfonamides", "Rash", "Mild"),),
        immunizations=(("115", "Tdap", date(2024, 4, 22)),),
        labs=(
            (
                "2093-3",
                "Cholesterol [Mass/volume] in Serum or Plasma",
                "212",
                "mg/dL",
                "<200",
                True,
                date(2025, 11, 3),
            ),
        ),
        encounters=((date(2026, 2, 9), "Office visit", "Harbor Medical Group", ("M25.561",)),),
    ),
}


def _add_clinical(rows: CareRows, member_pk: int, record: ClinicalRecord) -> None:
    for code, description, status, onset in record.problems:
        rows.conditions.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": description,
                "status": status.value,
                "onset_on": onset,
            }
        )
    for code, description, dosage, status, started in record.medications:
        rows.medications.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": description,
                "dosage": dosage,
                "status": status.value,
                "started_on": started,
            }
        )
    for substance, reaction, severity in record.allergies:
        rows.allergies.append(
            {"member_id": member_pk, "substance": substance, "reaction": reaction, "severity": severity}
        )
    for code, description, on in record.immunizations:
        rows.immunizations.append(
            {"member_id": member_pk, "code": code, "description": description, "administered_on": on}
        )
    for code, description, value, unit, reference, abnormal, on in record.labs:
        rows.lab_results.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": description,
                "value": value,
                "unit": unit,
                "reference_range": reference,
                "abnormal": abnormal,
                "collected_on": on,
            }
        )
    for on, kind, provider, codes in record.encounters:
        rows.encounters.append(
            {
                "member_id": member_pk,
                "encounter_on": on,
                "kind": kind,
                "provider_name": provider,
                "diagnosis_codes": list(codes),
            }
        )
