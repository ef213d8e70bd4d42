"""TPA attestations by provider groups, the representatives' work queue, and support case read-back."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway import access
from gateway.accounts.attestations import (
    AttestationView,
    TpaAttestationSubmission,
    process_tpa_attestation,
    submit_tpa_attestation,
)
from gateway.accounts.queue import QUEUE_LIMIT, representative_queue
from gateway.accounts.support import read_back_support_case, support_case_queue
from gateway.context import Info
from gateway.directory.records import AgreementStatus
from gateway.errors import MutationRefused, Unauthenticated
from gateway.ids import encode_id
from gateway.schema.accounts import SupportCase, SupportCaseStatus, caller_of
from gateway.schema.entities import ProviderEntity
from gateway.schema.relay import Node
from gateway.schema.user_errors import UserError, user_errors


@strawberry.type
class TpaAttestation(Node):
    group: ProviderEntity
    tpa: ProviderEntity
    status: AgreementStatus
    signatory_name: str
    signatory_title: str
    submitted_at: datetime
    processed_at: datetime | None

    @classmethod
    def from_view(cls, view: AttestationView) -> TpaAttestation:
        record = view.attestation
        return cls(
            id=strawberry.ID(encode_id("TpaAttestation", None, record.pk)),
            group=ProviderEntity.from_record(view.group),
            tpa=ProviderEntity.from_record(view.tpa),
            status=record.status,
            signatory_name=record.signatory_name,
            signatory_title=record.signatory_title,
            submitted_at=record.submitted_at,
            processed_at=record.processed_at,
        )


@strawberry.type
class TpaAttestationPayload:
    attestation: TpaAttestation | None
    user_errors: list[UserError]


@strawberry.input
class TpaAttestationInput:
    group_tax_id: str = strawberry.field(
        description="The provider group that attests; it needs a processed agreement."
    )
    tpa_tax_id: str = strawberry.field(description="The third-party administrator it authorizes.")
    signatory_name: str
    signatory_title: str
    signatory_email: str


@strawberry.input
class ProcessTpaAttestationInput:
    attestation_id: strawberry.ID
    accept: bool


@strawberry.type
class RepresentativeQueue:
    enrollment_agreements: list[ProviderEntity]
    tpa_attestations: list[TpaAttestation]

    @strawberry.field
    async def support_cases(
        self, info: Info, status: SupportCaseStatus | None = SupportCaseStatus.OPEN
    ) -> list[SupportCase]:
        wanted = (status or SupportCaseStatus.OPEN).value
        views = await support_case_queue(info.context.runtime, info.context.principal, wanted, QUEUE_LIMIT)
        return [SupportCase.from_view(view) for view in views]


@strawberry.type
class AttestationQuery:
    @strawberry.field(
        description=(
            "Regional representatives' work queue: enrollment agreements, TPA attestations and support "
            "cases waiting for them; association requests stay in `pendingAssociations`. "
            "Null for anyone else."
        )
    )
    async def representative_queue(self, info: Info) -> RepresentativeQueue | None:
        principal = info.context.principal
        if not principal.signed_in:
            raise Unauthenticated()
        if not access.may_process_agreements(principal):
            return None
        queue = await representative_queue(info.context.runtime)
        return RepresentativeQueue(
            enrollment_agreements=[ProviderEntity.from_record(entity) for entity in queue.agreements],
            tpa_attestations=[TpaAttestation.from_view(view) for view in queue.attestations],
        )

    @strawberry.field(
        description=(
            "A support case read back by whoever opened it, with no sign-in: the case number and the contact "
            "email given when it was opened must both match; any miss is null. A client address may try "
            "20 times in 15 minutes (RATE_LIMITED)."
        )
    )
    async def support_case(self, info: Info, case_number: str, contact_email: str) -> SupportCase | None:
        view = await read_back_support_case(info.context.runtime, caller_of(info), case_number, contact_email)
        return None if view is None else SupportCase.from_view(view)


@strawberry.type
class AttestationMutation:
    @strawberry.mutation(
        description=(
            "No sign-in needed: the provider group's authorized signatory attests for a TPA. "
            "A representative processes it; the TPA's people reach the group's claims only once it is "
            "PROCESSED."
        )
    )
    async def submit_tpa_attestation(self, info: Info, input: TpaAttestationInput) -> TpaAttestationPayload:
        submission = TpaAttestationSubmission(
            group_tax_id=input.group_tax_id,
            tpa_tax_id=input.tpa_tax_id,
            signatory_name=input.signatory_name,
            signatory_title=input.signatory_title,
            signatory_email=input.signatory_email,
        )
        try:
            view = await submit_tpa_attestation(info.context.runtime, caller_of(info), submission)
        except MutationRefused as refused:
            return TpaAttestationPayload(attestation=None, user_errors=user_errors(refused))
        return TpaAttestationPayload(attestation=TpaAttestation.from_view(view), user_errors=[])

    @strawberry.mutation(
        description=(
            "Regional representatives (of any region: attestations are national) process or reject a "
            "submitted attestation; the signatory is emailed. Anyone else signed in gets NOT_ALLOWED."
        )
    )
    async def process_tpa_attestation(
        self, info: Info, input: ProcessTpaAttestationInput
    ) -> TpaAttestationPayload:
        try:
            view = await process_tpa_attestation(
                info.context.runtime, caller_of(info), input.attestation_id, accept=input.accept
            )
        except MutationRefused as refused:
            return TpaAttestationPayload(attestation=None, user_errors=user_errors(refused))
        return TpaAttestationPayload(attestation=TpaAttestation.from_view(view), user_errors=[])
