"""Messages about claims, their attachments, and the in-basket."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import access
from gateway.context import Info
from gateway.errors import BadUserInput, RegionUnavailable
from gateway.ids import encode_id
from gateway.loaders import RegionPk, RegionQuery
from gateway.schema.entities import Provider
from gateway.schema.regions import Region, region
from gateway.schema.relay import (
    Node,
    PageInfo,
    decode_cursor,
    encode_cursor,
    merge_pages,
    page_size,
    region_pages,
    selects,
)
from regions.base.queries import MessageCursor, MessageSearch
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    Page,
    RfiSubtopic,
)

if TYPE_CHECKING:
    from gateway.schema.claims import Claim


@strawberry.type
class Attachment(Node):
    filename: str
    content_type: str = strawberry.field(description="application/pdf or image/gif, detected from the bytes.")
    size_bytes: int
    sha256: str

    @classmethod
    def from_record(cls, record: AttachmentRecord) -> Attachment:
        return cls(
            id=strawberry.ID(encode_id("Attachment", record.region, record.pk)),
            filename=record.filename,
            content_type=record.content_type,
            size_bytes=record.size_bytes,
            sha256=record.sha256,
        )


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
    record: strawberry.Private[MessageRecord]

    @classmethod
    def from_record(cls, record: MessageRecord) -> Message:
        return cls(
            id=strawberry.ID(encode_id("Message", record.region, record.pk)),
            kind=record.kind,
            folder=record.folder,
            subject=record.subject,
            body=record.body,
            subtopic=record.subtopic,
            crm_id=record.crm_id,
            sent_at=record.sent_at,
            read_at=record.read_at,
            record=record,
        )

    @strawberry.field
    def region(self) -> Region:
        return region(self.record.region)

    @strawberry.field
    async def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy("gateway.schema.claims")] | None:
        from gateway.schema.claims import Claim

        if self.record.claim_pk is None:
            return None
        claim = await info.context.loaders.claim_by_id.load(
            RegionPk(self.record.region, self.record.claim_pk)
        )
        return None if claim is None else Claim.from_record(claim)

    @strawberry.field
    async def on_behalf_of(self, info: Info) -> Provider | None:
        if self.record.on_behalf_of_provider_pk is None:
            return None
        key = RegionPk(self.record.region, self.record.on_behalf_of_provider_pk)
        provider = await info.context.loaders.provider_by_id.load(key)
        return None if provider is None else Provider.from_record(provider)

    @strawberry.field
    async def in_reply_to(self, info: Info) -> Message | None:
        if self.record.in_reply_to_pk is None:
            return None
        key = RegionPk(self.record.region, self.record.in_reply_to_pk)
        message = await info.context.loaders.message_by_id.load(key)
        return None if message is None else Message.from_record(message)

    @strawberry.field
    async def attachments(self, info: Info) -> list[Attachment]:
        key = RegionPk(self.record.region, self.record.pk)
        records = await info.context.loaders.attachments_by_message.load(key)
        return [Attachment.from_record(record) for record in records]


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


def _connection(pages: list[Page[MessageRecord]], limit: int) -> MessageConnection:
    messages, has_more = merge_pages(pages, limit, _order_key)
    edges = [MessageEdge(cursor=_cursor(m), node=Message.from_record(m)) for m in messages]
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
        after=_after(after),
        limit=limit,
        with_total=selects(info, "totalCount"),
    )
    try:
        page = await info.context.loaders.message_page.load(RegionQuery(claim.region, search))
    except RegionUnavailable:
        info.context.region_failed(claim.region)
        raise
    return _connection([page], limit)


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
    with_total = selects(info, "totalCount")
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
    return _connection(await region_pages(context, context.loaders.message_page, keys), limit)
