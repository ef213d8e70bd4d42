"""The per-request context every resolver reads as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from starlette.requests import HTTPConnection

from gateway.auth.principal import Principal
from gateway.loaders import Loaders

if TYPE_CHECKING:
    from gateway.auth.authenticate import Authenticator
    from gateway.runtime import Runtime


@dataclass(slots=True)
class GatewayContext:
    request: HTTPConnection
    runtime: Runtime
    authenticator: Authenticator
    principal: Principal
    loaders: Loaders
    request_id: str
    # Regions that failed during this request: their data is null and each adds one
    # REGION_UNAVAILABLE error to the response, while the other regions' data is served.
    failed_regions: set[str] = field(default_factory=set)
    # The graphql-transport-ws `connection_init` payload, set by strawberry on WebSocket connections.
    connection_params: dict[str, object] | None = None

    def region_failed(self, region: str) -> None:
        self.failed_regions.add(region)


Info: TypeAlias = strawberry.Info[GatewayContext, None]
