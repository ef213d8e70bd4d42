"""Reads and writes of the national directory. Batch reads are one statement per call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.directory.audit_log import AuditLog
from gateway.directory.records import (
    AccessLevel,
    AgreementRecord,
    AgreementStatus,
    AssociationRecord,
    AssociationStatus,
    Credentials,
    EntityKind,
    EntityRecord,
    TpaAttestationRecord,
    UserKind,
    UserRecord,
    UserStatus,
)
from gateway.directory.tables import (
    agreements,
    associations,
    entities,
    tpa_attestations,
    users,
)
from regions.base.reads import keys, one_of, open_reads
from regions.base.records import Page

# What a UserRecord holds: no secrets, and only plain values (the lean read decodes none).
_USER_SECRETS = {
    "password_hash",
    "created_at",
    "totp_secret",
    "totp_pending_secret",
}
_USER_COLUMNS = (
    *(c for c in users.c if c.name not in _USER_SECRETS),
    users.c.totp_secret.is_not(None).label("mfa_enabled"),
)
_USER_NAMES = tuple(c.name for c in _USER_COLUMNS)
_ASSOCIATION_COLUMNS = (associations, entities.c.tax_id)


class DirectoryStore:
    """The national directory, over its own engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.reads = open_reads(engine)
        self._audit_log = AuditLog(engine)

    async def close(self) -> None:
        """Close the lean reads' connections; the engine is disposed of by its owner."""
        await self.reads.close()

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(select(1))

    # -------------------------------------------------------------------- users

    async def users_by_pks(self, pks: Sequence[int]) -> dict[int, UserRecord]:
        # A lean read (regions/base/reads.py): the viewer's own record is read on every page that shows it.
        single, bound = keys(pks)
        statement = self.reads.statement(
            ("users_by_pks", single), lambda: select(*_USER_COLUMNS).where(one_of(users.c.id, "pks", single))
        )
        rows = await self.reads.fetch(statement, {"pks": bound})
        return {row[0]: _user(dict(zip(_USER_NAMES, row, strict=True))) for row in rows}

    async def credentials(self, user_id: str) -> Credentials | None:
        statement = select(
            users.c.id,
            users.c.user_id,
            users.c.status,
            users.c.password_hash,
            users.c.totp_secret,
        ).where(users.c.user_id == user_id.strip().lower())
        rows = await self._all(statement)
        if not rows:
            return None
        row = rows[0]
        return Credentials(
            user_pk=row["id"],
            user_id=row["user_id"],
            status=UserStatus(row["status"]),
            password_hash=row["password_hash"],
            totp_secret=row["totp_secret"],
        )

    async def set_password_hash(self, user_pk: int, password_hash: str) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                update(users).where(users.c.id == user_pk).values(password_hash=password_hash)
            )

    # ----------------------------------------------------------------- entities

    async def entities_by_pks(self, pks: Sequence[int]) -> dict[int, EntityRecord]:
        rows = await self._all(select(entities).where(entities.c.id.in_(pks)))
        return {row["id"]: _entity(row) for row in rows}

    async def entities_by_tax_ids(self, tax_ids: Sequence[str]) -> dict[str, EntityRecord]:
        rows = await self._all(select(entities).where(entities.c.tax_id.in_(tax_ids)))
        return {row["tax_id"]: _entity(row) for row in rows}

    async def agreements_by_entity_pks(self, pks: Sequence[int]) -> dict[int, AgreementRecord]:
        rows = await self._all(select(agreements).where(agreements.c.entity_id.in_(pks)))
        return {
            row["entity_id"]: AgreementRecord(
                entity_pk=row["entity_id"],
                status=AgreementStatus(row["status"]),
                signatory_name=row["signatory_name"],
                signatory_title=row["signatory_title"],
                signatory_email=row["signatory_email"],
                submitted_at=row["submitted_at"],
                processed_at=row["processed_at"],
            )
            for row in rows
        }

    async def attesting_entity_pks(self, tpa_pks: Sequence[int]) -> dict[int, list[int]]:
        """For each third-party administrator, the provider groups whose PROCESSED attestation names it."""
        statement = (
            select(tpa_attestations.c.tpa_entity_id, tpa_attestations.c.group_entity_id)
            .where(
                tpa_attestations.c.tpa_entity_id.in_(tpa_pks),
                tpa_attestations.c.status == AgreementStatus.PROCESSED.value,
            )
            .order_by(tpa_attestations.c.group_entity_id)
        )
        found: dict[int, list[int]] = {pk: [] for pk in tpa_pks}
        for row in await self._all(statement):
            found[row["tpa_entity_id"]].append(row["group_entity_id"])
        return found

    async def tpa_attestations_by_pks(self, pks: Sequence[int]) -> dict[int, TpaAttestationRecord]:
        rows = await self._all(select(tpa_attestations).where(tpa_attestations.c.id.in_(pks)))
        return {row["id"]: tpa_attestation(row) for row in rows}

    async def tpa_attestations_waiting(self, limit: int) -> list[TpaAttestationRecord]:
        """SUBMITTED attestations, oldest first: what representatives have to process."""
        statement = (
            select(tpa_attestations)
            .where(tpa_attestations.c.status == AgreementStatus.SUBMITTED.value)
            .order_by(tpa_attestations.c.id)
            .limit(limit)
        )
        return [tpa_attestation(row) for row in await self._all(statement)]

    async def agreements_waiting(self, limit: int) -> list[EntityRecord]:
        """Entities whose enrollment agreement is SUBMITTED, oldest first."""
        statement = (
            select(entities)
            .join(agreements, agreements.c.entity_id == entities.c.id)
            .where(agreements.c.status == AgreementStatus.SUBMITTED.value)
            .order_by(agreements.c.id)
            .limit(limit)
        )
        return [_entity(row) for row in await self._all(statement)]

    # ------------------------------------------------------------- associations

    def _associations_select(self) -> Select[Any]:
        return select(*_ASSOCIATION_COLUMNS).join(entities, entities.c.id == associations.c.entity_id)

    async def associations_by_pks(self, pks: Sequence[int]) -> dict[int, AssociationRecord]:
        rows = await self._all(self._associations_select().where(associations.c.id.in_(pks)))
        return {row["id"]: _association(row) for row in rows}

    async def associations_by_user_pks(self, user_pks: Sequence[int]) -> dict[int, list[AssociationRecord]]:
        statement = (
            self._associations_select()
            .where(associations.c.user_id.in_(user_pks))
            .order_by(associations.c.id)
        )
        found: dict[int, list[AssociationRecord]] = {pk: [] for pk in user_pks}
        for row in await self._all(statement):
            found[row["user_id"]].append(_association(row))
        return found

    async def pending_associations(
        self, region: str, *, after: int | None, limit: int, with_total: bool
    ) -> Page[AssociationRecord]:
        conditions = [
            associations.c.region == region,
            associations.c.status == AssociationStatus.PENDING.value,
        ]
        page_conditions = list(conditions)
        if after is not None:
            page_conditions.append(associations.c.id > after)
        statement = (
            self._associations_select().where(*page_conditions).order_by(associations.c.id).limit(limit + 1)
        )
        rows = await self._all(statement)
        total = None
        if with_total:
            async with self.engine.connect() as connection:
                count = select(func.count()).select_from(associations).where(*conditions)
                total = int((await connection.execute(count)).scalar_one())
        return Page(
            items=[_association(row) for row in rows[:limit]], has_more=len(rows) > limit, total=total
        )

    # -------------------------------------------------------------------- audit

    async def append_audit(
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
        """One audit event, committed before this returns; concurrent events share a transaction
        (audit_log.py). A change's own event commits with the change instead (DirectoryAccounts.audit)."""
        await self._audit_log.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "outcome": outcome,
                "client_address": client_address,
                "request_id": request_id,
                "detail": detail,
            }
        )

    # ------------------------------------------------------------------ helpers

    async def _all(self, statement: Select[Any]) -> Sequence[RowMapping]:
        async with self.engine.connect() as connection:
            rows: Sequence[RowMapping] = (await connection.execute(statement)).mappings().all()
            return rows


