"""The sign-in endpoints of docs/http.md: /auth/sign-in, /auth/refresh, /auth/sign-out, the JWKS."""

from __future__ import annotations

from typing import Any, TypeGuard

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.auth.authenticate import Authenticator, SignInOutcome, SignInResult
from gateway.auth.tokens import IssuedToken

REFRESH_COOKIE = "gateway_refresh"
# The browser sends the refresh cookie to /auth/* only, never with API calls.
COOKIE_PATH = "/auth"
_MAX_BODY_BYTES = 8 * 1024
_MAX_FIELD_LENGTH = 1024
# Token answers must not be kept by any cache (RFC 6749 §5.1).
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status_code: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code, headers=_NO_STORE)


def rate_limited(retry_after_seconds: int) -> JSONResponse:
    """Too many attempts (gateway/auth/throttle.py): 429, and when another would be counted."""
    response = _error(429, "rate_limited")
    response.headers["Retry-After"] = str(retry_after_seconds)
    return response


def _token_answer(access: IssuedToken, *, mfa_enrollment_required: bool = False) -> JSONResponse:
    body: dict[str, Any] = {
        "access_token": access.token,
        "token_type": "Bearer",
        "expires_in": access.expires_in,
    }
    if mfa_enrollment_required:
        # MFA_REQUIRED and no second factor yet: the session reaches Manage My Account only, and the web
        # app takes the person to Security › enrolment straight away.
        body["mfa_enrollment_required"] = True
    return JSONResponse(body, headers=_NO_STORE)


def _client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def _json_body(request: Request) -> Any:
    """The parsed JSON body, or None when it is not JSON, not sent as JSON, or too large."""
    # Requiring the JSON media type forces a CORS preflight: no cross-site form can sign anyone in.
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        return None
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > _MAX_BODY_BYTES:
                return None
    except ClientDisconnect:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _credentials(body: Any) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return None
    user_id, password = body.get("userId"), body.get("password")
    # No user id holds control characters; PostgreSQL would refuse a NUL outright.
    if _usable(user_id) and _usable(password) and user_id.isprintable():
        return user_id, password
    return None


def _mfa_answer(body: Any) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return None
    token, code = body.get("mfa_token"), body.get("code")
    return (token, code) if _usable(token) and _usable(code) else None


def _user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent") or None


def _usable(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= _MAX_FIELD_LENGTH


class _AuthEndpoints:
    def __init__(self, authenticator: Authenticator) -> None:
        self._authenticator = authenticator

    async def sign_in(self, request: Request) -> Response:
        credentials = _credentials(await _json_body(request))
        if credentials is None:
            return _error(400, "invalid_request")
        user_id, password = credentials
        result = await self._authenticator.sign_in(
            user_id, password, client_address=_client_address(request), user_agent=_user_agent(request)
        )
        if result.challenge is not None:
            body = {
                "mfa_required": True,
                "mfa_token": result.challenge.token,
                "expires_in": result.challenge.expires_in,
            }
            return JSONResponse(body, headers=_NO_STORE)
        return self._signed_in(result, "invalid_credentials")

    async def sign_in_mfa(self, request: Request) -> Response:
        answer = _mfa_answer(await _json_body(request))
        if answer is None:
            return _error(400, "invalid_request")
        token, code = answer
        result = await self._authenticator.sign_in_mfa(
            token, code, client_address=_client_address(request), user_agent=_user_agent(request)
        )
        return self._signed_in(result, "invalid_code")

    def _signed_in(self, result: SignInResult, refusal: str) -> Response:
        """The usual sign-in answer with its refresh cookie, or the refusal."""
        if result.outcome is SignInOutcome.RATE_LIMITED:
            return rate_limited(result.retry_after_seconds)
        if result.access is None or result.refresh_cookie is None:
            return _error(401, refusal)
        response = _token_answer(result.access, mfa_enrollment_required=result.mfa_enrollment_required)
        settings = self._authenticator.settings
        response.set_cookie(
            REFRESH_COOKIE,
            result.refresh_cookie,
            max_age=settings.session_absolute_seconds,
            path=COOKIE_PATH,
            secure=settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
        return response

    async def refresh(self, request: Request) -> Response:
        cookie = request.cookies.get(REFRESH_COOKIE)
        access = await self._authenticator.refresh(cookie) if cookie else None
        if access is None:
            response = _error(401, "session_expired")
            self._clear_cookie(response)
            return response
        return _token_answer(access)

    async def sign_out(self, request: Request) -> Response:
        await self._authenticator.sign_out(
            refresh_cookie=request.cookies.get(REFRESH_COOKIE),
            bearer_token=_bearer_token(request),
            client_address=_client_address(request),
        )
        response = Response(status_code=204, headers=_NO_STORE)
        self._clear_cookie(response)
        return response

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(self._authenticator.jwks, headers={"Cache-Control": "public, max-age=300"})

    def _clear_cookie(self, response: Response) -> None:
        response.delete_cookie(
            REFRESH_COOKIE,
            path=COOKIE_PATH,
            secure=self._authenticator.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )


def auth_routes(authenticator: Authenticator) -> list[BaseRoute]:
    """The routes of docs/http.md's "Sign-in for people", to mount at the application's root."""
    endpoints = _AuthEndpoints(authenticator)
    return [
        Route("/auth/sign-in", endpoints.sign_in, methods=["POST"]),
        Route("/auth/sign-in/mfa", endpoints.sign_in_mfa, methods=["POST"]),
        Route("/auth/refresh", endpoints.refresh, methods=["POST"]),
        Route("/auth/sign-out", endpoints.sign_out, methods=["POST"]),
        Route("/.well-known/jwks.json", endpoints.jwks, methods=["GET"]),
    ]
