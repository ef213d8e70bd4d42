"""Take Action (the Online Provider Messaging guide): send supporting documentation, answer a request for
information, or file a dispute on a claim the person may see, with attachments, on behalf of another provider
where the claim's region has the picker.

The flow, in order: the claim (NOT_FOUND, the same for a hidden claim and a missing one); an earlier
submission under the same idempotency key (answered again, nothing filed); the action the claim offers
(ACTION_NOT_AVAILABLE); the on-behalf-of provider (PROVIDER_PICKER_NOT_AVAILABLE, INVALID); the text and
the files (INVALID, ATTACHMENT_*); then one transaction in the claim's region for the message, its files
and the acknowledgement letter, where a second open dispute is refused (ALREADY_EXISTS). News of what was
filed goes to the sender's live in-basket after the commit; every attempt is an audit event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gateway import access
from gateway.claim_actions.attachments import checked_attachments
from gateway.claim_actions.idempotency import checked_key, matching
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, RegionUnavailable, Unauthenticated, UserErrorCode
from gateway.ids import decode_id, encode_id
from gateway.inbasket import announce
from gateway.loaders import RegionPk
from gateway.uploads import UploadedFile
from regions.base.adapter import RegionAdapter
from regions.base.records import (
    ClaimAction,
    ClaimRecord,
    MessageKind,
    MessageRecord,
    NewMessage,
    RfiSubtopic,
    Submission,
    SubmissionOutcome,
)

# The Online Provider Messaging guide, step 9.
CONFIRMATION = "The message has been sent successfully"
MAX_BODY_CHARACTERS = 10_000
# "If you have the CRM ID from KP-provided correspondence, please enter that number."
_CRM_ID = re.compile(r"[A-Za-z0-9]{1,50}")
_ACTIONS = {
    MessageKind.SUPPORTING_DOCUMENTATION: ClaimAction.SUBMIT_SUPPORTING_DOCUMENTATION,
    MessageKind.REQUEST_FOR_INFORMATION_RESPONSE: ClaimAction.RESPOND_TO_REQUEST_FOR_INFORMATION,
    MessageKind.DISPUTE: ClaimAction.FILE_DISPUTE,
}
_SUBJECTS = {
    MessageKind.SUPPORTING_DOCUMENTATION: "Supporting documentation for claim {claim_number}",
    MessageKind.REQUEST_FOR_INFORMATION_RESPONSE: "Response to request for information, claim {claim_number}",
    MessageKind.DISPUTE: "Dispute of claim {claim_number}",
}
_NOT_FOUND = Problem(UserErrorCode.NOT_FOUND, "No claim with this id was found.", ("input", "claimId"))
_ON_BEHALF_OF = ("input", "onBehalfOfProviderId")


@dataclass(frozen=True, slots=True)
class SubmissionRequest:
    """One Take Action form, as the mutation received it."""

    kind: MessageKind
    claim_id: str
    body: str
    crm_id: str | None = None
    subtopic: RfiSubtopic | None = None
    on_behalf_of_provider_id: str | None = None
    attachments: Sequence[object] | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class SubmissionResult:
    message: MessageRecord
    acknowledgement: MessageRecord | None
    # True when an earlier submission under the same idempotency key was answered again.
    replayed: bool


async def submit_message(context: GatewayContext, request: SubmissionRequest) -> SubmissionResult:
    """File one submission; `MutationRefused` for every expected failure, with nothing filed."""
    principal = context.principal
    if not principal.signed_in or principal.user_id is None:
        _close(request.attachments)
        raise Unauthenticated()
    claim: ClaimRecord | None = None
    try:
        claim = await _visible_claim(context, request.claim_id)
        result = await _file(context, claim, request, principal.user_id)
    except MutationRefused as refused:
        await _audit(context, request, claim, None, refused.problems[0].code.value.lower())
        raise
    except RegionUnavailable:
        await _audit(context, request, claim, None, "region_unavailable")
        raise
    finally:
        _close(request.attachments)
    await _audit(context, request, claim, result.message, "replayed" if result.replayed else "ok")
    if not result.replayed:
        filed = (
            [result.message] if result.acknowledgement is None else [result.message, result.acknowledgement]
        )
        await announce(context.runtime.cache, filed)
    return result


async def _visible_claim(context: GatewayContext, claim_id: str) -> ClaimRecord:
    parts = decode_id(claim_id)
    region = None if parts is None or parts.type_name != "Claim" else parts.region
    if parts is None or region is None or region not in context.runtime.regions:
        raise MutationRefused(_NOT_FOUND)
    claim = await context.loaders.claim_by_id.load(RegionPk(region, parts.pk))
    if claim is None:
        raise MutationRefused(_NOT_FOUND)
    return claim


async def _file(
    context: GatewayContext, claim: ClaimRecord, request: SubmissionRequest, owner: str
) -> SubmissionResult:
    fanout = context.runtime.fanout
    adapter = context.runtime.regions[claim.region]
    key = checked_key(request.idempotency_key)
    if key is not None:
        earlier = await fanout.call(claim.region, lambda a: a.submission_by_idempotency_key(owner, key))
        if earlier is not None:
            return _result(context, matching(earlier, claim, request.kind))
    if _ACTIONS[request.kind] not in adapter.available_actions(claim):
        raise MutationRefused(Problem(UserErrorCode.ACTION_NOT_AVAILABLE, _unavailable(request.kind)))
    provider_pk = await _on_behalf_of(context, adapter, claim, request.on_behalf_of_provider_id)
    body, crm_id, problems = _text(request)
    files, file_problems = checked_attachments(request.attachments, ("input", "attachments"))
    problems += file_problems
    if problems:
        raise MutationRefused(*problems)
    message = NewMessage(
        claim_pk=claim.pk,
        tax_id=claim.tax_id,
        owner_user_id=owner,
        kind=request.kind,
        subject=_SUBJECTS[request.kind].format(claim_number=claim.claim_number),
        body=body,
        subtopic=request.subtopic if request.kind is MessageKind.REQUEST_FOR_INFORMATION_RESPONSE else None,
        crm_id=crm_id,
        on_behalf_of_provider_pk=provider_pk,
        idempotency_key=key,
        sent_at=datetime.now(UTC),
    )
    submission = await fanout.call(claim.region, lambda a: a.submit_message(claim, message, files))
    if submission.outcome is SubmissionOutcome.DISPUTE_ALREADY_OPEN:
        raise MutationRefused(
            Problem(
                UserErrorCode.ALREADY_EXISTS,
                "A dispute is already open on this claim; it stays open until the claim is adjudicated "
                "again.",
            )
        )
    if submission.outcome is SubmissionOutcome.REPLAYED:
        # The same key arrived twice at the same moment: the other request filed it.
        submission = matching(submission, claim, request.kind)
    return _result(context, submission)


def _result(context: GatewayContext, submission: Submission) -> SubmissionResult:
    principal = context.principal
    message = access.visible_message(principal, submission.message)
    assert message is not None  # filed on a claim the sender sees, under their own name
    return SubmissionResult(
        message=message,
        acknowledgement=access.visible_message(principal, submission.acknowledgement),
        replayed=submission.outcome is SubmissionOutcome.REPLAYED,
    )


def _unavailable(kind: MessageKind) -> str:
    if kind is MessageKind.DISPUTE:
        return (
            "A dispute can be filed only once the claim is finalized (paid, partially paid, denied or "
            "adjusted)."
        )
    return "This claim does not offer this action."


async def _on_behalf_of(
    context: GatewayContext, adapter: RegionAdapter, claim: ClaimRecord, provider_id: str | None
) -> int | None:
    """The provider a dispute is filed for: one linked to the claim's Tax ID in its region."""
    if provider_id is None:
        return None
    if not adapter.offers_provider_picker():
        raise MutationRefused(
            Problem(
                UserErrorCode.PROVIDER_PICKER_NOT_AVAILABLE,
                f"{adapter.rules.name} does not take disputes on behalf of another provider.",
                _ON_BEHALF_OF,
            )
        )
    parts = decode_id(provider_id)
    provider = None
    if parts is not None and parts.type_name == "Provider" and parts.region == claim.region:
        provider = await context.loaders.provider_by_id.load(RegionPk(claim.region, parts.pk))
    if provider is None or provider.tax_id != claim.tax_id:
        raise MutationRefused(
            Problem(
                UserErrorCode.INVALID,
                "Choose a provider linked to the claim's Tax ID in the claim's region.",
                _ON_BEHALF_OF,
            )
        )
    return provider.pk


