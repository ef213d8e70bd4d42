"""Messages about claims, their attachments, and the in-basket."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import access
from gateway.context import Info
from gateway.errors import BadUserInput, RegionUnavailable
from gateway.ids import encode_id
from gateway.loaders import RegionPk, RegionQuery
from gateway.schema.entities import Provider
from gateway.schema.from_records import record_builder
from gateway.schema.prefetch import MISSING, Prefetch, later, load_for_page, prefetched, selected
from gateway.schema.regions import Region, region
from gateway.schema.relay import (
    Node,
    PageInfo,
    decode_cursor,
    encode_cursor,
    merge_pages,
    page_size,
    region_pages,
)
from regions.base.queries import MessageCursor, MessageSearch
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    Page,
    ProviderRecord,
    RfiSubtopic,
)

if TYPE_CHECKING:
    from gateway.schema.authorizations import Authorization
    from gateway.schema.claims import Claim


@strawberry.type
class Attachment(Node):
    filename: str
    content_type: str = strawberry.field(description="application/pdf or image/gif, detected from the bytes.")
    size_bytes: int
    sha256: str

    @classmethod
    def from_record(cls, record: AttachmentRecord) -> Attachment:
        return _attachment(record, strawberry.ID(encode_id("Attachment", record.region, record.pk)))


_attachment = record_builder(Attachment, AttachmentRecord, given=("id",))


@strawberry.type
class Message(Node):
    kind: MessageKind
    folder: MessageFolder
    subject: str
    body: str
    subtopic: RfiSubtopic | None
    crm_id: str | None
    sent_at: datetime
    read_at: datetime | None
    region: Region
    record: strawberry.Private[MessageRecord]
    # Batch at the parent (gateway/schema/prefetch.py): what a message list loaded for its whole page.
    prefetched_claim: strawberry.Private[Claim | Prefetch | None] = MISSING
    prefetched_on_behalf_of: strawberry.Private[Provider | Prefetch | None] = MISSING
    prefetched_in_reply_to: strawberry.Private[Message | Prefetch | None] = MISSING
    prefetched_attachments: strawberry.Private[list[Attachment] | Prefetch] = MISSING

    @classmethod
    def from_record(cls, record: MessageRecord) -> Message:
        return _message(
            record, strawberry.ID(encode_id("Message", record.region, record.pk)), region(record.region)
        )

    @strawberry.field(metadata=prefetched("prefetched_claim"))
    def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy("gateway.schema.claims")] | None:
        if self.prefetched_claim is not MISSING:
            return self.prefetched_claim
        if self.record.claim_pk is None:
            return None
        return later(self._load_claim(info, self.record.claim_pk))

    async def _load_claim(self, info: Info, claim_pk: int) -> Claim | None:
        from gateway.schema.claims import Claim

        claim = await info.context.loaders.claim_by_id.load(RegionPk(self.record.region, claim_pk))
        return None if claim is None else Claim.from_record(claim)

    @strawberry.field(description="The referral or authorization this message is about, if any.")
    def authorization(
        self, info: Info
    ) -> Annotated[Authorization, strawberry.lazy("gateway.schema.authorizations")] | None:
        if self.record.authorization_pk is None:
            return None
        from gateway.schema.authorizations import load_authorization

        return later(load_authorization(info, self.record.region, self.record.authorization_pk))

    @strawberry.field(metadata=prefetched("prefetched_on_behalf_of"))
    def on_behalf_of(self, info: Info) -> Provider | None:
        if self.prefetched_on_behalf_of is not MISSING:
            return self.prefetched_on_behalf_of
        if self.record.on_behalf_of_provider_pk is None:
            return None
        return later(self._load_on_behalf_of(info, self.record.on_behalf_of_provider_pk))

    async def _load_on_behalf_of(self, info: Info, provider_pk: int) -> Provider | None:
        provider = await info.context.loaders.provider_by_id.load(RegionPk(self.record.region, provider_pk))
        return None if provider is None else Provider.from_record(provider)

    @strawberry.field(metadata=prefetched("prefetched_in_reply_to"))
    def in_reply_to(self, info: Info) -> Message | None:
        if self.prefetched_in_reply_to is not MISSING:
            return self.prefetched_in_reply_to
        if self.record.in_reply_to_pk is None:
            return None
        return later(self._load_in_reply_to(info, self.record.in_reply_to_pk))

    async def _load_in_reply_to(self, info: Info, message_pk: int) -> Message | None:
        message = await info.context.loaders.message_by_id.load(RegionPk(self.record.region, message_pk))
        return None if message is None else Message.from_record(message)

    @strawberry.field(metadata=prefetched("prefetched_attachments"))
    def attachments(self, info: Info) -> list[Attachment]:
        if self.prefetched_attachments is not MISSING:
            return self.prefetched_attachments
        return later(self._load_attachments(info))

    async def _load_attachments(self, info: Info) -> list[Attachment]:
        key = RegionPk(self.record.region, self.record.pk)
        records = await info.context.loaders.attachments_by_message.load(key)
        return [Attachment.from_record(record) for record in records]


_message = record_builder(Message, MessageRecord, given=("id", "region"))


async def messages_from_records(info: Info, records: Sequence[MessageRecord], *path: str) -> list[Message]:
    """Messages for a page of records, with what the selection at `path` asks of them (the claim, the
    provider sent on behalf of, the message answered, attachments) loaded for the whole page at once."""
    from gateway.schema.claims import claims_from_records

    loaders = info.context.loaders
    wanted = selected(info, *path)
    messages = [Message.from_record(record) for record in records]
    if "claim" in wanted:
        claims = await load_for_page(
            loaders.claim_by_id, [_key(record, record.claim_pk) for record in records]
        )
        visible = list({id(c): c for c in claims if isinstance(c, ClaimRecord)}.values())
        built = await claims_from_records(info, visible, selected(info, *path, "claim"))
        claim_of = {id(record): claim for record, claim in zip(visible, built, strict=True)}
        for message, record in zip(messages, claims, strict=True):
            message.prefetched_claim = claim_of[id(record)] if isinstance(record, ClaimRecord) else record
    if "onBehalfOf" in wanted:
        providers = await load_for_page(
            loaders.provider_by_id, [_key(record, record.on_behalf_of_provider_pk) for record in records]
        )
        for message, provider in zip(messages, providers, strict=True):
            message.prefetched_on_behalf_of = (
                Provider.from_record(provider) if isinstance(provider, ProviderRecord) else provider
            )
    if "inReplyTo" in wanted:
        answered = await load_for_page(
            loaders.message_by_id, [_key(record, record.in_reply_to_pk) for record in records]
        )
        for message, earlier in zip(messages, answered, strict=True):
            message.prefetched_in_reply_to = (
                Message.from_record(earlier) if isinstance(earlier, MessageRecord) else earlier
            )
    if "attachments" in wanted:
        files = await load_for_page(
            loaders.attachments_by_message, [RegionPk(record.region, record.pk) for record in records]
        )
        for message, found in zip(messages, files, strict=True):
            if isinstance(found, list):
                message.prefetched_attachments = [Attachment.from_record(file) for file in found]
    return messages


def _key(record: MessageRecord, pk: int | None) -> RegionPk | None:
    return None if pk is None else RegionPk(record.region, pk)


@strawberry.type
class MessageEdge:
    cursor: str
    node: Message


@strawberry.type
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo
    total_count: int


def _cursor(message: MessageRecord) -> str:
    return encode_cursor(message.sent_at.isoformat(), message.pk)


def _order_key(message: MessageRecord) -> tuple[datetime, int]:
    return (message.sent_at, message.pk)


def _after(after: str | None) -> MessageCursor | None:
    values = decode_cursor(after, 2)
    if values is None:
        return None
    try:
        return MessageCursor(sent_at=datetime.fromisoformat(str(values[0])), pk=int(values[1]))
    except (TypeError, ValueError):
        raise BadUserInput("`after` is not a cursor from this list.", argument="after") from None


async def _connection(info: Info, pages: list[Page[MessageRecord]], limit: int) -> MessageConnection:
    records, has_more = merge_pages(pages, limit, _order_key)
    messages = await messages_from_records(info, records, "edges", "node")
    edges = [MessageEdge(cursor=_cursor(r), node=m) for r, m in zip(records, messages, strict=True)]
    return MessageConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_more, end_cursor=edges[-1].cursor if edges else None),
        total_count=sum(page.total or 0 for page in pages),
    )


async def claim_messages(
    info: Info, claim: ClaimRecord, first: int | None, after: str | None
) -> MessageConnection:
    """Messages on one claim the caller already sees, newest first."""
    limit = page_size(first)
    search = MessageSearch(
        tax_ids=frozenset({claim.tax_id}),
        claim_pk=claim.pk,
        owner_user_id=access.messages_listed_for(info.context.principal),
        after=_after(after),
        limit=limit,
        with_total="totalCount" in selected(info),
    )
    try:
        page = await info.context.loaders.message_page.load(RegionQuery(claim.region, search))
    except RegionUnavailable:
        info.context.region_failed(claim.region)
        raise
    return await _connection(info, [page], limit)


async def in_basket(
    info: Info,
    *,
    folder: MessageFolder | None,
    region_code: str | None,
    unread_only: bool,
    first: int | None,
    after: str | None,
) -> MessageConnection:
    """The signed-in person's messages across their approved regions, newest first."""
    context = info.context
    principal = context.principal
    limit = page_size(first)
    cursor = _after(after)
    with_total = "totalCount" in selected(info)
    regions = sorted(access.approved_regions(principal))
    if region_code is not None:
        regions = [code for code in regions if code == region_code]
    keys = [
        RegionQuery(
            code,
            MessageSearch(
                tax_ids=access.message_scope(principal, code),
                owner_user_id=principal.user_id,
                folder=folder,
                unread_only=unread_only,
                after=cursor,
                limit=limit,
                with_total=with_total,
            ),
        )
        for code in regions
    ]
    return await _connection(info, await region_pages(context, context.loaders.message_page, keys), limit)
