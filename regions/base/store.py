"""Queries against one regional store. Every method is one statement (two when a total is asked for
on an empty later page), whatever the number of keys: the gateway's dataloaders rely on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from regions.base.queries import (
    ClaimSearch,
    MessageSearch,
    ProviderSearch,
)
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    ClaimStatus,
    MemberRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    Page,
    PaymentMethod,
    PaymentRecord,
    PlanType,
    ProviderRecord,
    RfiSubtopic,
)
from regions.base.tables import attachments, claims, members, messages, providers

_CLAIM_COLUMNS = (
    claims,
    members.c.member_id.label("m_member_id"),
    members.c.first_name.label("m_first_name"),
    members.c.last_name.label("m_last_name"),
    members.c.date_of_birth.label("m_date_of_birth"),
    members.c.plan_type.label("m_plan_type"),
    members.c.coverage_from.label("m_coverage_from"),
    members.c.coverage_to.label("m_coverage_to"),
)
_ATTACHMENT_COLUMNS = (
    attachments.c.id,
    attachments.c.message_id,
    attachments.c.filename,
    attachments.c.content_type,
    attachments.c.size_bytes,
    attachments.c.sha256,
    messages.c.tax_id,
)


class RegionStore:
    """Reads of one region's store, returning plain records."""

    def __init__(self, region: str, engine: AsyncEngine) -> None:
        self.region = region
        self.engine = engine

    async def ping(self) -> None:
        """One trivial statement: does the store answer?"""
        async with self.engine.connect() as connection:
            await connection.execute(select(1))

    # ------------------------------------------------------------------ claims

    def _claims_select(self) -> Select[Any]:
        return select(*_CLAIM_COLUMNS).join(members, members.c.id == claims.c.member_id)

    async def claims_by_pks(self, pks: Sequence[int]) -> dict[int, ClaimRecord]:
        rows = await self._all(self._claims_select().where(claims.c.id.in_(pks)))
        return {row["id"]: self._claim(row) for row in rows}

    async def claims_by_numbers(self, numbers: Sequence[str]) -> dict[str, ClaimRecord]:
        rows = await self._all(self._claims_select().where(claims.c.claim_number.in_(numbers)))
        return {row["claim_number"]: self._claim(row) for row in rows}

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        if not search.tax_ids:
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        conditions: list[Any] = [claims.c.tax_id.in_(sorted(search.tax_ids))]
        if search.claim_number is not None:
            conditions.append(claims.c.claim_number == search.claim_number)
        if search.statuses:
            conditions.append(claims.c.status.in_(sorted(s.value for s in search.statuses)))
        if search.received_from is not None:
            conditions.append(claims.c.received_on >= search.received_from)
        if search.received_to is not None:
            conditions.append(claims.c.received_on <= search.received_to)
        order = (claims.c.received_on.desc(), claims.c.claim_number.desc())
        page_conditions = list(conditions)
        if search.after is not None:
            page_conditions.append(
                tuple_(claims.c.received_on, claims.c.claim_number)
                < tuple_(search.after.received_on, search.after.claim_number)
            )
        statement = self._claims_select().where(*page_conditions).order_by(*order).limit(search.limit + 1)
        total_query = select(func.count()).select_from(claims).where(*conditions)
        rows, total = await self._page(statement, total_query, search.with_total, search.after is not None)
        items = [self._claim(row) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    def _claim(self, row: RowMapping) -> ClaimRecord:
        payment = None
        if row["payment_method"] is not None:
            payment = PaymentRecord(
                vendor=row["payment_vendor"],
                method=PaymentMethod(row["payment_method"]),
                reference=row["payment_reference"],
                amount=row["payment_amount"],
                paid_on=row["paid_on"],
            )
        return ClaimRecord(
            region=self.region,
            pk=row["id"],
            claim_number=row["claim_number"],
            tax_id=row["tax_id"],
            billing_provider_pk=row["billing_provider_id"],
            member=MemberRecord(
                member_id=row["m_member_id"],
                first_name=row["m_first_name"],
                last_name=row["m_last_name"],
                date_of_birth=row["m_date_of_birth"],
                plan_type=PlanType(row["m_plan_type"]),
                coverage_from=row["m_coverage_from"],
                coverage_to=row["m_coverage_to"],
            ),
            service_from=row["service_from"],
            service_to=row["service_to"],
            received_on=row["received_on"],
            billed_amount=row["billed_amount"],
            allowed_amount=row["allowed_amount"],
            paid_amount=row["paid_amount"],
            patient_responsibility=row["patient_responsibility"],
            status=ClaimStatus(row["status"]),
            status_category=row["status_category"],
            status_detail=row["status_detail"],
            payment=payment,
            diagnosis_codes=tuple(row["diagnosis_codes"]),
            updated_at=row["updated_at"],
        )

    # --------------------------------------------------------------- providers

    async def providers_by_pks(self, pks: Sequence[int]) -> dict[int, ProviderRecord]:
        rows = await self._all(select(providers).where(providers.c.id.in_(pks)))
        return {row["id"]: self._provider(row) for row in rows}

    async def search_providers(self, search: ProviderSearch) -> Page[ProviderRecord]:
        conditions: list[Any] = [providers.c.tax_id == search.tax_id]
        text = (search.text or "").strip()
        if text:
            by_name = func.lower(providers.c.name).contains(text.lower(), autoescape=True)
            conditions.append(by_name | providers.c.npi.startswith(text, autoescape=True))
        page_conditions = list(conditions)
        if search.after is not None:
            page_conditions.append(
                tuple_(providers.c.name, providers.c.id) > tuple_(search.after.name, search.after.pk)
            )
        statement = (
            select(providers)
            .where(*page_conditions)
            .order_by(providers.c.name, providers.c.id)
            .limit(search.limit + 1)
        )
        total_query = select(func.count()).select_from(providers).where(*conditions)
        rows, total = await self._page(statement, total_query, search.with_total, search.after is not None)
        items = [self._provider(row) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    def _provider(self, row: RowMapping) -> ProviderRecord:
        return ProviderRecord(
            region=self.region,
            pk=row["id"],
            npi=row["npi"],
            name=row["name"],
            specialty=row["specialty"],
            tax_id=row["tax_id"],
        )

    # ---------------------------------------------------------------- messages

    async def messages_by_pks(self, pks: Sequence[int]) -> dict[int, MessageRecord]:
        rows = await self._all(select(messages).where(messages.c.id.in_(pks)))
        return {row["id"]: self._message(row) for row in rows}

    async def search_messages(self, search: MessageSearch) -> Page[MessageRecord]:
        if not search.tax_ids:
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        conditions: list[Any] = [messages.c.tax_id.in_(sorted(search.tax_ids))]
        if search.claim_pk is not None:
            conditions.append(messages.c.claim_id == search.claim_pk)
        if search.owner_user_id is not None:
            conditions.append(messages.c.owner_user_id == search.owner_user_id)
        if search.folder is not None:
            conditions.append(messages.c.folder == search.folder.value)
        if search.unread_only:
            conditions.append(messages.c.read_at.is_(None))
        page_conditions = list(conditions)
        if search.after is not None:
            page_conditions.append(
                tuple_(messages.c.sent_at, messages.c.id) < tuple_(search.after.sent_at, search.after.pk)
            )
        statement = (
            select(messages)
            .where(*page_conditions)
            .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
            .limit(search.limit + 1)
        )
        total_query = select(func.count()).select_from(messages).where(*conditions)
        rows, total = await self._page(statement, total_query, search.with_total, search.after is not None)
        items = [self._message(row) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    def _message(self, row: RowMapping) -> MessageRecord:
        return MessageRecord(
            region=self.region,
            pk=row["id"],
            claim_pk=row["claim_id"],
            tax_id=row["tax_id"],
            owner_user_id=row["owner_user_id"],
            kind=MessageKind(row["kind"]),
            folder=MessageFolder(row["folder"]),
            subject=row["subject"],
            body=row["body"],
            subtopic=RfiSubtopic(row["subtopic"]) if row["subtopic"] else None,
            crm_id=row["crm_id"],
            on_behalf_of_provider_pk=row["on_behalf_of_provider_id"],
            in_reply_to_pk=row["in_reply_to_id"],
            sent_at=row["sent_at"],
            read_at=row["read_at"],
        )

    # ------------------------------------------------------------- attachments

    async def attachments_by_message_pks(self, pks: Sequence[int]) -> dict[int, list[AttachmentRecord]]:
        statement = (
            select(*_ATTACHMENT_COLUMNS)
            .join(messages, messages.c.id == attachments.c.message_id)
            .where(attachments.c.message_id.in_(pks))
            .order_by(attachments.c.id)
        )
        found: dict[int, list[AttachmentRecord]] = {pk: [] for pk in pks}
        for row in await self._all(statement):
            found[row["message_id"]].append(self._attachment(row))
        return found

    async def attachments_by_pks(self, pks: Sequence[int]) -> dict[int, AttachmentRecord]:
        statement = (
            select(*_ATTACHMENT_COLUMNS)
            .join(messages, messages.c.id == attachments.c.message_id)
            .where(attachments.c.id.in_(pks))
        )
        return {row["id"]: self._attachment(row) for row in await self._all(statement)}

    async def attachment_content(self, pk: int) -> bytes | None:
        async with self.engine.connect() as connection:
            statement = select(attachments.c.content).where(attachments.c.id == pk)
            content = (await connection.execute(statement)).scalar_one_or_none()
            return None if content is None else bytes(content)

    def _attachment(self, row: RowMapping) -> AttachmentRecord:
        return AttachmentRecord(
            region=self.region,
            pk=row["id"],
            message_pk=row["message_id"],
            tax_id=row["tax_id"],
            filename=row["filename"],
            content_type=row["content_type"],
            size_bytes=row["size_bytes"],
            sha256=row["sha256"],
        )

    # ----------------------------------------------------------------- helpers

    async def _all(self, statement: Select[Any]) -> Sequence[RowMapping]:
        async with self.engine.connect() as connection:
            result = await connection.execute(statement)
            rows: Sequence[RowMapping] = result.mappings().all()
            return rows

    async def _page(
        self, statement: Select[Any], total_query: Select[Any], with_total: bool, has_cursor: bool
    ) -> tuple[Sequence[RowMapping], int | None]:
        """Rows of one page and, when asked, the count of the whole list in the same statement."""
        if not with_total:
            return await self._all(statement), None
        page = statement.add_columns(total_query.scalar_subquery().label("_total"))
        rows = await self._all(page)
        if rows:
            return rows, int(rows[0]["_total"])
        if not has_cursor:
            return rows, 0
        # A page past the end carries no row to hold the count: ask for it on its own.
        async with self.engine.connect() as connection:
            return rows, int((await connection.execute(total_query)).scalar_one())
