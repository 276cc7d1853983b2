"""What every context's application layer shares: unit of work, message bus, errors."""
