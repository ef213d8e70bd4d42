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
    UniqueConstraint,
)

from regions.base.columns import Pk, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

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
    # One agreement per Tax ID (seed 000).
    Column("entity_id", ForeignKey("entities.id"), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("signatory_name", String(200), nullable=False),
    Column("signatory_title", String(200), nullable=False),
    Column("signatory_email", String(254), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("processed_at", UtcDateTime()),
)

tpa_attestations = Table(
    "tpa_attestations",
    metadata,
    Column("tpa_entity_id", ForeignKey("entities.id"), primary_key=True),
    Column("provider_entity_id", ForeignKey("entities.id"), primary_key=True),
    Column("attested_at", UtcDateTime(), nullable=False),
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
    Column("failed_sign_ins", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
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
