"""TPA attestations, the right way round: "TPA Attestation (Must be completed by the Provider Group)" (seed
000). The group's authorized signatory names the third-party administrator, with no sign-in; a
representative processes it; only then do the TPA's people reach the group's claims (gateway/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from gateway import access
from gateway.accounts import emails
from gateway.accounts.associations import TAX_ID_FORMAT, agreement_not_on_file
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.auth.principal import Principal
from gateway.directory.records import AgreementStatus, EntityKind, EntityRecord, TpaAttestationRecord
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.ids import decode_id
from gateway.runtime import Runtime

_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class TpaAttestationSubmission:
    group_tax_id: str
    tpa_tax_id: str
    signatory_name: str
    signatory_title: str
    signatory_email: str


@dataclass(frozen=True, slots=True)
class AttestationView:
    """An attestation with its two entities, as the payloads and the work queue show it."""

    attestation: TpaAttestationRecord
    group: EntityRecord
    tpa: EntityRecord


async def submit_tpa_attestation(
    runtime: Runtime, caller: Caller, submission: TpaAttestationSubmission
) -> AttestationView:
    """File a group's attestation for a TPA (SUBMITTED). The group needs a processed agreement; the TPA
    an agreement of its own on file, as a third-party administrator."""
    async with account_change(runtime, caller, "submit_tpa_attestation") as change:
        checks = Checks()
        group_tax_id = valid_tax_id(submission.group_tax_id) or ""
        tpa_tax_id = valid_tax_id(submission.tpa_tax_id) or ""
        if not group_tax_id:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, ("input", "groupTaxId"))
        if not tpa_tax_id:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, ("input", "tpaTaxId"))
        elif tpa_tax_id == group_tax_id:
            checks.refuse(
                UserErrorCode.INVALID,
                "A provider group attests for another organization, its third-party administrator.",
                ("input", "tpaTaxId"),
            )
        change.detail.update(group_tax_id=group_tax_id or None, tpa_tax_id=tpa_tax_id or None)
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
        wanted = [tax_id for tax_id in (group_tax_id, tpa_tax_id) if tax_id]
        found = await runtime.directory.entities_by_tax_ids(wanted) if wanted else {}
        agreements = await runtime.directory.agreements_by_entity_pks([e.pk for e in found.values()])
        group = found.get(group_tax_id)
        tpa = found.get(tpa_tax_id)
        group_agreement = None if group is None else agreements.get(group.pk)
        if group_tax_id and (
            group is None
            or not access.may_attest(group, None if group_agreement is None else group_agreement.status)
        ):
            checks.problems.append(agreement_not_on_file(group_tax_id, ("input", "groupTaxId")))
        if tpa_tax_id and tpa_tax_id != group_tax_id:
            tpa_agreement = None if tpa is None else agreements.get(tpa.pk)
            if tpa is None or tpa.kind is not EntityKind.THIRD_PARTY_ADMINISTRATOR:
                checks.refuse(
                    UserErrorCode.AGREEMENT_NOT_ON_FILE,
                    f"Tax ID {tpa_tax_id} is not on file as a third-party administrator: it submits its own "
                    "TPA Enrollment Agreement first.",
                    ("input", "tpaTaxId"),
                )
            elif tpa_agreement is None or tpa_agreement.status is AgreementStatus.REJECTED:
                checks.problems.append(agreement_not_on_file(tpa_tax_id, ("input", "tpaTaxId")))
        checks.verdict()
        if group is None or tpa is None:  # refused above; this tells the type checker
            raise MutationRefused(agreement_not_on_file(group_tax_id, ("input", "groupTaxId")))
        already = MutationRefused(
            Problem(
                UserErrorCode.ALREADY_EXISTS,
                f"An attestation of Tax ID {group.tax_id} for {tpa.name} is already on file.",
                ("input", "tpaTaxId"),
            )
        )
        now = datetime.now(UTC)
        async with change.transaction() as rows:
            try:
                pk = await rows.add_tpa_attestation(
                    group_pk=group.pk, tpa_pk=tpa.pk, submitted_at=now, **signatory
                )
            except IntegrityError:
                raise already from None
            change.detail["attestation"] = pk
    record = TpaAttestationRecord(
        pk=pk,
        group_entity_pk=group.pk,
        tpa_entity_pk=tpa.pk,
        status=AgreementStatus.SUBMITTED,
        submitted_at=now,
        processed_at=None,
        **signatory,
    )
    return AttestationView(record, group, tpa)


async def process_tpa_attestation(
    runtime: Runtime, caller: Caller, attestation_id: str, *, accept: bool
) -> AttestationView:
    """A representative processes (or rejects) a SUBMITTED attestation; the signatory is emailed."""
    caller.person()
    async with account_change(runtime, caller, "process_tpa_attestation") as change:
        change.detail["accept"] = accept
        field = ("input", "attestationId")
        if not access.may_process_tpa_attestations(caller.principal):
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_ALLOWED,
                    "Only regional representatives process TPA attestations.",
                    field,
                )
            )
        parts = decode_id(attestation_id)
        found = (
            None
            if parts is None or parts.type_name != "TpaAttestation" or parts.region is not None
            else (await runtime.directory.tpa_attestations_by_pks([parts.pk])).get(parts.pk)
        )
        if found is None:
            raise MutationRefused(
                Problem(UserErrorCode.NOT_FOUND, "We found no attestation with this id.", field)
            )
        change.detail["attestation"] = found.pk
        decided = MutationRefused(
            Problem(UserErrorCode.INVALID, "This attestation has already been decided.", field)
        )
        if found.status is not AgreementStatus.SUBMITTED:
            raise decided
        entities = await runtime.directory.entities_by_pks([found.group_entity_pk, found.tpa_entity_pk])
        group, tpa = entities[found.group_entity_pk], entities[found.tpa_entity_pk]
        status = AgreementStatus.PROCESSED if accept else AgreementStatus.REJECTED
        now = datetime.now(UTC)
        email = emails.tpa_attestation_processed(group.name, group.tax_id, tpa.name, accepted=accept)
        async with change.transaction() as rows:
            if not await rows.decide_tpa_attestation(found.pk, status, now):
                raise decided
            await rows.add_email(
                kind=email.kind,
                recipient=found.signatory_email,
                subject=email.subject,
                body=email.body,
                at=now,
            )
    record = TpaAttestationRecord(
        pk=found.pk,
        group_entity_pk=found.group_entity_pk,
        tpa_entity_pk=found.tpa_entity_pk,
        status=status,
        signatory_name=found.signatory_name,
        signatory_title=found.signatory_title,
        signatory_email=found.signatory_email,
        submitted_at=found.submitted_at,
        processed_at=now,
    )
    return AttestationView(record, group, tpa)


async def tpa_attestation_view(runtime: Runtime, principal: Principal, pk: int) -> AttestationView | None:
    """An attestation by its row id, if the caller may see it (node ids)."""
    found = (await runtime.directory.tpa_attestations_by_pks([pk])).get(pk)
    if found is None:
        return None
    entities = await runtime.directory.entities_by_pks([found.group_entity_pk, found.tpa_entity_pk])
    group, tpa = entities[found.group_entity_pk], entities[found.tpa_entity_pk]
    if access.visible_tpa_attestation(principal, found, (group.tax_id, tpa.tax_id)) is None:
        return None
    return AttestationView(found, group, tpa)
