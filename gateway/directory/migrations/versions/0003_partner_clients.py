"""partner clients: OAuth 2.0 client credentials, scopes, Tax ID bindings and per-client limits

Revision ID: 0003_partner_clients
Revises: 0002_accounts
Create Date: 2026-11-24 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import regions.base.columns

# revision identifiers, used by Alembic.
revision: str = "0003_partner_clients"
down_revision: str | Sequence[str] | None = "0002_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "partner_clients",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("client_id", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("cost_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", regions.base.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", regions.base.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", regions.base.columns.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_partner_clients_client_id")),
    )
    op.create_table(
        "partner_bindings",
        sa.Column("partner_client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_partner_bindings_entity_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["partner_client_id"],
            ["partner_clients.id"],
            name=op.f("fk_partner_bindings_partner_client_id_partner_clients"),
        ),
        sa.PrimaryKeyConstraint("partner_client_id", "entity_id", "region", name=op.f("pk_partner_bindings")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("partner_bindings")
    op.drop_table("partner_clients")
