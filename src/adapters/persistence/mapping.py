"""How a context maps its domain classes onto its tables: imperatively, once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData, Table, event
from sqlalchemy.orm import registry

from adapters.persistence.types import restore_unmapped_state


class Mappings:
    """A context's mappings. `describe` names them, once; calling the object maps them, and
    later calls do nothing, so every process (and every test) may call it freely."""

    def __init__(self, metadata: MetaData, describe: Callable[[Mappings], None]) -> None:
        self._registry = registry(metadata=metadata)
        self._describe = describe
        self._lock = threading.Lock()
        self._mapped = False

    def __call__(self) -> None:
        with self._lock:
            if not self._mapped:
                self._describe(self)
                self._mapped = True

    def aggregate(self, cls: type[Any], table: Table, **properties: Any) -> None:
        """An aggregate root: versioned for optimistic concurrency, with the state the ORM
        does not store restored when it is loaded."""
        self._registry.map_imperatively(
            cls,
            table,
            properties=properties,
            version_id_col=table.c.version,
            version_id_generator=False,
        )
        event.listen(cls, "load", restore_unmapped_state)

    def part(self, cls: type[Any], table: Table, **properties: Any) -> None:
        """A class kept inside an aggregate, or a plain record, with no version of its own."""
        self._registry.map_imperatively(cls, table, properties=properties)
