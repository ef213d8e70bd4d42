"""Enrollment agreements and the representatives' decisions: their mutations and types."""

from __future__ import annotations

import strawberry

from gateway.accounts.associations import decide_association
from gateway.accounts.enrollment import AgreementSubmission, process_agreement, submit_agreement
from gateway.context import Info
from gateway.directory.records import EntityKind
from gateway.errors import MutationRefused
from gateway.schema.accounts import AssociationPayload, caller_of
from gateway.schema.associations import Association
from gateway.schema.entities import ProviderEntity
from gateway.schema.user_errors import UserError, user_errors


@strawberry.input
class EnrollmentAgreementInput:
    tax_id: str
    entity_name: str
    kind: EntityKind
    signatory_name: str
    signatory_title: str
    signatory_email: str
    attesting_tax_ids: list[str] | None = strawberry.field(
        default=None,
        description="Ignored: it grants nothing by itself.",
        deprecation_reason=(
            "A provider group attests for its third-party administrator itself (submitTpaAttestation)."
        ),
    )


@strawberry.type
class EnrollmentAgreementPayload:
    entity: ProviderEntity | None
    user_errors: list[UserError]


@strawberry.input
class ProcessEnrollmentAgreementInput:
    tax_id: str
    accept: bool


@strawberry.input
class DecideAssociationInput:
    association_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.type
class EnrollmentMutation:
    @strawberry.mutation(
        description=(
            "Files an organization's Online Affiliate Enrollment Agreement; no sign-in needed. One per "
            "Tax ID (ALREADY_EXISTS). A third-party administrator's agreement is its own; the provider "
            "groups it works for each attest for it (submitTpaAttestation)."
        )
    )
    async def submit_enrollment_agreement(
        self, info: Info, input: EnrollmentAgreementInput
    ) -> EnrollmentAgreementPayload:
        submission = AgreementSubmission(
            tax_id=input.tax_id,
            entity_name=input.entity_name,
            kind=input.kind,
            signatory_name=input.signatory_name,
            signatory_title=input.signatory_title,
            signatory_email=input.signatory_email,
            attesting_tax_ids=input.attesting_tax_ids,
        )
        try:
            entity = await submit_agreement(info.context.runtime, caller_of(info), submission)
        except MutationRefused as refused:
            return EnrollmentAgreementPayload(entity=None, user_errors=user_errors(refused))
        return EnrollmentAgreementPayload(entity=ProviderEntity.from_record(entity), user_errors=[])

    @strawberry.mutation(
        description=(
            "Regional representatives (of any region: agreements are national) process or reject a "
            "submitted agreement. Anyone else signed in gets NOT_ALLOWED."
        )
    )
    async def process_enrollment_agreement(
        self, info: Info, input: ProcessEnrollmentAgreementInput
    ) -> EnrollmentAgreementPayload:
        try:
            entity = await process_agreement(
                info.context.runtime, caller_of(info), input.tax_id, accept=input.accept
            )
        except MutationRefused as refused:
            return EnrollmentAgreementPayload(entity=None, user_errors=user_errors(refused))
        return EnrollmentAgreementPayload(entity=ProviderEntity.from_record(entity), user_errors=[])

    @strawberry.mutation(
        description=(
            "A regional representative approves or denies an association request in their own region "
            "(a reason is required on denial); the person's first approval makes their account ACTIVE. "
            "Anyone else signed in gets NOT_ALLOWED; a request outside the representative's region is "
            "NOT_FOUND, as it is on the read side; nobody decides their own request."
        )
    )
    async def decide_association(self, info: Info, input: DecideAssociationInput) -> AssociationPayload:
        try:
            record = await decide_association(
                info.context.runtime,
                caller_of(info),
                input.association_id,
                approve=input.approve,
                reason=input.reason,
            )
        except MutationRefused as refused:
            return AssociationPayload(association=None, user_errors=user_errors(refused))
        return AssociationPayload(association=Association.from_record(record), user_errors=[])
