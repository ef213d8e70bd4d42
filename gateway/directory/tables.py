"""The national directory's schema."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from regions.base.columns import NAMING_CONVENTION, Pk, UtcDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)

entities = Table(
    "entities",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("tax_id", String(10), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    # One agreement per Tax ID (the Online Provider Tools page).
    Column("entity_id", ForeignKey("entities.id"), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("signatory_name", String(200), nullable=False),
    Column("signatory_title", String(200), nullable=False),
    Column("signatory_email", String(254), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("processed_at", UtcDateTime()),
)

# "TPA Attestation (Must be completed by the Provider Group)" (the Online Provider Tools page): the group's
# signatory authorizes a third-party administrator; it grants nothing until a representative has processed it.
tpa_attestations = Table(
    "tpa_attestations",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("group_entity_id", ForeignKey("entities.id"), nullable=False),
    Column("tpa_entity_id", ForeignKey("entities.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("signatory_name", String(200), nullable=False),
    Column("signatory_title", String(200), nullable=False),
    Column("signatory_email", String(254), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("processed_at", UtcDateTime()),
    # One attestation a group and TPA waiting or in force; a rejected one may be submitted again.
    Index(
        "uq_tpa_attestations_live",
        "group_entity_id",
        "tpa_entity_id",
        unique=True,
        sqlite_where=text("status != 'REJECTED'"),
        postgresql_where=text("status != 'REJECTED'"),
    ),
    Index("ix_tpa_attestations_status", "status", "id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    # Stored lower-case: user IDs are matched case-insensitively.
    Column("user_id", String(64), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(30)),
    Column("organization", String(200), nullable=False),
    Column("job_title", String(100)),
    Column("work_phone", String(30)),
    Column("supervisor_name", String(200)),
    Column("supervisor_email", String(254)),
    Column("supervisor_phone", String(30)),
    Column("employer_entity_id", ForeignKey("entities.id")),
    Column("represents_region", String(8)),
    Column("created_at", UtcDateTime(), nullable=False),
    # TOTP (RFC 6238): the secret of the person's authenticator once confirmed, and one being enrolled.
    Column("totp_secret", String(64)),
    Column("totp_pending_secret", String(64)),
)

associations = Table(
    "associations",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("entity_id", ForeignKey("entities.id"), nullable=False),
    Column("region", String(8), nullable=False),
    Column("access", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime()),
    Column("decided_by", ForeignKey("users.id")),
    Column("decision_reason", String(500)),
    UniqueConstraint("user_id", "entity_id", "region"),
    Index("ix_associations_region_status", "region", "status", "id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    # SHA-256 of the refresh secret; the secret itself only ever lives in the cookie.
    Column("refresh_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
    Column("active_region", String(8)),
    Column("client_address", String(64)),
    # What the browser called itself at sign-in, shown in Manage My Account › Security.
    Column("user_agent", String(300)),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("actor", String(100)),
    Column("action", String(60), nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("client_address", String(64)),
    Column("request_id", String(64)),
    Column("detail", JSON, nullable=False),
)

# ------------------------------------------------------------ Manage My Account

password_reset_tokens = Table(
    "password_reset_tokens",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    # SHA-256 of the token: the token itself only ever travels in the email.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime()),
)

# Emails waiting for the mail relay; the sender marks them sent.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime()),
    # Delivery (gateway/mail/): attempts so far, when to try next (null: now), and the lease of the worker
    # that claimed it, so that with several replicas each email is sent by one of them.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime()),
    Column("claimed_until", UtcDateTime()),
    Column("last_error", String(200)),
    Index("ix_outbox_unsent", "sent_at", "id"),
)

support_cases = Table(
    "support_cases",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("region", String(8), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("group_name", String(200), nullable=False),
    Column("tax_id", String(10), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("description", Text, nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    # Null when opened without signing in (e.g. to ask whether an agreement is on file).
    Column("opened_by", ForeignKey("users.id")),
    Index("ix_support_cases_region_status", "region", "status", "id"),
)

# Answers of a regional representative ("a consultant will respond", the Online Provider Tools page) and
# follow-ups of the opener.
support_case_replies = Table(
    "support_case_replies",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("support_case_id", ForeignKey("support_cases.id"), nullable=False, index=True),
    Column("body", Text, nullable=False),
    # Null: the Online Affiliate consultant's answer is signed as such, not with a representative's name.
    Column("author_name", String(200)),
    Column("written_by", ForeignKey("users.id")),
    Column("sent_at", UtcDateTime(), nullable=False),
)

# Single-use recovery codes of multi-factor sign-in: SHA-256 of each, never the code.
recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("code_hash", String(64), nullable=False),
    Column("used_at", UtcDateTime()),
)

# ------------------------------------------------------------ partner integrations

partner_clients = Table(
    "partner_clients",
    metadata,
    Column("id", Pk, primary_key=True, autoincrement=True),
    Column("client_id", String(48), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    # Argon2id of the client secret: the secret itself is printed once and never stored.
    Column("secret_hash", String(200), nullable=False),
    # Space-separated, as OAuth writes scopes.
    Column("scopes", String(200), nullable=False),
    Column("requests_per_minute", Integer, nullable=False),
    Column("cost_per_minute", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("rotated_at", UtcDateTime()),
    # Set when the client is switched off: its tokens stop working at the next request.
    Column("disabled_at", UtcDateTime()),
)

partner_bindings = Table(
    "partner_bindings",
    metadata,
    Column("partner_client_id", ForeignKey("partner_clients.id"), primary_key=True),
    Column("entity_id", ForeignKey("entities.id"), primary_key=True),
    Column("region", String(8), primary_key=True),
)
