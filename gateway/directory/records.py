"""Plain records of the national directory and the vocabularies they use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class UserKind(Enum):
    PROVIDER_STAFF = "PROVIDER_STAFF"
    THIRD_PARTY_ADMINISTRATOR = "THIRD_PARTY_ADMINISTRATOR"
    REGIONAL_REPRESENTATIVE = "REGIONAL_REPRESENTATIVE"
    # Decides referrals and authorizations in their region (the directory's `represents_region`).
    UTILIZATION_REVIEWER = "UTILIZATION_REVIEWER"


class UserStatus(Enum):
    REGISTERING = "REGISTERING"
    ACTIVE = "ACTIVE"
    LOCKED = "LOCKED"
    DISABLED = "DISABLED"


class EntityKind(Enum):
    INDIVIDUAL_PRACTICE = "INDIVIDUAL_PRACTICE"
    GROUP = "GROUP"
    FACILITY = "FACILITY"
    THIRD_PARTY_ADMINISTRATOR = "THIRD_PARTY_ADMINISTRATOR"


class AgreementStatus(Enum):
    SUBMITTED = "SUBMITTED"
    PROCESSED = "PROCESSED"
    REJECTED = "REJECTED"


class AssociationStatus(Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    DENIED = "DENIED"
    REMOVED = "REMOVED"


class AccessLevel(Enum):
    CLINICAL = "CLINICAL"
    ADMINISTRATIVE = "ADMINISTRATIVE"


@dataclass(frozen=True, slots=True)
class UserRecord:
    pk: int
    user_id: str
    kind: UserKind
    status: UserStatus
    first_name: str
    last_name: str
    email: str
    phone: str | None
    organization: str
    job_title: str | None
    work_phone: str | None
    supervisor_name: str | None
    supervisor_email: str | None
    supervisor_phone: str | None
    employer_entity_pk: int | None
    represents_region: str | None
    mfa_enabled: bool = False


@dataclass(frozen=True, slots=True)
class EntityRecord:
    pk: int
    tax_id: str
    name: str
    kind: EntityKind


@dataclass(frozen=True, slots=True)
class AgreementRecord:
    entity_pk: int
    status: AgreementStatus
    signatory_name: str
    signatory_title: str
    signatory_email: str
    submitted_at: datetime
    processed_at: datetime | None


@dataclass(frozen=True, slots=True)
class AssociationRecord:
    pk: int
    user_pk: int
    entity_pk: int
    tax_id: str
    region: str
    access: AccessLevel
    status: AssociationStatus
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str | None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What sign-in needs of a user, never handed beyond the auth package."""

    user_pk: int
    user_id: str
    status: UserStatus
    password_hash: str
    # The TOTP secret when multi-factor sign-in is on: sign-in asks for a code (gateway/auth/mfa.py).
    totp_secret: str | None = None


@dataclass(frozen=True, slots=True)
class TpaAttestationRecord:
    """A provider group's attestation that a third-party administrator works for it (the Online Provider Tools
    page)."""

    pk: int
    group_entity_pk: int
    tpa_entity_pk: int
    status: AgreementStatus
    signatory_name: str
    signatory_title: str
    signatory_email: str
    submitted_at: datetime
    processed_at: datetime | None
