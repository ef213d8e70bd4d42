"""sign-in throttled, not locked: drop the users' failure counts and locks; purge the bodies of sent emails

Revision ID: 0004_sec_session
Revises: 0003_partner_clients
Create Date: 2026-12-03 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import regions.base.columns

# revision identifiers, used by Alembic.
revision: str = "0004_sec_session"
down_revision: str | Sequence[str] | None = "0003_partner_clients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_sign_ins")
    # What was sent is not kept (a reset email sent before this revision still held its code).
    op.execute(sa.text("UPDATE outbox SET body = '' WHERE sent_at IS NOT NULL"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("locked_until", regions.base.columns.UtcDateTime(timezone=True), nullable=True)
        )
