"""Alembic's environment for a context's revisions: the connection, in its transaction, and
the tables that Tessera hands it through the configuration's attributes."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=context.config.attributes["metadata"],
    version_table=context.config.attributes["version_table"],
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():  # within the caller's: it commits
    context.run_migrations()
