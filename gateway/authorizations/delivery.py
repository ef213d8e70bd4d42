"""What every authorization mutation shares: finding the authorization an id names, the audited change it
is made in, and the delivery of letters (the requester's live in-basket, and an email in the outbox)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from gateway.accounts.transaction import AccountChange, Caller
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.ids import decode_id, encode_id
from gateway.inbasket import announce
from gateway.loaders import RegionPk
from gateway.uploads import UploadedFile
from regions.base.authorizations import AuthorizationRecord, AuthorizationStatus
from regions.base.records import MessageRecord

logger = logging.getLogger("gateway.outbox")

# The outbox's kind of the email that tells a requester a decision was made.
AUTHORIZATION_DECIDED = "authorization_decided"
_OUTCOMES = {
    AuthorizationStatus.APPROVED: "approved",
    AuthorizationStatus.PARTIALLY_APPROVED: "partially approved",
    AuthorizationStatus.DENIED: "denied",
    AuthorizationStatus.PENDED_FOR_INFORMATION: "pended for more information",
}


def caller_of(context: GatewayContext) -> Caller:
    client = context.request.client
    return Caller(
        principal=context.principal,
        client_address=client.host if client else None,
        request_id=context.request_id or None,
    )


def global_id(authorization: AuthorizationRecord) -> str:
    return encode_id("Authorization", authorization.region, authorization.pk)


async def visible_authorization(context: GatewayContext, authorization_id: str) -> AuthorizationRecord:
    """The authorization an id names, if the caller sees it; NOT_FOUND alike for a hidden one and a
    missing one."""
    parts = decode_id(authorization_id)
    if (
        parts is not None
        and parts.type_name == "Authorization"
        and parts.region is not None
        and parts.region in context.runtime.regions
    ):
        found = await context.loaders.authorization_by_id.load(RegionPk(parts.region, parts.pk))
        if found is not None:
            return found
    raise MutationRefused(
        Problem(
            UserErrorCode.NOT_FOUND, "No authorization with this id was found.", ("input", "authorizationId")
        )
    )


def note(change: AccountChange, authorization: AuthorizationRecord | None, **detail: object) -> None:
    """What the audit event says: ids, codes and counts only, never notes, codes of diagnoses or files."""
    if authorization is not None:
        change.detail.update(region=authorization.region, authorization_id=global_id(authorization))
    change.detail.update(detail)


async def email_requester(
    change: AccountChange, authorization: AuthorizationRecord, status: AuthorizationStatus
) -> None:
    """In the change's own transaction (with its audit event): an email to the requester that a decision
    is in their in-basket. It names the authorization and the outcome only: the letter, with the member
    and the services, stays behind the sign-in."""
    async with change.transaction() as rows:
        address = await rows.recovery_address(authorization.requested_by)
        if address is None:  # a partner system: it reads its letters through the API
            return
        _, recipient, _ = address
        outcome = _OUTCOMES.get(status, status.value.lower())
        number = authorization.authorization_number
        subject = f"Authorization {number} has been {outcome}"
        body = (
            f"A decision was made on referral or authorization {number}: it has been {outcome}.\n\n"
            "Sign on to Online Affiliate to read the letter in My Messages."
        )
        outbox_id = await rows.add_email(
            kind=AUTHORIZATION_DECIDED,
            recipient=recipient,
            subject=subject,
            body=body,
            at=change.event()["at"],
        )
    fields: dict[str, object] = {"outbox_id": outbox_id, "kind": AUTHORIZATION_DECIDED}
    if not change.runtime.settings.production:
        fields.update(to=recipient, subject=subject)
    logger.info("email queued", extra={"fields": fields})


async def deliver(context: GatewayContext, messages: Iterable[MessageRecord]) -> None:
    """News of filed messages to their owners' live in-baskets, after the commit."""
    await announce(context.runtime.cache, list(messages))


def close_uploads(attachments: Sequence[object] | None) -> None:
    """Uploads are spooled to temporary files: give them back as soon as the request is done with them."""
    for value in attachments or ():
        if isinstance(value, UploadedFile):
            value.close()
