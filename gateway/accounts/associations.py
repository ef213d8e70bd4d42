"""Tax ID associations: asked for by a person, decided by a representative of the region, removed at will."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from gateway import access
from gateway.accounts import emails
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.directory.accounts import RequestedAssociation
from gateway.directory.records import (
    AgreementStatus,
    AssociationRecord,
    AssociationStatus,
    EntityKind,
    EntityRecord,
    UserKind,
)
from gateway.directory.store import DirectoryStore
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.ids import decode_id
from gateway.runtime import Runtime
from regions.base.registry import REGION_CODES

TAX_ID_FORMAT = "Enter a Tax ID of nine digits, e.g. 95-1000001."
_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class AssociationRequest:
    """A Tax ID in a region, as typed, and where it sits in the input."""

    tax_id: str
    region: str
    field: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedAssociation:
    request: RequestedAssociation
    entity: EntityRecord


async def enrolled_entities(directory: DirectoryStore, tax_ids: Sequence[str]) -> dict[str, EntityRecord]:
    """The entities of these Tax IDs whose enrollment agreement has been processed (the Online Provider Tools
    page, step 1)."""
    if not tax_ids:
        return {}
    entities = await directory.entities_by_tax_ids(sorted(set(tax_ids)))
    agreements = await directory.agreements_by_entity_pks([entity.pk for entity in entities.values()])
    return {
        tax_id: entity
        for tax_id, entity in entities.items()
        if (agreement := agreements.get(entity.pk)) is not None
        and agreement.status is AgreementStatus.PROCESSED
    }


def agreement_not_on_file(tax_id: str, field: tuple[str, ...]) -> Problem:
    return Problem(
        UserErrorCode.AGREEMENT_NOT_ON_FILE,
        f"We have no processed enrollment agreement on file for Tax ID {tax_id}. The organization "
        "submits one first; a support case can confirm whether we have it.",
        field,
    )


async def plan_associations(
    directory: DirectoryStore,
    checks: Checks,
    *,
    kind: UserKind,
    employer_pk: int | None,
    requests: Sequence[AssociationRequest],
) -> list[PlannedAssociation]:
    """What a person may ask for: Tax IDs with a processed agreement, and for a third-party
    administrator only the groups that attested for its organization. Problems go to `checks`."""
    wanted: list[tuple[AssociationRequest, str]] = []
    seen: set[tuple[str, str]] = set()
    for request in requests:
        tax_id = valid_tax_id(request.tax_id)
        if tax_id is None:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, (*request.field, "taxId"))
        elif request.region not in REGION_CODES:
            checks.refuse(UserErrorCode.INVALID, "Choose one of the regions.", (*request.field, "region"))
        elif (tax_id, request.region) in seen:
            checks.refuse(
                UserErrorCode.ALREADY_EXISTS,
                f"Tax ID {tax_id} in {request.region} is asked for twice.",
                request.field,
            )
        else:
            seen.add((tax_id, request.region))
            wanted.append((request, tax_id))
    enrolled = await enrolled_entities(directory, [tax_id for _, tax_id in wanted])
    attested: set[int] | None = None
    if kind is UserKind.THIRD_PARTY_ADMINISTRATOR:
        # No organization on file: no group has attested for it.
        attested = set()
        if employer_pk is not None:
            attested.update((await directory.attesting_entity_pks([employer_pk])).get(employer_pk, []))
    access_level = access.access_level_for(kind)
    planned: list[PlannedAssociation] = []
    for request, tax_id in wanted:
        entity = enrolled.get(tax_id)
        field = (*request.field, "taxId")
        if entity is None:
            checks.problems.append(agreement_not_on_file(tax_id, field))
        elif entity.kind is EntityKind.THIRD_PARTY_ADMINISTRATOR:
            checks.refuse(
                UserErrorCode.INVALID,
                f"Tax ID {tax_id} is a third-party administrator's: it has no claims to associate with.",
                field,
            )
        elif attested is not None and entity.pk not in attested:
            checks.refuse(
                UserErrorCode.NOT_ALLOWED,
                f"The provider group with Tax ID {tax_id} has no TPA attestation on file for your "
                "organization; a third-party administrator reaches only the groups that attested for it.",
                field,
            )
        else:
            planned.append(
                PlannedAssociation(RequestedAssociation(entity.pk, request.region, access_level), entity)
            )
    return planned


async def request_association(
    runtime: Runtime, caller: Caller, tax_id: str, region: str
) -> tuple[AssociationRecord, EntityRecord]:
    """Manage My Account: ask for a new Tax ID association (PENDING until a representative decides);
    returns it and its entity."""
    user_pk, _ = caller.person()
    directory = runtime.directory
    async with account_change(runtime, caller, "request_association") as change:
        change.detail.update(tax_id=tax_id.strip()[:12], region=region)
        principal = caller.principal
        if not access.may_request_associations(principal) or principal.user_kind is None:
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_ALLOWED,
                    "Regional representatives do not hold Tax ID associations.",
                    ("input", "taxId"),
                )
            )
        user = (await directory.users_by_pks([user_pk]))[user_pk]
        checks = Checks()
        plan = await plan_associations(
            directory,
            checks,
            kind=principal.user_kind,
            employer_pk=user.employer_entity_pk,
            requests=[AssociationRequest(tax_id, region, ("input",))],
        )
        checks.verdict()
        planned = plan[0]  # one request, and nothing refused: one plan
        existing = next(
            (
                association
                for association in (await directory.associations_by_user_pks([user_pk]))[user_pk]
                if association.entity_pk == planned.entity.pk and association.region == region
            ),
            None,
        )
        already = MutationRefused(
            Problem(
                UserErrorCode.ALREADY_EXISTS,
                f"You already have an association with Tax ID {planned.entity.tax_id} in {region}.",
                ("input", "taxId"),
            )
        )
        if existing is not None and existing.status in {AssociationStatus.PENDING, AssociationStatus.ACTIVE}:
            raise already
        now = datetime.now(UTC)
        async with change.transaction() as rows:
            if existing is not None:
                if not await rows.reopen_association(existing.pk, planned.request.access, now):
                    raise already
                pk = existing.pk
            else:
                try:
                    [pk] = await rows.add_associations(user_pk, [planned.request], now)
                except IntegrityError:
                    raise already from None
            change.detail["association"] = pk
    association = AssociationRecord(
        pk=pk,
        user_pk=user_pk,
        entity_pk=planned.entity.pk,
        tax_id=planned.entity.tax_id,
        region=region,
        access=planned.request.access,
        status=AssociationStatus.PENDING,
        requested_at=now,
        decided_at=None,
        decision_reason=None,
    )
    return association, planned.entity


async def remove_association(runtime: Runtime, caller: Caller, association_id: str) -> AssociationRecord:
    """Manage My Account: remove one of the person's own associations; it stops granting at once."""
    caller.person()
    async with account_change(runtime, caller, "remove_association") as change:
        association = await _association(runtime, association_id)
        if association is None or not access.may_remove_association(caller.principal, association):
            raise MutationRefused(_not_found())
        change.detail.update(association=association.pk, tax_id=association.tax_id, region=association.region)
        async with change.transaction() as rows:
            if not await rows.remove_association(association.pk):
                raise MutationRefused(
                    Problem(
                        UserErrorCode.INVALID,
                        "This association is neither active nor pending any more.",
                        ("input", "associationId"),
                    )
                )
    return dataclasses.replace(association, status=AssociationStatus.REMOVED)


