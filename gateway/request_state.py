"""What handling one request leaves for the code that runs after it, as one typed object in the request's
ASGI scope (where Starlette's `request.state` keeps its values): the request metrics, the access log line
and the HTTP answer read it; the GraphQL endpoint, its schema extensions, the guest throttle and the
eligibility allowance write it."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiodataloader import DataLoader

    from gateway.context import GatewayContext

# The key of the request's state in the scope's `state` (Starlette's), so that it sits beside the
# lifespan's values instead of replacing them.
_KEY = "gateway.request"


@dataclass(slots=True)
class RequestState:
    """One request's state; every field has its default until something sets it."""

    # The GraphQL operation, once validation has chosen it (None before, and for other requests).
    operation_type: str | None = None
    operation_name: str | None = None
    # ok, user_error, error or rejected: the request metrics' outcome and the log line's.
    outcome: str | None = None
    principal_id: str | None = None
    # The GraphQL context, for the regions that failed while answering; unlinked once the answer is sent
    # (it refers to the request, whose scope refers to this).
    graphql_context: GatewayContext | None = None
    # A GraphQL request refused as a whole, before execution, and how long to wait if it was rate limited.
    refused_whole: bool = False
    retry_after_seconds: int | None = None
    # Guest look-ups the throttle admitted with the operation and not yet used (gateway/guest/throttle.py).
    guest_lookups_admitted: int = 0
    # The request's eligibility look-ups, counted against the caller's allowance together
    # (gateway/eligibility.py).
    eligibility_allowance: DataLoader[int, None] | None = None

    @classmethod
    def of(cls, scope: MutableMapping[str, Any]) -> RequestState:
        """The state of the request with this ASGI scope, made on first use."""
        state: dict[str, Any] = scope.setdefault("state", {})
        found = state.get(_KEY)
        if not isinstance(found, cls):
            found = state[_KEY] = cls()
        return found
