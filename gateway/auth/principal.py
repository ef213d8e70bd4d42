"""The caller of one request, as access rules see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from gateway.directory.records import AccessLevel, UserKind


class PrincipalKind(Enum):
    ANONYMOUS = "anonymous"
    PERSON = "person"
    # A partner system holding an OAuth 2.0 client-credentials token (docs/partners.md).
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class Grant:
    """One ACTIVE association: this Tax ID, in this region, at this access level."""

    region: str
    tax_id: str
    access: AccessLevel


@dataclass(frozen=True, slots=True)
class PartnerAllowance:
    """What a partner's client may spend in any minute, across every gateway replica."""

    requests_per_minute: int
    cost_per_minute: int


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    user_pk: int | None = None
    user_id: str | None = None
    user_kind: UserKind | None = None
    session_id: str | None = None
    active_region: str | None = None
    represents_region: str | None = None
    # A utilization reviewer: the region whose referrals and authorizations they decide.
    reviews_region: str | None = None
    grants: frozenset[Grant] = field(default_factory=frozenset)
    # Tax IDs the person has any association with (any status), or works for: whose entity
    # record (name, agreement) they may see. Claims need a grant, not just this.
    related_tax_ids: frozenset[str] = field(default_factory=frozenset)
    # The session reaches Manage My Account only (gateway/access.py `account_only`): the person is still
    # REGISTERING, or must enrol a second factor first.
    account_only: bool = False
    mfa_enrolment_due: bool = False
    # Partners only: the client and the scopes its token holds. Its grants are its bindings (CLINICAL
    # only with `clinical:read`), and `user_id` is `client:<client id>`, the name its messages are
    # filed under and its audit events carry; a colon never occurs in a person's user id.
    client_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    allowance: PartnerAllowance | None = None

    @property
    def signed_in(self) -> bool:
        return self.kind is not PrincipalKind.ANONYMOUS

    @property
    def is_partner(self) -> bool:
        return self.kind is PrincipalKind.PARTNER


ANONYMOUS = Principal(kind=PrincipalKind.ANONYMOUS)
