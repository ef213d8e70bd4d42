"""Queries against one regional store. Every method is one statement (two when a total is asked for
on an empty later page), whatever the number of keys: the gateway's dataloaders rely on it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    LargeBinary,
    Select,
    and_,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy import bindparam as _bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from regions.base.coverage import MemberCoverage, MemberKey
from regions.base.coverage_rows import member_coverage_select, member_coverages
from regions.base.queries import (
    ClaimSearch,
    MessageSearch,
    ProviderSearch,
)
from regions.base.reads import Row, keys, one_of, open_reads
from regions.base.records import (
    AcknowledgementLetter,
    AttachmentRecord,
    ClaimRecord,
    MemberRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    NewAttachment,
    NewMessage,
    Page,
    ProviderRecord,
    Submission,
    SubmissionOutcome,
)
from regions.base.rows import Reading, reading
from regions.base.tables import attachments, claims, members, messages, providers
from regions.base.writes import open_writes

# A page statement builds its list query and, apart, the count of the whole list.
PageQuery = Callable[[], tuple[Select[Any], Select[Any]]]


class RegionStore:
    """Reads of one region's store, returning plain records.

    Reads go to the driver through `self.reads` (regions/base/reads.py), each statement compiled once per
    query shape; writes are transactions of SQLAlchemy Core through `self.writes` (regions/base/writes.py).
    """

    def __init__(self, region: str, engine: AsyncEngine) -> None:
        self.region = region
        self.engine = engine
        self.reads = open_reads(engine)
        self.writes = open_writes(engine)

    async def close(self) -> None:
        """Close the reads' and writes' own connections; the engine is disposed of by its owner."""
        await self.reads.close()
        await self.writes.close()

    async def ping(self) -> None:
        """One trivial statement: does the store answer?"""
        async with self.engine.connect() as connection:
            await connection.execute(select(1))

    # ------------------------------------------------------------------ claims

    async def claims_by_pks(self, pks: Sequence[int]) -> dict[int, ClaimRecord]:
        single, bound = keys(pks)
        claim = reading(ClaimRecord)

        def build() -> Select[Any]:
            return _claims_select(claim).where(one_of(claims.c.id, "pks", single))

        rows = await self._rows(("claims_by_pks", single), build, {"pks": bound})
        decode, region, decoding = claim.decode, self.region, self.reads.decoding
        return {row[0]: decode(region, row, decoding) for row in rows}

    async def claims_by_numbers(self, numbers: Sequence[str]) -> dict[str, ClaimRecord]:
        single, bound = keys(numbers)
        claim = reading(ClaimRecord)

        def build() -> Select[Any]:
            return _claims_select(claim).where(one_of(claims.c.claim_number, "numbers", single))

        rows = await self._rows(("claims_by_numbers", single), build, {"numbers": bound})
        decode, region, decoding = claim.decode, self.region, self.reads.decoding
        return {row[1]: decode(region, row, decoding) for row in rows}

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        """A page of claims newest first; its records hold only `search.fields` (and what identifies and
        orders a claim), the others UNREAD."""
        if not search.tax_ids:
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        one_tax_id, tax_ids = keys(sorted(search.tax_ids))
        one_status, statuses = keys(sorted(status.value for status in search.statuses or ()))
        by_status = bool(search.statuses)
        by_number = search.claim_number is not None
        received_from = search.received_from is not None
        received_to = search.received_to is not None
        after = search.after is not None
        claim = reading(ClaimRecord, search.fields)
        excluding = bool(search.excluded_plans)
        one_plan, excluded_plans = keys(sorted(plan.value for plan in search.excluded_plans))

        def build() -> tuple[Select[Any], Select[Any]]:
            conditions = [one_of(claims.c.tax_id, "tax_ids", one_tax_id)]
            if excluding:
                served_elsewhere = select(members.c.id).where(
                    one_of(members.c.plan_type, "excluded_plans", one_plan)
                )
                conditions.append(claims.c.member_id.not_in(served_elsewhere))
            if by_number:
                conditions.append(claims.c.claim_number == _param(claims.c.claim_number, "claim_number"))
            if by_status:
                conditions.append(one_of(claims.c.status, "statuses", one_status))
            if received_from:
                conditions.append(claims.c.received_on >= _param(claims.c.received_on, "received_from"))
            if received_to:
                conditions.append(claims.c.received_on <= _param(claims.c.received_on, "received_to"))
            page_conditions = list(conditions)
            if after:
                page_conditions.append(
                    tuple_(claims.c.received_on, claims.c.claim_number)
                    < tuple_(
                        _param(claims.c.received_on, "after_received_on"),
                        _param(claims.c.claim_number, "after_claim_number"),
                    )
                )
            page = (
                _claims_select(claim)
                .where(*page_conditions)
                .order_by(claims.c.received_on.desc(), claims.c.claim_number.desc())
                .limit(_LIMIT)
            )
            return page, select(func.count()).select_from(claims).where(*conditions)

        values: dict[str, Any] = {
            "tax_ids": tax_ids,
            "claim_number": search.claim_number,
            "statuses": statuses,
            "received_from": search.received_from,
            "received_to": search.received_to,
            "excluded_plans": excluded_plans,
            "limit": search.limit + 1,
        }
        if search.after is not None:
            values["after_received_on"] = search.after.received_on
            values["after_claim_number"] = search.after.claim_number
        shape = (
            ("search_claims", one_tax_id, by_number, by_status, one_status),
            (received_from, received_to, after, excluding, one_plan),
            search.fields,
        )
        rows, total = await self._page(shape, build, values, search.with_total, after)
        decode, region, decoding = claim.decode, self.region, self.reads.decoding
        items = [decode(region, row, decoding) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    # ----------------------------------------------------------------- members

    async def members_by_member_ids(self, member_ids: Sequence[str]) -> dict[str, MemberRecord]:
        """Members by their exact (canonical, upper-case) member id."""
        single, bound = keys(member_ids)
        member = reading(MemberRecord)

        def build() -> Select[Any]:
            return select(*member.columns).where(one_of(members.c.member_id, "member_ids", single))

        rows = await self._rows(("members_by_member_ids", single), build, {"member_ids": bound})
        decode, region, decoding = member.decode, self.region, self.reads.decoding
        return {row[0]: decode(region, row, decoding) for row in rows}

    async def find_members(self, wanted: Sequence[MemberKey]) -> dict[MemberKey, MemberCoverage]:
        """`find_member` of many keys in one statement; a key whose id or date of birth matches no member is
        missing from the answer, whichever was wrong."""
        if not wanted:
            return {}
        single, bound = keys(sorted({key.member_id for key in wanted}))
        rows = await self._rows(
            ("find_members", single), lambda: member_coverage_select(single), {"member_ids": bound}
        )
        return member_coverages(self.region, rows, wanted, self.reads.decoding)

    # --------------------------------------------------------------- providers

    async def providers_by_pks(self, pks: Sequence[int]) -> dict[int, ProviderRecord]:
        single, bound = keys(pks)
        provider = reading(ProviderRecord)

        def build() -> Select[Any]:
            return select(*provider.columns).where(one_of(providers.c.id, "pks", single))

        rows = await self._rows(("providers_by_pks", single), build, {"pks": bound})
        decode, region, decoding = provider.decode, self.region, self.reads.decoding
        return {row[0]: decode(region, row, decoding) for row in rows}

    async def search_providers(self, search: ProviderSearch) -> Page[ProviderRecord]:
        text = (search.text or "").strip()
        by_text = bool(text)
        after = search.after is not None
        provider = reading(ProviderRecord)

        def build() -> tuple[Select[Any], Select[Any]]:
            tax_id = _param(providers.c.tax_id, "tax_id")
            conditions: list[ColumnElement[bool]] = [providers.c.tax_id == tax_id]
            if by_text:
                # The patterns are escaped in Python (`_like_escaped`), as `autoescape=True` would.
                name_text, npi_text = (
                    _param(providers.c.name, "name_text"),
                    _param(providers.c.npi, "npi_text"),
                )
                by_name = func.lower(providers.c.name).contains(name_text, escape="/")
                by_npi = providers.c.npi.startswith(npi_text, escape="/")
                conditions.append(by_name | by_npi)
            page_conditions = list(conditions)
            if after:
                page_conditions.append(
                    tuple_(providers.c.name, providers.c.id)
                    > tuple_(_param(providers.c.name, "after_name"), _param(providers.c.id, "after_pk"))
                )
            page = (
                select(*provider.columns)
                .where(*page_conditions)
                .order_by(providers.c.name, providers.c.id)
                .limit(_LIMIT)
            )
            return page, select(func.count()).select_from(providers).where(*conditions)

        values: dict[str, Any] = {
            "tax_id": search.tax_id,
            "name_text": _like_escaped(text.lower()),
            "npi_text": _like_escaped(text),
            "limit": search.limit + 1,
        }
        if search.after is not None:
            values["after_name"] = search.after.name
            values["after_pk"] = search.after.pk
        shape = ("search_providers", by_text, after)
        rows, total = await self._page(shape, build, values, search.with_total, after)
        decode, region, decoding = provider.decode, self.region, self.reads.decoding
        items = [decode(region, row, decoding) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    # ---------------------------------------------------------------- messages

    async def messages_by_pks(self, pks: Sequence[int]) -> dict[int, MessageRecord]:
        single, bound = keys(pks)
        message = reading(MessageRecord)

        def build() -> Select[Any]:
            return select(*message.columns).where(one_of(messages.c.id, "pks", single))

        rows = await self._rows(("messages_by_pks", single), build, {"pks": bound})
        decode, region, decoding = message.decode, self.region, self.reads.decoding
        return {row[0]: decode(region, row, decoding) for row in rows}

    async def search_messages(self, search: MessageSearch) -> Page[MessageRecord]:
        if not search.tax_ids:
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        one_tax_id, tax_ids = keys(sorted(search.tax_ids))
        by_claim = search.claim_pk is not None
        by_owner = search.owner_user_id is not None
        by_folder = search.folder is not None
        unread_only = search.unread_only
        after = search.after is not None
        message = reading(MessageRecord)

        def build() -> tuple[Select[Any], Select[Any]]:
            conditions = [one_of(messages.c.tax_id, "tax_ids", one_tax_id)]
            if by_claim:
                conditions.append(messages.c.claim_id == _param(messages.c.claim_id, "claim_pk"))
            if by_owner:
                owner = _param(messages.c.owner_user_id, "owner_user_id")
                conditions.append(messages.c.owner_user_id == owner)
            if by_folder:
                conditions.append(messages.c.folder == _param(messages.c.folder, "folder"))
            if unread_only:
                conditions.append(messages.c.read_at.is_(None))
            page_conditions = list(conditions)
            if after:
                page_conditions.append(
                    tuple_(messages.c.sent_at, messages.c.id)
                    < tuple_(_param(messages.c.sent_at, "after_sent_at"), _param(messages.c.id, "after_pk"))
                )
            page = (
                select(*message.columns)
                .where(*page_conditions)
                .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
                .limit(_LIMIT)
            )
            return page, select(func.count()).select_from(messages).where(*conditions)

        values: dict[str, Any] = {
            "tax_ids": tax_ids,
            "claim_pk": search.claim_pk,
            "owner_user_id": search.owner_user_id,
            "folder": None if search.folder is None else search.folder.value,
            "limit": search.limit + 1,
        }
        if search.after is not None:
            values["after_sent_at"] = search.after.sent_at
            values["after_pk"] = search.after.pk
        shape = ("search_messages", one_tax_id, by_claim, by_owner, by_folder, unread_only, after)
        rows, total = await self._page(shape, build, values, search.with_total, after)
        decode, region, decoding = message.decode, self.region, self.reads.decoding
        items = [decode(region, row, decoding) for row in rows[: search.limit]]
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    # ------------------------------------------------------------- attachments

    async def attachments_by_message_pks(self, pks: Sequence[int]) -> dict[int, list[AttachmentRecord]]:
        single, bound = keys(pks)

        def build() -> Select[Any]:
            return (
                _attachments_select()
                .where(one_of(attachments.c.message_id, "pks", single))
                .order_by(attachments.c.id)
            )

        rows = await self._rows(("attachments_by_message_pks", single), build, {"pks": bound})
        found: dict[int, list[AttachmentRecord]] = {pk: [] for pk in pks}
        decode, region, decoding = reading(AttachmentRecord).decode, self.region, self.reads.decoding
        for row in rows:
            found[row[1]].append(decode(region, row, decoding))
        return found

    async def attachments_by_pks(self, pks: Sequence[int]) -> dict[int, AttachmentRecord]:
        single, bound = keys(pks)

        def build() -> Select[Any]:
            return _attachments_select().where(one_of(attachments.c.id, "pks", single))

        rows = await self._rows(("attachments_by_pks", single), build, {"pks": bound})
        decode, region, decoding = reading(AttachmentRecord).decode, self.region, self.reads.decoding
        return {row[0]: decode(region, row, decoding) for row in rows}

    async def attachment_content(self, pk: int) -> bytes | None:
        def build() -> Select[Any]:
            return select(attachments.c.content).where(attachments.c.id == _param(attachments.c.id, "pk"))

        rows = await self._rows(("attachment_content",), build, {"pk": pk})
        return bytes(rows[0][0]) if rows else None

    async def attachment_chunk(self, pk: int, offset: int, length: int) -> bytes | None:
        """`length` bytes of an attachment from `offset` (the download streams it a chunk at a time)."""

        def build() -> Select[Any]:
            start, size = _bindparam("start", type_=Integer()), _bindparam("length", type_=Integer())
            chunk = func.substr(attachments.c.content, start, size, type_=LargeBinary)
            return select(chunk).where(attachments.c.id == _param(attachments.c.id, "pk"))

        values = {"pk": pk, "start": offset + 1, "length": length}
        rows = await self._rows(("attachment_chunk",), build, values)
        return bytes(rows[0][0]) if rows else None

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

        def submit(connection: Connection) -> tuple[int, int | None]:
            if connection.dialect.name != "sqlite":
                # Submissions on one claim take turns, so two disputes sent at the same moment cannot
                # both find the claim free. SQLite lets one writer in at a time anyway, and a read
                # before the first write would only make its transaction fail when another commits.
                lock = select(claims.c.id).where(claims.c.id == message.claim_pk).with_for_update()
                connection.execute(lock)
            message_pk = _insert_message(connection, message, folder=MessageFolder.SENT)
            if one_open_dispute and _other_open_disputes(connection, message, message_pk):
                raise _DisputeAlreadyOpenError
            for file in files:
                connection.execute(
                    insert(attachments).values(
                        message_id=message_pk,
                        filename=file.filename,
                        content_type=file.content_type,
                        size_bytes=file.size_bytes,
                        sha256=file.sha256,
                        content=file.read_content(),
                    )
                )
            letter_pk = None if letter is None else _insert_letter(connection, message, message_pk, letter)
            return message_pk, letter_pk

        try:
            message_pk, letter_pk = await self.writes.transaction(submit)
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

        def build() -> Select[Any]:
            owner = _param(messages.c.owner_user_id, "owner_user_id")
            first = (
                select(messages.c.id)
                .where(
                    messages.c.owner_user_id == owner,
                    messages.c.idempotency_key == _param(messages.c.idempotency_key, "key"),
                )
                .scalar_subquery()
            )
            letter = and_(
                messages.c.in_reply_to_id == first,
                messages.c.kind == MessageKind.ACKNOWLEDGEMENT_LETTER.value,
                messages.c.owner_user_id == owner,
            )
            return select(*message.columns).where(or_(messages.c.id == first, letter)).order_by(messages.c.id)

        message = reading(MessageRecord)
        rows = await self._rows(
            ("submission_by_idempotency_key",), build, {"owner_user_id": owner_user_id, "key": key}
        )
        decode, region, decoding = message.decode, self.region, self.reads.decoding
        found = [decode(region, row, decoding) for row in rows]
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
        await self.writes.transaction(lambda connection: connection.execute(statement))

    # ----------------------------------------------------------------- helpers

    async def _rows(
        self, shape: Hashable, build: Callable[[], Select[Any]], values: dict[str, Any]
    ) -> list[Row]:
        return await self.reads.fetch(self.reads.statement(shape, build), values)

    async def _page(
        self, shape: Hashable, build: PageQuery, values: dict[str, Any], with_total: bool, has_cursor: bool
    ) -> tuple[list[Row], int | None]:
        """Rows of one page and, when asked, the count of the whole list in the same statement (its last
        column)."""
        if not with_total:
            return await self._rows((shape, "page"), lambda: build()[0], values), None
        rows = await self._rows((shape, "page", "total"), lambda: _with_total(*build()), values)
        if rows:
            return rows, int(rows[0][-1])
        if not has_cursor:
            return rows, 0
        # A page past the end carries no row to hold the count: ask for it on its own.
        [(total, *_)] = await self._rows((shape, "total"), lambda: build()[1], values)
        return rows, int(total)


# LIMIT as a parameter: a page's size does not make a statement of its own.
_LIMIT: BindParameter[int] = _bindparam("limit", type_=Integer())


def _param(column: ColumnElement[Any], name: str) -> BindParameter[Any]:
    """A parameter compared with `column`, bound with its type (dates and timestamps as each store keeps
    them)."""
    return _bindparam(name, type_=column.type)


def _claims_select(claim: Reading[ClaimRecord]) -> Select[Any]:
    return select(*claim.columns).join(members, members.c.id == claims.c.member_id)


def _attachments_select() -> Select[Any]:
    columns = reading(AttachmentRecord).columns
    return select(*columns).join(messages, messages.c.id == attachments.c.message_id)


def _with_total(page: Select[Any], total: Select[Any]) -> Select[Any]:
    return page.add_columns(total.scalar_subquery().label("_total"))


def _like_escaped(text: str) -> str:
    """`text` matched literally by LIKE ... ESCAPE '/', as SQLAlchemy's `autoescape=True` escapes it."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _insert_message(connection: Connection, message: NewMessage, *, folder: MessageFolder) -> int:
    result = connection.execute(
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


def _insert_letter(
    connection: Connection, message: NewMessage, message_pk: int, letter: AcknowledgementLetter
) -> int:
    result = connection.execute(
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


def _other_open_disputes(connection: Connection, message: NewMessage, message_pk: int) -> bool:
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
    return bool((connection.execute(statement)).scalar_one())


class _DisputeAlreadyOpenError(Exception):
    """Rolls a dispute back when the claim has an open one already."""


def _inserted_pk(key: Any) -> int:
    """The id the store gave a row just inserted."""
    assert key is not None
    pk: int = key[0]
    return pk
