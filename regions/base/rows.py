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
from functools import lru_cache, partial
from operator import mul
from typing import Any

import orjson
from sqlalchemy import ColumnElement

from regions.base.codegen import define
from regions.base.records import (
    UNREAD,
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

# Every field of a claim record, the member's and the payment's dotted, in the record's order: the column
# it is read from and how its value `{v}` is decoded.
_CLAIM_FIELDS: dict[str, tuple[ColumnElement[Any], str]] = {
    "pk": (claims.c.id, "{v}"),
    "claim_number": (claims.c.claim_number, "{v}"),
    "tax_id": (claims.c.tax_id, "{v}"),
    "billing_provider_pk": (claims.c.billing_provider_id, "{v}"),
    "member.member_id": (members.c.member_id, "{v}"),
    "member.first_name": (members.c.first_name, "{v}"),
    "member.last_name": (members.c.last_name, "{v}"),
    "member.date_of_birth": (members.c.date_of_birth, "as_date({v})"),
    "member.plan_type": (members.c.plan_type, "PLAN_TYPES[{v}]"),
    "member.coverage_from": (members.c.coverage_from, "None if {v} is None else as_date({v})"),
    "member.coverage_to": (members.c.coverage_to, "None if {v} is None else as_date({v})"),
    "service_from": (claims.c.service_from, "as_date({v})"),
    "service_to": (claims.c.service_to, "as_date({v})"),
    "received_on": (claims.c.received_on, "as_date({v})"),
    "billed_amount": (claims.c.billed_amount, "money({v})"),
    "allowed_amount": (claims.c.allowed_amount, "None if {v} is None else money({v})"),
    "paid_amount": (claims.c.paid_amount, "None if {v} is None else money({v})"),
    "patient_responsibility": (claims.c.patient_responsibility, "None if {v} is None else money({v})"),
    "status": (claims.c.status, "CLAIM_STATUSES[{v}]"),
    "status_category": (claims.c.status_category, "{v}"),
    "status_detail": (claims.c.status_detail, "{v}"),
    "payment.vendor": (claims.c.payment_vendor, "{v}"),
    "payment.method": (claims.c.payment_method, "PAYMENT_METHODS[{v}]"),
    "payment.reference": (claims.c.payment_reference, "{v}"),
    "payment.amount": (claims.c.payment_amount, "money({v})"),
    "payment.paid_on": (claims.c.paid_on, "as_date({v})"),
    "diagnosis_codes": (claims.c.diagnosis_codes, "codes({v})"),
    "updated_at": (claims.c.updated_at, "utc_datetime({v})"),
}
CLAIM_FIELDS: frozenset[str] = frozenset(_CLAIM_FIELDS)
# Read whatever a page asks for: a claim's identity, its place in the order (the merge of regions, cursors),
# its Tax ID (access rules) and its provider, and whether it has a payment at all.
_ALWAYS_READ = ("pk", "claim_number", "tax_id", "billing_provider_pk", "received_on", "payment.method")
# The names the decoding expressions give `Decoding`'s conversions.
_DECODING_HELPERS = {"as_date": "date", "money": "money", "codes": "codes", "utc_datetime": "utc_datetime"}


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """The columns a claims read selects and how its rows become records. A partial reading leaves the
    fields nobody asked for holding UNREAD."""

    columns: tuple[ColumnElement[Any], ...]
    decode: Callable[[str, Row, Decoding], ClaimRecord]


# Bounded: the field sets come from clients' selections.
@lru_cache(maxsize=512)
def claim_reading(fields: frozenset[str] | None = None) -> ClaimReading:
    """How to read claims with `fields` (record field names, the member's and payment's dotted; None:
    every field). Each row costs a column (~0.15 µs in sqlite3) and a conversion per field read, and a
    list shows a few of a claim's 28 fields, so a page reads only those: the decoder is generated for the
    fields, with positional arguments in the record's order (keyword arguments alone cost more than half
    a microsecond per row)."""
    unknown = set() if fields is None else fields - CLAIM_FIELDS
    if unknown:
        raise ValueError(f"not fields of a claim record: {sorted(unknown)}")
    wanted = CLAIM_FIELDS if fields is None else fields | frozenset(_ALWAYS_READ)
    read = [name for name in _CLAIM_FIELDS if name in wanted]
    column = {name: f"c{index}" for index, name in enumerate(read)}
    value = {name: _CLAIM_FIELDS[name][1].format(v=column[name]) for name in read}

    def of(name: str) -> str:
        return value.get(name, "UNREAD")

    def record(kind: str, prefix: str) -> str:
        names = [name for name in _CLAIM_FIELDS if name.startswith(prefix)]
        return f"{kind}({', '.join(of(name) for name in names)})"

    arguments = [
        "region",
        *map(of, ("pk", "claim_number", "tax_id", "billing_provider_pk")),
        record("MemberRecord", "member."),
        *map(of, ("service_from", "service_to", "received_on", "billed_amount", "allowed_amount")),
        *map(of, ("paid_amount", "patient_responsibility", "status", "status_category", "status_detail")),
        f"None if {column['payment.method']} is None else {record('PaymentRecord', 'payment.')}",
        of("diagnosis_codes"),
        of("updated_at"),
    ]
    returned = f"ClaimRecord({', '.join(arguments)})"
    helpers = "".join(
        f"    {helper} = decoding.{attribute}\n"
        for helper, attribute in _DECODING_HELPERS.items()
        if f"{helper}(" in returned
    )
    source = (
        "def decode(region, row, decoding):\n"
        f"{helpers}"
        f"    {', '.join(column.values())}, *_ = row\n"
        f"    return {returned}\n"
    )
    namespace: dict[str, Any] = {
        "ClaimRecord": ClaimRecord,
        "MemberRecord": MemberRecord,
        "PaymentRecord": PaymentRecord,
        "UNREAD": UNREAD,
        "CLAIM_STATUSES": _CLAIM_STATUSES,
        "PAYMENT_METHODS": _PAYMENT_METHODS,
        "PLAN_TYPES": _PLAN_TYPES,
    }
    decode = define(source, "claim reading", namespace, "decode")
    return ClaimReading(tuple(_CLAIM_FIELDS[name][0] for name in read), decode)


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
    messages.c.authorization_id,
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
        authorization_pk,
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
        authorization_pk,
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
    messages.c.authorization_id,
)


def attachment_record(region: str, row: Row) -> AttachmentRecord:
    pk, message_pk, tax_id, filename, content_type, size_bytes, sha256, authorization_pk, *_ = row
    return AttachmentRecord(
        region, pk, message_pk, tax_id, filename, content_type, size_bytes, sha256, authorization_pk
    )
