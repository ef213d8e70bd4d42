"""The seam between the gateway and a regional backend."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from regions.base.errors import InvalidClaimNumberError
from regions.base.queries import ClaimSearch, MessageSearch, ProviderSearch
from regions.base.records import (
    FINALIZED_STATUSES,
    AttachmentRecord,
    ClaimAction,
    ClaimRecord,
    MessageRecord,
    Page,
    ProviderRecord,
)
from regions.base.rules import DEFAULT_RULES, RegionRules
from regions.base.store import RegionStore


class RegionAdapter:
    """One regional backend as the gateway sees it.

    The gateway never talks to a region's store directly. It holds one adapter per region
    (built from the registry in `regions.base.registry`) and calls the batch methods below
    with many keys at once: every method answers a whole batch with one call to the store,
    so the gateway's dataloaders cost one round trip per region per loader, whatever the
    page size.

    A region differs from another only by its `rules` (frozen data, see `RegionRules`) and
    by the hooks it overrides. Hooks are the methods documented as such below; a region
    overrides one with `@override` and cites the seed page its rule comes from. Everything
    else is the shared flow and is not meant to be overridden.

    Adapters speak plain records (`regions.base.records`) and raise `RegionError`
    subclasses; they know nothing of GraphQL, principals or access rules, which the gateway
    applies to the records it gets back. Timeouts and circuit breaking are the gateway's
    too (`gateway/fanout.py`): an adapter just lets the store's exception rise.
    """

    rules: ClassVar[RegionRules] = DEFAULT_RULES

    def __init__(self, store: RegionStore) -> None:
        self.store = store

    @property
    def code(self) -> str:
        return self.rules.code

    # -------------------------------------------------------------------- hooks

    def validate_claim_number(self, claim_number: str) -> None:
        """Hook: refuse a claim number that cannot be this region's, before the store is asked.

        Default: the region code followed by ten digits (DEMO_DATA.md).
        """
        pattern = rf"{re.escape(self.code)}\d{{{self.rules.claim_number_digits}}}"
        if not re.fullmatch(pattern, claim_number):
            raise InvalidClaimNumberError(self.code, f"{claim_number!r} is not a {self.code} claim number")

    def available_actions(self, claim: ClaimRecord) -> tuple[ClaimAction, ...]:
        """Hook: what Take Action offers on a claim (seed 004, step 4).

        Default: documentation and RFI responses at any time ("can be done proactively");
        a dispute only once the claim is finalized.
        """
        actions = [
            ClaimAction.SUBMIT_SUPPORTING_DOCUMENTATION,
            ClaimAction.RESPOND_TO_REQUEST_FOR_INFORMATION,
        ]
        if claim.status in FINALIZED_STATUSES:
            actions.append(ClaimAction.FILE_DISPUTE)
        return tuple(actions)

    # ------------------------------------------------------------- shared flow

    def is_own_claim_number(self, claim_number: str) -> bool:
        try:
            self.validate_claim_number(claim_number)
        except InvalidClaimNumberError:
            return False
        return True

    async def ping(self) -> None:
        await self.store.ping()

    async def claims_by_pks(self, pks: Sequence[int]) -> dict[int, ClaimRecord]:
        return await self.store.claims_by_pks(pks)

    async def claims_by_numbers(self, claim_numbers: Sequence[str]) -> dict[str, ClaimRecord]:
        valid = [number for number in claim_numbers if self.is_own_claim_number(number)]
        if not valid:
            return {}
        return await self.store.claims_by_numbers(valid)

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        if search.claim_number is not None and not self.is_own_claim_number(search.claim_number):
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        return await self.store.search_claims(search)

    async def providers_by_pks(self, pks: Sequence[int]) -> dict[int, ProviderRecord]:
        return await self.store.providers_by_pks(pks)

    async def search_providers(self, search: ProviderSearch) -> Page[ProviderRecord]:
        return await self.store.search_providers(search)

    async def messages_by_pks(self, pks: Sequence[int]) -> dict[int, MessageRecord]:
        return await self.store.messages_by_pks(pks)

    async def search_messages(self, search: MessageSearch) -> Page[MessageRecord]:
        return await self.store.search_messages(search)

    async def attachments_by_message_pks(self, pks: Sequence[int]) -> dict[int, list[AttachmentRecord]]:
        return await self.store.attachments_by_message_pks(pks)

    async def attachments_by_pks(self, pks: Sequence[int]) -> dict[int, AttachmentRecord]:
        return await self.store.attachments_by_pks(pks)

    async def attachment_content(self, pk: int) -> bytes | None:
        return await self.store.attachment_content(pk)
