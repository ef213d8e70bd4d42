"""create_app(settings) -> the Starlette application: routes, middleware, lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from opentelemetry.trace import NoOpTracer, Tracer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway.attachments import download_attachment
from gateway.auth.authenticate import Authenticator
from gateway.auth.routes import auth_routes
from gateway.graphql_http import GraphQLEndpoint
from gateway.mail.worker import outbox_worker
from gateway.oauth import oauth_routes
from gateway.observability import request_id_var
from gateway.request_state import RequestState
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.spa import web_app_routes

logger = logging.getLogger("gateway.http")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_NO_STORE = (b"cache-control", b"no-store")
READINESS_TIMEOUT_SECONDS = 2.0
# A request holds thousands of objects at once (a 100-claim page: its records, objects and answer), all
# freed when it is answered; with the default 700 the collector scanned them about twice a request.
GC_YOUNG_THRESHOLD = 5000
# How long a shutdown waits for the outbox worker to finish the email it is sending (then it is cancelled: the
# email is claimed under a lease, so it is sent again later, never lost).
WORKER_STOP_SECONDS = 3.0


class RequestMiddleware:
    """Gives every request an id (the client's, if sane), returns it as `x-request-id`, logs one line;
    answers that do not say how they may be cached are `Cache-Control: no-store`."""

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        self.app = app
        # Without a tracer provider every span would be a no-op: skip making them.
        self.tracer = None if isinstance(tracer, NoOpTracer) else tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        offered = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"")
        offered_id = offered.decode("latin-1")
        # 32 random hex digits, as a uuid4's hex but without building a UUID on every request.
        request_id = offered_id if _REQUEST_ID.fullmatch(offered_id) else secrets.token_hex(16)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                # No answer may sit in a shared cache unless its route says it may (the web app's
                # assets, the signing keys): /graphql answers, attachments, and whatever download of
                # health information comes next are `no-store` without having to remember it.
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append(_NO_STORE)
                message["headers"] = [*headers, id_header]
            await send(message)

        try:
            if self.tracer is None:
                await self.app(scope, receive, send_with_id)
            else:
                span_name = f"{scope.get('method', 'WEBSOCKET')} {scope['path']}"
                with self.tracer.start_as_current_span(span_name, attributes={"request_id": request_id}):
                    await self.app(scope, receive, send_with_id)
        finally:
            if logger.isEnabledFor(logging.INFO):
                _log_request(scope, request_id, status, started)
            request_id_var.reset(token)


def _log_request(scope: Scope, request_id: str, status: int, started: float) -> None:
    state = RequestState.of(scope)
    logger.info(
        "request",
        extra={
            "fields": {
                "request_id": request_id,
                "method": scope.get("method", "WEBSOCKET"),
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "operation_type": state.operation_type,
                "operation_name": state.operation_name,
                "outcome": state.outcome,
                "principal": state.principal_id,
            }
        },
    )


def _freeze_start_up_heap() -> None:
    """What start-up built (modules, the schema, the stores) lives as long as the process: frozen, the
    garbage collector's full passes stop scanning it again and again. With the threshold above, collection
    on the 100-claim page went from about 1 ms a request to a few hundredths. Once per process: a test
    that starts many apps freezes only the first start-up's heap."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """The gateway. Pass a `runtime` to share stores with a test; otherwise one is built from `settings`."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    runtime = runtime or Runtime.create(settings)
    authenticator = Authenticator(runtime)
    graphql = GraphQLEndpoint(runtime, authenticator)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # No migrations here: `python -m gateway migrate` is the deployment's step, run once, not by every
        # replica as it starts (`serve --prepare` runs it first, for development).
        await authenticator.start()
        worker = (
            outbox_worker(
                runtime.directory.engine,
                smtp_url=settings.smtp_url,
                mail_from=settings.mail_from,
                production=settings.production,
                signing_key_path=settings.signing_key_path,
            )
            if settings.mail_delivery
            else None
        )
        delivering = None if worker is None else asyncio.create_task(worker.run(runtime.cache), name="outbox")
        _freeze_start_up_heap()
        try:
            yield
        finally:
            if worker is not None and delivering is not None:
                worker.stop()
                try:
                    await asyncio.wait_for(delivering, WORKER_STOP_SECONDS)
                except TimeoutError:
                    logger.warning("outbox worker did not stop in time; its emails are sent again later")
            await authenticator.close()
            await runtime.close()

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        checks: dict[str, Any] = {"directory": runtime.directory.ping(), "cache": runtime.cache.ping()}
        checks.update({f"region:{code}": adapter.ping() for code, adapter in runtime.regions.items()})
        outcomes = await asyncio.gather(
            *(asyncio.wait_for(check, READINESS_TIMEOUT_SECONDS) for check in checks.values()),
            return_exceptions=True,
        )
        failing = sorted(name for name, outcome in zip(checks, outcomes, strict=True) if outcome is not None)
        if failing:
            return JSONResponse({"status": "unavailable", "failing": failing}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def attachment(request: Request) -> Response:
        return await download_attachment(request, runtime, authenticator)

    routes = [
        # First: nearly every request is for it, and routes are matched in order (no other path overlaps it).
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/attachments/{attachment_id}", attachment),
        *auth_routes(authenticator),
        *oauth_routes(runtime, authenticator),
        # Last: the provider web app answers only the paths nothing above claims.
        *web_app_routes(settings),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.authenticator = authenticator
    app.add_middleware(RequestMiddleware, tracer=runtime.tracer)
    if settings.forwarded_allow_ips:
        # Outermost: everything inside sees the client address the trusted proxy reports.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.forwarded_allow_ips))
    return app
