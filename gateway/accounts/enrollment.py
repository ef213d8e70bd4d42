"""Enrollment agreements (the Online Provider Tools page, step 1): one per Tax ID, processed by a regional
representative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from gateway import access
from gateway.accounts import emails
from gateway.accounts.associations import TAX_ID_FORMAT
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.directory.records import AgreementStatus, EntityKind, EntityRecord
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime

_NAME_LENGTH = 200


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
    """File an organization's agreement (no sign-in needed). `attesting_tax_ids` is ignored: a provider
    group attests for a TPA itself ("TPA Attestation (Must be completed by the Provider Group)", the Online
    Provider Tools page, gateway/accounts/attestations.py)."""
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
            except IntegrityError:
                # Another submission for this Tax ID committed first.
                raise MutationRefused(already) from None
            change.detail["entity"] = entity_pk
    return existing or EntityRecord(pk=entity_pk, tax_id=tax_id, name=name, kind=submission.kind)


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
        email = emails.agreement_processed(entity.tax_id, entity.name, accepted=accept)
        now = datetime.now(UTC)
        async with change.transaction() as rows:
            if not await rows.decide_agreement(entity.pk, status, now):
                raise decided
            await rows.add_email(
                kind=email.kind,
                recipient=agreement.signatory_email,
                subject=email.subject,
                body=email.body,
                at=now,
            )
            change.detail["entity"] = entity.pk
    return entity
