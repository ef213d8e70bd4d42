"""Domain exceptions and the GraphQL error codes clients rely on (docs/http.md)."""

from __future__ import annotations

from dataclasses import dataclass
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
        # The code travels in `extensions`, so graphql-core copies it onto the GraphQL error wherever it
        # is formatted (HTTP answers and WebSocket subscription errors alike).
        self.extensions: dict[str, Any] = {"code": self.code.value, **extensions}


class Unauthenticated(GatewayError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "Sign in to see this.") -> None:
        super().__init__(message)


class Forbidden(GatewayError):
    code = ErrorCode.FORBIDDEN


class BadUserInput(GatewayError):
    code = ErrorCode.BAD_USER_INPUT


class RateLimited(GatewayError):
    """Too many requests; `retryAfter` (seconds) tells when to try again. Answered with HTTP 429 when
    it refuses the whole request."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, retryAfter=max(1, retry_after_seconds))
        self.retry_after_seconds = max(1, retry_after_seconds)


class QueryTooComplex(GatewayError):
    code = ErrorCode.QUERY_TOO_COMPLEX


class PersistedQueryNotFound(GatewayError):
    code = ErrorCode.PERSISTED_QUERY_NOT_FOUND

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")


class PersistedQueryRefused(GatewayError):
    """A persisted-query extension that is malformed, or a hash that does not match its document."""

    code = ErrorCode.BAD_USER_INPUT


class DocumentNotTrusted(GatewayError):
    code = ErrorCode.FORBIDDEN

    def __init__(self) -> None:
        super().__init__("Only trusted documents run here; this one is not registered.")


class RegionUnavailable(GatewayError):
    code = ErrorCode.REGION_UNAVAILABLE

    def __init__(self, region: str) -> None:
        super().__init__(f"Region {region} is unavailable right now; other regions answered.", region=region)
        self.region = region


def is_request_error(error: GraphQLError) -> bool:
    """A failure found before execution (parsing, validation, variables, limits): it carries no path."""
    return not error.path


def is_unexpected(error: GraphQLError) -> bool:
    """An error that is a bug or a fault, not something the client asked for: masked and logged."""
    original = error.original_error
    if original is None:
        return bool(error.path)  # e.g. null in a non-null field
    if isinstance(original, GatewayError):
        return False
    return not (isinstance(original, GraphQLError) and is_request_error(error))


def error_extensions(error: GraphQLError, request_id: str | None) -> dict[str, Any]:
    """The `extensions` of one error as clients see it; unexpected errors say nothing of their cause."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return dict(original.extensions)
    if isinstance(error, GraphQLSyntaxError):
        if "tokens. Parsing aborted" in error.message:
            return {"code": ErrorCode.QUERY_TOO_COMPLEX.value, "limit": "tokens"}
        return {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value}
    if is_request_error(error) and (original is None or isinstance(original, GraphQLError)):
        if (error.extensions or {}).get("code"):
            return dict(error.extensions or {})
        code = (
            ErrorCode.BAD_USER_INPUT
            if error.message.startswith("Variable")
            else ErrorCode.GRAPHQL_VALIDATION_FAILED
        )
        return {"code": code.value}
    return {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}


class UserErrorCode(Enum):
    """Stable codes of expected mutation failures (`userErrors`), as the client contract names them."""

    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    NOT_ALLOWED = "NOT_ALLOWED"
    AGREEMENT_NOT_ON_FILE = "AGREEMENT_NOT_ON_FILE"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    REGION_NOT_APPROVED = "REGION_NOT_APPROVED"
    ACTION_NOT_AVAILABLE = "ACTION_NOT_AVAILABLE"
    PROVIDER_PICKER_NOT_AVAILABLE = "PROVIDER_PICKER_NOT_AVAILABLE"
    ATTACHMENT_TYPE_NOT_ALLOWED = "ATTACHMENT_TYPE_NOT_ALLOWED"
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE"
    PASSWORD_GUIDELINES = "PASSWORD_GUIDELINES"
    WRONG_PASSWORD = "WRONG_PASSWORD"
    TOKEN_INVALID = "TOKEN_INVALID"
    PLAN_OUTSIDE_PORTAL = "PLAN_OUTSIDE_PORTAL"
    RATE_LIMITED = "RATE_LIMITED"
    NO_TREATMENT_RELATIONSHIP = "NO_TREATMENT_RELATIONSHIP"
    MFA_CODE_INVALID = "MFA_CODE_INVALID"


@dataclass(frozen=True, slots=True)
class Problem:
    """One expected failure of a mutation: a code, a human message, and the input field at fault."""

    code: UserErrorCode
    message: str
    field: tuple[str, ...] | None = None


class MutationRefused(Exception):
    """Raised by a mutation service for expected failures; the payload carries them as `userErrors`
    and nothing of the mutation is committed."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems
