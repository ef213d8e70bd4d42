"""Partner clients as the directory holds them, and the scopes a client may be given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Scope(Enum):
    """What a partner token may reach (HTTP.md, "Partner integrations")."""

    CLAIMS_READ = "claims:read"
    MESSAGES_READ = "messages:read"
    MESSAGES_WRITE = "messages:write"
    CLINICAL_READ = "clinical:read"
    ELIGIBILITY_READ = "eligibility:read"


SCOPES: frozenset[str] = frozenset(scope.value for scope in Scope)
# A client's limits unless it is registered with others: about 140 pages of 100 claims a minute.
DEFAULT_REQUESTS_PER_MINUTE = 300
DEFAULT_COST_PER_MINUTE = 100_000


@dataclass(frozen=True, slots=True)
class Binding:
    """A Tax ID, in a region, whose claims and messages the client may reach."""

    region: str
    tax_id: str


@dataclass(frozen=True, slots=True)
class PartnerClient:
    pk: int
    client_id: str
    name: str
    # Argon2id of the client secret; the secret itself is printed once, when it is made.
    secret_hash: str
    scopes: frozenset[str]
    requests_per_minute: int
    cost_per_minute: int
    bindings: frozenset[Binding]
    created_at: datetime
    rotated_at: datetime | None
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None
