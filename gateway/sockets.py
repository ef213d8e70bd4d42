"""WebSocket connections that last only as long as the session that opened them.

A socket is authenticated once (the handshake's `Authorization` header, or the graphql-transport-ws
`connection_init` payload), but it is not trusted beyond that moment:

* every operation it starts is authorized as of that moment: the person is read again (their session
  live, their account active, their associations as the directory has them now) before the operation
  runs, and that counts as activity, as a request does;
* a watcher looks at the session every `WEBSOCKET_CHECK_MS` without counting as activity, so that a
  sign-out on any replica (the session's entry in the shared cache is gone), the idle or absolute limit,
  or a disabled account closes the socket with 4401 within that time, with no operation needed to
  notice. A socket opened with a token of the external provider or of a partner has no session to
  follow: it lasts as long as that token verifies;
* what a subscription delivers is checked by the subscription against the person's access of the
  moment of delivery (gateway/inbasket.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from gateway.auth.authenticate import Authenticator
from gateway.auth.principal import ANONYMOUS, Principal
from gateway.context import GatewayContext
from gateway.errors import Unauthenticated
from gateway.loaders import Loaders

logger = logging.getLogger(__name__)

# The close code of a socket whose session ended (HTTP 401's counterpart, as graphql-transport-ws uses it).
SESSION_ENDED_CODE = 4401
SESSION_ENDED_REASON = "Session ended"
_STATE_KEY = "socket_session"


class SocketSession:
    """Who one WebSocket connection is authorized as, followed until their session ends."""

    def __init__(self, authenticator: Authenticator, *, check_seconds: float) -> None:
        self._authenticator = authenticator
        self._check_seconds = check_seconds
        self._principal: Principal = ANONYMOUS
        self._token: str | None = None
        self._watcher: asyncio.Task[None] | None = None
        self.ended = asyncio.Event()

    @property
    def principal(self) -> Principal:
        return self._principal

    def follow(self, principal: Principal, token: str | None) -> None:
        """The socket now stands for `principal`, authenticated by `token`: watch their session."""
        self._principal, self._token = principal, token
        self._stop_watching()
        if principal.signed_in:
            self._watcher = asyncio.create_task(self._watch())

    async def authorize(self, context: GatewayContext) -> bool:
        """Before an operation: the context made current (principal and fresh loaders); False, and the
        socket ends, when the session is over."""
        if not self._principal.signed_in:
            return True
        current = await self._current(activity=True)
        if current is None:
            self.ended.set()
            return False
        self._principal = current
        context.principal = current
        context.loaders = Loaders.for_principal(current, context.runtime)
        return True

    async def close(self) -> None:
        watcher = self._stop_watching()
        if watcher is not None:
            with suppress(asyncio.CancelledError):
                await watcher

    async def _current(self, *, activity: bool) -> Principal | None:
        principal = self._principal
        if principal.session_id is not None:
            return await self._authenticator.reload(principal, activity=activity)
        if self._token is None:
            return None
        try:
            return await self._authenticator.principal_from_token(self._token)
        except Unauthenticated:
            return None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._check_seconds)
            try:
                current = await self._current(activity=False)
            except (OSError, TimeoutError) as error:
                # The cache or the directory did not answer: look again next time rather than end a
                # session that may well be live.
                logger.warning(
                    "session of a socket not checked", extra={"fields": {"error": type(error).__name__}}
                )
                continue
            if current is None:
                self.ended.set()
                return
            self._principal = current

    def _stop_watching(self) -> asyncio.Task[None] | None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
        return watcher


def socket_session(connection: HTTPConnection) -> SocketSession | None:
    """The session a WebSocket connection follows (None for HTTP requests)."""
    found = connection.scope.get("state", {}).get(_STATE_KEY)
    return found if isinstance(found, SocketSession) else None


async def serve_socket(
    app: ASGIApp, session: SocketSession, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run `app` (strawberry's WebSocket handling) for one connection, until it ends by itself or the
    session ends; then the handling is cancelled (so nothing more is sent) and the socket closed with 4401."""
    scope.setdefault("state", {})[_STATE_KEY] = session
    accepted = closed = False

    async def watched_send(message: Message) -> None:
        nonlocal accepted, closed
        if message["type"] == "websocket.accept":
            accepted = True
        elif message["type"] in {"websocket.close", "websocket.http.response.start"}:
            closed = True
        await send(message)

    async def handle() -> None:
        await app(scope, receive, watched_send)

    handling = asyncio.create_task(handle())
    ending = asyncio.create_task(session.ended.wait())
    try:
        await asyncio.wait({handling, ending}, return_when=asyncio.FIRST_COMPLETED)
        if not handling.done():
            handling.cancel()
            with suppress(asyncio.CancelledError):
                await handling
            if accepted and not closed:
                with suppress(OSError, RuntimeError):  # the client may have gone in the meantime
                    await send(
                        {
                            "type": "websocket.close",
                            "code": SESSION_ENDED_CODE,
                            "reason": SESSION_ENDED_REASON,
                        }
                    )
        else:
            handling.result()
    finally:
        ending.cancel()
        if not handling.done():
            handling.cancel()
            with suppress(asyncio.CancelledError):
                await handling
        await session.close()


async def _authorized(context: Any) -> bool:
    if not isinstance(context, GatewayContext):
        return True
    session = socket_session(context.request)
    return True if session is None else await session.authorize(context)


class TransportWsHandler(BaseGraphQLTransportWSHandler[GatewayContext, None]):
    """graphql-transport-ws, each `subscribe` authorized as of its arrival."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not await _authorized(self.context):
            return  # the session is over: the socket is being closed with 4401
        await super().handle_subscribe(message)


class LegacyWsHandler(BaseGraphQLWSHandler[GatewayContext, None]):
    """The older graphql-ws protocol, each `start` authorized as of its arrival."""

    async def handle_start(self, message: StartMessage) -> None:
        if not await _authorized(self.context):
            return
        await super().handle_start(message)
