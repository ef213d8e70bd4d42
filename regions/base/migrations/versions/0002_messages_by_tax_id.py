"""messages listed within Tax IDs from the index alone

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 18:50:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The Tax ID joins the message lists' indexes (regions/base/tables.py says why)."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_claim_tax_sent", ["claim_id", "tax_id", "sent_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_messages_owner_tax_sent", ["owner_user_id", "tax_id", "sent_at", "id"], unique=False
        )
        batch_op.drop_index("ix_messages_claim_sent")
        batch_op.drop_index("ix_messages_owner_sent")


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_owner_sent", ["owner_user_id", "sent_at", "id"], unique=False)
        batch_op.create_index("ix_messages_claim_sent", ["claim_id", "sent_at", "id"], unique=False)
        batch_op.drop_index("ix_messages_owner_tax_sent")
        batch_op.drop_index("ix_messages_claim_tax_sent")
