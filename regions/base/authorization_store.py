"""Referrals and authorizations in one regional store. Reads cost a fixed number of statements whatever
the number of keys or the page size (the authorizations, then their services); every write is one
transaction that files the change and its messages together, or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from regions.base.authorizations import (
    OPEN_STATUSES,
    PROCEDURE_DESCRIPTIONS,
    AuthorizationKind,
    AuthorizationRecord,
    AuthorizationSearch,
    AuthorizationSort,
    AuthorizationStatus,
    AuthorizationUrgency,
    AuthorizedServiceRecord,
    Decision,
    Filing,
    FilingOutcome,
    NewAuthorization,
    NewAuthorizationMessage,
    ServiceDecision,
    authorization_number,
    decision_due_at,
)
from regions.base.reads import Row, keys, one_of
from regions.base.records import (
    AttachmentRecord,
    MemberRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    Page,
)
from regions.base.rows import reading
from regions.base.store import RegionStore
from regions.base.tables import (
    attachments,
    authorization_services,
    authorizations,
    members,
    messages,
)

_LIMIT: BindParameter[int] = bindparam("limit", type_=Integer())
_KINDS = {member.value: member for member in AuthorizationKind}
_URGENCIES = {member.value: member for member in AuthorizationUrgency}
_STATUSES = {member.value: member for member in AuthorizationStatus}
_DECISIONS = {member.value: member for member in ServiceDecision}
_OPEN = sorted(status.value for status in OPEN_STATUSES)

_AUTHORIZATION_COLUMNS: tuple[ColumnElement[Any], ...] = (
    authorizations.c.id,
    authorizations.c.authorization_number,
    authorizations.c.tax_id,
    authorizations.c.kind,
    authorizations.c.urgency,
    authorizations.c.status,
    authorizations.c.requesting_provider_id,
    authorizations.c.servicing_provider_npi,
    authorizations.c.servicing_provider_name,
    authorizations.c.diagnosis_codes,
    authorizations.c.clinical_notes,
    authorizations.c.requested_by,
    authorizations.c.submitted_at,
    authorizations.c.decision_due_at,
    authorizations.c.decided_at,
    authorizations.c.decision_reason,
    authorizations.c.valid_from,
    authorizations.c.valid_to,
    *reading(MemberRecord).columns,
)
_SERVICE_COLUMNS: tuple[ColumnElement[Any], ...] = (
    authorization_services.c.authorization_id,
    authorization_services.c.line_number,
    authorization_services.c.procedure_code,
    authorization_services.c.description,
    authorization_services.c.requested_units,
    authorization_services.c.approved_units,
    authorization_services.c.service_from,
    authorization_services.c.service_to,
    authorization_services.c.decision,
)


def _param(column: ColumnElement[Any], name: str) -> BindParameter[Any]:
    """A parameter compared with `column`, bound with its type (dates and timestamps as the store keeps
    them)."""
    return bindparam(name, type_=column.type)


def _select() -> Select[Any]:
    return select(*_AUTHORIZATION_COLUMNS).join(members, members.c.id == authorizations.c.member_id)


class AuthorizationStore:
    """The authorizations of one region's store, on the store's own reads and writes."""

    def __init__(self, store: RegionStore) -> None:
        self.store = store
        self.region = store.region

    # ------------------------------------------------------------------- reads

    async def authorizations_by_pks(self, pks: Sequence[int]) -> dict[int, AuthorizationRecord]:
        single, bound = keys(pks)

        def build() -> Select[Any]:
            return _select().where(one_of(authorizations.c.id, "pks", single))

        rows = await self._rows(("authorizations_by_pks", single), build, {"pks": bound})
        found = await self._records(rows)
        return {record.pk: record for record in found}

    async def search(self, search: AuthorizationSearch) -> Page[AuthorizationRecord]:
        """A page of authorizations in the search's order, with their services (two statements)."""
        if search.tax_ids is not None and not search.tax_ids:
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        by_tax_id = search.tax_ids is not None
        one_tax_id, tax_ids = keys(sorted(search.tax_ids or ()))
        one_status, statuses = keys(sorted(status.value for status in search.statuses or ()))
        by_status = bool(search.statuses)
        by_number = search.authorization_number is not None
        by_member = search.member_id is not None
        submitted_from = search.submitted_from is not None
        submitted_to = search.submitted_to is not None
        overdue = search.due_before is not None
        newest = search.sort is AuthorizationSort.SUBMITTED_NEWEST
        after = search.after is not None
        ordered_by = authorizations.c.submitted_at if newest else authorizations.c.decision_due_at

        def build() -> tuple[Select[Any], Select[Any]]:
            conditions: list[ColumnElement[bool]] = []
            if by_tax_id:
                conditions.append(one_of(authorizations.c.tax_id, "tax_ids", one_tax_id))
            if by_number:
                number = _param(authorizations.c.authorization_number, "number")
                conditions.append(authorizations.c.authorization_number == number)
            if by_member:
                conditions.append(members.c.member_id == _param(members.c.member_id, "member_id"))
            if by_status:
                conditions.append(one_of(authorizations.c.status, "statuses", one_status))
            if submitted_from:
                at = _param(authorizations.c.submitted_at, "submitted_from")
                conditions.append(authorizations.c.submitted_at >= at)
            if submitted_to:
                at = _param(authorizations.c.submitted_at, "submitted_to")
                conditions.append(authorizations.c.submitted_at < at)
            if overdue:
                conditions.append(one_of(authorizations.c.status, "open", False))
                due = _param(authorizations.c.decision_due_at, "due_before")
                conditions.append(authorizations.c.decision_due_at < due)
            page_conditions = list(conditions)
            if after:
                position = tuple_(ordered_by, authorizations.c.id)
                cursor = tuple_(_param(ordered_by, "after_at"), _param(authorizations.c.id, "after_pk"))
                page_conditions.append(position < cursor if newest else position > cursor)
            order = (
                (ordered_by.desc(), authorizations.c.id.desc())
                if newest
                else (ordered_by.asc(), authorizations.c.id.asc())
            )
            page = _select().where(*page_conditions).order_by(*order).limit(_LIMIT)
            total = (
                select(func.count())
                .select_from(authorizations.join(members, members.c.id == authorizations.c.member_id))
                .where(*conditions)
            )
            return page, total

        values: dict[str, Any] = {
            "tax_ids": tax_ids,
            "number": search.authorization_number,
            "member_id": search.member_id,
            "statuses": statuses,
            "submitted_from": _start_of(search.submitted_from),
            "submitted_to": _start_of(search.submitted_to, days=1),
            "open": _OPEN,
            "due_before": search.due_before,
            "limit": search.limit + 1,
        }
        if search.after is not None:
            values["after_at"] = search.after.at
            values["after_pk"] = search.after.pk
        shape = (
            "search_authorizations",
            (by_tax_id, one_tax_id, by_number, by_member, by_status, one_status),
            (submitted_from, submitted_to, overdue, newest, after),
        )
        rows, total = await self.store._page(shape, build, values, search.with_total, after)
        items = await self._records(rows[: search.limit])
        return Page(items=items, has_more=len(rows) > search.limit, total=total)

    async def by_idempotency_key(self, requested_by: str, key: str) -> AuthorizationRecord | None:
        def build() -> Select[Any]:
            return _select().where(
                authorizations.c.requested_by == _param(authorizations.c.requested_by, "requested_by"),
                authorizations.c.idempotency_key == _param(authorizations.c.idempotency_key, "key"),
            )

        rows = await self._rows(
            ("authorization_by_idempotency_key",), build, {"requested_by": requested_by, "key": key}
        )
        found = await self._records(rows)
        return found[0] if found else None

    async def messages(
        self,
        pk: int,
        owner_user_id: str | None,
        after: tuple[datetime, int] | None,
        limit: int,
        with_total: bool,
    ) -> Page[MessageRecord]:
        """An authorization's messages newest first (only `owner_user_id`'s when given)."""
        by_owner = owner_user_id is not None
        has_cursor = after is not None

        def build() -> tuple[Select[Any], Select[Any]]:
            conditions = [messages.c.authorization_id == _param(messages.c.authorization_id, "pk")]
            if by_owner:
                conditions.append(messages.c.owner_user_id == _param(messages.c.owner_user_id, "owner"))
            page_conditions = list(conditions)
            if has_cursor:
                page_conditions.append(
                    tuple_(messages.c.sent_at, messages.c.id)
                    < tuple_(_param(messages.c.sent_at, "after_at"), _param(messages.c.id, "after_pk"))
                )
            page = (
                select(*reading(MessageRecord).columns)
                .where(*page_conditions)
                .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
                .limit(_LIMIT)
            )
            return page, select(func.count()).select_from(messages).where(*conditions)

        values: dict[str, Any] = {"pk": pk, "owner": owner_user_id, "limit": limit + 1}
        if after is not None:
            values["after_at"], values["after_pk"] = after
        shape = ("authorization_messages", by_owner, has_cursor)
        rows, total = await self.store._page(shape, build, values, with_total, has_cursor)
        decode, region, decoding = reading(MessageRecord).decode, self.region, self.store.reads.decoding
        items = [decode(region, row, decoding) for row in rows[:limit]]
        return Page(items=items, has_more=len(rows) > limit, total=total)

    async def attachments_by_authorization_pks(self, pks: Sequence[int]) -> dict[int, list[AttachmentRecord]]:
        """The files of every message about each authorization (the request's, the answers'), oldest first."""
        single, bound = keys(pks)

        def build() -> Select[Any]:
            return (
                select(*reading(AttachmentRecord).columns)
                .join(messages, messages.c.id == attachments.c.message_id)
                .where(one_of(messages.c.authorization_id, "pks", single))
                .order_by(attachments.c.id)
            )

        rows = await self._rows(("attachments_by_authorization_pks", single), build, {"pks": bound})
        found: dict[int, list[AttachmentRecord]] = {pk: [] for pk in pks}
        decode, region, decoding = reading(AttachmentRecord).decode, self.region, self.store.reads.decoding
        for row in rows:
            attachment = decode(region, row, decoding)
            if attachment.authorization_pk is not None:
                found.setdefault(attachment.authorization_pk, []).append(attachment)
        return found

    # ------------------------------------------------------------------ writes

    async def file_request(self, request: NewAuthorization, sent: NewAuthorizationMessage) -> Filing:
        """The authorization, its services and the request as sent (with its files), in one transaction.

        A repeated idempotency key of the same person answers the earlier request (REPLAYED); an open
        request for the same member, services and dates refuses this one (DUPLICATE)."""
        region = self.region

        def file(connection: Connection) -> tuple[int, int]:
            member_pk = select(members.c.id).where(members.c.member_id == request.member_id).scalar_subquery()
            result = connection.execute(
                insert(authorizations).values(
                    # The number is made of the row id, which the row gets on insert: set just below.
                    authorization_number=f"{region}-p{uuid.uuid4().hex[:12]}",
                    tax_id=request.tax_id,
                    member_id=member_pk,
                    kind=request.kind.value,
                    urgency=request.urgency.value,
                    status=AuthorizationStatus.SUBMITTED.value,
                    requesting_provider_id=request.requesting_provider_pk,
                    servicing_provider_npi=request.servicing_provider_npi,
                    servicing_provider_name=request.servicing_provider_name,
                    diagnosis_codes=list(request.diagnosis_codes),
                    clinical_notes=request.clinical_notes,
                    requested_by=request.requested_by,
                    idempotency_key=request.idempotency_key,
                    open_request_key=request.open_request_key(),
                    submitted_at=request.submitted_at,
                    decision_due_at=decision_due_at(request.urgency, request.submitted_at),
                )
            )
            pk = _inserted_pk(result.inserted_primary_key)
            connection.execute(
                update(authorizations)
                .where(authorizations.c.id == pk)
                .values(authorization_number=authorization_number(region, pk))
            )
            connection.execute(
                insert(authorization_services),
                [
                    {
                        "authorization_id": pk,
                        "line_number": line,
                        "procedure_code": service.procedure_code,
                        "description": PROCEDURE_DESCRIPTIONS.get(service.procedure_code),
                        "requested_units": service.units,
                        "approved_units": None,
                        "service_from": service.service_from,
                        "service_to": service.service_to,
                        "decision": ServiceDecision.PENDING.value,
                    }
                    for line, service in enumerate(request.services, start=1)
                ],
            )
            message_pk = _insert_message(
                connection,
                pk,
                request.tax_id,
                sent,
                MessageKind.AUTHORIZATION_REQUEST,
                MessageFolder.SENT,
                subject=sent.subject.format(number=authorization_number(region, pk)),
            )
            return pk, message_pk

        try:
            pk, message_pk = await self.store.writes.transaction(file)
        except IntegrityError:
            if request.idempotency_key is not None:
                earlier = await self.by_idempotency_key(request.requested_by, request.idempotency_key)
                if earlier is not None:
                    return Filing(outcome=FilingOutcome.REPLAYED, authorization=earlier)
            if await self._open_request_exists(request.open_request_key()):
                return Filing(outcome=FilingOutcome.DUPLICATE, authorization=None)
            raise
        return await self._filed(pk, [message_pk])

    async def decide(
        self, pk: int, decision: Decision, letter: NewAuthorizationMessage, letter_kind: MessageKind
    ) -> Filing:
        """Record a decision on an open request and file its letter for the requester; NOT_OPEN when it
        was decided or cancelled meanwhile."""
        decided = decision.status is not AuthorizationStatus.PENDED_FOR_INFORMATION

        def decide(connection: Connection) -> int | None:
            values: dict[str, Any] = {
                "status": decision.status.value,
                "decided_at": decision.decided_at,
                "decided_by": decision.decided_by,
                "decision_reason": decision.reason,
            }
            if decided:
                values.update(
                    open_request_key=None, valid_from=decision.valid_from, valid_to=decision.valid_to
                )
            row = connection.execute(
                update(authorizations)
                .where(authorizations.c.id == pk, authorizations.c.status.in_(_OPEN))
                .values(**values)
                .returning(authorizations.c.tax_id, authorizations.c.requested_by)
            ).first()
            if row is None:
                return None
            for service in decision.services:
                connection.execute(
                    update(authorization_services)
                    .where(
                        authorization_services.c.authorization_id == pk,
                        authorization_services.c.line_number == service.line_number,
                    )
                    .values(decision=service.decision.value, approved_units=service.approved_units)
                )
            tax_id, requested_by = row
            addressed = NewAuthorizationMessage(
                owner_user_id=requested_by,
                subject=letter.subject,
                body=letter.body,
                idempotency_key=None,
                sent_at=letter.sent_at,
            )
            return _insert_message(
                connection, pk, tax_id, addressed, letter_kind, MessageFolder.CUSTOMER_SERVICE_REPLY
            )

        message_pk = await self.store.writes.transaction(decide)
        if message_pk is None:
            return Filing(outcome=FilingOutcome.NOT_OPEN, authorization=None)
        return await self._filed(pk, [message_pk])

    async def cancel(self, pk: int, requested_by: str, reason: str, at: datetime) -> Filing:
        """Cancel an open request of `requested_by`; NOT_OPEN when it was decided meanwhile."""

        def cancel(connection: Connection) -> bool:
            result = connection.execute(
                update(authorizations)
                .where(
                    authorizations.c.id == pk,
                    authorizations.c.requested_by == requested_by,
                    authorizations.c.status.in_(_OPEN),
                )
                .values(
                    status=AuthorizationStatus.CANCELLED.value,
                    decided_at=at,
                    decided_by=requested_by,
                    decision_reason=reason,
                    open_request_key=None,
                )
            )
            return bool(result.rowcount)

        if not await self.store.writes.transaction(cancel):
            return Filing(outcome=FilingOutcome.NOT_OPEN, authorization=None)
        return await self._filed(pk, [])

    async def respond(self, pk: int, response: NewAuthorizationMessage) -> Filing:
        """File a provider's answer to a request for information (with its files) and put the request
        back in review; NOT_OPEN when it is not pended for information. A repeated idempotency key of
        the same person answers the earlier response (REPLAYED)."""

        def respond(connection: Connection) -> int | None:
            row = connection.execute(
                update(authorizations)
                .where(
                    authorizations.c.id == pk,
                    authorizations.c.status == AuthorizationStatus.PENDED_FOR_INFORMATION.value,
                )
                .values(status=AuthorizationStatus.SUBMITTED.value)
                .returning(authorizations.c.tax_id)
            ).first()
            if row is None:
                return None
            return _insert_message(
                connection, pk, row[0], response, MessageKind.AUTHORIZATION_RFI_RESPONSE, MessageFolder.SENT
            )

        try:
            message_pk = await self.store.writes.transaction(respond)
        except IntegrityError:
            if response.idempotency_key is None:
                raise
            earlier = await self.response_by_idempotency_key(response.owner_user_id, response.idempotency_key)
            if earlier is None:
                raise
            found = await self.authorizations_by_pks([pk])
            return Filing(outcome=FilingOutcome.REPLAYED, authorization=found.get(pk), messages=(earlier,))
        if message_pk is None:
            return Filing(outcome=FilingOutcome.NOT_OPEN, authorization=None)
        return await self._filed(pk, [message_pk])

    async def response_by_idempotency_key(self, owner_user_id: str, key: str) -> MessageRecord | None:
        """A person's earlier message under an idempotency key, if it was about an authorization."""

        def build() -> Select[Any]:
            return select(*reading(MessageRecord).columns).where(
                messages.c.owner_user_id == _param(messages.c.owner_user_id, "owner"),
                messages.c.idempotency_key == _param(messages.c.idempotency_key, "key"),
            )

        rows = await self._rows(("message_by_idempotency_key",), build, {"owner": owner_user_id, "key": key})
        decoding = self.store.reads.decoding
        return reading(MessageRecord).decode(self.region, rows[0], decoding) if rows else None

    # ----------------------------------------------------------------- helpers

    async def _filed(self, pk: int, message_pks: list[int]) -> Filing:
        found = await self.authorizations_by_pks([pk])
        filed = await self.store.messages_by_pks(message_pks) if message_pks else {}
        return Filing(
            outcome=FilingOutcome.FILED,
            authorization=found[pk],
            messages=tuple(filed[message_pk] for message_pk in message_pks),
        )

    async def _open_request_exists(self, open_request_key: str) -> bool:
        def build() -> Select[Any]:
            key = _param(authorizations.c.open_request_key, "key")
            return select(authorizations.c.id).where(authorizations.c.open_request_key == key)

        return bool(await self._rows(("open_request_exists",), build, {"key": open_request_key}))

    async def _rows(self, shape: Hashable, build: Any, values: dict[str, Any]) -> list[Row]:
        return await self.store._rows(shape, build, values)

    async def _records(self, rows: Sequence[Row]) -> list[AuthorizationRecord]:
        """Records of authorization rows, with their services read in one more statement."""
        if not rows:
            return []
        pks = [row[0] for row in rows]
        single, bound = keys(pks)

        def build() -> Select[Any]:
            return (
                select(*_SERVICE_COLUMNS)
                .where(one_of(authorization_services.c.authorization_id, "pks", single))
                .order_by(authorization_services.c.authorization_id, authorization_services.c.line_number)
            )

        service_rows = await self._rows(("authorization_services", single), build, {"pks": bound})
        decoding = self.store.reads.decoding
        as_date = decoding.date
        services: dict[int, list[AuthorizedServiceRecord]] = {}
        for row in service_rows:
            owner, line, code, description, requested, approved, start, end, decision, *_ = row
            services.setdefault(owner, []).append(
                AuthorizedServiceRecord(
                    line,
                    code,
                    description,
                    requested,
                    approved,
                    as_date(start),
                    as_date(end),
                    _DECISIONS[decision],
                )
            )
        return [self._record(row, tuple(services.get(row[0], ()))) for row in rows]

    def _record(self, row: Row, services: tuple[AuthorizedServiceRecord, ...]) -> AuthorizationRecord:
        decoding = self.store.reads.decoding
        as_date, as_datetime = decoding.date, decoding.utc_datetime
        (
            pk,
            number,
            tax_id,
            kind,
            urgency,
            status,
            provider_pk,
            npi,
            provider_name,
            diagnosis_codes,
            notes,
            requested_by,
            submitted_at,
            due_at,
            decided_at,
            reason,
            valid_from,
            valid_to,
        ) = row[:18]
        return AuthorizationRecord(
            self.region,
            pk,
            number,
            tax_id,
            reading(MemberRecord).decode(self.region, row[18:], decoding),
            _KINDS[kind],
            _URGENCIES[urgency],
            _STATUSES[status],
            provider_pk,
            npi,
            provider_name,
            decoding.codes(diagnosis_codes),
            notes,
            requested_by,
            as_datetime(submitted_at),
            as_datetime(due_at),
            None if decided_at is None else as_datetime(decided_at),
            reason,
            None if valid_from is None else as_date(valid_from),
            None if valid_to is None else as_date(valid_to),
            services,
        )


def _start_of(day: date | None, days: int = 0) -> datetime | None:
    """Midnight UTC of a date (plus `days`), the bound of a submitted-date filter."""
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=days)


def _insert_message(
    connection: Connection,
    authorization_pk: int,
    tax_id: str,
    message: NewAuthorizationMessage,
    kind: MessageKind,
    folder: MessageFolder,
    *,
    subject: str | None = None,
) -> int:
    sent = folder is MessageFolder.SENT
    result = connection.execute(
        insert(messages).values(
            claim_id=None,
            authorization_id=authorization_pk,
            tax_id=tax_id,
            owner_user_id=message.owner_user_id,
            kind=kind.value,
            folder=folder.value,
            subject=subject or message.subject,
            body=message.body,
            idempotency_key=message.idempotency_key,
            sent_at=message.sent_at,
            # The sender has read what they sent; letters arrive unread.
            read_at=message.sent_at if sent else None,
        )
    )
    message_pk = _inserted_pk(result.inserted_primary_key)
    for file in message.files:
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
    return message_pk


def _inserted_pk(key: Any) -> int:
    assert key is not None
    pk: int = key[0]
    return pk
