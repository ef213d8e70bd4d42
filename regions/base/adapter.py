"""The seam between the gateway and a regional backend."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from regions.base.errors import InvalidClaimNumberError
from regions.base.queries import ClaimSearch, MessageSearch, ProviderSearch
from regions.base.records import (
    FINALIZED_STATUSES,
    AcknowledgementLetter,
    AttachmentRecord,
    ClaimAction,
    ClaimRecord,
    MemberRecord,
    MessageKind,
    MessageRecord,
    NewAttachment,
    NewMessage,
    Page,
    PlanType,
    ProviderRecord,
    Submission,
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

    def guest_plan_guidance(self, plan_type: PlanType) -> str | None:
        """Hook: what guest look-ups say about a member of this plan instead of a claim's status, or
        None when the guest claim status tool answers for the plan.

        Default (seed 003): "Self-Funded, PPO, POS or OOA member claims may not be available in this
        self-service tool", with the guidance of `rules.guest_guidance`.
        """
        guidance = self.rules.guest_guidance
        if plan_type is PlanType.SELF_FUNDED:
            return guidance.self_funded
        if plan_type in {PlanType.PPO, PlanType.POS, PlanType.OUT_OF_AREA}:
            return guidance.ppo_pos_out_of_area
        return None

    def offers_provider_picker(self) -> bool:
        """Hook: whether a dispute may be filed on behalf of a provider linked to the claim's Tax ID.

        Default: `rules.on_behalf_of_provider_picker` (seed 004, step 10: MAS, CO, HI and NW).
        """
        return self.rules.on_behalf_of_provider_picker

    def acknowledgement_letter(self, claim: ClaimRecord, message: NewMessage) -> AcknowledgementLetter | None:
        """Hook: the automated letter filed in the sender's Customer Service Reply folder for a
        submission, or None when the region sends none.

        Default: where `rules.acknowledgement_letters` is set (seed 004: California), a letter worded
        by `rules.acknowledgement_text`.
        """
        if not self.rules.acknowledgement_letters:
            return None
        text = self.rules.acknowledgement_text
        fields = {
            "claim_number": claim.claim_number,
            "submission": _SUBMISSION_NAMES.get(message.kind, "submission"),
            "received_on": message.sent_at.date().isoformat(),
            "reference": f" (reference {message.crm_id})" if message.crm_id else "",
        }
        return AcknowledgementLetter(subject=text.subject.format(**fields), body=text.body.format(**fields))

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

    async def members_by_member_ids(self, member_ids: Sequence[str]) -> dict[str, MemberRecord]:
        return await self.store.members_by_member_ids(member_ids)

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

    async def submit_message(
        self, claim: ClaimRecord, message: NewMessage, files: Sequence[NewAttachment]
    ) -> Submission:
        """File a submission on a claim: the message, its files and, where the region sends one, the
        acknowledgement letter, all in one transaction. A dispute is refused while another is open."""
        return await self.store.file_submission(
            message,
            files,
            self.acknowledgement_letter(claim, message),
            one_open_dispute=message.kind is MessageKind.DISPUTE,
        )

    async def submission_by_idempotency_key(self, owner_user_id: str, key: str) -> Submission | None:
        return await self.store.submission_by_idempotency_key(owner_user_id, key)

    async def mark_messages_read(self, pks: Sequence[int], owner_user_id: str, at: datetime) -> None:
        await self.store.mark_messages_read(pks, owner_user_id, at)

    async def attachment_chunk(self, pk: int, offset: int, length: int) -> bytes | None:
        return await self.store.attachment_chunk(pk, offset, length)


# How an acknowledgement letter names what it acknowledges.
_SUBMISSION_NAMES = {
    MessageKind.SUPPORTING_DOCUMENTATION: "supporting documentation",
    MessageKind.REQUEST_FOR_INFORMATION_RESPONSE: "response to a request for information",
    MessageKind.DISPUTE: "dispute",
}
