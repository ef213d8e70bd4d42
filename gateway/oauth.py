"""`POST /oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4) for partner systems, on authlib's
generic authorization server, with the small Starlette adapter authlib leaves to each framework."""

from __future__ import annotations

import asyncio
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import orjson

# authlib ships no type information: its classes are Any to mypy, hence the ignores on them below.
from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    AuthorizationServer,
    ClientCredentialsGrant,
    ClientMixin,
    InvalidScopeError,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.util import extract_basic_authorization  # type: ignore[import-untyped]
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gateway.auth.authenticate import Authenticator
from gateway.auth.passwords import verify_password
from gateway.auth.throttle import Attempt
from gateway.errors import RateLimited
from gateway.observability import request_id_var
from gateway.partners.records import SCOPES, PartnerClient
from gateway.partners.store import PartnerStore
from gateway.runtime import Runtime

TOKEN_PATH = "/oauth/token"
GRANT_TYPE = "client_credentials"
_FORM = "application/x-www-form-urlencoded"
_MAX_BODY_BYTES = 4 * 1024
_MAX_PARAMETERS = 20
# Argon2id verifies use tens of MiB each: a burst of token requests must not exhaust memory.
_CONCURRENT_SECRET_CHECKS = 4
# Lengths of the audit columns `actor` and `client_address`.
_ACTOR_LENGTH = 100
_ADDRESS_LENGTH = 64
# authlib checks that a request's URL is https before anything else. TLS ends at the load balancer in
# front of the replicas (README, "Scaling out"), so the URL this process sees says nothing of the client's
# connection: the check is given this URL, and the request's own replaces it right after.
_CHECKED_URL = "https://gateway.invalid/oauth/token"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_INVALID_CLIENT = "Client authentication failed: send the client id and secret with HTTP Basic."


class _MalformedRequestError(Exception):
    """An RFC 6749 §5.2 error found before authlib runs (a malformed request)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class PartnerOAuthClient(ClientMixin):  # type: ignore[misc]
    """A registered client as authlib sees it; its secret was checked (off the event loop) beforehand."""

    def __init__(self, client: PartnerClient, *, presented_secret: str, secret_matches: bool) -> None:
        self.client = client
        self._presented_secret = presented_secret
        self._secret_matches = secret_matches

    def get_client_id(self) -> str:
        return self.client.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(sorted(self.granted_scopes(scope)))

    def granted_scopes(self, scope: str | None) -> frozenset[str]:
        """What a token gets: the scopes asked for, or every allowed scope when none is asked for."""
        asked = frozenset((scope or "").split())
        return asked or self.client.scopes

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self._secret_matches and client_secret == self._presented_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" and endpoint == "token"

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE


class _UnknownClient(ClientMixin):  # type: ignore[misc]
    """Stands for a client id nobody registered (or a disabled client), so that it fails authentication
    exactly as a wrong secret does: the answer never tells which client ids exist."""

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" and endpoint == "token"


class _TokenRequest(OAuth2Request):  # type: ignore[misc]
    """A token request read from Starlette, as authlib's OAuth2Request."""

    def __init__(self, request: Request, form: Mapping[str, str], headers: Mapping[str, str]) -> None:
        super().__init__(request.method, _CHECKED_URL, headers=dict(headers))
        self.uri = str(request.url)
        self.payload = BasicOAuth2Payload(dict(form))
        self._form = dict(form)

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 §4.4, HTTP Basic only (HTTP.md), and no scope beyond what the client is allowed."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]  # noqa: RUF012 - authlib's own class attribute

    def validate_requested_scope(self) -> None:
        client = self.request.client
        asked = frozenset((self.request.payload.scope or "").split())
        assert isinstance(client, PartnerOAuthClient)
        if not asked <= client.client.scopes:
            raise InvalidScopeError(
                description=f"This client may ask for {' '.join(sorted(client.client.scopes))}; "
                f"the scopes are {' '.join(sorted(SCOPES))}."
            )


