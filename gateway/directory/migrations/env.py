"""Alembic environment of the national directory; run through gateway.migrations."""

from alembic import context

from gateway.directory.tables import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
