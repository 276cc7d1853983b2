"""Domain events: facts an aggregate records about itself. They never leave their context."""

from __future__ import annotations

import attrs


@attrs.frozen
class DomainEvent:
    """Base of every domain event; concrete events are frozen attrs classes."""
