"""Referrals and authorizations (the X12 278 request and response, as records): their vocabularies, the
records a region hands out, what the gateway asks a region to write, and the decision time frames."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from regions.base.records import MemberRecord, MessageRecord, NewAttachment, record


class AuthorizationKind(Enum):
    REFERRAL = "REFERRAL"
    PRIOR_AUTHORIZATION = "PRIOR_AUTHORIZATION"
    INPATIENT_ADMISSION = "INPATIENT_ADMISSION"


class AuthorizationUrgency(Enum):
    STANDARD = "STANDARD"
    EXPEDITED = "EXPEDITED"


class AuthorizationStatus(Enum):
    SUBMITTED = "SUBMITTED"
    PENDED_FOR_INFORMATION = "PENDED_FOR_INFORMATION"
    APPROVED = "APPROVED"
    PARTIALLY_APPROVED = "PARTIALLY_APPROVED"
    DENIED = "DENIED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


# Waiting for a decision: a reviewer may decide these, the requester may cancel them.
OPEN_STATUSES = frozenset({AuthorizationStatus.SUBMITTED, AuthorizationStatus.PENDED_FOR_INFORMATION})
# What a reviewer may decide an open request to be.
DECISIONS = frozenset(
    {
        AuthorizationStatus.APPROVED,
        AuthorizationStatus.PARTIALLY_APPROVED,
        AuthorizationStatus.DENIED,
        AuthorizationStatus.PENDED_FOR_INFORMATION,
    }
)


class ServiceDecision(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DENIED = "DENIED"


class AuthorizationAction(Enum):
    RESPOND_TO_REQUEST_FOR_INFORMATION = "RESPOND_TO_REQUEST_FOR_INFORMATION"
    CANCEL = "CANCEL"


class AuthorizationSort(Enum):
    """A provider's list reads newest first; a reviewer's queue, the soonest due first."""

    SUBMITTED_NEWEST = "SUBMITTED_NEWEST"
    DUE_SOONEST = "DUE_SOONEST"


# CMS Interoperability and Prior Authorization final rule (CMS-0057-F): a decision within 72 hours of an
# expedited request and 7 calendar days of a standard one.
DECISION_TIME_FRAMES: dict[AuthorizationUrgency, timedelta] = {
    AuthorizationUrgency.EXPEDITED: timedelta(hours=72),
    AuthorizationUrgency.STANDARD: timedelta(days=7),
}


def decision_due_at(urgency: AuthorizationUrgency, submitted_at: datetime) -> datetime:
    """When the plan owes a decision on a request (CMS-0057-F)."""
    return submitted_at + DECISION_TIME_FRAMES[urgency]


def open_request_key(member_id: str, services: Iterable[tuple[str, date, date]]) -> str:
    """What makes two open requests the same: the member, the procedure codes and their dates (a digest,
    so that any number of services fits one indexed column)."""
    lines = sorted(f"{code}:{start.isoformat()}:{end.isoformat()}" for code, start, end in services)
    return hashlib.sha256(f"{member_id}|{'|'.join(lines)}".encode()).hexdigest()


def authorization_number(region: str, pk: int) -> str:
    """The plan's number of an authorization: its region, "-A" and nine digits (e.g. CO-A000000001)."""
    return f"{region}-A{pk:09d}"


# What the services of a request are called in letters and on screen; a code not listed has no
# description (its format was checked, the catalogue is not exhaustive).
PROCEDURE_DESCRIPTIONS: dict[str, str] = {
    "27447": "Total knee arthroplasty",
    "27130": "Total hip arthroplasty",
    "29881": "Knee arthroscopy with meniscectomy",
    "70553": "MRI brain without and with contrast",
    "72148": "MRI lumbar spine without contrast",
    "73721": "MRI lower extremity joint without contrast",
    "97110": "Therapeutic exercise",
    "97140": "Manual therapy",
    "97161": "Physical therapy evaluation, low complexity",
    "97162": "Physical therapy evaluation, moderate complexity",
    "97163": "Physical therapy evaluation, high complexity",
    "99204": "Office visit, new patient",
    "99244": "Office consultation",
    "90837": "Psychotherapy, 60 minutes",
    "E0601": "Continuous positive airway pressure device",
    "J1745": "Infliximab injection, 10 mg",
}


