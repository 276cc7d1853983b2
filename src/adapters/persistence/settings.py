"""Where each context keeps its data, and how its messages travel."""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Any, Self

import attrs
from sqlalchemy import Engine, MetaData

from adapters.persistence.database import check_schema, create_schema, sqlite_engine
from adapters.persistence.messaging_tables import MessagingTables, messaging_tables
from adapters.persistence.storage import Storage
from application.shared.retry import RETRY_BOUNDS, RetryPolicy
from application.shared.tunable import Bound

DATA_DIR_ENV = "TESSERA_DATA_DIR"
TOPOLOGY_ENV = "TESSERA_TOPOLOGY"
DEFAULT_DATA_DIR = Path("var")


class Topology(enum.Enum):
    """How the contexts are deployed; the code is the same in each."""

    MEMORY = "memory"
    """One process, in-memory databases and queue: for tests."""
    MONOLITH = "monolith"
    """One process, a SQLite file per context and a SQLite queue file: the default."""
    SPLIT = "split"
    """A worker process per context over the same files; commands do not deliver messages."""


_DAY = 24 * 3600.0

TUNABLE: dict[str, Bound] = {
    "batch_size": Bound(int, 1, 10_000),
    "lease_seconds": Bound(float, 1, _DAY),
    "poll_seconds": Bound(float, 0.001, 60),
    "retention_seconds": Bound(float, 1, 3650 * _DAY),
}
"""Settings an operator may set as TESSERA_<NAME> in the environment, with their ranges."""


def _from_environment(prefix: str, bounds: dict[str, Bound]) -> dict[str, Any]:
    found = {}
    for name, bound in bounds.items():
        variable = f"{prefix}{name.upper()}"
        text = os.environ.get(variable)
        if text is not None:
            found[name] = bound.parse(variable, text)
    return found


def _as_path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _retention_outlasts_retries(settings: Settings, attribute: Any, value: float) -> None:
    TUNABLE["retention_seconds"].validator(settings, attribute, value)
    needed = settings.retry.longest_schedule + settings.lease_seconds
    if value <= needed:
        raise ValueError(
            f"retention of {value}s must exceed the longest retry schedule and lease ({needed}s)"
        )


@attrs.frozen
class Settings:
    """`data_dir=None` keeps every context's database and the queue in memory (for tests)."""

    data_dir: Path | None = attrs.field(converter=_as_path, default=DEFAULT_DATA_DIR)
    topology: Topology = attrs.field(converter=Topology, default=Topology.MONOLITH)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    lease_seconds: float = attrs.field(default=30.0, validator=TUNABLE["lease_seconds"].validator)
    poll_seconds: float = attrs.field(default=0.05, validator=TUNABLE["poll_seconds"].validator)
    batch_size: int = attrs.field(default=200, validator=TUNABLE["batch_size"].validator)
    retention_seconds: float = attrs.field(
        default=7 * 24 * 3600.0, validator=_retention_outlasts_retries
    )
    deliver_inline: bool | None = None
    """Whether a command delivers what it caused before it returns; None: as the topology says."""

    def __attrs_post_init__(self) -> None:
        if (self.data_dir is None) != (self.topology is Topology.MEMORY):
            raise ValueError("the memory topology, and only it, has no data directory")

    @classmethod
    def from_environment(
        cls, data_dir: str | Path | None = None, topology: str | None = None, **options: Any
    ) -> Settings:
        """Explicit values win over $TESSERA_DATA_DIR and $TESSERA_TOPOLOGY, then defaults."""
        retry = _from_environment("TESSERA_RETRY_", RETRY_BOUNDS)
        if retry and "retry" not in options:
            options["retry"] = RetryPolicy(**retry)
        options = _from_environment("TESSERA_", TUNABLE) | options
        chosen = Topology(topology or os.environ.get(TOPOLOGY_ENV) or Topology.MONOLITH.value)
        if chosen is Topology.MEMORY:
            return cls(data_dir=None, topology=chosen, **options)
        where = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
        if where is not None and not str(where).strip():
            raise ValueError(f"the data directory is empty; name one (--data-dir, {DATA_DIR_ENV})")
        return cls(data_dir=where or DEFAULT_DATA_DIR, topology=chosen, **options)

    @classmethod
    def in_memory(cls, **options: Any) -> Settings:
        return cls(data_dir=None, topology=Topology.MEMORY, **options)

    @property
    def delivers_inline(self) -> bool:
        """In one process, a command delivers the messages it caused before it returns."""
        if self.deliver_inline is not None:
            return self.deliver_inline
        return self.topology is not Topology.SPLIT


@attrs.define
class ContextDatabase:
    """One context's own database, with its outbox and inbox beside its aggregates."""

    name: str
    engine: Engine
    tables: MessagingTables

    @classmethod
    def open(cls, name: str, metadata: MetaData, storage: Storage) -> Self:
        """Open the context's database; only a storage that creates makes what is missing."""
        tables = messaging_tables(metadata)
        engine = sqlite_engine(storage.require(name), read_only=not storage.writable)
        if storage.creates:
            create_schema(engine, metadata)
        else:
            check_schema(engine, metadata)
        return cls(name, engine, tables)