class _TokenServer(AuthorizationServer):  # type: ignore[misc]
    """authlib's server for one token request: the only client it knows is the one the request names."""

    def __init__(self, authenticator: Authenticator, client: PartnerOAuthClient | None) -> None:
        super().__init__(scopes_supported=sorted(SCOPES))
        self._authenticator = authenticator
        self._client = client
        self.issued_scopes: frozenset[str] | None = None
        self.register_grant(_ClientCredentials)
        self.register_token_generator(GRANT_TYPE, self._token)

    def query_client(self, client_id: str) -> PartnerOAuthClient | _UnknownClient:
        client = self._client
        return client if client is not None and client.get_client_id() == client_id else _UnknownClient()

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Nothing to keep: a token is a signed JWT, and each request reads the client again."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: what a token request did is audited once it is answered."""

    def create_oauth2_request(self, request: _TokenRequest) -> _TokenRequest:
        return request

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        if body.get("error") == "invalid_client":
            # One wording for every failed authentication (unknown client, wrong secret, no credentials).
            body = {"error": "invalid_client", "error_description": _INVALID_CLIENT}
            headers = [(name, value) for name, value in headers if name.lower() != "www-authenticate"]
            if status == 401:
                headers.append(("WWW-Authenticate", 'Basic realm="oauth", error="invalid_client"'))
        return status, body, headers

    def _token(
        self,
        grant_type: str,
        client: PartnerOAuthClient,
        user: object = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        scopes = client.granted_scopes(scope)
        issued = self._authenticator.partner_tokens.issue(client.get_client_id(), scopes)
        self.issued_scopes = scopes
        return {
            "access_token": issued.token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": " ".join(sorted(scopes)),
        }


class TokenEndpoint:
    """`POST /oauth/token`. The client is read and its secret verified here, asynchronously; authlib then
    runs the grant (synchronous, and quick once the secret is known) and words every answer."""

    def __init__(self, runtime: Runtime, authenticator: Authenticator) -> None:
        self._runtime = runtime
        self._authenticator = authenticator
        self._partners = PartnerStore(runtime.directory.engine)
        self._secret_checks = asyncio.Semaphore(_CONCURRENT_SECRET_CHECKS)

    async def token(self, request: Request) -> Response:
        credentials: tuple[str, str] | None = None
        try:
            form = await _form(request)
            grant_type = form.get("grant_type")
            if not grant_type:
                raise _MalformedRequestError("invalid_request", "The grant_type parameter is required.")
            credentials, headers = _basic_credentials(request)
            client = None
            # Only a grant this endpoint serves is worth a secret check (which is slow on purpose).
            if grant_type == GRANT_TYPE and credentials is not None:
                # Counted per client id whether or not it exists (gateway/auth/throttle.py).
                await self._authenticator.throttle.admit(
                    Attempt.PARTNER_TOKEN, address=_address(request), account=credentials[0]
                )
                client = await self._authenticate(*credentials)
            server = _TokenServer(self._authenticator, client)
            status, body, answer_headers = server.create_token_response(_TokenRequest(request, form, headers))
        except _MalformedRequestError as refused:
            status, answer_headers = 400, []
            body = {"error": refused.error, "error_description": refused.description}
            server = None
        except RateLimited as limited:
            status, answer_headers = 429, [("Retry-After", str(limited.retry_after_seconds))]
            body = {"error": "rate_limited"}
            server = None
        await self._audit(request, credentials, status, body, server)
        response = Response(orjson.dumps(body), status_code=status, media_type="application/json")
        for name, value in answer_headers:
            if name.lower() != "content-type":
                response.headers[name] = value
        response.headers.update(_NO_STORE)
        return response

    async def _authenticate(self, client_id: str, secret: str) -> PartnerOAuthClient | None:
        """The client, with whether the secret matches; None for an unknown or disabled client, after
        the same time a check takes, so that a wrong id answers no faster than a wrong secret."""
        found = await self._partners.client(client_id) if len(client_id) <= 100 else None
        live = found if found is not None and found.active else None
        async with self._secret_checks:
            # Argon2 is CPU-bound: off the event loop, so other requests keep being served.
            matches = await asyncio.to_thread(verify_password, live.secret_hash if live else None, secret)
        if live is None:
            return None
        return PartnerOAuthClient(live, presented_secret=secret, secret_matches=matches)

    async def _audit(
        self,
        request: Request,
        credentials: tuple[str, str] | None,
        status: int,
        body: Mapping[str, Any],
        server: _TokenServer | None,
    ) -> None:
        """One event per token request: the client it named and what came of it; never the secret."""
        detail: dict[str, Any] = {}
        if status == 200 and server is not None and server.issued_scopes is not None:
            outcome = "ok"
            detail["scope"] = " ".join(sorted(server.issued_scopes))
        else:
            outcome = str(body.get("error", "error"))[:30]
        actor = f"client:{credentials[0]}"[:_ACTOR_LENGTH] if credentials is not None else None
        await self._runtime.directory.append_audit(
            at=datetime.now(UTC),
            actor=actor,
            action="partner_token",
            outcome=outcome,
            client_address=(_address(request) or "")[:_ADDRESS_LENGTH] or None,
            request_id=request_id_var.get(),
            detail=detail,
        )


async def _form(request: Request) -> dict[str, str]:
    """The form parameters (RFC 6749 Appendix B), each at most once (§3.2); refused otherwise."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != _FORM:
        raise _MalformedRequestError("invalid_request", f"Send the parameters as {_FORM}.")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > _MAX_BODY_BYTES:
                raise _MalformedRequestError("invalid_request", "The request body is too large.")
    except ClientDisconnect:
        raise _MalformedRequestError("invalid_request", "The request body was cut short.") from None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            errors="strict",
            max_num_fields=_MAX_PARAMETERS,
        )
    except (UnicodeDecodeError, ValueError):
        raise _MalformedRequestError("invalid_request", "The request body is not a form in UTF-8.") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _MalformedRequestError("invalid_request", f"The {_printable(name)} parameter is repeated.")
        if not value.isprintable():
            raise _MalformedRequestError(
                "invalid_request", f"The {_printable(name)} parameter holds control characters."
            )
        form[name] = value
    return form


def _basic_credentials(request: Request) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """The client id and secret of an HTTP Basic header, and the headers authlib gets: a header that cannot
    be read is left out, so that authlib answers it as no client authentication (`invalid_client`)."""
    header = request.headers.get("authorization")
    if header is None:
        return None, {}
    try:
        client_id, secret = extract_basic_authorization({"Authorization": header})
    except (UnicodeDecodeError, binascii.Error, ValueError):
        return None, {}
    if not client_id or not secret or not client_id.isprintable():
        return None, {}
    return (client_id, secret), {"Authorization": header}


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _printable(name: str) -> str:
    """A parameter name fit for an error description (RFC 6749 allows printable ASCII but `"` and `\\`)."""
    kept = "".join(c for c in name if " " <= c <= "~" and c not in {'"', "\\"})
    return kept[:40] or "unnamed"


def oauth_routes(runtime: Runtime, authenticator: Authenticator) -> list[BaseRoute]:
    """The token endpoint of HTTP.md's "Partner integrations", to mount at the application's root."""
    return [Route(TOKEN_PATH, TokenEndpoint(runtime, authenticator).token, methods=["POST"])]
