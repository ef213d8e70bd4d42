"""Enrollment agreements (the Online Provider Tools page, step 1): one per Tax ID, processed by a regional
representative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from gateway import access
from gateway.accounts.associations import TAX_ID_FORMAT, agreement_not_on_file, enrolled_entities
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.directory.records import AgreementStatus, EntityKind, EntityRecord
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime

_NAME_LENGTH = 200
MAX_ATTESTING_GROUPS = 50


@dataclass(frozen=True, slots=True)
class AgreementSubmission:
    tax_id: str
    entity_name: str
    kind: EntityKind
    signatory_name: str
    signatory_title: str
    signatory_email: str
    attesting_tax_ids: Sequence[str] | None = None


async def submit_agreement(runtime: Runtime, caller: Caller, submission: AgreementSubmission) -> EntityRecord:
    """File an organization's agreement (no sign-in needed). A third-party administrator also names
    the provider groups whose TPA attestation it holds; each must have a processed agreement."""
    async with account_change(runtime, caller, "submit_agreement") as change:
        checks = Checks()
        tax_id = valid_tax_id(submission.tax_id) or ""
        if not tax_id:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, ("input", "taxId"))
        change.detail.update(tax_id=tax_id or None, kind=submission.kind.value)
        name = checks.text(
            submission.entity_name,
            ("input", "entityName"),
            label="the organization's name",
            max_length=_NAME_LENGTH,
        )
        signatory = {
            "signatory_name": checks.text(
                submission.signatory_name,
                ("input", "signatoryName"),
                label="the signatory's name",
                max_length=_NAME_LENGTH,
            ),
            "signatory_title": checks.text(
                submission.signatory_title,
                ("input", "signatoryTitle"),
                label="the signatory's title",
                max_length=_NAME_LENGTH,
            ),
            "signatory_email": checks.email(
                submission.signatory_email, ("input", "signatoryEmail"), label="the signatory's email address"
            ),
        }
        attesting = await _attesting_groups(runtime, checks, submission, tax_id)
        existing = (await runtime.directory.entities_by_tax_ids([tax_id])).get(tax_id) if tax_id else None
        already = Problem(
            UserErrorCode.ALREADY_EXISTS,
            f"An enrollment agreement for Tax ID {tax_id} is already on file: we need only one per Tax ID.",
            ("input", "taxId"),
        )
        if existing is not None:
            if (await runtime.directory.agreements_by_entity_pks([existing.pk])).get(existing.pk) is not None:
                raise MutationRefused(already)
            if existing.kind is not submission.kind:
                checks.refuse(
                    UserErrorCode.INVALID,
                    f"Tax ID {tax_id} is on file as another kind of organization; "
                    "a support case can correct it.",
                    ("input", "kind"),
                )
        checks.verdict()
        now = datetime.now(UTC)
        async with change.transaction() as rows:
            try:
                entity_pk = (
                    existing.pk
                    if existing is not None
                    else await rows.add_entity(tax_id, name, submission.kind)
                )
                await rows.add_agreement(entity_pk, submitted_at=now, **signatory)
                await rows.add_attestations(entity_pk, [group.pk for group in attesting], now)
            except IntegrityError:
                # Another submission for this Tax ID committed first.
                raise MutationRefused(already) from None
            change.detail["entity"] = entity_pk
    return existing or EntityRecord(pk=entity_pk, tax_id=tax_id, name=name, kind=submission.kind)


async def _attesting_groups(
    runtime: Runtime, checks: Checks, submission: AgreementSubmission, tax_id: str
) -> list[EntityRecord]:
    field: tuple[str, ...] = ("input", "attestingTaxIds")
    listed = list(submission.attesting_tax_ids or [])
    if submission.kind is not EntityKind.THIRD_PARTY_ADMINISTRATOR:
        if listed:
            checks.refuse(
                UserErrorCode.INVALID, "Only third-party administrators name attesting groups.", field
            )
        return []
    if not listed:
        checks.refuse(
            UserErrorCode.INVALID,
            "Name the Tax IDs of the provider groups that signed a TPA attestation for you.",
            field,
        )
        return []
    if len(listed) > MAX_ATTESTING_GROUPS:
        checks.refuse(UserErrorCode.INVALID, f"Name at most {MAX_ATTESTING_GROUPS} groups at once.", field)
        return []
    wanted: dict[str, tuple[str, ...]] = {}
    for index, raw in enumerate(listed):
        group_field = (*field, str(index))
        group_tax_id = valid_tax_id(raw)
        if group_tax_id is None:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, group_field)
        elif group_tax_id == tax_id:
            checks.refuse(
                UserErrorCode.INVALID, "A TPA attestation comes from another organization.", group_field
            )
        elif group_tax_id in wanted:
            checks.refuse(UserErrorCode.INVALID, f"Tax ID {group_tax_id} is named twice.", group_field)
        else:
            wanted[group_tax_id] = group_field
    enrolled = await enrolled_entities(runtime.directory, list(wanted))
    groups: list[EntityRecord] = []
    for group_tax_id, group_field in wanted.items():
        group = enrolled.get(group_tax_id)
        if group is None or group.kind is EntityKind.THIRD_PARTY_ADMINISTRATOR:
            checks.problems.append(agreement_not_on_file(group_tax_id, group_field))
        else:
            groups.append(group)
    return groups


async def process_agreement(runtime: Runtime, caller: Caller, tax_id: str, *, accept: bool) -> EntityRecord:
    """A regional representative processes (or rejects) a SUBMITTED agreement."""
    caller.person()
    async with account_change(runtime, caller, "process_agreement") as change:
        change.detail["accept"] = accept
        if not access.may_process_agreements(caller.principal):
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_ALLOWED,
                    "Only regional representatives process enrollment agreements.",
                    ("input", "taxId"),
                )
            )
        normalised = valid_tax_id(tax_id)
        if normalised is None:
            raise MutationRefused(Problem(UserErrorCode.INVALID, TAX_ID_FORMAT, ("input", "taxId")))
        change.detail["tax_id"] = normalised
        entity = (await runtime.directory.entities_by_tax_ids([normalised])).get(normalised)
        agreement = (
            None
            if entity is None
            else (await runtime.directory.agreements_by_entity_pks([entity.pk])).get(entity.pk)
        )
        if entity is None or agreement is None:
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_FOUND,
                    f"No enrollment agreement for Tax ID {normalised} is on file.",
                    ("input", "taxId"),
                )
            )
        decided = MutationRefused(
            Problem(
                UserErrorCode.INVALID,
                f"The agreement for Tax ID {normalised} has already been decided.",
                ("input", "taxId"),
            )
        )
        if agreement.status is not AgreementStatus.SUBMITTED:
            raise decided
        status = AgreementStatus.PROCESSED if accept else AgreementStatus.REJECTED
        async with change.transaction() as rows:
            if not await rows.decide_agreement(entity.pk, status, datetime.now(UTC)):
                raise decided
            change.detail["entity"] = entity.pk
    return entity
