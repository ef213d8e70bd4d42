"""The fixed demo records of docs/demo-data.md, as rows with the same primary keys on every seed."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Final

from gateway.auth.passwords import hash_password
from gateway.directory.records import (
    AccessLevel,
    AgreementStatus,
    AssociationStatus,
    EntityKind,
    UserKind,
    UserStatus,
)
from gateway.seed.care import CareRows, care_rows
from gateway.seed.names import (
    ADVANCED_PRACTICE_CREDENTIALS,
    FIRST_NAMES,
    LAST_NAMES,
    NON_PHYSICIAN_SPECIALTIES,
    PHYSICIAN_CREDENTIALS,
    SPECIALTIES_BY_PRACTICE,
)
from gateway.seed.npi import npi_from
from regions.base.records import (
    STATUS_CATEGORY,
    ClaimStatus,
    MessageFolder,
    MessageKind,
    PaymentMethod,
    PlanType,
)
from regions.base.registry import ADAPTERS

Row = dict[str, Any]

DEMO_PASSWORD: Final = "Affiliate-Demo-2026!"
COVERAGE_FROM: Final = date(2025, 1, 1)
COVERAGE_TO: Final = date(2026, 12, 31)
AGREEMENT_SUBMITTED_AT: Final = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)
AGREEMENT_PROCESSED_AT: Final = datetime(2025, 6, 9, 17, 30, tzinfo=UTC)
PEOPLE_CREATED_AT: Final = datetime(2025, 6, 10, 16, 0, tzinfo=UTC)
ASSOCIATIONS_REQUESTED_AT: Final = datetime(2025, 6, 11, 16, 0, tzinfo=UTC)
ASSOCIATIONS_DECIDED_AT: Final = datetime(2025, 6, 12, 18, 0, tzinfo=UTC)
PENDING_REQUESTED_AT: Final = datetime(2026, 2, 2, 17, 15, tzinfo=UTC)


def cents(amount: str) -> Decimal:
    """Money from its written form, always with two places."""
    return Decimal(amount).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class FixedEntity:
    tax_id: str
    name: str
    kind: EntityKind
    domain: str
    practice: str | None  # key of SPECIALTIES_BY_PRACTICE for its providers
    providers: Mapping[str, int] = field(default_factory=dict)  # region -> provider count
    signatory: tuple[str, str] | None = None  # (name, title); None: no agreement on file


ENTITIES: Final[tuple[FixedEntity, ...]] = (
    FixedEntity(
        "95-1000001", "Harbor Medical Group", EntityKind.GROUP, "harbormedical.example", "primary_care",
        {"SCAL": 12, "NCAL": 8}, ("Elena Marsh", "Practice Administrator"),
    ),
    FixedEntity(
        "84-2000002", "Front Range Orthopedics", EntityKind.GROUP, "frontrangeortho.example", "orthopedics",
        {"CO": 60}, ("Gregory Lindqvist", "Chief Executive Officer"),
    ),
    FixedEntity(
        "99-3000003", "Aloha Family Practice", EntityKind.INDIVIDUAL_PRACTICE, "alohafamily.example",
        "primary_care", {"HI": 1}, ("Leilani Kahale", "Physician Owner"),
    ),
    FixedEntity(
        "52-4000004", "Chesapeake Imaging Center", EntityKind.FACILITY, "chesapeakeimaging.example",
        "imaging", {"MAS": 5}, ("Victor Brennan", "Director of Operations"),
    ),
    FixedEntity(
        "93-5000005", "Cascade Behavioral Health", EntityKind.GROUP, "cascadebh.example", "behavioral",
        {"NW": 9}, ("Ingrid Solberg", "Clinical Director"),
    ),
    FixedEntity(
        "58-6000006", "Peachtree Pediatrics", EntityKind.GROUP, "peachtreepeds.example", "pediatrics",
        {"GA": 7}, ("Monique Carter", "Practice Manager"),
    ),
    FixedEntity(
        "77-7000007", "Summit Billing Services", EntityKind.THIRD_PARTY_ADMINISTRATOR,
        "summitbilling.example", None, {}, ("Raymond Osei", "President"),
    ),
    FixedEntity(
        "33-8000008", "Sunrise Urgent Care", EntityKind.GROUP, "sunriseurgent.example", "urgent_care",
        {"SCAL": 3}, None,
    ),
)  # fmt: skip
ENTITY_PK: Final[Mapping[str, int]] = {entity.tax_id: pk for pk, entity in enumerate(ENTITIES, start=1)}
ENTITY_BY_TAX_ID: Final[Mapping[str, FixedEntity]] = {entity.tax_id: entity for entity in ENTITIES}
FIXED_TAX_IDS: Final = frozenset(ENTITY_PK)
# "TPA Attestation (Must be completed by the Provider Group)" (the Online Provider Tools page): Peachtree
# Pediatrics' signatory authorizes Summit Billing Services; processed by a representative, so its people reach
# the group's claims.
TPA_ATTESTATIONS: Final = (
    (
        "58-6000006",
        "77-7000007",
        ("Lena Brooks", "Medical Director"),
        datetime(2025, 6, 16, 14, 0, tzinfo=UTC),
        datetime(2025, 6, 17, 9, 30, tzinfo=UTC),
    ),
)


@dataclass(frozen=True, slots=True)
class FixedPerson:
    user_id: str
    kind: UserKind
    first_name: str
    last_name: str
    email: str
    organization: str
    job_title: str
    phone: str
    supervisor: tuple[str, str, str] | None = None  # name, email, phone
    employer_tax_id: str | None = None
    represents_region: str | None = None


PEOPLE: Final[tuple[FixedPerson, ...]] = (
    FixedPerson(
        "dana.reyes", UserKind.PROVIDER_STAFF, "Dana", "Reyes", "dana.reyes@harbormedical.example",
        "Harbor Medical Group", "Billing Coordinator", "562-555-0141",
        supervisor=("Elena Marsh", "elena.marsh@harbormedical.example", "562-555-0100"),
    ),
    FixedPerson(
        "omar.haddad", UserKind.PROVIDER_STAFF, "Omar", "Haddad", "omar.haddad@frontrangeortho.example",
        "Front Range Orthopedics", "Revenue Cycle Manager", "303-555-0187",
        supervisor=("Gregory Lindqvist", "gregory.lindqvist@frontrangeortho.example", "303-555-0100"),
    ),
    FixedPerson(
        "tess.nguyen", UserKind.THIRD_PARTY_ADMINISTRATOR, "Tess", "Nguyen",
        "tess.nguyen@summitbilling.example", "Summit Billing Services", "Claims Specialist", "404-555-0123",
        supervisor=("Raymond Osei", "raymond.osei@summitbilling.example", "404-555-0100"),
        employer_tax_id="77-7000007",
    ),
    FixedPerson(
        "rep.scal", UserKind.REGIONAL_REPRESENTATIVE, "Marisol", "Vega", "marisol.vega@kp.example",
        "Kaiser Permanente", "Provider Relations Representative", "626-555-0110", represents_region="SCAL",
    ),
    FixedPerson(
        "rep.ga", UserKind.REGIONAL_REPRESENTATIVE, "Andre", "Whitfield", "andre.whitfield@kp.example",
        "Kaiser Permanente", "Provider Relations Representative", "404-555-0175", represents_region="GA",
    ),
    # Utilization reviewers: the directory's `represents_region` is the region whose requests they decide.
    FixedPerson(
        "um.co", UserKind.UTILIZATION_REVIEWER, "Priya", "Raman", "priya.raman@kp.example",
        "Kaiser Permanente", "Utilization Management Nurse Reviewer", "303-555-0162", represents_region="CO",
    ),
    FixedPerson(
        "um.ncal", UserKind.UTILIZATION_REVIEWER, "Daniel", "Okafor", "daniel.okafor@kp.example",
        "Kaiser Permanente", "Utilization Management Physician Reviewer", "510-555-0148",
        represents_region="NCAL",
    ),
)  # fmt: skip
USER_PK: Final[Mapping[str, int]] = {person.user_id: pk for pk, person in enumerate(PEOPLE, start=1)}


@dataclass(frozen=True, slots=True)
class FixedAssociation:
    user_id: str
    tax_id: str
    region: str
    access: AccessLevel
    status: AssociationStatus


ASSOCIATIONS: Final[tuple[FixedAssociation, ...]] = (
    FixedAssociation("dana.reyes", "95-1000001", "SCAL", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("dana.reyes", "95-1000001", "NCAL", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("dana.reyes", "58-6000006", "GA", AccessLevel.CLINICAL, AssociationStatus.PENDING),
    FixedAssociation("omar.haddad", "84-2000002", "CO", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("omar.haddad", "99-3000003", "HI", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("omar.haddad", "52-4000004", "MAS", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("omar.haddad", "93-5000005", "NW", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
    FixedAssociation("tess.nguyen", "58-6000006", "GA", AccessLevel.ADMINISTRATIVE, AssociationStatus.ACTIVE),
)
# Who writes the messages of a fixed entity's claims: the person with the ACTIVE association there.
MESSAGE_OWNER: Final[Mapping[tuple[str, str], str]] = {
    (association.tax_id, association.region): association.user_id
    for association in ASSOCIATIONS
    if association.status is AssociationStatus.ACTIVE
}
REPRESENTATIVE: Final[Mapping[str, str]] = {
    person.represents_region: person.user_id
    for person in PEOPLE
    if person.represents_region and person.kind is UserKind.REGIONAL_REPRESENTATIVE
}


@dataclass(frozen=True, slots=True)
class FixedMember:
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    plan: PlanType


@dataclass(frozen=True, slots=True)
class FixedPayment:
    vendor: str
    method: PaymentMethod
    reference: str
    amount: Decimal
    paid_on: date


@dataclass(frozen=True, slots=True)
class FixedClaim:
    region: str
    claim_number: str
    tax_id: str
    member: FixedMember
    billed: Decimal
    status: ClaimStatus
    payment: FixedPayment | None
    # Adjudication: allowed, paid, patient responsibility (all None until the claim is finalized).
    amounts: tuple[Decimal, Decimal, Decimal] | None
    service: tuple[date, date]
    received_on: date
    diagnosis_codes: tuple[str, ...]
    status_detail: str
    updated_at: datetime


CASEY_WU: Final = FixedMember("M300000001", "Casey", "Wu", date(1959, 6, 14), PlanType.DEDUCTIBLE_HMO)

CLAIMS: Final[tuple[FixedClaim, ...]] = (
    FixedClaim(
        region="SCAL",
        claim_number="SCAL0000000001",
        tax_id="95-1000001",
        member=FixedMember("M100000001", "Jordan", "Lee", date(1980, 4, 12), PlanType.HMO),
        billed=cents("1250.00"),
        status=ClaimStatus.PAID,
        payment=FixedPayment(
            "Harbor Medical Group", PaymentMethod.EFT, "EFT20260301001", cents("980.00"), date(2026, 3, 1)
        ),
        amounts=(cents("1030.00"), cents("980.00"), cents("50.00")),
        service=(date(2026, 2, 9), date(2026, 2, 9)),
        received_on=date(2026, 2, 13),
        diagnosis_codes=("M25.561",),
        status_detail="Paid at the contracted rate; $50.00 copay is the member's responsibility.",
        updated_at=datetime(2026, 3, 1, 14, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="SCAL",
        claim_number="SCAL0000000002",
        tax_id="95-1000001",
        member=FixedMember("M100000002", "Avery", "Kim", date(1975, 9, 30), PlanType.HMO),
        billed=cents("430.00"),
        status=ClaimStatus.PENDED_FOR_INFORMATION,
        payment=None,
        amounts=None,
        service=(date(2026, 2, 10), date(2026, 2, 10)),
        received_on=date(2026, 2, 17),
        diagnosis_codes=("J45.909",),
        status_detail="Pended: medical records requested to support the billed service (RFI of 2026-02-19).",
        updated_at=datetime(2026, 2, 19, 15, 30, tzinfo=UTC),
    ),
    FixedClaim(
        region="SCAL",
        claim_number="SCAL0000000003",
        tax_id="95-1000001",
        member=FixedMember("M100000003", "Riley", "Park", date(1990, 1, 5), PlanType.SELF_FUNDED),
        billed=cents("310.00"),
        status=ClaimStatus.IN_PROCESS,
        payment=None,
        amounts=None,
        service=(date(2026, 3, 2), date(2026, 3, 2)),
        received_on=date(2026, 3, 6),
        diagnosis_codes=("R51.9",),
        status_detail="In process: the claim was received and is being adjudicated.",
        updated_at=datetime(2026, 3, 6, 18, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="NCAL",
        claim_number="NCAL0000000001",
        tax_id="95-1000001",
        member=FixedMember("M200000001", "Sam", "Ortiz", date(1968, 11, 23), PlanType.HMO),
        billed=cents("2200.00"),
        status=ClaimStatus.DENIED,
        payment=None,
        amounts=(cents("0.00"), cents("0.00"), cents("0.00")),
        service=(date(2026, 1, 12), date(2026, 1, 14)),
        received_on=date(2026, 1, 20),
        diagnosis_codes=("K21.9", "R10.9"),
        status_detail="Denied: prior authorization was not obtained for this service (CARC 197).",
        updated_at=datetime(2026, 2, 3, 16, 45, tzinfo=UTC),
    ),
    FixedClaim(
        region="CO",
        claim_number="CO0000000001",
        tax_id="84-2000002",
        member=CASEY_WU,
        billed=cents("5400.00"),
        status=ClaimStatus.DENIED,
        payment=None,
        amounts=(cents("0.00"), cents("0.00"), cents("0.00")),
        service=(date(2026, 1, 8), date(2026, 1, 8)),
        received_on=date(2026, 1, 21),
        diagnosis_codes=("M17.11", "M25.561"),
        status_detail="Denied: not medically necessary per clinical review (CARC 50).",
        updated_at=datetime(2026, 2, 11, 19, 10, tzinfo=UTC),
    ),
    # The knee arthroplasty of Casey Wu's approved prior authorization: the claim that met her 2026
    # deductible (1500.00) and brought her out-of-pocket spending to 2100.00 (with 20 % coinsurance).
    FixedClaim(
        region="CO",
        claim_number="CO0000000002",
        tax_id="84-2000002",
        member=CASEY_WU,
        billed=cents("6800.00"),
        status=ClaimStatus.PAID,
        payment=FixedPayment(
            "Front Range Orthopedics",
            PaymentMethod.EFT,
            "EFT20260410001",
            cents("2400.00"),
            date(2026, 4, 10),
        ),
        amounts=(cents("4500.00"), cents("2400.00"), cents("2100.00")),
        service=(date(2026, 3, 12), date(2026, 3, 12)),
        received_on=date(2026, 3, 20),
        diagnosis_codes=("M17.11",),
        status_detail="Paid at the contracted rate; $1,500.00 deductible and 20% coinsurance applied.",
        updated_at=datetime(2026, 4, 10, 15, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="HI",
        claim_number="HI0000000001",
        tax_id="99-3000003",
        member=FixedMember("M400000001", "Kai", "Akana", date(2001, 2, 28), PlanType.HMO),
        billed=cents("180.00"),
        status=ClaimStatus.IN_PROCESS,
        payment=None,
        amounts=None,
        service=(date(2026, 3, 3), date(2026, 3, 3)),
        received_on=date(2026, 3, 5),
        diagnosis_codes=("J06.9",),
        status_detail="In process: the claim was received and is being adjudicated.",
        updated_at=datetime(2026, 3, 5, 21, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="MAS",
        claim_number="MAS0000000001",
        tax_id="52-4000004",
        member=FixedMember("M500000001", "Morgan", "Bell", date(1984, 7, 7), PlanType.HMO),
        billed=cents("960.00"),
        status=ClaimStatus.PAID,
        payment=FixedPayment(
            "Chesapeake Imaging Center", PaymentMethod.CHECK, "004417", cents("960.00"), date(2026, 2, 14)
        ),
        amounts=(cents("960.00"), cents("960.00"), cents("0.00")),
        service=(date(2026, 1, 27), date(2026, 1, 27)),
        received_on=date(2026, 1, 30),
        diagnosis_codes=("M54.50",),
        status_detail="Paid in full at the contracted rate.",
        updated_at=datetime(2026, 2, 14, 13, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="NW",
        claim_number="NW0000000001",
        tax_id="93-5000005",
        member=FixedMember("M600000001", "Quinn", "Hale", date(1993, 3, 3), PlanType.HMO),
        billed=cents("1500.00"),
        status=ClaimStatus.PARTIALLY_PAID,
        payment=FixedPayment(
            "Cascade Behavioral Health",
            PaymentMethod.EFT,
            "EFT20260220007",
            cents("700.00"),
            date(2026, 2, 20),
        ),
        amounts=(cents("750.00"), cents("700.00"), cents("50.00")),
        service=(date(2026, 1, 15), date(2026, 1, 29)),
        received_on=date(2026, 2, 2),
        diagnosis_codes=("F41.1", "F33.1"),
        status_detail="Partially paid: two session lines exceed the authorized visit count (CARC 119).",
        updated_at=datetime(2026, 2, 20, 15, 0, tzinfo=UTC),
    ),
    FixedClaim(
        region="GA",
        claim_number="GA0000000001",
        tax_id="58-6000006",
        member=FixedMember("M700000001", "Drew", "Fox", date(2015, 10, 10), PlanType.HMO),
        billed=cents("240.00"),
        status=ClaimStatus.PAID,
        payment=FixedPayment(
            "Peachtree Pediatrics", PaymentMethod.EFT, "EFT20260110003", cents("240.00"), date(2026, 1, 10)
        ),
        amounts=(cents("240.00"), cents("240.00"), cents("0.00")),
        service=(date(2025, 12, 29), date(2025, 12, 29)),
        received_on=date(2026, 1, 2),
        diagnosis_codes=("Z00.129", "Z23"),
        status_detail="Paid in full: preventive visit with no member cost share.",
        updated_at=datetime(2026, 1, 10, 14, 0, tzinfo=UTC),
    ),
)
# Members of the demo's coverage table who have no claim (region, member).
MEMBERS_WITHOUT_CLAIMS: Final[tuple[tuple[str, FixedMember], ...]] = (
    ("NCAL", FixedMember("M200000002", "Pat", "Rivera", date(1971, 2, 17), PlanType.PPO)),
    ("HI", FixedMember("M400000002", "Lani", "Kahale", date(1988, 8, 8), PlanType.HMO)),
)
FIXED_MEMBER_IDS: Final = frozenset(claim.member.member_id for claim in CLAIMS) | frozenset(
    member.member_id for _, member in MEMBERS_WITHOUT_CLAIMS
)


@dataclass(frozen=True, slots=True)
class FixedCoverage:
    """A fixed member's coverage where the demo data writes one; every other fixed member is covered by
    their plan from COVERAGE_FROM to COVERAGE_TO."""

    plan_name: str | None  # None: the plan design's usual name
    group_number: str | None  # None: the region's fixed employer group
    coverage_from: date
    coverage_to: date | None
    # Cost share of the 2026 plan year paid outside the claims here (pharmacy), in network.
    other_out_of_pocket: Decimal = Decimal("0.00")


FIXED_COVERAGE: Final[Mapping[str, FixedCoverage]] = {
    # Out-of-pocket 270.00 of 3000.00: the claim's 50.00 copay and 220.00 of pharmacy copays.
    "M100000001": FixedCoverage(
        "Harbor Employees HMO", "100201", COVERAGE_FROM, COVERAGE_TO, cents("220.00")
    ),
    "M300000001": FixedCoverage("Deductible HMO 1500", "300118", COVERAGE_FROM, None),
    "M200000001": FixedCoverage("Traditional HMO", "200774", date(2024, 7, 1), None),
    "M200000002": FixedCoverage("Added Choice PPO", "200915", COVERAGE_FROM, None),
    "M400000002": FixedCoverage("Traditional HMO", "400233", COVERAGE_FROM, date(2025, 12, 31)),
}


@dataclass(frozen=True, slots=True)
class FixedMessage:
    claim_number: str
    owner: str
    kind: MessageKind
    folder: MessageFolder
    subject: str
    body: str
    sent_at: datetime
    read_at: datetime | None
    crm_id: str
    reply_to: int | None = None  # index into MESSAGES of the message this one answers
    attachment: str | None = None  # file name of a PDF attached to it


MESSAGES: Final[tuple[FixedMessage, ...]] = (
    FixedMessage(
        claim_number="SCAL0000000002",
        owner="dana.reyes",
        kind=MessageKind.SUPPORTING_DOCUMENTATION,
        folder=MessageFolder.SENT,
        subject="Medical records for claim SCAL0000000002",
        body="Attached are the office visit notes and the itemized bill requested in the RFI letter "
        "of 2026-02-19.",
        sent_at=datetime(2026, 2, 24, 16, 5, tzinfo=UTC),
        read_at=datetime(2026, 2, 24, 16, 5, tzinfo=UTC),
        crm_id="CSSCAL202602240412",
        attachment="SCAL0000000002-medical-records.pdf",
    ),
    FixedMessage(
        claim_number="SCAL0000000002",
        owner="dana.reyes",
        kind=MessageKind.ACKNOWLEDGEMENT_LETTER,
        folder=MessageFolder.CUSTOMER_SERVICE_REPLY,
        subject="Acknowledgement of your submission for claim SCAL0000000002",
        body="We received your supporting documentation on 2026-02-24 (reference CSSCAL202602240412). "
        "A claims examiner will review it within 30 days.",
        sent_at=datetime(2026, 2, 24, 16, 20, tzinfo=UTC),
        read_at=None,
        crm_id="CSSCAL202602240412",
        reply_to=0,
    ),
    FixedMessage(
        claim_number="CO0000000001",
        owner="omar.haddad",
        kind=MessageKind.DISPUTE,
        folder=MessageFolder.SENT,
        subject="Dispute of denial for claim CO0000000001",
        body="We dispute the medical-necessity denial: the enclosed imaging and six months of failed "
        "conservative treatment meet the criteria for total knee arthroplasty. Please reconsider.",
        sent_at=datetime(2026, 2, 26, 17, 42, tzinfo=UTC),
        read_at=datetime(2026, 2, 26, 17, 42, tzinfo=UTC),
        crm_id="CS-CO-20260226-0087",
    ),
    FixedMessage(
        claim_number="GA0000000001",
        owner="tess.nguyen",
        kind=MessageKind.SUPPORTING_DOCUMENTATION,
        folder=MessageFolder.SENT,
        subject="Immunization record for claim GA0000000001",
        body="On behalf of Peachtree Pediatrics: the immunization administration record for the well-child "
        "visit of 2025-12-29.",
        sent_at=datetime(2026, 1, 5, 15, 12, tzinfo=UTC),
        read_at=datetime(2026, 1, 5, 15, 12, tzinfo=UTC),
        crm_id="CS-GA-20260105-0031",
    ),
)


@cache
def demo_password_hash() -> str:
    """The demo password hashed once per process: argon2 is slow by design."""
    return hash_password(DEMO_PASSWORD)


@dataclass(slots=True)
class DirectoryRows:
    entities: list[Row] = field(default_factory=list)
    agreements: list[Row] = field(default_factory=list)
    tpa_attestations: list[Row] = field(default_factory=list)
    users: list[Row] = field(default_factory=list)
    associations: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class RegionRows:
    providers: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)
    # Authorizations with their services and messages, and clinical records (gateway/seed/care.py).
    care: CareRows | None = None


def agreement_row(
    pk: int, entity_pk: int, signatory: tuple[str, str, str], submitted_at: datetime, processed_at: datetime
) -> Row:
    """A PROCESSED enrollment agreement signed by (name, title, email)."""
    name, title, email = signatory
    return {
        "id": pk,
        "entity_id": entity_pk,
        "status": AgreementStatus.PROCESSED.value,
        "signatory_name": name,
        "signatory_title": title,
        "signatory_email": email,
        "submitted_at": submitted_at,
        "processed_at": processed_at,
    }


def directory_rows() -> DirectoryRows:
    """Entities, agreements, attestations, people and associations exactly as docs/demo-data.md writes
    them."""
    rows = DirectoryRows()
    for entity in ENTITIES:
        pk = ENTITY_PK[entity.tax_id]
        rows.entities.append(
            {"id": pk, "tax_id": entity.tax_id, "name": entity.name, "kind": entity.kind.value}
        )
        if entity.signatory is not None:
            name, title = entity.signatory
            email = f"{name.lower().replace(' ', '.')}@{entity.domain}"
            rows.agreements.append(
                agreement_row(
                    len(rows.agreements) + 1, pk, (name, title, email),
                    AGREEMENT_SUBMITTED_AT, AGREEMENT_PROCESSED_AT,
                )
            )  # fmt: skip
    for pk, (group, tpa, (name, title), submitted_at, processed_at) in enumerate(TPA_ATTESTATIONS, start=1):
        rows.tpa_attestations.append(
            {
                "id": pk,
                "group_entity_id": ENTITY_PK[group],
                "tpa_entity_id": ENTITY_PK[tpa],
                "status": AgreementStatus.PROCESSED.value,
                "signatory_name": f"Dr. {name}",
                "signatory_title": title,
                "signatory_email": f"{name.lower().replace(' ', '.')}@{ENTITY_BY_TAX_ID[group].domain}",
                "submitted_at": submitted_at,
                "processed_at": processed_at,
            }
        )
    password_hash = demo_password_hash()
    for person in PEOPLE:
        rows.users.append(_user_row(person, password_hash))
    for pk, association in enumerate(ASSOCIATIONS, start=1):
        rows.associations.append(_association_row(pk, association))
    return rows


def _user_row(person: FixedPerson, password_hash: str) -> Row:
    supervisor_name, supervisor_email, supervisor_phone = person.supervisor or (None, None, None)
    return {
        "id": USER_PK[person.user_id],
        "user_id": person.user_id.lower(),
        "kind": person.kind.value,
        "status": UserStatus.ACTIVE.value,
        "password_hash": password_hash,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "organization": person.organization,
        "job_title": person.job_title,
        "work_phone": person.phone,
        "supervisor_name": supervisor_name,
        "supervisor_email": supervisor_email,
        "supervisor_phone": supervisor_phone,
        "employer_entity_id": ENTITY_PK[person.employer_tax_id] if person.employer_tax_id else None,
        "represents_region": person.represents_region,
        "created_at": PEOPLE_CREATED_AT,
    }


def _association_row(pk: int, association: FixedAssociation) -> Row:
    pending = association.status is AssociationStatus.PENDING
    decider = REPRESENTATIVE.get(association.region)
    return {
        "id": pk,
        "user_id": USER_PK[association.user_id],
        "entity_id": ENTITY_PK[association.tax_id],
        "region": association.region,
        "access": association.access.value,
        "status": association.status.value,
        "requested_at": PENDING_REQUESTED_AT if pending else ASSOCIATIONS_REQUESTED_AT,
        "decided_at": None if pending else ASSOCIATIONS_DECIDED_AT,
        "decided_by": USER_PK[decider] if decider and not pending else None,
        "decision_reason": None,
    }


def fixed_region_entities(region: str) -> list[FixedEntity]:
    """The fixed entities with providers in a region, in docs/demo-data.md order."""
    return [entity for entity in ENTITIES if region in entity.providers]


def provider_name(rng: random.Random, specialty: str) -> str:
    """A clinician's display name with the credential their specialty calls for."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    credential = NON_PHYSICIAN_SPECIALTIES.get(specialty)
    if credential is None:
        pool = PHYSICIAN_CREDENTIALS if rng.random() < 0.8 else ADVANCED_PRACTICE_CREDENTIALS
        credential = rng.choice(pool)
    prefix = "Dr. " if credential in {"MD", "DO", "PsyD"} else ""
    return f"{prefix}{first} {last}, {credential}"


