"""The domain layer: entities, value objects, aggregates and business rules. Pure Python."""
