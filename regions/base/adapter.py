"""The seam between the gateway and a regional backend."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from regions.base.coverage import (
    CoverageLookup,
    Eligibility,
    MemberCoverage,
    MemberKey,
    ServedElsewhere,
    eligibility_on,
)
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

    def outside_portal_guidance(self, plan_type: PlanType) -> str | None:
        """Hook: what the portal says about a member of a plan this region serves outside it, or None
        where the region publishes nothing for the plan (then the answer is that of any miss).

        Default: the region's own words for the plan in `rules.guidance.outside_portal`.
        """
        return self.rules.guidance.for_plan_outside_portal(plan_type)

    def guest_plan_guidance(self, plan_type: PlanType) -> str | None:
        """Hook: what guest claim status says about a member of this plan instead of a claim's status, or
        None when it answers for the plan.

        Default: a plan the region serves outside the portal gets the region's guidance (the Northern
        California welcome page); self-funded claims status is the National Self-Funding Program's in
        every region (the Colorado welcome page:
        "To view self-funded claims status, please follow the instructions on the National Self-Funding
        Program Provider Portal Summary").
        """
        if plan_type in self.rules.plans_outside_portal:
            return self.outside_portal_guidance(plan_type) or self.rules.guidance.claim_not_found
        if plan_type is PlanType.SELF_FUNDED:
            return self.rules.guidance.self_funded
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

    def serves_in_portal(self, plan_type: PlanType) -> bool:
        """Whether the portal answers for members of this plan here (`rules.plans_outside_portal`)."""
        return plan_type not in self.rules.plans_outside_portal

    async def claims_by_pks(self, pks: Sequence[int]) -> dict[int, ClaimRecord]:
        """Claims of plans served in the portal; the others are not found."""
        found = await self.store.claims_by_pks(pks)
        return {pk: claim for pk, claim in found.items() if self.serves_in_portal(claim.member.plan_type)}

    async def claims_by_numbers(
        self, claim_numbers: Sequence[str], *, with_plans_outside_portal: bool = False
    ) -> dict[str, ClaimRecord]:
        """Claims by number; those of plans served outside the portal only with
        `with_plans_outside_portal`, for a caller that answers them with the region's guidance."""
        valid = [number for number in claim_numbers if self.is_own_claim_number(number)]
        if not valid:
            return {}
        found = await self.store.claims_by_numbers(valid)
        if with_plans_outside_portal:
            return found
        return {
            number: claim for number, claim in found.items() if self.serves_in_portal(claim.member.plan_type)
        }

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        """A page of claims, of plans served in the portal only: the others are neither listed nor
        counted."""
        if search.claim_number is not None and not self.is_own_claim_number(search.claim_number):
            return Page(items=[], has_more=False, total=0 if search.with_total else None)
        if self.rules.plans_outside_portal:
            search = replace(search, excluded_plans=search.excluded_plans | self.rules.plans_outside_portal)
        return await self.store.search_claims(search)

    async def members_by_member_ids(self, member_ids: Sequence[str]) -> dict[str, MemberRecord]:
        return await self.store.members_by_member_ids(member_ids)

    async def find_members(self, keys: Sequence[MemberKey]) -> dict[MemberKey, MemberCoverage]:
        """Members by their exact member id and date of birth, with their coverage, whatever their plan;
        see `eligibility` for what the portal answers with."""
        return await self.store.find_members(keys)

    async def eligibility(
        self, lookups: Sequence[CoverageLookup]
    ) -> dict[CoverageLookup, Eligibility | ServedElsewhere]:
        """Eligibility and benefits for each look-up, in one call to the store. A look-up that finds no
        member with both keys, no coverage, or a plan served outside the portal without guidance of the
        region's own is missing from the answer: every miss is the same."""
        found = await self.store.find_members([lookup.member for lookup in lookups])
        answers: dict[CoverageLookup, Eligibility | ServedElsewhere] = {}
        for lookup in lookups:
            member = found.get(lookup.member)
            answer = (
                None
                if member is None
                else eligibility_on(member, lookup.date_of_service, lookup.service_types)
            )
            if answer is None:
                continue
            plan_type = answer.coverage.plan_type
            if self.serves_in_portal(plan_type):
                answers[lookup] = answer
                continue
            guidance = self.outside_portal_guidance(plan_type)
            if guidance is not None:
                answers[lookup] = ServedElsewhere(self.code, plan_type, guidance)
        return answers

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