def region_rows(region: str) -> RegionRows:
    """A region's fixed providers, members, claims, messages and attachment, numbered from 1."""
    rows = RegionRows()
    # Seeded by name, not by the bulk seed, so the fixed providers never change between seeds.
    rng = random.Random(f"fixed-providers:{region}")
    used_npis: set[str] = set()
    first_provider: dict[str, int] = {}
    for entity in fixed_region_entities(region):
        names: set[str] = set()
        specialties = SPECIALTIES_BY_PRACTICE[entity.practice or "primary_care"]
        for ordinal in range(entity.providers[region]):
            specialty = specialties[ordinal % len(specialties)]
            name = provider_name(rng, specialty)
            while name in names:
                name = provider_name(rng, specialty)
            names.add(name)
            # Fixed NPIs start with 1, generated ones with 2: the two never meet.
            npi = npi_from(rng.randrange(100_000_000, 200_000_000))
            while npi in used_npis:
                npi = npi_from(rng.randrange(100_000_000, 200_000_000))
            used_npis.add(npi)
            pk = len(rows.providers) + 1
            first_provider.setdefault(entity.tax_id, pk)
            rows.providers.append(
                {"id": pk, "npi": npi, "name": name, "specialty": specialty, "tax_id": entity.tax_id}
            )
    claim_pk: dict[str, int] = {}
    member_pk_of: dict[str, int] = {}
    for claim in (claim for claim in CLAIMS if claim.region == region):
        member_pk = member_pk_of.get(claim.member.member_id)
        if member_pk is None:
            member_pk = member_pk_of[claim.member.member_id] = len(rows.members) + 1
            rows.members.append(_member_row(member_pk, claim.member))
        claim_pk[claim.claim_number] = len(rows.claims) + 1
        rows.claims.append(
            _claim_row(claim_pk[claim.claim_number], claim, first_provider[claim.tax_id], member_pk)
        )
    for member_region, member in MEMBERS_WITHOUT_CLAIMS:
        if member_region == region:
            rows.members.append(_member_row(len(rows.members) + 1, member))
    message_pk: list[int] = []
    for message in MESSAGES:
        if message.claim_number not in claim_pk:
            message_pk.append(0)
            continue
        pk = len(rows.messages) + 1
        message_pk.append(pk)
        claim = next(claim for claim in CLAIMS if claim.claim_number == message.claim_number)
        on_behalf = (
            ADAPTERS[region].rules.on_behalf_of_provider_picker and message.folder is MessageFolder.SENT
        )
        rows.messages.append(
            {
                "id": pk,
                "claim_id": claim_pk[message.claim_number],
                "tax_id": claim.tax_id,
                "owner_user_id": message.owner,
                "kind": message.kind.value,
                "folder": message.folder.value,
                "subject": message.subject,
                "body": message.body,
                "subtopic": None,
                "crm_id": message.crm_id,
                "on_behalf_of_provider_id": first_provider[claim.tax_id] if on_behalf else None,
                "in_reply_to_id": message_pk[message.reply_to] if message.reply_to is not None else None,
                "idempotency_key": None,
                "sent_at": message.sent_at,
                "read_at": message.read_at,
            }
        )
        if message.attachment is not None:
            content = demo_pdf(f"Medical records for claim {message.claim_number}")
            rows.attachments.append(
                {
                    "id": len(rows.attachments) + 1,
                    "message_id": pk,
                    "filename": message.attachment,
                    "content_type": "application/pdf",
                    "size_bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "content": content,
                }
            )
    member_pks = {str(row["member_id"]): int(row["id"]) for row in rows.members}
    rows.care = care_rows(region, member_pks, first_provider, len(rows.messages) + 1)
    return rows


