"""Guest access: claim status and eligibility without signing in, and the count of an operation's guest
look-ups taken before any of them runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ObjectValueNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from gateway.context import GatewayContext, Info
from gateway.guest import lookups
from gateway.guest.audit import GuestAction
from gateway.guest.throttle import AskedLookup, admit_request
from gateway.schema.claims import Payment
from gateway.schema.enums import RegionCode
from regions.base.records import ClaimStatus, PlanType
from regions.base.registry import REGION_CODES


@strawberry.input
class GuestClaimStatusInput:
    region: RegionCode
    claim_number: str
    member_id: str
    member_date_of_birth: date
    billed_amount: Decimal

    def to_keys(self) -> lookups.ClaimStatusKeys:
        return lookups.ClaimStatusKeys(
            region=self.region.value,
            claim_number=self.claim_number,
            member_id=self.member_id,
            member_date_of_birth=self.member_date_of_birth,
            billed_amount=self.billed_amount,
        )


@strawberry.type
class GuestClaimStatus:
    claim_number: str
    status: ClaimStatus
    status_category: str
    payment: Payment | None = strawberry.field(description="Only when paid.")

    @classmethod
    def from_record(cls, record: lookups.GuestClaim) -> GuestClaimStatus:
        return cls(
            claim_number=record.claim_number,
            status=record.status,
            status_category=record.status_category,
            payment=Payment.from_record(record.payment),
        )


@strawberry.type
class GuestClaimStatusResult:
    claim: GuestClaimStatus | None = strawberry.field(
        description="Null when nothing matches every key field."
    )
    guidance: str | None = strawberry.field(
        description=(
            "When claim is null: what to do next (e.g. call the number on the member's ID card; "
            "self-funded, PPO, POS and OOA guidance)."
        )
    )

    @classmethod
    def from_answer(cls, answer: lookups.ClaimStatusAnswer) -> GuestClaimStatusResult:
        claim = None if answer.claim is None else GuestClaimStatus.from_record(answer.claim)
        return cls(claim=claim, guidance=answer.guidance)


@strawberry.input
class GuestEligibilityInput:
    region: RegionCode
    member_id: str
    member_date_of_birth: date
    member_last_name: str

    def to_keys(self) -> lookups.EligibilityKeys:
        return lookups.EligibilityKeys(
            region=self.region.value,
            member_id=self.member_id,
            member_date_of_birth=self.member_date_of_birth,
            member_last_name=self.member_last_name,
        )


@strawberry.type
class GuestEligibility:
    member_id: str
    eligible: bool
    plan_type: PlanType
    coverage_from: date | None
    coverage_to: date | None

    @classmethod
    def from_record(cls, record: lookups.GuestEligibility) -> GuestEligibility:
        return cls(
            member_id=record.member_id,
            eligible=record.eligible,
            plan_type=record.plan_type,
            coverage_from=record.coverage_from,
            coverage_to=record.coverage_to,
        )


@strawberry.type
class GuestEligibilityResult:
    eligibility: GuestEligibility | None
    guidance: str | None

    @classmethod
    def from_answer(cls, answer: lookups.EligibilityAnswer) -> GuestEligibilityResult:
        found = None if answer.eligibility is None else GuestEligibility.from_record(answer.eligibility)
        return cls(eligibility=found, guidance=answer.guidance)


@strawberry.type
class GuestQuery:
    @strawberry.field
    async def guest_claim_status(self, info: Info, input: GuestClaimStatusInput) -> GuestClaimStatusResult:
        return GuestClaimStatusResult.from_answer(await lookups.claim_status(info.context, input.to_keys()))

    @strawberry.field
    async def guest_eligibility(self, info: Info, input: GuestEligibilityInput) -> GuestEligibilityResult:
        return GuestEligibilityResult.from_answer(await lookups.eligibility(info.context, input.to_keys()))


# The root fields above as a document names them (the schema camel-cases field names).
GUEST_FIELDS = {"guestClaimStatus": GuestAction.CLAIM_STATUS, "guestEligibility": GuestAction.ELIGIBILITY}


def count_guest_lookups(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None = None
) -> Counter[AskedLookup]:
    """How many guest look-ups the chosen operation asks for, by kind and region: every occurrence
    counts, aliased or not, through fragments too (a fragment spread twice counts twice). Each fragment
    is walked once, so a document of fragments that spread each other many times over costs no more
    than its size."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Counter()
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    counted: dict[str, Counter[AskedLookup]] = {}

    def count(selection_set: SelectionSetNode | None, entered: frozenset[str]) -> Counter[AskedLookup]:
        found: Counter[AskedLookup] = Counter()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                action = GUEST_FIELDS.get(selection.name.value)
                if action is not None:
                    found[action, _asked_region(selection, variables or {})] += 1
                else:
                    found.update(count(selection.selection_set, entered))
            elif isinstance(selection, InlineFragmentNode):
                found.update(count(selection.selection_set, entered))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                # Validation refuses cycles before execution; `entered` only keeps this walk finite.
                if name not in counted and name in fragments and name not in entered:
                    counted[name] = count(fragments[name].selection_set, entered | {name})
                found.update(counted.get(name, Counter()))
        return found

    return count(operation.selection_set, frozenset())


def _asked_region(field: FieldNode, variables: Mapping[str, Any]) -> str | None:
    """The region a guest field's `input` names, where that can be read before execution (for the audit
    of a refusal); None when it cannot, or names no region there is."""
    region: object = None
    for argument in field.arguments or ():
        if argument.name.value != "input":
            continue
        if isinstance(argument.value, VariableNode):
            given = variables.get(argument.value.name.value)
            region = given.get("region") if isinstance(given, dict) else None
        elif isinstance(argument.value, ObjectValueNode):
            for entry in argument.value.fields:
                if entry.name.value == "region" and isinstance(entry.value, EnumValueNode):
                    region = entry.value.value
                elif entry.name.value == "region" and isinstance(entry.value, VariableNode):
                    region = variables.get(entry.value.name.value)
    return region if isinstance(region, str) and region in REGION_CODES else None


class GuestLookupCounter(SchemaExtension):
    """Counts an operation's guest look-ups against the caller's address before it executes, so that a
    request of many aliased (or batched) guesses is refused before any is tried."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if execution.graphql_document is not None and isinstance(context, GatewayContext):
            lookups_asked = count_guest_lookups(
                execution.graphql_document, execution.operation_name, execution.variables
            )
            if lookups_asked:
                await admit_request(context, lookups_asked)
        yield
