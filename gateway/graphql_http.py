"""GraphQL over HTTP: strawberry's ASGI view with our context, error codes, masking and media types."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from gateway.auth.authenticate import Authenticator
from gateway.context import GatewayContext
from gateway.errors import (
    GatewayError,
    RateLimited,
    RegionUnavailable,
    Unauthenticated,
    error_extensions,
    is_request_error,
)
from gateway.loaders import Loaders, LoaderScope
from gateway.observability import request_id_var
from gateway.runtime import Runtime

logger = logging.getLogger("gateway.graphql")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
INTERNAL_ERROR_MESSAGE = "Internal server error."


def negotiated_media_type(request: Request | WebSocket) -> str:
    """The newer GraphQL-over-HTTP media type when the client accepts it, JSON otherwise."""
    return (
        GRAPHQL_RESPONSE_JSON
        if GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")
        else "application/json"
    )


class GraphQLEndpoint(GraphQL[GatewayContext, None]):
    """The `/graphql` endpoint."""

    def __init__(self, runtime: Runtime, authenticator: Authenticator) -> None:
        from gateway.schema.schema import schema

        super().__init__(
            schema,
            graphql_ide=None if runtime.settings.production else "graphiql",
            allow_queries_via_get=True,
        )
        self.runtime = runtime
        self.authenticator = authenticator

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        principal = await self.authenticator.principal_for(request)
        runtime = self.runtime
        scope = LoaderScope(
            principal=principal, fanout=runtime.fanout, directory=runtime.directory, metrics=runtime.metrics
        )
        context = GatewayContext(
            request=request,
            runtime=runtime,
            principal=principal,
            loaders=Loaders.create(scope),
            request_id=request_id_var.get() or "",
        )
        request.state.graphql_context = context
        request.state.principal_id = principal.user_id
        return context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        started = time.perf_counter()
        try:
            response = await self.run(request)
        except Unauthenticated as error:
            request.state.outcome = "rejected"
            body = {"errors": [{"message": str(error), "extensions": {"code": error.code.value}}]}
            response = Response(
                orjson.dumps(body), status_code=401, media_type=negotiated_media_type(request)
            )
        except GatewayError as error:
            request.state.outcome = "rejected"
            body = {"errors": [{"message": str(error), "extensions": error_extensions_for(error)}]}
            response = Response(
                orjson.dumps(body),
                status_code=_refusal_status(error),
                media_type=negotiated_media_type(request),
            )
            if isinstance(error, RateLimited):
                response.headers["retry-after"] = str(error.retry_after_seconds)
        except Exception as error:  # strawberry raises its own HTTP exceptions for malformed requests
            status = getattr(error, "status_code", None)
            if not isinstance(status, int):
                raise
            request.state.outcome = "rejected"
            message = str(getattr(error, "reason", "Bad request"))
            body = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
            response = Response(
                orjson.dumps(body), status_code=status, media_type=negotiated_media_type(request)
            )
        operation_type = str(getattr(request.state, "operation_type", "unknown"))
        outcome = str(getattr(request.state, "outcome", "ok"))
        metrics = self.runtime.metrics
        metrics.graphql_requests.labels(operation_type, outcome).inc()
        metrics.graphql_duration.labels(operation_type).observe(time.perf_counter() - started)
        await response(scope, receive, send)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        request_id = request_id_var.get()
        errors: list[dict[str, Any]] = []
        reported: set[str] = set()
        unexpected = False
        for error in result.errors or []:
            formatted: dict[str, Any] = dict(error.formatted)
            original = error.original_error
            if isinstance(original, RegionUnavailable):
                if original.region in reported:
                    continue  # one error per failed region, however many fields it cost
                reported.add(original.region)
            elif (original is not None and not isinstance(original, GatewayError)) or (
                original is None and error.path
            ):
                unexpected = True
                logger.error("unexpected error while resolving", exc_info=original or error)
                formatted["message"] = INTERNAL_ERROR_MESSAGE
            formatted["extensions"] = error_extensions(error, request_id)
            errors.append(formatted)
        context = getattr(request.state, "graphql_context", None)
        failed = context.failed_regions if isinstance(context, GatewayContext) else set()
        for region in sorted(failed - reported):
            region_error = RegionUnavailable(region)
            errors.append({"message": str(region_error), "extensions": error_extensions_for(region_error)})
        request_error = (
            result.data is None and bool(result.errors) and all(map(is_request_error, result.errors or []))
        )
        refusals = [
            e.original_error for e in result.errors or [] if isinstance(e.original_error, RateLimited)
        ]
        if result.data is None and refusals:
            # Refused as a whole before anything ran (e.g. too many guest look-ups): HTTP 429.
            request.state.rate_limited = max(r.retry_after_seconds for r in refusals)
            request_error = True
        request.state.outcome = (
            "rejected" if request_error else "error" if unexpected or failed or reported else "ok"
        )
        request.state.request_error = request_error
        response: dict[str, Any] = {} if request_error else {"data": result.data}
        if errors:
            response["errors"] = errors
        if result.extensions:
            response["extensions"] = result.extensions
        return response  # type: ignore[return-value]

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        request: Request | None = getattr(sub_response, "request", None)
        media_type = "application/json" if request is None else negotiated_media_type(request)
        status = sub_response.status_code or 200
        if request is not None and getattr(request.state, "request_error", False):
            # GraphQL over HTTP: a request that cannot be parsed or validated is a 4xx under the newer
            # media type; plain JSON clients keep the traditional 200.
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else status
        retry_after = None if request is None else getattr(request.state, "rate_limited", None)
        if retry_after is not None:
            status = 429
        response = Response(self.encode_json(response_data), status_code=status, media_type=media_type)
        if retry_after is not None:
            response.headers["retry-after"] = str(retry_after)
        for name, value in sub_response.headers.items():
            if name.lower() not in {"content-type", "content-length"}:
                response.headers.append(name, value)
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.request = request  # type: ignore[attr-defined]
        return sub_response


def _refusal_status(error: GatewayError) -> int:
    return 429 if isinstance(error, RateLimited) else 400


def error_extensions_for(error: GatewayError) -> dict[str, Any]:
    return {"code": error.code.value, **error.extensions}
