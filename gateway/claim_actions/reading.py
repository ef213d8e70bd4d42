"""Marking in-basket messages read: only one's own messages, on claims one may still see; all or none."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from gateway import access
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, Unauthenticated, UserErrorCode
from gateway.ids import decode_id
from gateway.loaders import RegionPk
from regions.base.records import MessageRecord

# One page of the in-basket at most.
MAX_MESSAGES = 100


async def mark_messages_read(context: GatewayContext, message_ids: Sequence[str]) -> list[MessageRecord]:
    """The messages, read; NOT_FOUND (by index) for any id that is not one of the caller's messages."""
    principal = context.principal
    user_id = principal.user_id
    if not principal.signed_in or user_id is None:
        raise Unauthenticated()
    if len(message_ids) > MAX_MESSAGES:
        raise MutationRefused(
            Problem(
                UserErrorCode.INVALID,
                f"Mark at most {MAX_MESSAGES} messages at once.",
                ("input", "messageIds"),
            )
        )
    keys = [_key(context, message_id) for message_id in message_ids]
    loader = context.loaders.message_by_id
    found = await asyncio.gather(*(loader.load(key) if key else _absent() for key in keys))
    problems = [
        Problem(
            UserErrorCode.NOT_FOUND, "No message with this id was found.", ("input", "messageIds", str(index))
        )
        for index, message in enumerate(found)
        if not access.may_mark_read(principal, message)
    ]
    if problems:
        raise MutationRefused(*problems)
    messages = [message for message in found if message is not None]
    unread: dict[str, list[int]] = {}
    for message in messages:
        if message.read_at is None:
            unread.setdefault(message.region, []).append(message.pk)
    now = datetime.now(UTC)
    fanout = context.runtime.fanout

    async def mark(region: str, pks: list[int]) -> None:
        await fanout.call(region, lambda adapter: adapter.mark_messages_read(pks, user_id, now))

    await asyncio.gather(*(mark(region, pks) for region, pks in unread.items()))
    # Read back through the loaders, so the answer passes the same access rules as any other.
    loader.clear_all()
    again = await loader.load_many([RegionPk(message.region, message.pk) for message in messages])
    return [message for message in again if message is not None]


def _key(context: GatewayContext, message_id: str) -> RegionPk | None:
    parts = decode_id(message_id)
    if parts is None or parts.type_name != "Message" or parts.region not in context.runtime.regions:
        return None
    assert parts.region is not None
    return RegionPk(parts.region, parts.pk)


async def _absent() -> MessageRecord | None:
    return None