def fixed_coverage(member_id: str) -> FixedCoverage:
    """A fixed member's coverage: the demo data's own, else their plan from COVERAGE_FROM to COVERAGE_TO."""
    return FIXED_COVERAGE.get(member_id) or FixedCoverage(None, None, COVERAGE_FROM, COVERAGE_TO)


def _member_row(pk: int, member: FixedMember) -> Row:
    coverage = fixed_coverage(member.member_id)
    return {
        "id": pk,
        "member_id": member.member_id,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "date_of_birth": member.date_of_birth,
        "plan_type": member.plan.value,
        "coverage_from": coverage.coverage_from,
        "coverage_to": coverage.coverage_to,
    }


def _claim_row(pk: int, claim: FixedClaim, provider_pk: int, member_pk: int) -> Row:
    allowed, paid, patient = claim.amounts if claim.amounts is not None else (None, None, None)
    payment = claim.payment
    return {
        "id": pk,
        "claim_number": claim.claim_number,
        "tax_id": claim.tax_id,
        "billing_provider_id": provider_pk,
        "member_id": member_pk,
        "service_from": claim.service[0],
        "service_to": claim.service[1],
        "received_on": claim.received_on,
        "billed_amount": claim.billed,
        "allowed_amount": allowed,
        "paid_amount": paid,
        "patient_responsibility": patient,
        "status": claim.status.value,
        "status_category": STATUS_CATEGORY[claim.status],
        "status_detail": claim.status_detail,
        "payment_vendor": payment.vendor if payment else None,
        "payment_method": payment.method.value if payment else None,
        "payment_reference": payment.reference if payment else None,
        "payment_amount": payment.amount if payment else None,
        "paid_on": payment.paid_on if payment else None,
        "diagnosis_codes": list(claim.diagnosis_codes),
        "updated_at": claim.updated_at,
    }


