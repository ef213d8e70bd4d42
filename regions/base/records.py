"""Plain records a region hands to the gateway, and the vocabularies they use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Generic, TypeVar, dataclass_transform

from regions.base.fields import nested, read
from regions.base.tables import attachments, claims, members, messages, providers

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(read, nested))
def record(cls: type[T]) -> type[T]:
    """A record read from a region's rows: immutable to the type checker (mypy rejects an assignment to a
    field, as for `dataclass(frozen=True)`), a plain slotted dataclass at run time. Each field says where
    it is read from (`read`, `nested`: regions/base/fields.py).

    A frozen dataclass sets every field through `object.__setattr__` in its `__init__`, 4-5 times the cost
    of a plain one, and a claims page builds hundreds of these per request. Equality and hashing stay
    those of a frozen dataclass (by value), and `dataclasses.replace` works as before.
    tests/test_claim_records.py checks that mypy still refuses assignments."""
    return dataclass(slots=True, unsafe_hash=True)(cls)


class Unread(Enum):
    """What a record read for a list holds in a field the list's selection does not show
    (regions/base/rows.py `reading`): a list reads a few of a claim's columns, not all 28. A value
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
    """The choices of Take Action on a claim (the Online Provider Messaging guide, step 4)."""

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
    # Referrals and authorizations: the request as sent (its files ride on it), the reviewer's letters,
    # and the provider's answer to a request for information.
    AUTHORIZATION_REQUEST = "AUTHORIZATION_REQUEST"
    AUTHORIZATION_DECISION_LETTER = "AUTHORIZATION_DECISION_LETTER"
    AUTHORIZATION_REQUEST_FOR_INFORMATION = "AUTHORIZATION_REQUEST_FOR_INFORMATION"
    AUTHORIZATION_RFI_RESPONSE = "AUTHORIZATION_RFI_RESPONSE"


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
    pk: int = read(providers.c.id, always=True)
    npi: str = read(providers.c.npi)
    name: str = read(providers.c.name)
    specialty: str | None = read(providers.c.specialty)
    tax_id: str = read(providers.c.tax_id)


@record
class MemberRecord:
    member_id: str = read(members.c.member_id)
    first_name: str = read(members.c.first_name)
    last_name: str = read(members.c.last_name)
    date_of_birth: date | None = read(members.c.date_of_birth)  # clinical: blanked for administrative access
    plan_type: PlanType = read(members.c.plan_type)
    coverage_from: date | None = read(members.c.coverage_from)
    coverage_to: date | None = read(members.c.coverage_to)


@record
class PaymentRecord:
    vendor: str = read(claims.c.payment_vendor)
    method: PaymentMethod = read(claims.c.payment_method)
    reference: str = read(claims.c.payment_reference)
    amount: Decimal = read(claims.c.payment_amount)
    paid_on: date = read(claims.c.paid_on)


@record
class ClaimRecord:
    # Read by every list: a claim's identity, its place in the order (the merge of regions, cursors), its
    # Tax ID (access rules) and its billing provider (loaded for the whole page).
    region: str
    pk: int = read(claims.c.id, always=True)
    claim_number: str = read(claims.c.claim_number, always=True)
    tax_id: str = read(claims.c.tax_id, always=True)
    billing_provider_pk: int = read(claims.c.billing_provider_id, always=True)
    member: MemberRecord = nested()
    service_from: date = read(claims.c.service_from)
    service_to: date = read(claims.c.service_to)
    received_on: date = read(claims.c.received_on, always=True)
    billed_amount: Decimal = read(claims.c.billed_amount)
    allowed_amount: Decimal | None = read(claims.c.allowed_amount)
    paid_amount: Decimal | None = read(claims.c.paid_amount)
    patient_responsibility: Decimal | None = read(claims.c.patient_responsibility)
    status: ClaimStatus = read(claims.c.status)
    status_category: str = read(claims.c.status_category)
    status_detail: str | None = read(claims.c.status_detail)
    # A claim has a payment when it has a payment method.
    payment: PaymentRecord | None = nested(present_when="method")
    # clinical: blanked for administrative access
    diagnosis_codes: tuple[str, ...] | None = read(claims.c.diagnosis_codes)
    updated_at: datetime = read(claims.c.updated_at)


@record
class MessageRecord:
    region: str
    pk: int = read(messages.c.id, always=True)
    claim_pk: int | None = read(messages.c.claim_id)
    tax_id: str = read(messages.c.tax_id)
    owner_user_id: str = read(messages.c.owner_user_id)
    kind: MessageKind = read(messages.c.kind)
    folder: MessageFolder = read(messages.c.folder)
    subject: str = read(messages.c.subject)
    body: str = read(messages.c.body)
    subtopic: RfiSubtopic | None = read(messages.c.subtopic)
    crm_id: str | None = read(messages.c.crm_id)
    on_behalf_of_provider_pk: int | None = read(messages.c.on_behalf_of_provider_id)
    in_reply_to_pk: int | None = read(messages.c.in_reply_to_id)
    sent_at: datetime = read(messages.c.sent_at)
    read_at: datetime | None = read(messages.c.read_at)
    authorization_pk: int | None = read(messages.c.authorization_id)


@record
class AttachmentRecord:
    region: str
    pk: int = read(attachments.c.id, always=True)
    message_pk: int = read(attachments.c.message_id)
    # The message's: an attachment is read joined to the message it came with.
    tax_id: str = read(messages.c.tax_id)
    filename: str = read(attachments.c.filename)
    content_type: str = read(attachments.c.content_type)
    size_bytes: int = read(attachments.c.size_bytes)
    sha256: str = read(attachments.c.sha256)
    # Set when the file rides on a message about a referral or authorization (its reviewers read it): the
    # message's, read through the same join as its Tax ID.
    authorization_pk: int | None = read(messages.c.authorization_id)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paged list; `total` only when it was asked for."""

    items: list[T]
    has_more: bool
    total: int | None


# ------------------------------------------------------- Take Action (the Online Provider Messaging guide)


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
    """The automated reply a region files for a submission (the Online Provider Messaging guide: California
    only)."""

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
