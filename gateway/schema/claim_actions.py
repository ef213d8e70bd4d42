"""Take Action on a claim (the Online Provider Messaging guide): the three submissions, marking messages read,
the live in-basket."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.file_uploads import Upload

from gateway.claim_actions.reading import mark_messages_read
from gateway.claim_actions.submission import (
    CONFIRMATION,
    SubmissionRequest,
    SubmissionResult,
    submit_message,
)
from gateway.context import Info
from gateway.errors import MutationRefused
from gateway.inbasket import deliveries
from gateway.schema.messages import Message
from gateway.schema.user_errors import UserError, user_errors
from regions.base.records import MessageKind, RfiSubtopic

_IDEMPOTENCY = "Repeating a key returns the first result instead of sending twice."


@strawberry.input
class SupportingDocumentationInput:
    claim_id: strawberry.ID
    body: str
    crm_id: str | None = None
    attachments: list[Upload] | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=_IDEMPOTENCY)


@strawberry.input
class RequestForInformationResponseInput:
    claim_id: strawberry.ID
    subtopic: RfiSubtopic
    body: str
    crm_id: str | None = None
    attachments: list[Upload] | None = None
    idempotency_key: str | None = None


@strawberry.input
class DisputeInput:
    claim_id: strawberry.ID
    body: str
    crm_id: str | None = None
    on_behalf_of_provider_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only where the claim's region has the provider picker."
    )
    attachments: list[Upload] | None = None
    idempotency_key: str | None = None


@strawberry.type
class SubmitMessagePayload:
    message: Message | None
    confirmation: str | None = strawberry.field(
        description='"The message has been sent successfully" on success.'
    )
    acknowledgement: Message | None = strawberry.field(
        description="The automated acknowledgement letter (California regions only)."
    )
    user_errors: list[UserError]

    @classmethod
    def sent(cls, result: SubmissionResult) -> SubmitMessagePayload:
        acknowledgement = result.acknowledgement
        return cls(
            message=Message.from_record(result.message),
            confirmation=CONFIRMATION,
            acknowledgement=None if acknowledgement is None else Message.from_record(acknowledgement),
            user_errors=[],
        )

    @classmethod
    def refused(cls, refused: MutationRefused) -> SubmitMessagePayload:
        return cls(message=None, confirmation=None, acknowledgement=None, user_errors=user_errors(refused))


@strawberry.input
class MarkMessagesReadInput:
    message_ids: list[strawberry.ID]


@strawberry.type
class MarkMessagesReadPayload:
    messages: list[Message]
    user_errors: list[UserError]


async def _submit(info: Info, request: SubmissionRequest) -> SubmitMessagePayload:
    try:
        return SubmitMessagePayload.sent(await submit_message(info.context, request))
    except MutationRefused as refused:
        return SubmitMessagePayload.refused(refused)


@strawberry.type
class ClaimActionMutation:
    @strawberry.mutation
    async def submit_supporting_documentation(
        self, info: Info, input: SupportingDocumentationInput
    ) -> SubmitMessagePayload:
        return await _submit(
            info,
            SubmissionRequest(
                kind=MessageKind.SUPPORTING_DOCUMENTATION,
                claim_id=str(input.claim_id),
                body=input.body,
                crm_id=input.crm_id,
                attachments=input.attachments,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def respond_to_request_for_information(
        self, info: Info, input: RequestForInformationResponseInput
    ) -> SubmitMessagePayload:
        return await _submit(
            info,
            SubmissionRequest(
                kind=MessageKind.REQUEST_FOR_INFORMATION_RESPONSE,
                claim_id=str(input.claim_id),
                body=input.body,
                crm_id=input.crm_id,
                subtopic=input.subtopic,
                attachments=input.attachments,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def file_dispute(self, info: Info, input: DisputeInput) -> SubmitMessagePayload:
        return await _submit(
            info,
            SubmissionRequest(
                kind=MessageKind.DISPUTE,
                claim_id=str(input.claim_id),
                body=input.body,
                crm_id=input.crm_id,
                on_behalf_of_provider_id=None
                if input.on_behalf_of_provider_id is None
                else str(input.on_behalf_of_provider_id),
                attachments=input.attachments,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def mark_messages_read(self, info: Info, input: MarkMessagesReadInput) -> MarkMessagesReadPayload:
        try:
            records = await mark_messages_read(
                info.context, [str(message_id) for message_id in input.message_ids]
            )
        except MutationRefused as refused:
            return MarkMessagesReadPayload(messages=[], user_errors=user_errors(refused))
        return MarkMessagesReadPayload(
            messages=[Message.from_record(record) for record in records], user_errors=[]
        )


@strawberry.type
class InBasketSubscription:
    @strawberry.subscription(
        description=(
            "New messages in the signed-in user's in-basket, across the regions they are approved for."
        )
    )
    async def in_basket(self, info: Info) -> AsyncGenerator[Message, None]:
        async for record in deliveries(info.context):
            yield Message.from_record(record)
