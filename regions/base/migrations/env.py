"""Alembic environment of a regional store (one history, applied to every region's database)."""

from alembic import context

from regions.base.tables import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
