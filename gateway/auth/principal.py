"""The caller of one request, as access rules see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from gateway.directory.records import AccessLevel, UserKind


class PrincipalKind(Enum):
    ANONYMOUS = "anonymous"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class Grant:
    """One ACTIVE association: this Tax ID, in this region, at this access level."""

    region: str
    tax_id: str
    access: AccessLevel


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    user_pk: int | None = None
    user_id: str | None = None
    user_kind: UserKind | None = None
    session_id: str | None = None
    active_region: str | None = None
    represents_region: str | None = None
    grants: frozenset[Grant] = field(default_factory=frozenset)
    # Tax IDs the person has any association with (any status), or works for: whose entity
    # record (name, agreement) they may see. Claims need a grant, not just this.
    related_tax_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def signed_in(self) -> bool:
        return self.kind is not PrincipalKind.ANONYMOUS


ANONYMOUS = Principal(kind=PrincipalKind.ANONYMOUS)
