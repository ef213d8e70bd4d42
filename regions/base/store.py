"""Queries against one regional store. Every method is one statement (two when a total is asked for
on an empty later page), whatever the number of keys: the gateway's dataloaders rely on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, Select, and_, func, insert, or_, select, tuple_, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from regions.base.queries import (
    ClaimSearch,
    MessageSearch,
    ProviderSearch,
)
from regions.base.records import (
    AcknowledgementLetter,
    AttachmentRecord,
    ClaimRecord,
    ClaimStatus,
    MemberRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    NewAttachment,
    NewMessage,
    Page,
    PaymentMethod,
    PaymentRecord,
    PlanType,
    ProviderRecord,
    RfiSubtopic,
    Submission,
    SubmissionOutcome,
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
# Stored values to their enum members: a dict look-up per row instead of an Enum call, which is most of
# what turning a page of rows into records costs.
_CLAIM_STATUSES = {member.value: member for member in ClaimStatus}
_PAYMENT_METHODS = {member.value: member for member in PaymentMethod}
_PLAN_TYPES = {member.value: member for member in PlanType}
_MESSAGE_KINDS = {member.value: member for member in MessageKind}
_MESSAGE_FOLDERS = {member.value: member for member in MessageFolder}
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
                method=_PAYMENT_METHODS[row["payment_method"]],
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
                plan_type=_PLAN_TYPES[row["m_plan_type"]],
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
            status=_CLAIM_STATUSES[row["status"]],
            status_category=row["status_category"],
            status_detail=row["status_detail"],
            payment=payment,
            diagnosis_codes=tuple(row["diagnosis_codes"]),
            updated_at=row["updated_at"],
        )

    # ----------------------------------------------------------------- members

    async def members_by_member_ids(self, member_ids: Sequence[str]) -> dict[str, MemberRecord]:
        """Members by their exact (canonical, upper-case) member id."""
        rows = await self._all(select(members).where(members.c.member_id.in_(member_ids)))
        return {
            row["member_id"]: MemberRecord(
                member_id=row["member_id"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                date_of_birth=row["date_of_birth"],
                plan_type=_PLAN_TYPES[row["plan_type"]],
                coverage_from=row["coverage_from"],
                coverage_to=row["coverage_to"],
            )
            for row in rows
        }

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
            kind=_MESSAGE_KINDS[row["kind"]],
            folder=_MESSAGE_FOLDERS[row["folder"]],
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

    async def attachment_chunk(self, pk: int, offset: int, length: int) -> bytes | None:
        """`length` bytes of an attachment from `offset` (the download streams it a chunk at a time)."""
        chunk = func.substr(attachments.c.content, offset + 1, length, type_=LargeBinary)
        async with self.engine.connect() as connection:
            content = (
                await connection.execute(select(chunk).where(attachments.c.id == pk))
            ).scalar_one_or_none()
            return None if content is None else bytes(content)

    # ------------------------------------------------------------- submissions

    async def file_submission(
        self,
        message: NewMessage,
        files: Sequence[NewAttachment],
        letter: AcknowledgementLetter | None,
        *,
        one_open_dispute: bool,
    ) -> Submission:
        """The message, its files and the acknowledgement letter in one transaction: all of them or none.

        A repeated idempotency key of the same owner answers the earlier submission (REPLAYED); with
        `one_open_dispute`, a claim that already has an open dispute gets none (DISPUTE_ALREADY_OPEN).
        """
        try:
            async with self.engine.begin() as connection:
                if connection.dialect.name != "sqlite":
                    # Submissions on one claim take turns, so two disputes sent at the same moment cannot
                    # both find the claim free. SQLite lets one writer in at a time anyway, and a read
                    # before the first write would only make its transaction fail when another commits.
                    lock = select(claims.c.id).where(claims.c.id == message.claim_pk).with_for_update()
                    await connection.execute(lock)
                message_pk = await self._insert_message(connection, message, folder=MessageFolder.SENT)
                if one_open_dispute and await self._other_open_disputes(connection, message, message_pk):
                    raise _DisputeAlreadyOpenError
                for file in files:
                    await connection.execute(
                        insert(attachments).values(
                            message_id=message_pk,
                            filename=file.filename,
                            content_type=file.content_type,
                            size_bytes=file.size_bytes,
                            sha256=file.sha256,
                            content=file.read_content(),
                        )
                    )
                letter_pk = None
                if letter is not None:
                    letter_pk = await self._insert_letter(connection, message, message_pk, letter)
        except _DisputeAlreadyOpenError:
            return Submission(
                outcome=SubmissionOutcome.DISPUTE_ALREADY_OPEN, message=None, acknowledgement=None
            )
        except IntegrityError:
            if message.idempotency_key is None:
                raise
            earlier = await self.submission_by_idempotency_key(message.owner_user_id, message.idempotency_key)
            if earlier is None:
                raise
            return earlier
        filed = await self.messages_by_pks([message_pk] if letter_pk is None else [message_pk, letter_pk])
        return Submission(
            outcome=SubmissionOutcome.FILED,
            message=filed[message_pk],
            acknowledgement=None if letter_pk is None else filed[letter_pk],
        )

    async def submission_by_idempotency_key(self, owner_user_id: str, key: str) -> Submission | None:
        """An owner's earlier submission under an idempotency key, with its acknowledgement letter."""
        first = (
            select(messages.c.id)
            .where(messages.c.owner_user_id == owner_user_id, messages.c.idempotency_key == key)
            .scalar_subquery()
        )
        letter = and_(
            messages.c.in_reply_to_id == first,
            messages.c.kind == MessageKind.ACKNOWLEDGEMENT_LETTER.value,
            messages.c.owner_user_id == owner_user_id,
        )
        rows = await self._all(
            select(messages).where(or_(messages.c.id == first, letter)).order_by(messages.c.id)
        )
        found = [self._message(row) for row in rows]
        sent = [m for m in found if m.kind is not MessageKind.ACKNOWLEDGEMENT_LETTER]
        if not sent:
            return None
        letters = [m for m in found if m.kind is MessageKind.ACKNOWLEDGEMENT_LETTER]
        return Submission(
            outcome=SubmissionOutcome.REPLAYED,
            message=sent[0],
            acknowledgement=letters[0] if letters else None,
        )

    async def mark_messages_read(self, pks: Sequence[int], owner_user_id: str, at: datetime) -> None:
        """Mark an owner's unread messages among `pks` read; others' and read ones stay as they are."""
        statement = (
            update(messages)
            .where(
                messages.c.id.in_(pks),
                messages.c.owner_user_id == owner_user_id,
                messages.c.read_at.is_(None),
            )
            .values(read_at=at)
        )
        async with self.engine.begin() as connection:
            await connection.execute(statement)

    async def _insert_message(
        self, connection: AsyncConnection, message: NewMessage, *, folder: MessageFolder
    ) -> int:
        result = await connection.execute(
            insert(messages).values(
                claim_id=message.claim_pk,
                tax_id=message.tax_id,
                owner_user_id=message.owner_user_id,
                kind=message.kind.value,
                folder=folder.value,
                subject=message.subject,
                body=message.body,
                subtopic=None if message.subtopic is None else message.subtopic.value,
                crm_id=message.crm_id,
                on_behalf_of_provider_id=message.on_behalf_of_provider_pk,
                idempotency_key=message.idempotency_key,
                sent_at=message.sent_at,
                # The sender has read what they sent; only replies arrive unread.
                read_at=message.sent_at,
            )
        )
        return _inserted_pk(result.inserted_primary_key)

    async def _insert_letter(
        self, connection: AsyncConnection, message: NewMessage, message_pk: int, letter: AcknowledgementLetter
    ) -> int:
        result = await connection.execute(
            insert(messages).values(
                claim_id=message.claim_pk,
                tax_id=message.tax_id,
                owner_user_id=message.owner_user_id,
                kind=MessageKind.ACKNOWLEDGEMENT_LETTER.value,
                folder=MessageFolder.CUSTOMER_SERVICE_REPLY.value,
                subject=letter.subject,
                body=letter.body,
                crm_id=message.crm_id,
                in_reply_to_id=message_pk,
                sent_at=message.sent_at,
                read_at=None,
            )
        )
        return _inserted_pk(result.inserted_primary_key)

    async def _other_open_disputes(
        self, connection: AsyncConnection, message: NewMessage, message_pk: int
    ) -> bool:
        """Whether the claim has another dispute sent since it was last adjudicated (its `updated_at`)."""
        statement = (
            select(func.count())
            .select_from(messages.join(claims, claims.c.id == messages.c.claim_id))
            .where(
                messages.c.claim_id == message.claim_pk,
                messages.c.kind == MessageKind.DISPUTE.value,
                messages.c.id != message_pk,
                messages.c.sent_at >= claims.c.updated_at,
            )
        )
        return bool((await connection.execute(statement)).scalar_one())

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


class _DisputeAlreadyOpenError(Exception):
    """Rolls a dispute back when the claim has an open one already."""


def _inserted_pk(key: Any) -> int:
    """The id the store gave a row just inserted."""
    assert key is not None
    pk: int = key[0]
    return pk
