"""What every context's SQLAlchemy adapter shares: engines, column types, the unit of work."""
