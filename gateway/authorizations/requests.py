"""Requesting a referral, a prior authorization or an inpatient admission (the Colorado welcome page:
"create and view referrals/authorizations"), where the region takes requests online.

The flow, in order: the region (ACTION_NOT_AVAILABLE where it takes none online); clinical access to one
of the caller's Tax IDs there (NOT_ALLOWED); an earlier request under the same idempotency key (answered
again, nothing filed); the requesting provider, one linked to such a Tax ID (INVALID); the fields and the
files (INVALID, ATTACHMENT_*); the member by exact member id and date of birth (NOT_FOUND) and their plan
(PLAN_OUTSIDE_PORTAL); then one transaction in the region for the authorization, its services and the
request as sent with its files, where an open request for the same member, services and dates refuses it
(ALREADY_EXISTS). A request the region approves on receipt is decided at once, with its letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from gateway import access
from gateway.accounts.transaction import account_change
from gateway.authorizations.decisions import automatic_decision, record_decision
from gateway.authorizations.delivery import caller_of, close_uploads, deliver, note
from gateway.authorizations.inputs import MAX_SERVICES, RequestChecks
from gateway.claim_actions.attachments import checked_attachments
from gateway.claim_actions.idempotency import checked_key
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, Unauthenticated, UserErrorCode
from gateway.ids import decode_id
from gateway.loaders import RegionPk
from gateway.seed.npi import is_valid_npi
from regions.base.authorizations import (
    AuthorizationKind,
    AuthorizationRecord,
    AuthorizationUrgency,
    FilingOutcome,
    NewAuthorization,
    NewAuthorizationMessage,
    NewService,
)
from regions.base.coverage import MemberKey
from regions.base.records import MessageRecord, ProviderRecord

MAX_NOTES_CHARACTERS = 10_000
_MEMBER_ID_LENGTH = 20
_KIND_NAMES = {
    AuthorizationKind.REFERRAL: "Referral",
    AuthorizationKind.PRIOR_AUTHORIZATION: "Prior authorization",
    AuthorizationKind.INPATIENT_ADMISSION: "Inpatient admission",
}


@dataclass(frozen=True, slots=True)
class ServiceLine:
    procedure_code: str
    units: int
    service_from: date
    service_to: date


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """The request form, as the mutation received it."""

    region: str
    member_id: str
    member_date_of_birth: date
    kind: AuthorizationKind
    urgency: AuthorizationUrgency
    requesting_provider_id: str
    servicing_provider_npi: str
    servicing_provider_name: str
    diagnosis_codes: list[str]
    services: list[ServiceLine]
    clinical_notes: str
    attachments: Sequence[object] | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class RequestResult:
    authorization: AuthorizationRecord
    confirmation: str


async def request_authorization(context: GatewayContext, request: AuthorizationRequest) -> RequestResult:
    """File one request; `MutationRefused` for every expected failure, with nothing filed."""
    principal = context.principal
    if not principal.signed_in or principal.user_id is None:
        close_uploads(request.attachments)
        raise Unauthenticated()
    try:
        async with account_change(context.runtime, caller_of(context), "request_authorization") as change:
            note(change, None, region=request.region, kind=request.kind.value, urgency=request.urgency.value)
            change.detail["attachments"] = len(request.attachments or ())
            authorization, filed, replayed = await _file(context, request, principal.user_id)
            note(change, authorization, replayed=replayed, status=authorization.status.value)
            decided = None
            if not replayed and authorization.is_open():
                decided = automatic_decision(context, authorization)
            if decided is not None:
                authorization, letters = await record_decision(context, change, authorization, decided)
                filed = [*filed, *letters]
            else:
                async with change.transaction():
                    pass
    finally:
        close_uploads(request.attachments)
    await deliver(context, filed)
    return RequestResult(authorization=authorization, confirmation=_confirmation(authorization))


def _confirmation(authorization: AuthorizationRecord) -> str:
    """What the person is shown: the number, and when a decision is due (or what it was)."""
    submitted = (
        f"{_KIND_NAMES[authorization.kind]} request {authorization.authorization_number} was submitted"
    )
    if authorization.is_open():
        return f"{submitted}; a decision is due by {authorization.decision_due_at:%Y-%m-%d %H:%M} UTC."
    return f"{submitted}; it is {authorization.status.value.replace('_', ' ').lower()}."


async def _file(
    context: GatewayContext, request: AuthorizationRequest, requested_by: str
) -> tuple[AuthorizationRecord, list[MessageRecord], bool]:
    principal = context.principal
    region = request.region
    adapter = context.runtime.regions[region]
    if not adapter.takes_online_authorization_requests():
        raise MutationRefused(
            Problem(
                UserErrorCode.ACTION_NOT_AVAILABLE,
                f"{adapter.rules.name} does not take referral and authorization requests online; call the "
                "phone number listed on the member's ID card.",
                ("input", "region"),
            )
        )
    if not any(
        access.may_request_authorization(principal, region, tax_id) for tax_id in _tax_ids(context, region)
    ):
        raise MutationRefused(
            Problem(
                UserErrorCode.NOT_ALLOWED,
                "Requesting a referral or authorization needs clinical access to a Tax ID in this region.",
            )
        )
    key = checked_key(request.idempotency_key)
    fanout = context.runtime.fanout
    if key is not None:
        earlier = await fanout.call(region, lambda a: a.authorization_by_idempotency_key(requested_by, key))
        seen = access.visible_authorization(principal, earlier)
        if seen is not None:
            return seen, [], True
    provider = await _requesting_provider(context, region, request.requesting_provider_id)
    checks = RequestChecks()
    member_id = request.member_id.strip().upper()
    if not member_id or len(member_id) > _MEMBER_ID_LENGTH:
        checks.refuse("Enter the member ID from the member's card.", ("input", "memberId"))
    npi = request.servicing_provider_npi.strip()
    if not is_valid_npi(npi):
        checks.refuse("An NPI is ten digits with a valid check digit.", ("input", "servicingProviderNpi"))
    servicing_name = checks.text(
        request.servicing_provider_name,
        ("input", "servicingProviderName"),
        label="the servicing provider",
        max_length=200,
    )
    diagnosis_codes = checks.diagnosis_codes(request.diagnosis_codes, ("input", "diagnosisCodes"))
    services = _services(checks, request.services)
    notes = checks.text(
        request.clinical_notes,
        ("input", "clinicalNotes"),
        label="clinical notes",
        max_length=MAX_NOTES_CHARACTERS,
    )
    files, file_problems = checked_attachments(request.attachments, ("input", "attachments"))
    problems = checks.problems + file_problems
    if problems:
        raise MutationRefused(*problems)
    member_key = MemberKey(member_id, request.member_date_of_birth)
    found = (await fanout.call(region, lambda a: a.find_members([member_key]))).get(member_key)
    if found is None:
        raise MutationRefused(
            Problem(
                UserErrorCode.NOT_FOUND,
                "No member matches this member ID and date of birth in this region.",
                ("input", "memberId"),
            )
        )
    member = found.member
    if not adapter.serves_in_portal(member.plan_type):
        raise MutationRefused(
            Problem(
                UserErrorCode.PLAN_OUTSIDE_PORTAL,
                adapter.outside_portal_guidance(member.plan_type)
                or "This member's plan is not served in this self-service tool.",
                ("input", "memberId"),
            )
        )
    submitted_at = context.runtime.clock.now()
    new = NewAuthorization(
        member_id=member.member_id,
        tax_id=provider.tax_id,
        kind=request.kind,
        urgency=request.urgency,
        requesting_provider_pk=provider.pk,
        servicing_provider_npi=npi,
        servicing_provider_name=servicing_name,
        diagnosis_codes=diagnosis_codes,
        services=services,
        clinical_notes=notes,
        requested_by=requested_by,
        idempotency_key=key,
        submitted_at=submitted_at,
    )
    # The request as sent, in the requester's Sent folder with its files: what it says is what any
    # colleague of the Tax ID may read, so no diagnosis and no notes (they stay on the authorization).
    sent = NewAuthorizationMessage(
        owner_user_id=requested_by,
        subject=f"{_KIND_NAMES[request.kind]} request {{number}}",
        body=(
            f"{_KIND_NAMES[request.kind]} request for member {member.member_id}: {len(services)} "
            f"service line(s), {request.urgency.value.lower()}, with {len(files)} attachment(s)."
        ),
        idempotency_key=None,
        sent_at=submitted_at,
        files=tuple(files),
    )
    filing = await fanout.call(region, lambda a: a.request_authorization(new, sent))
    if filing.outcome is FilingOutcome.DUPLICATE:
        raise MutationRefused(
            Problem(
                UserErrorCode.ALREADY_EXISTS,
                "An open request for this member with the same services and dates already exists.",
            )
        )
    seen = access.visible_authorization(principal, filing.authorization)
    assert seen is not None  # filed under a Tax ID the requester has clinical access to
    return seen, list(filing.messages), filing.outcome is FilingOutcome.REPLAYED


def _tax_ids(context: GatewayContext, region: str) -> list[str]:
    return sorted({grant.tax_id for grant in context.principal.grants if grant.region == region})


async def _requesting_provider(context: GatewayContext, region: str, provider_id: str) -> ProviderRecord:
    """A provider linked to a Tax ID the caller may request for, in the region (the picker's list)."""
    parts = decode_id(provider_id)
    provider = None
    if parts is not None and parts.type_name == "Provider" and parts.region == region:
        provider = await context.loaders.provider_by_id.load(RegionPk(region, parts.pk))
    if provider is None or not access.may_request_authorization(context.principal, region, provider.tax_id):
        raise MutationRefused(
            Problem(
                UserErrorCode.INVALID,
                "Choose a provider linked to one of your Tax IDs in this region.",
                ("input", "requestingProviderId"),
            )
        )
    return provider


def _services(checks: RequestChecks, lines: list[ServiceLine]) -> tuple[NewService, ...]:
    field = ("input", "services")
    if not lines:
        checks.refuse("Enter at least one service.", field)
        return ()
    if len(lines) > MAX_SERVICES:
        checks.refuse(f"Enter at most {MAX_SERVICES} services.", field)
        return ()
    services = []
    for index, line in enumerate(lines):
        code = checks.service(
            line.procedure_code, line.units, line.service_from, line.service_to, (*field, str(index))
        )
        if code is not None:
            services.append(NewService(code, line.units, line.service_from, line.service_to))
    return tuple(services)
