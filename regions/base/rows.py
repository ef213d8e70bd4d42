"""Rows of the lean reads (regions/base/reads.py) to records: the columns each read selects, in order, and
how each driver's values become the values SQLAlchemy's column types would have given.

Records are built with positional arguments, in their fields' order, from variables named after the fields:
a claim's nineteen keyword arguments alone cost more than half a microsecond per row, and a claims page
decodes hundreds of rows. tests/test_region_reads.py compares every field with what SQLAlchemy reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from operator import mul
from typing import Any

import orjson
from sqlalchemy import ColumnElement

from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    ClaimStatus,
    MemberRecord,
    MessageFolder,
    MessageKind,
    MessageRecord,
    PaymentMethod,
    PaymentRecord,
    PlanType,
    ProviderRecord,
    RfiSubtopic,
)
from regions.base.tables import attachments, claims, members, messages, providers

Row = Sequence[Any]


@dataclass(frozen=True, slots=True)
class Decoding:
    """How one driver's values become what the column types give: only what differs is converted."""

    date: Callable[[Any], date]
    money: Callable[[Any], Decimal]
    utc_datetime: Callable[[Any], datetime]
    codes: Callable[[Any], tuple[str, ...]]


def _same(value: Any) -> Any:
    return value


# What Money gives on SQLite, exponent included: integer cents times Decimal("0.01") is exact and keeps
# the two decimals (Decimal("12.50"), not Decimal("12.5")), in C alone (no Python frame per amount).
_cents: Callable[[int], Decimal] = partial(mul, Decimal("0.01"))


def _naive_utc(value: str) -> datetime:
    # UtcDateTime stores naive UTC text on SQLite. Parsed with its offset, the value comes out aware and
    # with `UTC` itself as its tzinfo, a tenth of the cost of `.replace(tzinfo=UTC)` (keyword arguments).
    return datetime.fromisoformat(value + "+00:00")


def _json_codes(value: str) -> tuple[str, ...]:
    return tuple(orjson.loads(value))


def _decoded_codes(value: list[str]) -> tuple[str, ...]:
    return tuple(value)


# SQLite: ISO text for dates and timestamps, integer cents for money, JSON text.
SQLITE_DECODING = Decoding(date=date.fromisoformat, money=_cents, utc_datetime=_naive_utc, codes=_json_codes)
# asyncpg: dates, UTC-aware timestamps and NUMERIC(12, 2) decimals as they are; json already decoded by the
# codec SQLAlchemy's dialect sets on its connections.
POSTGRES_DECODING = Decoding(date=_same, money=_same, utc_datetime=_same, codes=_decoded_codes)

# Stored values to their enum members: a dict look-up per row instead of an Enum call.
_CLAIM_STATUSES = {member.value: member for member in ClaimStatus}
_PAYMENT_METHODS = {member.value: member for member in PaymentMethod}
_PLAN_TYPES = {member.value: member for member in PlanType}
_MESSAGE_KINDS = {member.value: member for member in MessageKind}
_MESSAGE_FOLDERS = {member.value: member for member in MessageFolder}
_RFI_SUBTOPICS = {member.value: member for member in RfiSubtopic}

# ---------------------------------------------------------------- members

MEMBER_COLUMNS: tuple[ColumnElement[Any], ...] = (
    members.c.member_id,
    members.c.first_name,
    members.c.last_name,
    members.c.date_of_birth,
    members.c.plan_type,
    members.c.coverage_from,
    members.c.coverage_to,
)


def member_record(row: Row, decoding: Decoding) -> MemberRecord:
    member_id, first_name, last_name, date_of_birth, plan_type, coverage_from, coverage_to, *_ = row
    as_date = decoding.date
    return MemberRecord(
        member_id,
        first_name,
        last_name,
        as_date(date_of_birth),
        _PLAN_TYPES[plan_type],
        None if coverage_from is None else as_date(coverage_from),
        None if coverage_to is None else as_date(coverage_to),
    )


# ----------------------------------------------------------------- claims

