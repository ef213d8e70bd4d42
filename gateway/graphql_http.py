"""GraphQL over HTTP (graphql.github.io/graphql-over-http): strawberry's ASGI view with our context, CSRF
prevention, persisted documents, limits, error codes, masking and media types."""

from __future__ import annotations

import logging
import re
import time
from functools import partial
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, parse, specified_rules
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Message, Receive
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from gateway.auth.authenticate import Authenticator
from gateway.context import GatewayContext
from gateway.csrf import is_forgeable, wants_ide
from gateway.errors import (
    GatewayError,
    RateLimited,
    RegionUnavailable,
    Unauthenticated,
    error_extensions,
    is_request_error,
    is_unexpected,
)
from gateway.limits import (
    QueryLimits,
    body_too_large,
    document_too_large,
    enforce,
    measure_document,
    too_many_operations,
)
from gateway.loaders import Loaders
from gateway.observability import request_id_var
from gateway.persisted import TrustedDocuments, persisted_queries, resolve_document
from gateway.request_state import RequestState
from gateway.runtime import Runtime
from gateway.schema.schema import build_schema
from gateway.sockets import LegacyWsHandler, SocketSession, TransportWsHandler, serve_socket, socket_session
from gateway.uploads import StreamingRequestAdapter, UploadLimits, read_graphql_multipart

logger = logging.getLogger("gateway.graphql")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
INTERNAL_ERROR_MESSAGE = "Internal server error."
# A request this endpoint cannot read at all (transport level, before GraphQL): malformed body, CSRF.
BAD_REQUEST = "BAD_REQUEST"
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def negotiated_media_type(request: Request | WebSocket) -> str:
    """The newer GraphQL-over-HTTP media type when the client accepts it, JSON otherwise."""
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else "application/json"


def _refusal(request: Request, status: int, message: str, extensions: dict[str, Any]) -> Response:
    """A request refused before any GraphQL ran: no `data`, one error with its code."""
    RequestState.of(request.scope).outcome = "rejected"
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return Response(orjson.dumps(body), status_code=status, media_type=negotiated_media_type(request))


def _is_json(content_type: str | None) -> bool:
    """A content type strawberry reads as JSON, in the forms clients send (anything else is left to its
    own parser)."""
    return content_type is not None and (
        content_type == "application/json" or content_type.startswith("application/json;")
    )


def _operation_data(data: dict[str, Any]) -> GraphQLRequestData:
    """One operation of a JSON body, with the refusals of strawberry's reading of it
    (`AsyncBaseHTTPView.parse_http_body`)."""
    query = data.get("query")
    if not isinstance(query, str | None):
        raise HTTPException(400, "The GraphQL operation's `query` must be a string or null, if provided.")
    variables = data.get("variables")
    if not isinstance(variables, dict | None):
        raise HTTPException(
            400, "The GraphQL operation's `variables` must be an object or null, if provided."
        )
    extensions = data.get("extensions")
    if not isinstance(extensions, dict | None):
        raise HTTPException(
            400, "The GraphQL operation's `extensions` must be an object or null, if provided."
        )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=data.get("operationName"),
        extensions=extensions,
        protocol="http",
    )


