"""CSRF prevention (docs/http.md): a request a browser could send cross-site without a preflight runs only if
it carries a header that forces one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

_SIMPLE_CONTENT_TYPES = frozenset({"multipart/form-data", "text/plain", "application/x-www-form-urlencoded"})
_PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")


def needs_preflight_header(request: Request) -> bool:
    """GET, and POST with a content type a cross-site form or `fetch` can send without a preflight."""
    if request.method == "GET":
        return True
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return content_type == "" or content_type in _SIMPLE_CONTENT_TYPES


def is_forgeable(request: Request) -> bool:
    """True when the request needs a preflight-forcing header and has none."""
    if not needs_preflight_header(request):
        return False
    return not any(request.headers.get(header, "").strip() for header in _PREFLIGHT_HEADERS)


def wants_ide(request: Request | Any) -> bool:
    """A browser opening GraphiQL: a GET for HTML with no operation in it (no query, no persisted
    query), which runs nothing."""
    return (
        request.method == "GET"
        and request.query_params.get("query") is None
        and request.query_params.get("extensions") is None
        and "text/html" in request.headers.get("accept", "")
    )
