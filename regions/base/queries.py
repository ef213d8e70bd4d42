"""What the gateway may ask a region, as frozen keys (hashable, so dataloaders can batch them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from regions.base.records import ClaimStatus, MessageFolder, PlanType


@dataclass(frozen=True, slots=True)
class ClaimCursor:
    """Keyset position in the claims order (newest received first, then claim number)."""

    received_on: date
    claim_number: str


@dataclass(frozen=True, slots=True)
class ClaimSearch:
    """A claims page within the Tax IDs the caller may see in one region."""

    tax_ids: frozenset[str]
    claim_number: str | None = None
    statuses: frozenset[ClaimStatus] | None = None
    received_from: date | None = None
    received_to: date | None = None
    after: ClaimCursor | None = None
    limit: int = 20
    with_total: bool = False
    # The fields of the claim records the page needs (regions/base/rows.py `reading`); None: all.
    fields: frozenset[str] | None = None
    # Claims of members of these plans are neither listed nor counted (the region serves them elsewhere).
    excluded_plans: frozenset[PlanType] = frozenset()


@dataclass(frozen=True, slots=True)
class ProviderCursor:
    name: str
    pk: int


@dataclass(frozen=True, slots=True)
class ProviderSearch:
    """The on-behalf-of picker: providers linked to one Tax ID, by name or NPI."""

    tax_id: str
    text: str | None = None
    after: ProviderCursor | None = None
    limit: int = 20
    with_total: bool = False


@dataclass(frozen=True, slots=True)
class MessageCursor:
    sent_at: datetime
    pk: int


@dataclass(frozen=True, slots=True)
class MessageSearch:
    """Messages on one claim, or one person's in-basket, newest first, within visible Tax IDs."""

    tax_ids: frozenset[str]
    claim_pk: int | None = None
    owner_user_id: str | None = None
    folder: MessageFolder | None = None
    unread_only: bool = False
    after: MessageCursor | None = None
    limit: int = 20
    with_total: bool = False