async def decide_association(
    runtime: Runtime, caller: Caller, association_id: str, *, approve: bool, reason: str | None
) -> AssociationRecord:
    """A regional representative approves or denies a request in their own region (a reason on denial).
    The person's first approval makes their account ACTIVE."""
    representative_pk, _ = caller.person()
    principal = caller.principal
    async with account_change(runtime, caller, "decide_association") as change:
        change.detail["approve"] = approve
        if not access.may_decide_associations(principal):
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_ALLOWED,
                    "Only regional representatives decide association requests.",
                    ("input", "associationId"),
                )
            )
        association = access.visible_association(principal, await _association(runtime, association_id))
        if association is None:
            raise MutationRefused(_not_found())
        change.detail.update(association=association.pk, user=association.user_pk, region=association.region)
        checks = Checks()
        if not access.may_decide_association(principal, association):
            checks.refuse(
                UserErrorCode.NOT_ALLOWED,
                "Nobody decides their own association request.",
                ("input", "associationId"),
            )
        decision_reason: str | None = None
        if reason is not None and reason.strip():
            decision_reason = checks.text(
                reason, ("input", "reason"), label="the reason", max_length=_REASON_LENGTH
            )
        elif not approve:
            checks.refuse(
                UserErrorCode.INVALID,
                "Give the reason for the denial: the person will see it.",
                ("input", "reason"),
            )
        checks.verdict()
        status = AssociationStatus.ACTIVE if approve else AssociationStatus.DENIED
        now = datetime.now(UTC)
        person = (await runtime.directory.users_by_pks([association.user_pk]))[association.user_pk]
        decision = emails.association_decided(
            person.first_name,
            association.tax_id,
            association.region,
            approved=approve,
            reason=decision_reason,
        )
        async with change.transaction() as rows:
            decided = await rows.decide_association(
                association.pk, status, at=now, by=representative_pk, reason=decision_reason
            )
            if not decided:
                raise MutationRefused(
                    Problem(
                        UserErrorCode.INVALID,
                        "This request has already been decided.",
                        ("input", "associationId"),
                    )
                )
            await rows.add_email(
                kind=decision.kind,
                recipient=person.email,
                subject=decision.subject,
                body=decision.body,
                at=now,
            )
            if approve and await rows.activate(association.user_pk):
                # The first ACTIVE association: "You will receive an email when your access has been
                # completed" (the Colorado welcome page).
                change.detail["activated_user"] = True
                complete = emails.access_complete(person.first_name, person.user_id)
                await rows.add_email(
                    kind=complete.kind,
                    recipient=person.email,
                    subject=complete.subject,
                    body=complete.body,
                    at=now,
                )
    return dataclasses.replace(association, status=status, decided_at=now, decision_reason=decision_reason)


async def _association(runtime: Runtime, association_id: str) -> AssociationRecord | None:
    parts = decode_id(association_id)
    if parts is None or parts.type_name != "Association" or parts.region is not None:
        return None
    return (await runtime.directory.associations_by_pks([parts.pk])).get(parts.pk)


def _not_found() -> Problem:
    # The same answer for a forged id, someone else's association and one that does not exist.
    return Problem(
        UserErrorCode.NOT_FOUND,
        "We found no association with this id that you may change.",
        ("input", "associationId"),
    )
