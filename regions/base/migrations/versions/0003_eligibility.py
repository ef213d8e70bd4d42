"""coverage, benefits and accumulators; what each claim applied to the deductible

Revision ID: 0003_eligibility
Revises: 0002
Create Date: 2026-12-03 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from regions.base.columns import Money, Pk

# revision identifiers, used by Alembic.
revision: str = "0003_eligibility"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tables of regions/base/tables.py's coverage section, and `claims.deductible_applied`."""
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deductible_applied", Money(), nullable=True))
    op.create_table(
        "coverages",
        sa.Column("id", Pk, primary_key=True, autoincrement=True),
        sa.Column("member_id", Pk, nullable=False),
        sa.Column("plan_type", sa.String(20), nullable=False),
        sa.Column("plan_name", sa.String(200), nullable=False),
        sa.Column("group_name", sa.String(200), nullable=False),
        sa.Column("group_number", sa.String(30), nullable=False),
        sa.Column("family_id", sa.String(20), nullable=False),
        sa.Column("coverage_from", sa.Date(), nullable=False),
        sa.Column("coverage_to", sa.Date(), nullable=True),
        sa.Column("primary_care_provider", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_coverages_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_coverages"),
    )
    op.create_index("ix_coverages_member_id", "coverages", ["member_id"])
    op.create_index("ix_coverages_family_id", "coverages", ["family_id"])
    op.create_table(
        "benefits",
        sa.Column("id", Pk, primary_key=True, autoincrement=True),
        sa.Column("coverage_id", Pk, nullable=False),
        sa.Column("service_type", sa.String(2), nullable=False),
        sa.Column("network", sa.String(20), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.Column("copay", Money(), nullable=True),
        sa.Column("coinsurance_percent", sa.Integer(), nullable=True),
        sa.Column("deductible_applies", sa.Boolean(), nullable=False),
        sa.Column("authorization_required", sa.Boolean(), nullable=False),
        sa.Column("visit_limit", sa.Integer(), nullable=True),
        sa.Column("visits_used", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["coverage_id"], ["coverages.id"], name="fk_benefits_coverage_id_coverages"),
        sa.PrimaryKeyConstraint("id", name="pk_benefits"),
    )
    op.create_index("ix_benefits_coverage_id", "benefits", ["coverage_id"])
    op.create_table(
        "accumulators",
        sa.Column("id", Pk, primary_key=True, autoincrement=True),
        sa.Column("family_id", sa.String(20), nullable=False),
        sa.Column("member_id", Pk, nullable=True),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("network", sa.String(20), nullable=False),
        sa.Column("limit_amount", Money(), nullable=False),
        sa.Column("met_amount", Money(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_accumulators_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_accumulators"),
    )
    op.create_index("ix_accumulators_family_id", "accumulators", ["family_id"])
    op.create_index("ix_accumulators_member_id", "accumulators", ["member_id"])


def downgrade() -> None:
    op.drop_table("accumulators")
    op.drop_table("benefits")
    op.drop_table("coverages")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("deductible_applied")
