"""The live in-basket: news of a filed message goes to its owner's open subscriptions on every replica
(through the cache's pub/sub: Redis when configured, in-process otherwise), and each delivery is
checked again against what the person may see at that moment.

Only ids travel on the channel; the subscriber loads the message itself, through loaders built for a
freshly loaded principal, so a grant removed or a session signed off after the subscription opened
takes effect at the next delivery.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable

import orjson
from redis.exceptions import RedisError

from gateway.auth.principal import Principal
from gateway.cache import Cache
from gateway.context import GatewayContext
from gateway.errors import RegionUnavailable, Unauthenticated
from gateway.loaders import Loaders, RegionPk
from regions.base.records import MessageRecord

logger = logging.getLogger(__name__)


def _channel(user_id: str) -> str:
    return f"inbasket:{user_id}"


async def announce(cache: Cache, messages: Iterable[MessageRecord]) -> None:
    """Tell each message's owner, wherever they are connected, that it was filed (after the commit)."""
    for message in messages:
        event = orjson.dumps({"region": message.region, "message_pk": message.pk})
        try:
            await cache.publish(_channel(message.owner_user_id), event)
        except (RedisError, OSError, TimeoutError):
            # The message is filed and the in-basket query shows it; only the live push is lost.
            logger.warning("in-basket news not published", exc_info=True)


async def deliveries(context: GatewayContext) -> AsyncIterator[MessageRecord]:
    """The signed-in person's new messages as they are filed, each one they may still see."""
    principal = context.principal
    user_id = principal.user_id
    if not principal.signed_in or user_id is None:
        raise Unauthenticated()
    runtime = context.runtime
    async with runtime.cache.subscribe(_channel(user_id)) as events:
        async for raw in events:
            key = _message_key(raw)
            if key is None:
                continue
            current = await _current(context, principal)
            if current is None:
                raise Unauthenticated("The session has ended; sign in again to follow the in-basket.")
            # Nested fields of this delivery (claim, attachments, …) resolve for the person as they are now.
            context.principal = current
            context.loaders = Loaders.for_principal(current, runtime)
            try:
                message = await context.loaders.message_by_id.load(key)
            except RegionUnavailable:
                logger.warning("in-basket message not delivered", extra={"fields": {"region": key.region}})
                continue
            if message is not None and message.owner_user_id == user_id:
                yield message


def _message_key(raw: bytes) -> RegionPk | None:
    try:
        event = orjson.loads(raw)
        return RegionPk(str(event["region"]), int(event["message_pk"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


async def _current(context: GatewayContext, principal: Principal) -> Principal | None:
    """The person as they are now: their session still live, their account active, their grants as of now.
    Not activity: news arriving must not keep an idle session alive."""
    return await context.authenticator.reload(principal, activity=False)
