"""The outbox and inbox every context's database holds: one branch of Alembic revisions,
`messaging`, that runs in each context's history beside the context's own."""