def demo_pdf(title: str) -> bytes:
    """A one-page PDF 1.4 with a line of text, its cross-reference offsets computed, not guessed."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    document = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(document)
    document += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        document += f"{offset:010d} 00000 n \n".encode()
    document += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF".encode()
    return bytes(document)


# ------------------------------------------------------------ partner client

PARTNER_CREATED_AT: Final = datetime(2025, 6, 20, 15, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FixedPartnerClient:
    client_id: str
    name: str
    secret: str
    scopes: tuple[str, ...]
    bindings: tuple[tuple[str, str], ...]  # (region, Tax ID)
    requests_per_minute: int = 300
    cost_per_minute: int = 100_000


PARTNER_CLIENTS: Final[tuple[FixedPartnerClient, ...]] = (
    FixedPartnerClient(
        client_id="summit-billing",
        name="Summit Billing Services",
        secret="demo-partner-secret",
        # Patient verification is a billing company's work too (the Online Affiliate FAQ): eligibility,
        # never clinical data.
        scopes=("claims:read", "eligibility:read", "messages:read", "messages:write"),
        bindings=(("GA", "58-6000006"),),
    ),
)


@cache
def _partner_secret_hash(secret: str) -> str:
    """Each demo secret hashed once per process, like the demo password."""
    return hash_password(secret)


def partner_rows() -> tuple[list[Row], list[Row]]:
    """The partner clients of docs/demo-data.md, and their bindings, as rows."""
    clients: list[Row] = []
    bindings: list[Row] = []
    for pk, client in enumerate(PARTNER_CLIENTS, start=1):
        clients.append(
            {
                "id": pk,
                "client_id": client.client_id,
                "name": client.name,
                "secret_hash": _partner_secret_hash(client.secret),
                "scopes": " ".join(sorted(client.scopes)),
                "requests_per_minute": client.requests_per_minute,
                "cost_per_minute": client.cost_per_minute,
                "created_at": PARTNER_CREATED_AT,
                "rotated_at": None,
                "disabled_at": None,
            }
        )
        bindings.extend(
            {"partner_client_id": pk, "entity_id": ENTITY_PK[tax_id], "region": region}
            for region, tax_id in client.bindings
        )
    return clients, bindings
