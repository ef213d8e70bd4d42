"""The directory rows behind Manage My Account and enrollment: what the account services write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.directory.records import (
    AccessLevel,
    AgreementStatus,
    AssociationStatus,
    EntityKind,
    UserKind,
    UserStatus,
)
from gateway.directory.tables import (
    agreements,
    associations,
    audit_events,
    entities,
    outbox,
    password_reset_tokens,
    recovery_codes,
    support_case_replies,
    support_cases,
    tpa_attestations,
    users,
)


class SupportTopic(Enum):
    AGREEMENT_ON_FILE = "AGREEMENT_ON_FILE"
    REGISTRATION = "REGISTRATION"
    SIGN_ON = "SIGN_ON"
    TAX_ID_CHANGE = "TAX_ID_CHANGE"
    THIRD_PARTY_ADMINISTRATOR_ACCESS = "THIRD_PARTY_ADMINISTRATOR_ACCESS"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class SupportCaseRecord:
    pk: int
    region: str
    topic: SupportTopic
    status: str
    group_name: str
    tax_id: str
    contact_email: str
    opened_at: datetime
    opened_by: int | None
    description: str = ""

    @property
    def case_number(self) -> str:
        """Readable and unique: the year it was opened and its row id, e.g. OA-2026-000123."""
        return f"OA-{self.opened_at.year}-{self.pk:06d}"


@dataclass(frozen=True, slots=True)
class SupportCaseReplyRecord:
    body: str
    # Null: the Online Affiliate consultant (a representative); else the opener's own name.
    author_name: str | None
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class ResetTokenRecord:
    pk: int
    user_pk: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewUser:
    """A person as registration writes them; the password is already hashed."""

    user_id: str
    kind: UserKind
    password_hash: str
    profile: Mapping[str, str | None]
    employer_entity_pk: int | None


@dataclass(frozen=True, slots=True)
class RequestedAssociation:
    entity_pk: int
    region: str
    access: AccessLevel


class DirectoryAccounts:
    """Reads and writes of one account mutation, all on the connection of its one transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        # Set by every write that changes who someone is (a principal): the caller starts a new directory
        # generation once the transaction commits (gateway/directory/generation.py).
        self.principals_changed = False
        # Set by every email written: the caller wakes the delivery worker once the transaction commits.
        self.emails_queued = False

    # ------------------------------------------------- entities and agreements

    async def add_entity(self, tax_id: str, name: str, kind: EntityKind) -> int:
        result = await self.connection.execute(
            insert(entities).values(tax_id=tax_id, name=name, kind=kind.value).returning(entities.c.id)
        )
        return int(result.scalar_one())

    async def add_agreement(
        self,
        entity_pk: int,
        *,
        signatory_name: str,
        signatory_title: str,
        signatory_email: str,
        submitted_at: datetime,
    ) -> None:
        await self.connection.execute(
            insert(agreements).values(
                entity_id=entity_pk,
                status=AgreementStatus.SUBMITTED.value,
                signatory_name=signatory_name,
                signatory_title=signatory_title,
                signatory_email=signatory_email,
                submitted_at=submitted_at,
            )
        )

    async def add_tpa_attestation(
        self,
        *,
        group_pk: int,
        tpa_pk: int,
        signatory_name: str,
        signatory_title: str,
        signatory_email: str,
        submitted_at: datetime,
    ) -> int:
        """A SUBMITTED attestation; the partial unique index raises IntegrityError when one of the pair is
        already waiting or in force."""
        result = await self.connection.execute(
            insert(tpa_attestations)
            .values(
                group_entity_id=group_pk,
                tpa_entity_id=tpa_pk,
                status=AgreementStatus.SUBMITTED.value,
                signatory_name=signatory_name,
                signatory_title=signatory_title,
                signatory_email=signatory_email,
                submitted_at=submitted_at,
            )
            .returning(tpa_attestations.c.id)
        )
        return int(result.scalar_one())

    async def decide_tpa_attestation(self, pk: int, status: AgreementStatus, at: datetime) -> bool:
        """Process or reject a SUBMITTED attestation; False when it is not waiting any more. Processing
        changes what the TPA's people may see."""
        self.principals_changed = True
        result = await self.connection.execute(
            update(tpa_attestations)
            .where(tpa_attestations.c.id == pk, tpa_attestations.c.status == AgreementStatus.SUBMITTED.value)
            .values(status=status.value, processed_at=at)
        )
        return result.rowcount == 1

    async def decide_agreement(self, entity_pk: int, status: AgreementStatus, at: datetime) -> bool:
        """Process or reject a SUBMITTED agreement; False when it is not waiting any more."""
        result = await self.connection.execute(
            update(agreements)
            .where(
                agreements.c.entity_id == entity_pk,
                agreements.c.status == AgreementStatus.SUBMITTED.value,
            )
            .values(status=status.value, processed_at=at)
        )
        return result.rowcount == 1

    # -------------------------------------------------------------------- users

    async def add_user(self, user: NewUser, created_at: datetime) -> int:
        """Insert a REGISTERING person; the unique user id raises IntegrityError when it is taken."""
        result = await self.connection.execute(
            insert(users)
            .values(
                user_id=user.user_id,
                kind=user.kind.value,
                status=UserStatus.REGISTERING.value,
                password_hash=user.password_hash,
                employer_entity_id=user.employer_entity_pk,
                created_at=created_at,
                **user.profile,
            )
            .returning(users.c.id)
        )
        return int(result.scalar_one())

    async def password_hash(self, user_pk: int) -> str | None:
        result = await self.connection.execute(select(users.c.password_hash).where(users.c.id == user_pk))
        found: str | None = result.scalar_one_or_none()
        return found

    async def update_profile(self, user_pk: int, values: Mapping[str, str | None]) -> None:
        if values:
            await self.connection.execute(update(users).where(users.c.id == user_pk).values(**values))

    async def set_password_hash(self, user_pk: int, password_hash: str) -> None:
        await self.connection.execute(
            update(users).where(users.c.id == user_pk).values(password_hash=password_hash)
        )

    async def activate(self, user_pk: int) -> bool:
        """REGISTERING becomes ACTIVE (a first association approved); False if it was not registering."""
        self.principals_changed = True
        result = await self.connection.execute(
            update(users)
            .where(users.c.id == user_pk, users.c.status == UserStatus.REGISTERING.value)
            .values(status=UserStatus.ACTIVE.value)
        )
        return result.rowcount == 1

    async def recovery_address(self, user_id: str) -> tuple[int, str, UserStatus] | None:
        """(pk, email, status) of a user id, for a password reset."""
        result = await self.connection.execute(
            select(users.c.id, users.c.email, users.c.status).where(users.c.user_id == user_id)
        )
        row = result.first()
        return None if row is None else (int(row[0]), str(row[1]), UserStatus(row[2]))

    async def user_ids_by_email(self, email: str) -> list[str]:
        """User ids of the accounts (not disabled) registered with an email address, any case."""
        result = await self.connection.execute(
            select(users.c.user_id)
            .where(
                func.lower(users.c.email) == email.lower(),
                users.c.status != UserStatus.DISABLED.value,
            )
            .order_by(users.c.user_id)
        )
        return [str(user_id) for user_id in result.scalars()]

    # ------------------------------------------------------------- associations

    async def add_associations(
        self, user_pk: int, requested: Sequence[RequestedAssociation], at: datetime
    ) -> list[int]:
        """PENDING requests, in the order given; one statement."""
        if not requested:
            return []
        self.principals_changed = True  # a Tax ID asked for is a related one
        result = await self.connection.execute(
            insert(associations).returning(associations.c.id, sort_by_parameter_order=True),
            [
                {
                    "user_id": user_pk,
                    "entity_id": request.entity_pk,
                    "region": request.region,
                    "access": request.access.value,
                    "status": AssociationStatus.PENDING.value,
                    "requested_at": at,
                }
                for request in requested
            ],
        )
        return [int(pk) for pk in result.scalars()]

    async def reopen_association(self, pk: int, access: AccessLevel, at: datetime) -> bool:
        """Ask again for a DENIED or REMOVED association: it is PENDING once more, its old decision gone."""
        self.principals_changed = True
        result = await self.connection.execute(
            update(associations)
            .where(
                associations.c.id == pk,
                associations.c.status.in_([AssociationStatus.DENIED.value, AssociationStatus.REMOVED.value]),
            )
            .values(
                status=AssociationStatus.PENDING.value,
                access=access.value,
                requested_at=at,
                decided_at=None,
                decided_by=None,
                decision_reason=None,
            )
        )
        return result.rowcount == 1

    async def decide_association(
        self, pk: int, status: AssociationStatus, *, at: datetime, by: int, reason: str | None
    ) -> bool:
        """Approve or deny a PENDING request; False when it is no longer pending."""
        self.principals_changed = True
        result = await self.connection.execute(
            update(associations)
            .where(associations.c.id == pk, associations.c.status == AssociationStatus.PENDING.value)
            .values(status=status.value, decided_at=at, decided_by=by, decision_reason=reason)
        )
        return result.rowcount == 1

    async def remove_association(self, pk: int) -> bool:
        """REMOVED (the row stays, for the record); False when it was neither PENDING nor ACTIVE."""
        self.principals_changed = True
        result = await self.connection.execute(
            update(associations)
            .where(
                associations.c.id == pk,
                associations.c.status.in_([AssociationStatus.PENDING.value, AssociationStatus.ACTIVE.value]),
            )
            .values(status=AssociationStatus.REMOVED.value)
        )
        return result.rowcount == 1

    # ------------------------------------------------------------ second factor

    async def totp_secrets(self, user_pk: int) -> tuple[str | None, str | None]:
        """(confirmed secret, secret being enrolled) of a person."""
        result = await self.connection.execute(
            select(users.c.totp_secret, users.c.totp_pending_secret).where(users.c.id == user_pk)
        )
        row = result.first()
        return (None, None) if row is None else (row[0], row[1])

    async def set_pending_totp_secret(self, user_pk: int, secret: str) -> None:
        await self.connection.execute(
            update(users).where(users.c.id == user_pk).values(totp_pending_secret=secret)
        )

    async def enable_totp(self, user_pk: int, pending_secret: str, code_hashes: Sequence[str]) -> bool:
        """The secret being enrolled becomes the person's, with new recovery codes (the old ones gone);
        False when another confirmation got there first."""
        self.principals_changed = True  # MFA_REQUIRED: enrolment opens the rest of the portal
        result = await self.connection.execute(
            update(users)
            .where(users.c.id == user_pk, users.c.totp_pending_secret == pending_secret)
            .values(totp_secret=pending_secret, totp_pending_secret=None)
        )
        if result.rowcount != 1:
            return False
        await self.connection.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_pk))
        await self.connection.execute(
            insert(recovery_codes),
            [{"user_id": user_pk, "code_hash": code_hash} for code_hash in code_hashes],
        )
        return True

    async def disable_totp(self, user_pk: int) -> None:
        self.principals_changed = True
        await self.connection.execute(
            update(users).where(users.c.id == user_pk).values(totp_secret=None, totp_pending_secret=None)
        )
        await self.connection.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_pk))

    async def recovery_codes_left(self, user_pk: int) -> int:
        result = await self.connection.execute(
            select(func.count())
            .select_from(recovery_codes)
            .where(recovery_codes.c.user_id == user_pk, recovery_codes.c.used_at.is_(None))
        )
        return int(result.scalar_one())

    # ------------------------------------------------------ password-reset tokens

    async def add_reset_token(
        self, user_pk: int, token_hash: str, *, created_at: datetime, expires_at: datetime
    ) -> None:
        await self.connection.execute(
            insert(password_reset_tokens).values(
                user_id=user_pk, token_hash=token_hash, created_at=created_at, expires_at=expires_at
            )
        )

    async def reset_token(self, token_hash: str) -> ResetTokenRecord | None:
        result = await self.connection.execute(
            select(password_reset_tokens).where(password_reset_tokens.c.token_hash == token_hash)
        )
        row = result.mappings().first()
        if row is None:
            return None
        return ResetTokenRecord(
            pk=row["id"], user_pk=row["user_id"], expires_at=row["expires_at"], used_at=row["used_at"]
        )

    async def use_reset_tokens(self, user_pk: int, token_pk: int, at: datetime) -> bool:
        """Spend one token, and with it every other unused token of the person; False if it was spent."""
        spent = await self.connection.execute(
            update(password_reset_tokens)
            .where(password_reset_tokens.c.id == token_pk, password_reset_tokens.c.used_at.is_(None))
            .values(used_at=at)
        )
        if spent.rowcount != 1:
            return False
        await self.connection.execute(
            update(password_reset_tokens)
            .where(password_reset_tokens.c.user_id == user_pk, password_reset_tokens.c.used_at.is_(None))
            .values(used_at=at)
        )
        return True

    # -------------------------------------------------------------------- outbox

    async def add_email(self, *, kind: str, recipient: str, subject: str, body: str, at: datetime) -> int:
        self.emails_queued = True
        result = await self.connection.execute(
            insert(outbox)
            .values(kind=kind, recipient=recipient, subject=subject, body=body, created_at=at)
            .returning(outbox.c.id)
        )
        return int(result.scalar_one())

    # ------------------------------------------------------------- support cases

    async def add_support_case(
        self,
        *,
        region: str,
        topic: SupportTopic,
        group_name: str,
        tax_id: str,
        contact_email: str,
        description: str,
        opened_at: datetime,
        opened_by: int | None,
    ) -> SupportCaseRecord:
        status = "OPEN"
        result = await self.connection.execute(
            insert(support_cases)
            .values(
                region=region,
                topic=topic.value,
                status=status,
                group_name=group_name,
                tax_id=tax_id,
                contact_email=contact_email,
                description=description,
                opened_at=opened_at,
                opened_by=opened_by,
            )
            .returning(support_cases.c.id)
        )
        return SupportCaseRecord(
            pk=int(result.scalar_one()),
            region=region,
            topic=topic,
            status=status,
            group_name=group_name,
            tax_id=tax_id,
            contact_email=contact_email,
            opened_at=opened_at,
            opened_by=opened_by,
            description=description,
        )

    async def support_cases_by_pks(self, pks: Sequence[int]) -> dict[int, SupportCaseRecord]:
        result = await self.connection.execute(select(support_cases).where(support_cases.c.id.in_(pks)))
        return {row["id"]: support_case_record(row) for row in result.mappings()}

    async def support_cases_of_region(self, region: str, status: str, limit: int) -> list[SupportCaseRecord]:
        """A region's cases in one status, oldest first (the representatives' work queue)."""
        result = await self.connection.execute(
            select(support_cases)
            .where(support_cases.c.region == region, support_cases.c.status == status)
            .order_by(support_cases.c.id)
            .limit(limit)
        )
        return [support_case_record(row) for row in result.mappings()]

    async def replies_of_support_cases(self, pks: Sequence[int]) -> dict[int, list[SupportCaseReplyRecord]]:
        result = await self.connection.execute(
            select(support_case_replies)
            .where(support_case_replies.c.support_case_id.in_(pks))
            .order_by(support_case_replies.c.id)
        )
        found: dict[int, list[SupportCaseReplyRecord]] = {pk: [] for pk in pks}
        for row in result.mappings():
            found[row["support_case_id"]].append(
                SupportCaseReplyRecord(
                    body=row["body"],
                    author_name=row["author_name"],
                    sent_at=row["sent_at"],
                )
            )
        return found

    async def add_support_case_reply(
        self, case_pk: int, *, body: str, author_name: str | None, written_by: int | None, at: datetime
    ) -> None:
        await self.connection.execute(
            insert(support_case_replies).values(
                support_case_id=case_pk, body=body, author_name=author_name, written_by=written_by, sent_at=at
            )
        )

    async def set_support_case_status(self, case_pk: int, status: str, *, unless: str | None = None) -> bool:
        """Set a case's status; False when it is `unless` (e.g. already CLOSED)."""
        conditions = [support_cases.c.id == case_pk]
        if unless is not None:
            conditions.append(support_cases.c.status != unless)
        result = await self.connection.execute(update(support_cases).where(*conditions).values(status=status))
        return result.rowcount == 1

    # --------------------------------------------------------------------- audit

    async def audit(
        self,
        *,
        at: datetime,
        actor: str | None,
        action: str,
        outcome: str,
        client_address: str | None,
        request_id: str | None,
        detail: dict[str, Any],
    ) -> None:
        """The audit event of a change, committed with it (or not at all)."""
        await self.connection.execute(
            insert(audit_events).values(
                at=at,
                actor=actor,
                action=action,
                outcome=outcome,
                client_address=client_address,
                request_id=request_id,
                detail=detail,
            )
        )


def support_case_record(row: Any) -> SupportCaseRecord:
    return SupportCaseRecord(
        pk=row["id"],
        region=row["region"],
        topic=SupportTopic(row["topic"]),
        status=row["status"],
        group_name=row["group_name"],
        tax_id=row["tax_id"],
        contact_email=row["contact_email"],
        opened_at=row["opened_at"],
        opened_by=row["opened_by"],
        description=row["description"],
    )
