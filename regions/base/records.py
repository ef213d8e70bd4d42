"""Plain records a region hands to the gateway, and the vocabularies they use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Generic, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """A record read from a region's rows: immutable to the type checker (mypy rejects an assignment to a
    field, as for `dataclass(frozen=True)`), a plain slotted dataclass at run time.

    A frozen dataclass sets every field through `object.__setattr__` in its `__init__`, 4-5 times the cost
    of a plain one, and a claims page builds hundreds of these per request. Equality and hashing stay
    those of a frozen dataclass (by value), and `dataclasses.replace` works as before.
    tests/test_claim_records.py checks that mypy still refuses assignments."""
    return dataclass(slots=True, unsafe_hash=True)(cls)


class Unread(Enum):
    """What a record read for a list holds in a field the list's selection does not show
    (regions/base/rows.py `claim_reading`): a list reads a few of a claim's columns, not all 28. A value
    nobody asked for never reaches an answer; were one read by mistake, it is of no type a field accepts,
    so the answer says so (an error at its path) instead of showing a wrong value."""

    UNREAD = "unread"

    def __str__(self) -> str:
        # Scalars such as Decimal serialize with `str`: without text of its own, UNREAD fails there too.
        raise TypeError("a field the list did not read")


# Typed Any so that it may stand in a field of any type.
UNREAD: Final[Any] = Unread.UNREAD


class ClaimStatus(Enum):
    RECEIVED = "RECEIVED"
    IN_PROCESS = "IN_PROCESS"
    PENDED_FOR_INFORMATION = "PENDED_FOR_INFORMATION"
    PAID = "PAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    DENIED = "DENIED"
    ADJUSTED = "ADJUSTED"


FINALIZED_STATUSES = frozenset(
    {ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED, ClaimStatus.ADJUSTED}
)

# X12 277 claim status category codes: A = acknowledged, P = pending, F = finalized.
STATUS_CATEGORY: dict[ClaimStatus, str] = {
    ClaimStatus.RECEIVED: "A1",
    ClaimStatus.IN_PROCESS: "A2",
    ClaimStatus.PENDED_FOR_INFORMATION: "P3",
    ClaimStatus.PAID: "F1",
    ClaimStatus.PARTIALLY_PAID: "F1",
    ClaimStatus.DENIED: "F2",
    ClaimStatus.ADJUSTED: "F3",
}


class ClaimAction(Enum):
    """The choices of Take Action on a claim (seed 004, step 4)."""

    SUBMIT_SUPPORTING_DOCUMENTATION = "SUBMIT_SUPPORTING_DOCUMENTATION"
    RESPOND_TO_REQUEST_FOR_INFORMATION = "RESPOND_TO_REQUEST_FOR_INFORMATION"
    FILE_DISPUTE = "FILE_DISPUTE"


class PlanType(Enum):
    HMO = "HMO"
    SELF_FUNDED = "SELF_FUNDED"
    PPO = "PPO"
    POS = "POS"
    OUT_OF_AREA = "OUT_OF_AREA"
    DEDUCTIBLE_HMO = "DEDUCTIBLE_HMO"
    MEDICARE_ADVANTAGE = "MEDICARE_ADVANTAGE"
    MEDICAID = "MEDICAID"


class PaymentMethod(Enum):
    CHECK = "CHECK"
    EFT = "EFT"


class MessageKind(Enum):
    SUPPORTING_DOCUMENTATION = "SUPPORTING_DOCUMENTATION"
    REQUEST_FOR_INFORMATION_RESPONSE = "REQUEST_FOR_INFORMATION_RESPONSE"
    DISPUTE = "DISPUTE"
    ACKNOWLEDGEMENT_LETTER = "ACKNOWLEDGEMENT_LETTER"


class MessageFolder(Enum):
    SENT = "SENT"
    CUSTOMER_SERVICE_REPLY = "CUSTOMER_SERVICE_REPLY"


class RfiSubtopic(Enum):
    SOLICITED_CLAIMS_RFI_LETTER = "SOLICITED_CLAIMS_RFI_LETTER"
    CLINICAL_REVIEW_RFI_LETTER = "CLINICAL_REVIEW_RFI_LETTER"
    CODE_EDIT_RFI_LETTER = "CODE_EDIT_RFI_LETTER"
    UNSOLICITED_RFI_DOCUMENT = "UNSOLICITED_RFI_DOCUMENT"


@record
class ProviderRecord:
    region: str
    pk: int
    npi: str
    name: str
    specialty: str | None
    tax_id: str


@record
class MemberRecord:
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: date | None  # clinical: blanked for administrative access
    plan_type: PlanType
    coverage_from: date | None
    coverage_to: date | None


@record
class PaymentRecord:
    vendor: str
    method: PaymentMethod
    reference: str
    amount: Decimal
    paid_on: date


@record
class ClaimRecord:
    region: str
    pk: int
    claim_number: str
    tax_id: str
    billing_provider_pk: int
    member: MemberRecord
    service_from: date
    service_to: date
    received_on: date
    billed_amount: Decimal
    allowed_amount: Decimal | None
    paid_amount: Decimal | None
    patient_responsibility: Decimal | None
    status: ClaimStatus
    status_category: str
    status_detail: str | None
    payment: PaymentRecord | None
    diagnosis_codes: tuple[str, ...] | None  # clinical: blanked for administrative access
    updated_at: datetime


@record
class MessageRecord:
    region: str
    pk: int
    claim_pk: int | None
    tax_id: str
    owner_user_id: str
    kind: MessageKind
    folder: MessageFolder
    subject: str
    body: str
    subtopic: RfiSubtopic | None
    crm_id: str | None
    on_behalf_of_provider_pk: int | None
    in_reply_to_pk: int | None
    sent_at: datetime
    read_at: datetime | None


@record
class AttachmentRecord:
    region: str
    pk: int
    message_pk: int
    tax_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paged list; `total` only when it was asked for."""

    items: list[T]
    has_more: bool
    total: int | None


# ------------------------------------------------------- Take Action (seed 004)


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file the gateway has checked (type from its bytes, size, digest), ready to store with a message."""

    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    # Reads the checked bytes when the row is written, so that a message's files are not all held in
    # memory at once.
    read_content: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A submission on a claim (Take Action), as the gateway has checked it."""

    claim_pk: int
    tax_id: str
    owner_user_id: str
    kind: MessageKind
    subject: str
    body: str
    subtopic: RfiSubtopic | None
    crm_id: str | None
    on_behalf_of_provider_pk: int | None
    idempotency_key: str | None
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class AcknowledgementLetter:
    """The automated reply a region files for a submission (seed 004: California only)."""

    subject: str
    body: str


class SubmissionOutcome(Enum):
    FILED = "FILED"
    # An earlier submission of the same person with the same idempotency key: nothing new was filed.
    REPLAYED = "REPLAYED"
    # A dispute stays open until the claim is adjudicated again; a second one is not filed.
    DISPUTE_ALREADY_OPEN = "DISPUTE_ALREADY_OPEN"


@dataclass(frozen=True, slots=True)
class Submission:
    """What filing a message did; `message` is None only when it was not filed (an open dispute)."""

    outcome: SubmissionOutcome
    message: MessageRecord | None
    acknowledgement: MessageRecord | None
