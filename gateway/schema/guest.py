"""Guest access: claim status and eligibility without signing in, and the count of an operation's guest
look-ups taken before any of them runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

import strawberry
from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    GraphQLNamedType,
    ObjectValueNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from gateway.context import GatewayContext, Info
from gateway.documents import PerDocument, SelectionMeasure, SelectionWalk, fragments_of
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
    counts, aliased or not, through fragments too (a fragment spread twice counts twice). The guest
    fields are found once per document and operation; only the regions that variables name are read
    per request."""
    asked = _GUEST_FIELDS_ASKED.get(document, operation_name, lambda: _guest_fields(document, operation_name))
    counted: Counter[AskedLookup] = Counter()
    for (action, source), times in asked.items():
        counted[action, source.region(variables or {})] += times
    return counted


@dataclass(frozen=True, slots=True)
class _RegionSource:
    """Where a guest field's `input` names its region: a literal, a variable holding the region, or a
    variable holding the whole input."""

    literal: str | None = None
    variable: str | None = None
    input_variable: str | None = None

    def region(self, variables: Mapping[str, Any]) -> str | None:
        """The region asked for (for the audit of a refusal); None when it cannot be read before
        execution, or names no region there is."""
        region: object = self.literal
        if self.input_variable is not None:
            given = variables.get(self.input_variable)
            region = given.get("region") if isinstance(given, dict) else None
        elif self.variable is not None:
            region = variables.get(self.variable)
        return region if isinstance(region, str) and region in REGION_CODES else None


_GuestFields: TypeAlias = Counter[tuple[GuestAction, _RegionSource]]
# Per document and operation name: the guest fields the operation asks for, with where each names its region.
_GUEST_FIELDS_ASKED: PerDocument[_GuestFields] = PerDocument()


class _GuestFieldsAsked(SelectionMeasure[_GuestFields]):
    """Every occurrence of a guest field, with where its `input` names its region."""

    def zero(self) -> _GuestFields:
        return Counter()

    def add(self, total: _GuestFields, part: _GuestFields) -> _GuestFields:
        # A new sum (`+`), never an update: a fragment's count is shared by every spread of it.
        return total + part if part else total

    def field(
        self, walk: SelectionWalk[_GuestFields], field: FieldNode, parent: GraphQLNamedType | None
    ) -> _GuestFields:
        action = GUEST_FIELDS.get(field.name.value)
        if action is not None:
            return Counter({(action, _region_source(field)): 1})
        return walk.measure(field.selection_set, None)


def _guest_fields(document: DocumentNode, operation_name: str | None) -> _GuestFields:
    """Through the one linear walk (gateway/documents.py): a document of fragments that spread each other
    many times over costs no more than its size."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Counter()
    return SelectionWalk(_GuestFieldsAsked(), fragments_of(document)).measure(operation.selection_set, None)


def _region_source(field: FieldNode) -> _RegionSource:
    """Where a guest field's `input` argument names its region."""
    source = _RegionSource()
    for argument in field.arguments or ():
        if argument.name.value != "input":
            continue
        if isinstance(argument.value, VariableNode):
            source = _RegionSource(input_variable=argument.value.name.value)
        elif isinstance(argument.value, ObjectValueNode):
            for entry in argument.value.fields:
                if entry.name.value == "region" and isinstance(entry.value, EnumValueNode):
                    source = _RegionSource(literal=entry.value.value)
                elif entry.name.value == "region" and isinstance(entry.value, VariableNode):
                    source = _RegionSource(variable=entry.value.name.value)
    return source


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