@record
class AuthorizedServiceRecord:
    line_number: int
    procedure_code: str
    description: str | None
    requested_units: int
    approved_units: int | None
    service_from: date
    service_to: date
    decision: ServiceDecision


@record
class AuthorizationRecord:
    region: str
    pk: int
    authorization_number: str
    tax_id: str
    member: MemberRecord
    kind: AuthorizationKind
    urgency: AuthorizationUrgency
    status: AuthorizationStatus
    requesting_provider_pk: int
    servicing_provider_npi: str
    servicing_provider_name: str
    diagnosis_codes: tuple[str, ...] | None  # clinical: blanked for administrative access
    clinical_notes: str | None  # clinical: blanked for administrative access
    requested_by: str
    submitted_at: datetime
    decision_due_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    valid_from: date | None
    valid_to: date | None
    services: tuple[AuthorizedServiceRecord, ...]

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime) -> bool:
        """Past its decision time frame without a decision (CMS-0057-F)."""
        return self.status in OPEN_STATUSES and now > self.decision_due_at


@dataclass(frozen=True, slots=True)
class AuthorizationCursor:
    """Keyset position in either order: the timestamp the list is sorted by, then the row id."""

    at: datetime
    pk: int


@dataclass(frozen=True, slots=True)
class AuthorizationSearch:
    """A page of authorizations in one region: within `tax_ids`, or the whole region (None) for its
    reviewers."""

    tax_ids: frozenset[str] | None
    authorization_number: str | None = None
    member_id: str | None = None
    statuses: frozenset[AuthorizationStatus] | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    # Only requests open past this moment (the overdue ones).
    due_before: datetime | None = None
    sort: AuthorizationSort = AuthorizationSort.SUBMITTED_NEWEST
    after: AuthorizationCursor | None = None
    limit: int = 20
    with_total: bool = False


@dataclass(frozen=True, slots=True)
class NewService:
    procedure_code: str
    units: int
    service_from: date
    service_to: date


@dataclass(frozen=True, slots=True)
class NewAuthorization:
    """A request as the gateway has checked it, with the member it was found for."""

    member_id: str
    tax_id: str
    kind: AuthorizationKind
    urgency: AuthorizationUrgency
    requesting_provider_pk: int
    servicing_provider_npi: str
    servicing_provider_name: str
    diagnosis_codes: tuple[str, ...]
    services: tuple[NewService, ...]
    clinical_notes: str
    requested_by: str
    idempotency_key: str | None
    submitted_at: datetime

    def open_request_key(self) -> str:
        return open_request_key(
            self.member_id,
            ((service.procedure_code, service.service_from, service.service_to) for service in self.services),
        )


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter a region files in a provider's in-basket."""

    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class ServiceDecisionInput:
    line_number: int
    decision: ServiceDecision
    approved_units: int | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision (or a region's automatic one) on an open request."""

    status: AuthorizationStatus
    services: tuple[ServiceDecisionInput, ...]
    reason: str | None
    valid_from: date | None
    valid_to: date | None
    decided_by: str
    decided_at: datetime


class FilingOutcome(Enum):
    FILED = "FILED"
    # An earlier request of the same person under the same idempotency key: nothing new was filed.
    REPLAYED = "REPLAYED"
    # The same member, services and dates are already open.
    DUPLICATE = "DUPLICATE"
    # Decided, cancelled or answered meanwhile: the change no longer applies.
    NOT_OPEN = "NOT_OPEN"


@dataclass(frozen=True, slots=True)
class Filing:
    """What a write about an authorization did, and the messages it filed (to announce)."""

    outcome: FilingOutcome
    authorization: AuthorizationRecord | None
    messages: tuple[MessageRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class NewAuthorizationMessage:
    """A message about an authorization: the request as sent, a letter, or a provider's answer."""

    owner_user_id: str
    subject: str
    body: str
    idempotency_key: str | None
    sent_at: datetime
    files: tuple[NewAttachment, ...] = ()