def _user(row: Mapping[str, Any]) -> UserRecord:
    return UserRecord(
        pk=row["id"],
        user_id=row["user_id"],
        kind=UserKind(row["kind"]),
        status=UserStatus(row["status"]),
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        phone=row["phone"],
        organization=row["organization"],
        job_title=row["job_title"],
        work_phone=row["work_phone"],
        supervisor_name=row["supervisor_name"],
        supervisor_email=row["supervisor_email"],
        supervisor_phone=row["supervisor_phone"],
        employer_entity_pk=row["employer_entity_id"],
        represents_region=row["represents_region"],
        mfa_enabled=bool(row["mfa_enabled"]),
    )


def _entity(row: RowMapping) -> EntityRecord:
    return EntityRecord(pk=row["id"], tax_id=row["tax_id"], name=row["name"], kind=EntityKind(row["kind"]))


def _association(row: RowMapping) -> AssociationRecord:
    return AssociationRecord(
        pk=row["id"],
        user_pk=row["user_id"],
        entity_pk=row["entity_id"],
        tax_id=row["tax_id"],
        region=row["region"],
        access=AccessLevel(row["access"]),
        status=AssociationStatus(row["status"]),
        requested_at=row["requested_at"],
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
    )


def tpa_attestation(row: RowMapping) -> TpaAttestationRecord:
    return TpaAttestationRecord(
        pk=row["id"],
        group_entity_pk=row["group_entity_id"],
        tpa_entity_pk=row["tpa_entity_id"],
        status=AgreementStatus(row["status"]),
        signatory_name=row["signatory_name"],
        signatory_title=row["signatory_title"],
        signatory_email=row["signatory_email"],
        submitted_at=row["submitted_at"],
        processed_at=row["processed_at"],
    )