def _bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` value."""
    scheme, _, token = (header or "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _has_user_errors(data: Any) -> bool:
    """Whether a mutation answered with userErrors (the `user_error` outcome of the request metrics)."""
    if not isinstance(data, dict):
        return False
    return any(isinstance(payload, dict) and payload.get("userErrors") for payload in data.values())


def _limited(receive: Receive, limits: QueryLimits) -> Receive:
    """`receive`, refusing (413) a body larger than a document and its variables while it arrives."""
    maximum = limits.max_document_bytes + limits.max_variables_bytes
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > maximum:
                raise body_too_large(limits)
        return message

    return receive_within_limit


class GraphQLEndpoint(GraphQL[GatewayContext, None]):
    """The `/graphql` endpoint."""

    # Uploads are parsed from the request's stream (gateway/uploads.py), which this adapter hands over.
    request_adapter_class = StreamingRequestAdapter
    # Every operation on a socket is authorized as of its start (gateway/sockets.py).
    graphql_transport_ws_handler_class = TransportWsHandler
    graphql_ws_handler_class = LegacyWsHandler

    def __init__(self, runtime: Runtime, authenticator: Authenticator) -> None:
        settings = runtime.settings
        schema = build_schema(settings)
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=True,
            allowed_origins=settings.allowed_origins,
            multipart_uploads_enabled=True,
        )
        self.runtime = runtime
        self.authenticator = authenticator
        self.graphql_schema = schema._schema
        self.trusted = TrustedDocuments.load(settings.trusted_documents_path)
        self.persisted = persisted_queries(runtime.cache, shared=settings.redis_url is not None)
        self.suggestions = settings.introspection_enabled
        # JSON POSTs take the short way (`_run_json_post`) unless the view streams results over HTTP.
        self.json_posts_direct = not self.schema.config.enable_experimental_incremental_execution and not any(
            protocol in self.stream_transport_classes_by_protocol for protocol in self.protocols
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        return await self._context(request)

    async def _context(self, request: Request | WebSocket) -> GatewayContext:
        """The request's context (no part of it refers to the sub-response strawberry passes along)."""
        principal = await self.authenticator.principal_for(request)
        runtime = self.runtime
        context = GatewayContext(
            request=request,
            runtime=runtime,
            authenticator=self.authenticator,
            principal=principal,
            loaders=Loaders.for_principal(principal, runtime),
            request_id=request_id_var.get() or "",
        )
        state = RequestState.of(request.scope)
        state.graphql_context = context
        state.principal_id = principal.user_id
        session = socket_session(request) if isinstance(request, WebSocket) else None
        if session is not None:
            session.follow(principal, _bearer(request.headers.get("authorization")))
        return context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            session = SocketSession(
                self.authenticator, check_seconds=self.runtime.settings.websocket_check_seconds
            )
            await serve_socket(super().__call__, session, scope, receive, send)
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        if not request.headers.get("content-type", "").startswith("multipart/"):
            # Uploads have their own, larger cap (gateway/uploads.py); any other body is cut off with
            # 413 as soon as it passes what a document and its variables may take.
            request = Request(scope, _limited(receive, self.runtime.settings.limits))
        started = time.perf_counter()
        response = await self._answer(request)
        state = RequestState.of(scope)
        operation_type = state.operation_type or "unknown"
        outcome = state.outcome or "ok"
        metrics = self.runtime.metrics
        metrics.labelled(metrics.graphql_requests, operation_type, outcome).inc()
        metrics.labelled(metrics.graphql_duration, operation_type).observe(time.perf_counter() - started)
        await response(scope, receive, send)
        # The context refers to the request, whose state refers to the context: unlinked, the request's
        # loaders and records are freed once it is answered, not left to the cycle collector.
        state.graphql_context = None

    async def _answer(self, request: Request) -> Response:
        if wants_ide(request) and self.graphql_ide:
            # The IDE is the bundled one (no CDN), served by the web app at /graphiql.
            return RedirectResponse("/graphiql", status_code=307)
        if is_forgeable(request) and not (wants_ide(request) and self.graphql_ide):
            return _refusal(
                request,
                400,
                "This request could have been sent by another site: send it with an "
                "`apollo-require-preflight` or `x-apollo-operation-name` header.",
                {"code": BAD_REQUEST},
            )
        declared = request.headers.get("content-length", "")
        limits = self.runtime.settings.limits
        if (
            declared.isdigit()
            and int(declared) > limits.max_document_bytes + limits.max_variables_bytes
            and not request.headers.get("content-type", "").startswith("multipart/")
        ):
            return _refusal(request, 413, body_too_large(limits).reason, {"code": BAD_REQUEST})
        try:
            if (
                self.json_posts_direct
                and request.method == "POST"
                and _is_json(request.headers.get("content-type"))
            ):
                return await self._run_json_post(request)
            return await self.run(request)
        except ClientDisconnect:
            RequestState.of(request.scope).outcome = "rejected"
            return Response(status_code=499)  # nobody is left to read it
        except Unauthenticated as error:
            return _refusal(request, 401, str(error), error.extensions)
        except RateLimited as error:
            response = _refusal(request, 429, str(error), error.extensions)
            response.headers["retry-after"] = str(error.retry_after_seconds)
            return response
        except GatewayError as error:
            return _refusal(request, 400, str(error), error.extensions)
        except HTTPException as error:
            return _refusal(request, error.status_code, error.reason, {"code": BAD_REQUEST})

    async def _run_json_post(self, request: Request) -> Response:
        """strawberry's `run` for the common request, a POST of JSON, step by step in the same order (root
        value, context — so authentication answers before the body is read —, body, execution, result,
        response), without what only other requests need: its WebSocket branch, a general content-type
        parser (the caller saw JSON), stream transports (none is configured) and its checks for streamed
        and incremental results (`Schema.execute` returns neither then), and its sub-response: nothing
        on this path can change it (the context does not hold it), so the answer is made without one, as
        `create_response` makes it from an untouched one. A batch goes on through `run`.

        Mirrors strawberry-graphql 0.341.2's `strawberry.http.async_base_view.AsyncBaseHTTPView.run`
        (tests/test_library_mirrors.py fails when that changes; tests/test_graphql_http_paths.py compares
        the two paths' answers)."""
        root_value = None  # a view of `GraphQL[GatewayContext, None]`: no root value to get
        request_adapter = self.request_adapter_class(request)
        context = await self._context(request)
        data = self.parse_json(await request_adapter.get_body())
        if isinstance(data, list):
            return await self.run(request, context=context, root_value=root_value)
        if not isinstance(data, dict):
            # (strawberry's `run` fails on such a body with an AttributeError, a 500)
            raise HTTPException(400, "The request body must be a JSON object, or a list of them for a batch.")
        operation = _operation_data(data)
        await self._admit([operation])
        # strawberry's `execute_single` reads nothing of its sub-response either.
        result = await self.execute_single(request, request_adapter, None, context, root_value, operation)
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self._response(request, response_data, 200)

    def should_render_graphql_ide(self, request: Any) -> bool:
        return wants_ide(request)

    # ----------------------------------------------------------------- parsing

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except orjson.JSONDecodeError as error:  # also invalid UTF-8
            raise HTTPException(400, "The request body is not valid JSON (UTF-8).") from error

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        try:
            return super().parse_query_params(params)
        except orjson.JSONDecodeError as error:
            raise HTTPException(400, "`variables` or `extensions` in the URL are not valid JSON.") from error

    async def parse_multipart(self, request: Any) -> dict[str, Any]:
        """Uploads (GraphQL multipart request spec), limited while they stream in: gateway/uploads.py."""
        assert isinstance(request, StreamingRequestAdapter)
        limits = UploadLimits(request_bytes=self.runtime.settings.upload_request_max_bytes)
        return await read_graphql_multipart(request.request, limits)

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        """strawberry (0.341, `AsyncBaseHTTPView.parse_http_body`) hands a batch's items, as read from JSON
        or from a multipart `operations`, to this check and then reads each with `.get`: anything but
        objects failed there with a 500, and an empty batch ran as nothing."""
        super()._validate_batch_request(request_data, protocol)
        if not request_data:
            raise HTTPException(400, "A batch must hold at least one operation.")
        for item in request_data:
            if not isinstance(item, dict):
                raise HTTPException(400, "Each operation of a batch must be a JSON object.")
            _operation_data(item)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        await self._admit(parsed if isinstance(parsed, list) else [parsed])
        return parsed

    async def _admit(self, operations: list[GraphQLRequestData]) -> None:
        """The gateway's checks of a request's operations once strawberry has read them: their number,
        their names, persisted and trusted documents (each operation's `query` becomes the document to
        run), the size of each document."""
        limits = self.runtime.settings.limits
        too_many = too_many_operations(len(operations), limits)
        if too_many is not None:
            raise too_many
        for operation in operations:
            if operation.operation_name is not None and not isinstance(operation.operation_name, str):
                raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null.")
            variables = operation.variables or {}
            operation.query = await resolve_document(
                operation.query,
                operation.extensions,
                store=self.persisted,
                trusted=self.trusted,
                mode=self.runtime.settings.trusted_documents,
                storable=partial(self._storable, variables=variables),
            )
            too_large = document_too_large(len(operation.query or ""), limits)
            if too_large is not None:
                raise too_large

    def _storable(self, query: str, variables: dict[str, Any]) -> bool:
        """Whether a document sent to be persisted could run: within the size limit, parsed within the
        token limit, within the other limits (each refusal raised as the request's), and valid."""
        limits = self.runtime.settings.limits
        too_large = document_too_large(len(query), limits)
        if too_large is not None:
            raise too_large
        try:
            document = parse(query, max_tokens=limits.max_tokens)
        except GraphQLError:
            return False  # execution reports it, from the same parse
        schema = self.graphql_schema
        enforce(measure_document(schema, document, variables, limits), limits)
        return not validate_document(schema, document, tuple(specified_rules))

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                # GraphQL over HTTP: a mutation over GET is a method not allowed, not a bad request.
                raise HTTPException(405, error.reason) from error
            raise

    # -------------------------------------------------------------- WebSocket

    async def on_ws_connect(self, context: GatewayContext) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: a browser cannot set headers on a WebSocket, so the access token comes in
        the `connection_init` payload (`{"authorization": "Bearer …"}`); a bad one closes the socket."""
        params = context.connection_params or {}
        header = params.get("authorization", params.get("Authorization"))
        if header is None:
            return UnsetType()  # no token here: the handshake's own credentials (or none) stand
        token = _bearer(str(header))
        if token is None:
            raise ConnectionRejectionError()
        try:
            principal = await self.authenticator.principal_from_token(token)
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        session = socket_session(context.request)
        if session is not None:
            session.follow(principal, token)
        context.principal = principal
        context.loaders = Loaders.for_principal(principal, self.runtime)
        return UnsetType()  # acknowledged without a payload

    # ---------------------------------------------------------------- answers

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
            elif is_unexpected(error):
                unexpected = True
                logger.error("unexpected error while resolving", exc_info=original or error)
                formatted["message"] = INTERNAL_ERROR_MESSAGE
            elif not self.suggestions:
                # With introspection off, "did you mean" would hand out the schema piece by piece.
                formatted["message"] = _SUGGESTION.sub("", formatted["message"])
            formatted["extensions"] = error_extensions(error, request_id)
            errors.append(formatted)
        state = RequestState.of(request.scope)
        context = state.graphql_context
        failed = context.failed_regions if context is not None else set()
        for region in sorted(failed - reported):
            region_error = RegionUnavailable(region)
            errors.append(
                {
                    "message": str(region_error),
                    "extensions": region_error.extensions,
                }
            )
        refused_whole = (
            result.data is None and bool(result.errors) and all(map(is_request_error, result.errors or []))
        )
        limited = [e.original_error for e in result.errors or [] if isinstance(e.original_error, RateLimited)]
        if refused_whole and limited:
            state.retry_after_seconds = max(r.retry_after_seconds for r in limited)
        state.refused_whole = refused_whole
        if refused_whole:
            state.outcome = "rejected"
        elif unexpected or failed or reported:
            state.outcome = "error"
        elif _has_user_errors(result.data):
            state.outcome = "user_error"
        else:
            state.outcome = "ok"
        response: dict[str, Any] = {} if refused_whole else {"data": result.data}
        if errors:
            response["errors"] = errors
        if result.extensions:
            response["extensions"] = result.extensions
        return response  # type: ignore[return-value]

    def encode_json(self, data: object) -> str:
        # Text: graphql-transport-ws messages must go out as text frames (browser clients drop binary
        # ones); HTTP answers are encoded to bytes directly in create_response.
        return orjson.dumps(data).decode()

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        request: Request | None = getattr(sub_response, "request", None)
        response = self._response(request, response_data, sub_response.status_code or 200)
        for name, value in sub_response.headers.items():
            if name.lower() not in {"content-type", "content-length"}:
                response.headers.append(name, value)
        return response

    def _response(self, request: Request | None, response_data: Any, status: int) -> Response:
        """The HTTP answer of a GraphQL response (`status` unless the request was refused as a whole)."""
        media_type = "application/json" if request is None else negotiated_media_type(request)
        retry_after = None
        state = None if request is None else RequestState.of(request.scope)
        if state is not None and state.refused_whole:
            retry_after = state.retry_after_seconds
            if retry_after is not None:
                status = 429
            elif media_type == GRAPHQL_RESPONSE_JSON:
                # GraphQL over HTTP: a request refused before execution is a 4xx under the newer media
                # type; clients of plain JSON keep the traditional 200.
                status = 400
        response = Response(orjson.dumps(response_data), status_code=status, media_type=media_type)
        if retry_after is not None:
            response.headers["retry-after"] = str(retry_after)
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.request = request  # type: ignore[attr-defined]
        return sub_response
