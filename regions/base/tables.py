"""The regional store's schema: the same tables in every region, each region its own database."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from regions.base.columns import NAMING_CONVENTION, Money, Pk, UtcDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)

providers = Table(
    "providers",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("npi", String(10), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("specialty", String(100)),
    Column("tax_id", String(10), nullable=False),
    # The picker pages providers of one Tax ID by name.
    Index("ix_providers_tax_id_name", "tax_id", "name", "id"),
)

members = Table(
    "members",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("member_id", String(20), nullable=False, unique=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    Column("plan_type", String(20), nullable=False),
    Column("coverage_from", Date),
    Column("coverage_to", Date),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("claim_number", String(20), nullable=False, unique=True),
    Column("tax_id", String(10), nullable=False),
    Column("billing_provider_id", ForeignKey("providers.id"), nullable=False, index=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("service_from", Date, nullable=False),
    Column("service_to", Date, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("billed_amount", Money(), nullable=False),
    Column("allowed_amount", Money()),
    Column("paid_amount", Money()),
    Column("patient_responsibility", Money()),
    Column("status", String(30), nullable=False),
    Column("status_category", String(4), nullable=False),
    Column("status_detail", String(200)),
    Column("payment_vendor", String(200)),
    Column("payment_method", String(10)),
    Column("payment_reference", String(50)),
    Column("payment_amount", Money()),
    Column("paid_on", Date),
    Column("diagnosis_codes", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # What adjudication applied to the member's deductible (part of patient_responsibility); the
    # deductible accumulators agree with it.
    Column("deductible_applied", Money()),
    # The claims page is keyset-paged per Tax ID, newest received first.
    Index("ix_claims_tax_id_received", "tax_id", "received_on", "claim_number"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("claim_id", ForeignKey("claims.id")),
    Column("tax_id", String(10), nullable=False),
    Column("owner_user_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("folder", String(30), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("subtopic", String(40)),
    Column("crm_id", String(50)),
    Column("on_behalf_of_provider_id", ForeignKey("providers.id"), index=True),
    Column("in_reply_to_id", ForeignKey("messages.id"), index=True),
    Column("idempotency_key", String(100)),
    Column("sent_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime()),
    UniqueConstraint("owner_user_id", "idempotency_key"),
    # Both lists of messages (a claim's, a person's in-basket) are read within the caller's Tax IDs, newest
    # first, with their count: with the Tax ID in the index, the page and the count are read from the
    # index alone, however many messages one person has sent (a count over a person's 15,000 messages took
    # 4.4 ms when each had to be looked up for its Tax ID; 0.5 ms from the index).
    Index("ix_messages_claim_tax_sent", "claim_id", "tax_id", "sent_at", "id"),
    Index("ix_messages_owner_tax_sent", "owner_user_id", "tax_id", "sent_at", "id"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("message_id", ForeignKey("messages.id"), nullable=False, index=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# ------------------------------------------------------------- coverage (eligibility and benefits)

coverages = Table(
    "coverages",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("plan_type", String(20), nullable=False),
    Column("plan_name", String(200), nullable=False),
    Column("group_name", String(200), nullable=False),
    Column("group_number", String(30), nullable=False),
    # The subscriber's contract: a family's members share its family accumulators.
    Column("family_id", String(20), nullable=False, index=True),
    Column("coverage_from", Date, nullable=False),
    Column("coverage_to", Date),
    Column("primary_care_provider", String(200)),
)

benefits = Table(
    "benefits",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("coverage_id", ForeignKey("coverages.id"), nullable=False, index=True),
    Column("service_type", String(2), nullable=False),
    Column("network", String(20), nullable=False),
    Column("covered", Boolean, nullable=False),
    Column("copay", Money()),
    Column("coinsurance_percent", Integer),
    Column("deductible_applies", Boolean, nullable=False),
    Column("authorization_required", Boolean, nullable=False),
    Column("visit_limit", Integer),
    Column("visits_used", Integer),
    Column("note", String(200)),
)

accumulators = Table(
    "accumulators",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("family_id", String(20), nullable=False, index=True),
    # The member an individual accumulator counts for; NULL for the family's own.
    Column("member_id", ForeignKey("members.id"), index=True),
    Column("plan_year", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("level", String(20), nullable=False),
    Column("network", String(20), nullable=False),
    Column("limit_amount", Money(), nullable=False),
    Column("met_amount", Money(), nullable=False),
)
