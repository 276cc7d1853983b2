"""The application layer: use cases written against ports only."""
