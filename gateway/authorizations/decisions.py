"""Deciding a referral or authorization: a utilization reviewer of its region approves, partially approves
(units per service), denies, or pends it for information; or the region approves it on receipt. Each
decision files a letter in the requester's in-basket (delivered live) and an email in the outbox.

The reviewer's flow, in order: a utilization reviewer of the authorization's region (NOT_ALLOWED); the
authorization (NOT_FOUND); the decision asked for and its reason, units and dates (INVALID); still open
(ACTION_NOT_AVAILABLE, also when another decision or a cancellation commits first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway import access
from gateway.accounts.transaction import AccountChange, account_change
from gateway.authorizations.delivery import caller_of, deliver, email_requester, note, visible_authorization
from gateway.authorizations.inputs import RequestChecks, procedure_code
from gateway.context import GatewayContext
from gateway.errors import MutationRefused, Problem, Unauthenticated, UserErrorCode
from gateway.ids import decode_id
from regions.base.authorizations import (
    DECISIONS,
    AuthorizationRecord,
    AuthorizationStatus,
    Decision,
    FilingOutcome,
    ServiceDecision,
    ServiceDecisionInput,
)
from regions.base.records import MessageRecord

MAX_REASON_CHARACTERS = 2_000
# Who decided what a region approves on receipt (its rules, not a person).
AUTOMATIC = "automatic"
_NEEDS_REASON = frozenset(
    {
        AuthorizationStatus.DENIED,
        AuthorizationStatus.PARTIALLY_APPROVED,
        AuthorizationStatus.PENDED_FOR_INFORMATION,
    }
)
_NOT_ALLOWED = Problem(
    UserErrorCode.NOT_ALLOWED, "Only a utilization reviewer of the authorization's region decides it."
)


@dataclass(frozen=True, slots=True)
class ServiceVerdict:
    procedure_code: str
    decision: ServiceDecision
    approved_units: int | None = None


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """The reviewer's form, as the mutation received it."""

    authorization_id: str
    status: AuthorizationStatus
    services: list[ServiceVerdict] | None = None
    reason: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    authorization: AuthorizationRecord
    confirmation: str


async def decide_authorization(context: GatewayContext, request: DecisionRequest) -> DecisionResult:
    """Decide one open request; `MutationRefused` for every expected failure, with nothing changed."""
    principal = context.principal
    if not principal.signed_in or principal.user_id is None:
        raise Unauthenticated()
    async with account_change(context.runtime, caller_of(context), "decide_authorization") as change:
        change.detail["status"] = request.status.value
        parts = decode_id(request.authorization_id)
        # Anyone but a reviewer of the region named by the id is refused before anything is read.
        if principal.reviews_region is None or parts is None or parts.region != principal.reviews_region:
            raise MutationRefused(_NOT_ALLOWED)
        authorization = await visible_authorization(context, request.authorization_id)
        note(change, authorization)
        if not access.may_decide_authorization(principal, authorization):
            raise MutationRefused(_NOT_ALLOWED)
        decision = _checked(request, authorization, principal.user_id, context)
        if not authorization.is_open():
            raise MutationRefused(_closed(authorization))
        decided, letters = await record_decision(context, change, authorization, decision)
    await deliver(context, letters)
    return DecisionResult(
        authorization=decided,
        confirmation=(
            f"Authorization {decided.authorization_number} is "
            f"{decided.status.value.replace('_', ' ').lower()}; the letter was sent to the requester."
        ),
    )


def automatic_decision(context: GatewayContext, authorization: AuthorizationRecord) -> Decision | None:
    """The region's approval on receipt, for what its rules approve without review; None otherwise."""
    adapter = context.runtime.regions[authorization.region]
    if not adapter.approves_automatically(authorization):
        return None
    return Decision(
        status=AuthorizationStatus.APPROVED,
        services=tuple(
            ServiceDecisionInput(service.line_number, ServiceDecision.APPROVED, service.requested_units)
            for service in authorization.services
        ),
        reason=None,
        valid_from=min(service.service_from for service in authorization.services),
        valid_to=max(service.service_to for service in authorization.services),
        decided_by=AUTOMATIC,
        decided_at=authorization.submitted_at,
    )


async def record_decision(
    context: GatewayContext, change: AccountChange, authorization: AuthorizationRecord, decision: Decision
) -> tuple[AuthorizationRecord, list[MessageRecord]]:
    """The decision and its letter in the region, then the email and the audit event in the directory."""
    region = authorization.region
    filing = await context.runtime.fanout.call(
        region, lambda a: a.decide_authorization(authorization, decision)
    )
    if filing.outcome is FilingOutcome.NOT_OPEN or filing.authorization is None:
        raise MutationRefused(_closed(authorization))
    note(change, filing.authorization, decided=decision.status.value, decided_by=decision.decided_by)
    await email_requester(change, filing.authorization, decision.status)
    seen = access.visible_authorization(context.principal, filing.authorization)
    return seen or filing.authorization, list(filing.messages)