CLAIM_COLUMNS: tuple[ColumnElement[Any], ...] = (
    claims.c.id,
    claims.c.claim_number,
    claims.c.tax_id,
    claims.c.billing_provider_id,
    claims.c.service_from,
    claims.c.service_to,
    claims.c.received_on,
    claims.c.billed_amount,
    claims.c.allowed_amount,
    claims.c.paid_amount,
    claims.c.patient_responsibility,
    claims.c.status,
    claims.c.status_category,
    claims.c.status_detail,
    claims.c.payment_vendor,
    claims.c.payment_method,
    claims.c.payment_reference,
    claims.c.payment_amount,
    claims.c.paid_on,
    claims.c.diagnosis_codes,
    claims.c.updated_at,
    *MEMBER_COLUMNS,
)
_CLAIM_MEMBER_AT = len(CLAIM_COLUMNS) - len(MEMBER_COLUMNS)


def claim_record(region: str, row: Row, decoding: Decoding) -> ClaimRecord:
    (
        pk,
        claim_number,
        tax_id,
        billing_provider_pk,
        service_from,
        service_to,
        received_on,
        billed_amount,
        allowed_amount,
        paid_amount,
        patient_responsibility,
        status,
        status_category,
        status_detail,
        payment_vendor,
        payment_method,
        payment_reference,
        payment_amount,
        paid_on,
        diagnosis_codes,
        updated_at,
        *_,
    ) = row
    as_date, money = decoding.date, decoding.money
    payment = None
    if payment_method is not None:
        payment = PaymentRecord(
            payment_vendor,
            _PAYMENT_METHODS[payment_method],
            payment_reference,
            money(payment_amount),
            as_date(paid_on),
        )
    return ClaimRecord(
        region,
        pk,
        claim_number,
        tax_id,
        billing_provider_pk,
        member_record(row[_CLAIM_MEMBER_AT:], decoding),
        as_date(service_from),
        as_date(service_to),
        as_date(received_on),
        money(billed_amount),
        None if allowed_amount is None else money(allowed_amount),
        None if paid_amount is None else money(paid_amount),
        None if patient_responsibility is None else money(patient_responsibility),
        _CLAIM_STATUSES[status],
        status_category,
        status_detail,
        payment,
        decoding.codes(diagnosis_codes),
        decoding.utc_datetime(updated_at),
    )


# -------------------------------------------------------------- providers

PROVIDER_COLUMNS: tuple[ColumnElement[Any], ...] = (
    providers.c.id,
    providers.c.npi,
    providers.c.name,
    providers.c.specialty,
    providers.c.tax_id,
)


def provider_record(region: str, row: Row) -> ProviderRecord:
    pk, npi, name, specialty, tax_id, *_ = row
    return ProviderRecord(region, pk, npi, name, specialty, tax_id)


# --------------------------------------------------------------- messages

MESSAGE_COLUMNS: tuple[ColumnElement[Any], ...] = (
    messages.c.id,
    messages.c.claim_id,
    messages.c.tax_id,
    messages.c.owner_user_id,
    messages.c.kind,
    messages.c.folder,
    messages.c.subject,
    messages.c.body,
    messages.c.subtopic,
    messages.c.crm_id,
    messages.c.on_behalf_of_provider_id,
    messages.c.in_reply_to_id,
    messages.c.sent_at,
    messages.c.read_at,
)


def message_record(region: str, row: Row, decoding: Decoding) -> MessageRecord:
    (
        pk,
        claim_pk,
        tax_id,
        owner_user_id,
        kind,
        folder,
        subject,
        body,
        subtopic,
        crm_id,
        on_behalf_of_provider_pk,
        in_reply_to_pk,
        sent_at,
        read_at,
        *_,
    ) = row
    utc_datetime = decoding.utc_datetime
    return MessageRecord(
        region,
        pk,
        claim_pk,
        tax_id,
        owner_user_id,
        _MESSAGE_KINDS[kind],
        _MESSAGE_FOLDERS[folder],
        subject,
        body,
        _RFI_SUBTOPICS[subtopic] if subtopic else None,
        crm_id,
        on_behalf_of_provider_pk,
        in_reply_to_pk,
        utc_datetime(sent_at),
        None if read_at is None else utc_datetime(read_at),
    )


# ------------------------------------------------------------ attachments

ATTACHMENT_COLUMNS: tuple[ColumnElement[Any], ...] = (
    attachments.c.id,
    attachments.c.message_id,
    messages.c.tax_id,
    attachments.c.filename,
    attachments.c.content_type,
    attachments.c.size_bytes,
    attachments.c.sha256,
)


def attachment_record(region: str, row: Row) -> AttachmentRecord:
    pk, message_pk, tax_id, filename, content_type, size_bytes, sha256, *_ = row
    return AttachmentRecord(region, pk, message_pk, tax_id, filename, content_type, size_bytes, sha256)