def _text(request: SubmissionRequest) -> tuple[str, str | None, list[Problem]]:
    problems: list[Problem] = []
    body = request.body.strip()
    if not body:
        problems.append(Problem(UserErrorCode.INVALID, "Write a message.", ("input", "body")))
    elif "\x00" in body:
        # No store keeps a NUL character in text.
        problems.append(
            Problem(UserErrorCode.INVALID, "The message holds a NUL character.", ("input", "body"))
        )
    elif len(body) > MAX_BODY_CHARACTERS:
        problems.append(
            Problem(
                UserErrorCode.INVALID,
                f"A message has at most {MAX_BODY_CHARACTERS} characters.",
                ("input", "body"),
            )
        )
    # A form sends an empty field for "no CRM ID".
    crm_id = (request.crm_id or "").strip() or None
    if crm_id is not None and not _CRM_ID.fullmatch(crm_id):
        problems.append(
            Problem(UserErrorCode.INVALID, "A CRM ID has up to 50 letters and digits.", ("input", "crmId"))
        )
    return body, crm_id, problems


def _close(attachments: Sequence[object] | None) -> None:
    """Uploads are spooled to temporary files: give them back as soon as the request is done with them."""
    for value in attachments or ():
        if isinstance(value, UploadedFile):
            value.close()


async def _audit(
    context: GatewayContext,
    request: SubmissionRequest,
    claim: ClaimRecord | None,
    message: MessageRecord | None,
    outcome: str,
) -> None:
    # Ids and counts only: the body and the files may hold health information.
    detail: dict[str, Any] = {
        "kind": request.kind.value,
        "region": None if claim is None else claim.region,
        "claim_id": None if claim is None else encode_id("Claim", claim.region, claim.pk),
        "attachments": len(request.attachments or ()),
        "on_behalf_of": request.on_behalf_of_provider_id is not None,
    }
    if message is not None:
        detail["message_id"] = encode_id("Message", message.region, message.pk)
    request_ = context.request
    await context.runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=context.principal.user_id,
        action="submit_message",
        outcome=outcome,
        client_address=request_.client.host[:64] if request_.client else None,
        request_id=context.request_id or None,
        detail=detail,
    )
