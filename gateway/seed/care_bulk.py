"""Generated referrals and authorizations of every status, and clinical records of realistic shape, around
the fixed ones: drawn from a random stream of their own, so the claims' stream is unchanged."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from gateway.directory.records import AccessLevel
from gateway.seed.bulk import Biller
from gateway.seed.care import CareRows, Row
from gateway.seed.fixed import ASSOCIATIONS
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

# Requests are submitted in the months before the demo's "today".
FIRST_SUBMITTED: Final = date(2026, 5, 1)
LAST_SUBMITTED: Final = date(2026, 10, 31)
STATUSES: Final = (
    AuthorizationStatus.APPROVED,
    AuthorizationStatus.SUBMITTED,
    AuthorizationStatus.PENDED_FOR_INFORMATION,
    AuthorizationStatus.PARTIALLY_APPROVED,
    AuthorizationStatus.DENIED,
    AuthorizationStatus.CANCELLED,
    AuthorizationStatus.EXPIRED,
)
STATUS_WEIGHTS: Final = (45, 15, 8, 10, 10, 6, 6)
# (ICD-10-CM, description, usual procedures)
CONDITIONS: Final = (
    ("M17.11", "Unilateral primary osteoarthritis, right knee", ("27447", "97110", "73721")),
    ("M54.50", "Low back pain, unspecified", ("72148", "97110", "97140")),
    ("G47.33", "Obstructive sleep apnea", ("E0601",)),
    ("K50.90", "Crohn's disease, unspecified, without complications", ("J1745",)),
    ("F41.1", "Generalized anxiety disorder", ("90837",)),
    ("R51.9", "Headache, unspecified", ("70553", "99204")),
    ("M25.561", "Pain in right knee", ("29881", "97161", "73721")),
    ("I10", "Essential (primary) hypertension", ("99204",)),
    ("E11.9", "Type 2 diabetes mellitus without complications", ("99204",)),
)
# RxNorm ingredients: (code, name, dosage)
MEDICATIONS: Final = (
    ("6809", "Metformin", "500 mg by mouth twice daily"),
    ("29046", "Lisinopril", "10 mg by mouth daily"),
    ("83367", "Atorvastatin", "20 mg by mouth at bedtime"),
    ("7646", "Omeprazole", "20 mg by mouth daily"),
    ("5640", "Ibuprofen", "400 mg by mouth as needed"),
    ("36437", "Sertraline", "50 mg by mouth daily"),
)
ALLERGIES: Final = (
    ("Penicillin", "Hives", "Moderate"),
    ("Sulfonamides", "Rash", "Mild"),
    ("Peanuts", "Anaphylaxis", "Severe"),
    ("Latex", "Contact dermatitis", "Mild"),
)
IMMUNIZATIONS: Final = (
    ("141", "Influenza, seasonal, injectable"),
    ("213", "SARS-COV-2 (COVID-19) vaccine, unspecified formulation"),
    ("115", "Tdap"),
    ("33", "Pneumococcal polysaccharide PPV23"),
)
# LOINC: (code, description, unit, range, low, high, usual low, usual high)
LABS: Final = (
    ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "4.0-5.6", 4.0, 5.6, 4.8, 8.5),
    ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", "70-99", 70, 99, 75, 160),
    ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", "<200", 0, 199, 140, 260),
    ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "13.2-16.6", 13.2, 16.6, 11.5, 17.0),
    ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "0.6-1.2", 0.6, 1.2, 0.6, 1.6),
)
ENCOUNTER_KINDS: Final = ("Office visit", "Telehealth visit", "Outpatient procedure", "Emergency visit")
# Clinical records are drawn for this many members of a region at most: enough for every demo person to
# find some, without making a large seed several times larger.
MAX_CHARTS: Final = 400
# Requests come from clinical access only: nobody requests for an entity whose writer is administrative.
_ADMINISTRATIVE: Final = frozenset(a.user_id for a in ASSOCIATIONS if a.access is AccessLevel.ADMINISTRATIVE)


def generated_care(
    region: str,
    rng: random.Random,
    members: Sequence[Row],
    billers: Sequence[Biller],
    count: int,
    first_authorization_pk: int,
    first_message_pk: int,
) -> CareRows:
    """`count` authorizations spread over the billers that have people to request them, and charts for up
    to MAX_CHARTS of `members` (generated members all have claims: a treatment relationship)."""
    rows = CareRows([], [], [], [], [], [], [], [], [])
    requesters = [
        biller for biller in billers if biller.writers and not set(biller.writers) & _ADMINISTRATIVE
    ]
    open_keys: set[str] = set()
    next_message = first_message_pk
    for index in range(count if requesters and members else 0):
        pk = first_authorization_pk + index
        biller = requesters[index % len(requesters)]
        member = rng.choice(members)
        condition = rng.choice(CONDITIONS)
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        urgency = AuthorizationUrgency.EXPEDITED if rng.random() < 0.15 else AuthorizationUrgency.STANDARD
        submitted = _at(
            FIRST_SUBMITTED + timedelta(days=rng.randrange((LAST_SUBMITTED - FIRST_SUBMITTED).days)), rng
        )
        start = submitted.date() + timedelta(days=rng.randint(3, 30))
        codes = rng.sample(condition[2], rng.randint(1, len(condition[2])))
        services = []
        for line, code in enumerate(codes, start=1):
            units = 1 if code[0].isdigit() and code.startswith(("2", "7")) else rng.choice((4, 6, 8, 12))
            end = start + timedelta(days=rng.choice((0, 30, 60, 90)))
            approved, decision = _service_outcome(rng, status, units, line)
            services.append((line, code, units, start, end, approved, decision))
        key = open_request_key(str(member["member_id"]), ((s[1], s[3], s[4]) for s in services))
        if status in OPEN_STATUSES and key in open_keys:
            status = AuthorizationStatus.CANCELLED
        open_keys.add(key)
        decided = (
            None
            if status is AuthorizationStatus.SUBMITTED
            else submitted + timedelta(hours=rng.randint(4, 150))
        )
        kind = (
            AuthorizationKind.PRIOR_AUTHORIZATION
            if len(codes) == 1 and codes[0] in {"27447", "29881", "E0601", "J1745", "70553", "72148", "73721"}
            else AuthorizationKind.REFERRAL
        )
        approved_status = status in {
            AuthorizationStatus.APPROVED,
            AuthorizationStatus.PARTIALLY_APPROVED,
            AuthorizationStatus.EXPIRED,
        }
        requested_by = rng.choice(biller.writers)
        rows.authorizations.append(
            {
                "id": pk,
                "authorization_number": authorization_number(region, pk),
                "tax_id": biller.tax_id,
                "member_id": member["id"],
                "kind": kind.value,
                "urgency": urgency.value,
                "status": status.value,
                "requesting_provider_id": rng.choice(biller.provider_pks),
                "servicing_provider_npi": "1234567893",
                "servicing_provider_name": biller.vendor,
                "diagnosis_codes": [condition[0]],
                "clinical_notes": f"{condition[1]}; conservative treatment tried. For {', '.join(codes)}.",
                "requested_by": requested_by,
                "idempotency_key": None,
                "open_request_key": key if status in OPEN_STATUSES else None,
                "submitted_at": submitted,
                "decision_due_at": decision_due_at(urgency, submitted),
                "decided_at": decided,
                "decided_by": None if decided is None else f"um.{region.lower()}",
                "decision_reason": _reason(status),
                "valid_from": start if approved_status else None,
                "valid_to": max(s[4] for s in services) if approved_status else None,
            }
        )
        for line, code, units, service_from, service_to, approved, decision in services:
            rows.authorization_services.append(
                {
                    "authorization_id": pk,
                    "line_number": line,
                    "procedure_code": code,
                    "description": PROCEDURE_DESCRIPTIONS.get(code),
                    "requested_units": units,
                    "approved_units": approved,
                    "service_from": service_from,
                    "service_to": service_to,
                    "decision": decision.value,
                }
            )
        number = authorization_number(region, pk)
        rows.messages.append(
            _message(next_message, pk, biller.tax_id, requested_by, MessageKind.AUTHORIZATION_REQUEST,
                     f"{kind.value.replace('_', ' ').capitalize()} request {number}",
                     f"Request for member {member['member_id']}: {len(services)} service line(s).", submitted)
        )  # fmt: skip
        next_message += 1
        if decided is not None and status is not AuthorizationStatus.CANCELLED:
            letter_kind = (
                MessageKind.AUTHORIZATION_REQUEST_FOR_INFORMATION
                if status is AuthorizationStatus.PENDED_FOR_INFORMATION
                else MessageKind.AUTHORIZATION_DECISION_LETTER
            )
            outcome = status.value.replace("_", " ").lower()
            rows.messages.append(
                _message(next_message, pk, biller.tax_id, requested_by, letter_kind,
                         f"Authorization {number}: {outcome}",
                         f"Authorization {number} for member {member['member_id']}: {outcome}. "
                         f"{_reason(status) or ''}".strip(), decided)
            )  # fmt: skip
            next_message += 1
    for member in members[:MAX_CHARTS]:
        _chart(rows, rng, int(str(member["id"])))
    return rows


def _service_outcome(
    rng: random.Random, status: AuthorizationStatus, units: int, line: int
) -> tuple[int | None, ServiceDecision]:
    if status in {AuthorizationStatus.APPROVED, AuthorizationStatus.EXPIRED}:
        return units, ServiceDecision.APPROVED
    if status is AuthorizationStatus.PARTIALLY_APPROVED:
        if line == 1:
            return max(1, units // 2) if units > 1 else 1, ServiceDecision.APPROVED
        return None, ServiceDecision.DENIED
    if status is AuthorizationStatus.DENIED:
        return None, ServiceDecision.DENIED
    return None, ServiceDecision.PENDING


def _reason(status: AuthorizationStatus) -> str | None:
    return {
        AuthorizationStatus.DENIED: "Not medically necessary: the clinical criteria are not met.",
        AuthorizationStatus.PARTIALLY_APPROVED: "Approved in part; the remainder after a re-evaluation.",
        AuthorizationStatus.PENDED_FOR_INFORMATION: "Please send the most recent office notes and imaging.",
        AuthorizationStatus.CANCELLED: "Cancelled by the requesting office.",
    }.get(status)


def _message(
    pk: int,
    authorization_pk: int,
    tax_id: str,
    owner: str,
    kind: MessageKind,
    subject: str,
    body: str,
    at: datetime,
) -> Row:
    sent = kind is MessageKind.AUTHORIZATION_REQUEST
    return {
        "id": pk,
        "claim_id": None,
        "authorization_id": authorization_pk,
        "tax_id": tax_id,
        "owner_user_id": owner,
        "kind": kind.value,
        "folder": (MessageFolder.SENT if sent else MessageFolder.CUSTOMER_SERVICE_REPLY).value,
        "subject": subject,
        "body": body,
        "subtopic": None,
        "crm_id": None,
        "on_behalf_of_provider_id": None,
        "in_reply_to_id": None,
        "idempotency_key": None,
        "sent_at": at,
        "read_at": at if sent else None,
    }


def _chart(rows: CareRows, rng: random.Random, member_pk: int) -> None:
    """A few problems and medications, maybe an allergy, immunizations, a lab history and encounters."""
    problems = rng.sample(CONDITIONS, rng.randint(1, 3))
    for code, description, _ in problems:
        status = ClinicalStatus.ACTIVE if rng.random() < 0.8 else ClinicalStatus.RESOLVED
        onset = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
        rows.conditions.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": description,
                "status": status.value,
                "onset_on": onset,
            }
        )
    for code, name, dosage in rng.sample(MEDICATIONS, rng.randint(0, 3)):
        rows.medications.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": name,
                "dosage": dosage,
                "status": ClinicalStatus.ACTIVE.value,
                "started_on": date(2018, 1, 1) + timedelta(days=rng.randrange(3000)),
            }
        )
    if rng.random() < 0.3:
        substance, reaction, severity = rng.choice(ALLERGIES)
        rows.allergies.append(
            {"member_id": member_pk, "substance": substance, "reaction": reaction, "severity": severity}
        )
    for code, description in rng.sample(IMMUNIZATIONS, rng.randint(1, 2)):
        rows.immunizations.append(
            {
                "member_id": member_pk,
                "code": code,
                "description": description,
                "administered_on": date(2023, 1, 1) + timedelta(days=rng.randrange(1300)),
            }
        )
    for _ in range(rng.randint(1, 3)):  # visits, each with a panel of labs
        on = date(2024, 6, 1) + timedelta(days=rng.randrange(880))
        for code, description, unit, reference, low, high, usual_low, usual_high in rng.sample(
            LABS, rng.randint(2, 4)
        ):
            value = round(rng.uniform(usual_low, usual_high), 1)
            rows.lab_results.append(
                {
                    "member_id": member_pk,
                    "code": code,
                    "description": description,
                    "value": f"{value:g}",
                    "unit": unit,
                    "reference_range": reference,
                    "abnormal": not low <= value <= high,
                    "collected_on": on,
                }
            )
        rows.encounters.append(
            {
                "member_id": member_pk,
                "encounter_on": on,
                "kind": rng.choice(ENCOUNTER_KINDS),
                "provider_name": "Primary care",
                "diagnosis_codes": [code for code, _, _ in problems[:2]],
            }
        )


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(14, 23), rng.randrange(60)), tzinfo=UTC)
