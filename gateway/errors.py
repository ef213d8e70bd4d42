"""Domain exceptions and the GraphQL error codes clients rely on (HTTP.md)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError


class ErrorCode(Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    RATE_LIMITED = "RATE_LIMITED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    REGION_UNAVAILABLE = "REGION_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class GatewayError(Exception):
    """An expected failure that becomes a GraphQL error with `extensions.code`."""

    code: ErrorCode = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = extensions


class Unauthenticated(GatewayError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "Sign in to see this.") -> None:
        super().__init__(message)


class Forbidden(GatewayError):
    code = ErrorCode.FORBIDDEN


class BadUserInput(GatewayError):
    code = ErrorCode.BAD_USER_INPUT


class RegionUnavailable(GatewayError):
    code = ErrorCode.REGION_UNAVAILABLE

    def __init__(self, region: str) -> None:
        super().__init__(f"Region {region} is unavailable right now; other regions answered.", region=region)
        self.region = region


def is_request_error(error: GraphQLError) -> bool:
    """Parse, validation and variable failures: found before execution, so they carry no path."""
    return error.original_error is None and not error.path


def error_extensions(error: GraphQLError, request_id: str | None) -> dict[str, Any]:
    """The `extensions` of one error as clients see it; unexpected errors say nothing of their cause."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return {"code": original.code.value, **original.extensions}
    if isinstance(error, GraphQLSyntaxError):
        return {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value}
    if is_request_error(error):
        code = (
            ErrorCode.BAD_USER_INPUT
            if error.message.startswith("Variable")
            else ErrorCode.GRAPHQL_VALIDATION_FAILED
        )
        return {"code": code.value}
    return {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
