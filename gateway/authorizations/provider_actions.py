"""What a provider does with an open request: cancel it (its requester, before a decision, with a reason),
or answer a request for information (clinical access to its Tax ID, with files, sent once per idempotency
key). Either is ACTION_NOT_AVAILABLE once the authorization no longer offers it, including when another
change commits first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gateway import access
from gateway.accounts.transaction import account_change
from gateway.authorizations.delivery import caller_of, close_uploads, deliver, note, visible_authorization
from gateway.authorizations.inputs import RequestChecks
from gateway.claim_actions.attachments import checked_attachments
from gateway.claim_actions.idempotency import checked_key
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, Unauthenticated, UserErrorCode
from regions.base.authorizations import (
    AuthorizationAction,
    AuthorizationRecord,
    FilingOutcome,
    NewAuthorizationMessage,
)
from regions.base.records import MessageKind

MAX_REASON_CHARACTERS = 2_000
MAX_RESPONSE_CHARACTERS = 10_000


@dataclass(frozen=True, slots=True)
class ProviderActionResult:
    authorization: AuthorizationRecord
    confirmation: str


def _unavailable(authorization: AuthorizationRecord, action: AuthorizationAction) -> Problem:
    if action is AuthorizationAction.CANCEL:
        message = (
            f"Authorization {authorization.authorization_number} can be cancelled only by whoever requested "
            "it, before a decision."
        )
    else:
        message = f"Authorization {authorization.authorization_number} is not waiting for information."
    return Problem(UserErrorCode.ACTION_NOT_AVAILABLE, message)


async def cancel_authorization(
    context: GatewayContext, authorization_id: str, reason: str
) -> ProviderActionResult:
    principal = context.principal
    if not principal.signed_in or principal.user_id is None:
        raise Unauthenticated()
    async with account_change(context.runtime, caller_of(context), "cancel_authorization") as change:
        authorization = await visible_authorization(context, authorization_id)
        note(change, authorization)
        if AuthorizationAction.CANCEL not in access.authorization_actions(principal, authorization):
            raise MutationRefused(_unavailable(authorization, AuthorizationAction.CANCEL))
        checks = RequestChecks()
        text = checks.text(reason, ("input", "reason"), label="the reason", max_length=MAX_REASON_CHARACTERS)
        if checks.problems:
            raise MutationRefused(*checks.problems)
        user_id = principal.user_id
        at = context.runtime.clock.now()
        filing = await context.runtime.fanout.call(
            authorization.region, lambda a: a.cancel_authorization(authorization.pk, user_id, text, at)
        )
        cancelled = access.visible_authorization(principal, filing.authorization)
        if filing.outcome is FilingOutcome.NOT_OPEN or cancelled is None:
            raise MutationRefused(_unavailable(authorization, AuthorizationAction.CANCEL))
        async with change.transaction():
            pass
    return ProviderActionResult(
        authorization=cancelled, confirmation=f"Authorization {cancelled.authorization_number} was cancelled."
    )


async def respond_to_request_for_information(
    context: GatewayContext,
    authorization_id: str,
    body: str,
    attachments: Sequence[object] | None,
    idempotency_key: str | None,
) -> ProviderActionResult:
    principal = context.principal
    if not principal.signed_in or principal.user_id is None:
        close_uploads(attachments)
        raise Unauthenticated()
    owner = principal.user_id
    try:
        async with account_change(
            context.runtime, caller_of(context), "respond_to_authorization_rfi"
        ) as change:
            change.detail["attachments"] = len(attachments or ())
            authorization = await visible_authorization(context, authorization_id)
            note(change, authorization)
            fanout = context.runtime.fanout
            key = checked_key(idempotency_key)
            if key is not None:
                earlier = await fanout.call(
                    authorization.region,
                    lambda a: a.authorization_message_by_idempotency_key(owner, key),
                )
                if earlier is not None:
                    if (
                        earlier.authorization_pk != authorization.pk
                        or earlier.kind is not MessageKind.AUTHORIZATION_RFI_RESPONSE
                    ):
                        raise MutationRefused(
                            Problem(
                                UserErrorCode.INVALID,
                                "This idempotency key was already used for another message; use a new key.",
                                ("input", "idempotencyKey"),
                            )
                        )
                    note(change, authorization, replayed=True)
                    async with change.transaction():
                        pass
                    return ProviderActionResult(
                        authorization=authorization, confirmation=_sent(authorization)
                    )
            action = AuthorizationAction.RESPOND_TO_REQUEST_FOR_INFORMATION
            if action not in access.authorization_actions(principal, authorization):
                raise MutationRefused(_unavailable(authorization, action))
            checks = RequestChecks()
            text = checks.text(
                body, ("input", "body"), label="your answer", max_length=MAX_RESPONSE_CHARACTERS
            )
            files, file_problems = checked_attachments(attachments, ("input", "attachments"))
            problems = checks.problems + file_problems
            if problems:
                raise MutationRefused(*problems)
            response = NewAuthorizationMessage(
                owner_user_id=owner,
                subject=f"Answer to the request for information, {authorization.authorization_number}",
                body=text,
                idempotency_key=key,
                sent_at=context.runtime.clock.now(),
                files=tuple(files),
            )
            filing = await fanout.call(
                authorization.region, lambda a: a.respond_to_authorization_rfi(authorization.pk, response)
            )
            answered = access.visible_authorization(principal, filing.authorization)
            if filing.outcome is FilingOutcome.NOT_OPEN or answered is None:
                raise MutationRefused(_unavailable(authorization, action))
            note(change, answered, replayed=filing.outcome is FilingOutcome.REPLAYED)
            async with change.transaction():
                pass
    finally:
        close_uploads(attachments)
    if filing.outcome is FilingOutcome.FILED:
        await deliver(context, filing.messages)
    return ProviderActionResult(authorization=answered, confirmation=_sent(answered))


def _sent(authorization: AuthorizationRecord) -> str:
    return (
        f"Your answer for authorization {authorization.authorization_number} was sent; the request is "
        "back in review."
    )