def _closed(authorization: AuthorizationRecord) -> Problem:
    return Problem(
        UserErrorCode.ACTION_NOT_AVAILABLE,
        f"Authorization {authorization.authorization_number} is no longer open for a decision.",
    )


def _checked(
    request: DecisionRequest, authorization: AuthorizationRecord, reviewer: str, context: GatewayContext
) -> Decision:
    checks = RequestChecks()
    status = request.status
    if status not in DECISIONS:
        checks.refuse(
            "Decide APPROVED, PARTIALLY_APPROVED, DENIED or PENDED_FOR_INFORMATION.", ("input", "status")
        )
        raise MutationRefused(*checks.problems)
    reason = None
    if request.reason is not None and request.reason.strip():
        reason = checks.text(
            request.reason, ("input", "reason"), label="the reason", max_length=MAX_REASON_CHARACTERS
        )
    elif status in _NEEDS_REASON:
        checks.refuse("Give the reason: the letter quotes it.", ("input", "reason"))
    services = _service_decisions(checks, status, request.services, authorization)
    valid_from = valid_to = None
    if status in {AuthorizationStatus.APPROVED, AuthorizationStatus.PARTIALLY_APPROVED}:
        valid_from = request.valid_from or min(service.service_from for service in authorization.services)
        valid_to = request.valid_to or max(service.service_to for service in authorization.services)
        if valid_to < valid_from:
            checks.refuse("The authorization ends before it starts.", ("input", "validTo"))
    if checks.problems:
        raise MutationRefused(*checks.problems)
    return Decision(
        status=status,
        services=services,
        reason=reason,
        valid_from=valid_from,
        valid_to=valid_to,
        decided_by=reviewer,
        decided_at=context.runtime.clock.now(),
    )


def _service_decisions(
    checks: RequestChecks,
    status: AuthorizationStatus,
    verdicts: list[ServiceVerdict] | None,
    authorization: AuthorizationRecord,
) -> tuple[ServiceDecisionInput, ...]:
    """Each service line's outcome: every line approved in full (APPROVED) or denied (DENIED) unless the
    reviewer says otherwise; for PARTIALLY_APPROVED, the lines the reviewer approves, with their units."""
    field = ("input", "services")
    lines = authorization.services
    if status is AuthorizationStatus.PENDED_FOR_INFORMATION:
        return ()
    given: dict[int, ServiceVerdict] = {}
    for index, verdict in enumerate(verdicts or ()):
        code = procedure_code(verdict.procedure_code)
        line = next(
            (line for line in lines if line.procedure_code == code and line.line_number not in given), None
        )
        if line is None:
            checks.refuse(
                "This procedure is not one of the request's services.", (*field, str(index), "procedureCode")
            )
            continue
        given[line.line_number] = verdict
        if verdict.decision is ServiceDecision.PENDING:
            checks.refuse("Decide each service: APPROVED or DENIED.", (*field, str(index), "decision"))
        elif (
            verdict.decision is ServiceDecision.APPROVED
            and verdict.approved_units is not None
            and not 1 <= verdict.approved_units <= line.requested_units
        ):
            checks.refuse(
                f"Approve between 1 and {line.requested_units} units.",
                (*field, str(index), "approvedUnits"),
            )
    decided = []
    for line in lines:
        chosen = given.get(line.line_number)
        if status is AuthorizationStatus.DENIED:
            outcome, units = ServiceDecision.DENIED, None
        elif chosen is None:
            outcome = (
                ServiceDecision.APPROVED if status is AuthorizationStatus.APPROVED else ServiceDecision.DENIED
            )
            units = line.requested_units if outcome is ServiceDecision.APPROVED else None
        else:
            outcome = chosen.decision
            units = (
                (chosen.approved_units or line.requested_units)
                if outcome is ServiceDecision.APPROVED
                else None
            )
        decided.append(ServiceDecisionInput(line.line_number, outcome, units))
    approved = [item for item in decided if item.decision is ServiceDecision.APPROVED]
    full = all(
        item.decision is ServiceDecision.APPROVED and item.approved_units == line.requested_units
        for item, line in zip(decided, lines, strict=True)
    )
    if status is AuthorizationStatus.APPROVED and not full:
        checks.refuse(
            "An approval approves every service in full; decide PARTIALLY_APPROVED otherwise.", field
        )
    if status is AuthorizationStatus.DENIED and any(
        verdict.decision is ServiceDecision.APPROVED for verdict in given.values()
    ):
        checks.refuse("A denial approves no service; decide PARTIALLY_APPROVED otherwise.", field)
    if status is AuthorizationStatus.PARTIALLY_APPROVED and (not approved or full):
        checks.refuse("A partial approval approves some services or units, not none and not all.", field)
    return tuple(decided)
