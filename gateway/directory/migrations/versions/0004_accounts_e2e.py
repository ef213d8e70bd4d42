"""accounts end to end: mail delivery, TPA attestations by the group, support case replies, TOTP, sessions

Revision ID: 0004_accounts_e2e
Revises: 0004_sec_session
Create Date: 2026-12-03 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import regions.base.columns

# revision identifiers, used by Alembic.
revision: str = "0004_accounts_e2e"
down_revision: str | Sequence[str] | None = "0004_sec_session"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> regions.base.columns.UtcDateTime:
    return regions.base.columns.UtcDateTime(timezone=True)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", _time(), nullable=True))
        batch.add_column(sa.Column("claimed_until", _time(), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("user_agent", sa.String(length=300), nullable=True))

    op.create_table(
        "support_case_replies",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("support_case_id", _FK, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("written_by", _FK, nullable=True),
        sa.Column("sent_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["support_case_id"],
            ["support_cases.id"],
            name=op.f("fk_support_case_replies_support_case_id_support_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["users.id"], name=op.f("fk_support_case_replies_written_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_case_replies")),
    )
    op.create_index(
        op.f("ix_support_case_replies_support_case_id"), "support_case_replies", ["support_case_id"]
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("user_id", _FK, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", _time(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])

    # The attestation the right way round: completed by the provider group's signatory, processed by a
    # representative. An attestation on file before is kept as PROCESSED, signed by the group's signatory of
    # its enrollment agreement (the one person who signs legal documents for it).
    op.execute(
        "CREATE TABLE tpa_attestations_before AS "
        "SELECT tpa_entity_id, provider_entity_id, attested_at FROM tpa_attestations"
    )
    op.drop_table("tpa_attestations")
    op.create_table(
        "tpa_attestations",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("group_entity_id", _FK, nullable=False),
        sa.Column("tpa_entity_id", _FK, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_title", sa.String(length=200), nullable=False),
        sa.Column("signatory_email", sa.String(length=254), nullable=False),
        sa.Column("submitted_at", _time(), nullable=False),
        sa.Column("processed_at", _time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_entity_id"], ["entities.id"], name=op.f("fk_tpa_attestations_group_entity_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["tpa_entity_id"], ["entities.id"], name=op.f("fk_tpa_attestations_tpa_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tpa_attestations")),
    )
    op.create_index(op.f("ix_tpa_attestations_tpa_entity_id"), "tpa_attestations", ["tpa_entity_id"])
    op.create_index("ix_tpa_attestations_status", "tpa_attestations", ["status", "id"])
    op.create_index(
        "uq_tpa_attestations_live",
        "tpa_attestations",
        ["group_entity_id", "tpa_entity_id"],
        unique=True,
        sqlite_where=sa.text("status != 'REJECTED'"),
        postgresql_where=sa.text("status != 'REJECTED'"),
    )
    op.execute(
        "INSERT INTO tpa_attestations (group_entity_id, tpa_entity_id, status, signatory_name, "
        "signatory_title, signatory_email, submitted_at, processed_at) "
        "SELECT b.provider_entity_id, b.tpa_entity_id, 'PROCESSED', a.signatory_name, a.signatory_title, "
        "a.signatory_email, b.attested_at, b.attested_at "
        "FROM tpa_attestations_before b JOIN agreements a ON a.entity_id = b.provider_entity_id"
    )
    op.drop_table("tpa_attestations_before")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(
        "CREATE TABLE tpa_attestations_after AS SELECT tpa_entity_id, group_entity_id, processed_at "
        "FROM tpa_attestations WHERE status = 'PROCESSED'"
    )
    op.drop_table("tpa_attestations")
    op.create_table(
        "tpa_attestations",
        sa.Column("tpa_entity_id", _FK, nullable=False),
        sa.Column("provider_entity_id", _FK, nullable=False),
        sa.Column("attested_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_entity_id"],
            ["entities.id"],
            name=op.f("fk_tpa_attestations_provider_entity_id_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["tpa_entity_id"], ["entities.id"], name=op.f("fk_tpa_attestations_tpa_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("tpa_entity_id", "provider_entity_id", name=op.f("pk_tpa_attestations")),
    )
    op.execute(
        "INSERT INTO tpa_attestations (tpa_entity_id, provider_entity_id, attested_at) "
        "SELECT tpa_entity_id, group_entity_id, processed_at FROM tpa_attestations_after"
    )
    op.drop_table("tpa_attestations_after")
    op.drop_index(op.f("ix_recovery_codes_user_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index(op.f("ix_support_case_replies_support_case_id"), table_name="support_case_replies")
    op.drop_table("support_case_replies")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("user_agent")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_pending_secret")
        batch.drop_column("totp_secret")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("last_error")
        batch.drop_column("claimed_until")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
