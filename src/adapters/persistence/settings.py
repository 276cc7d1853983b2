"""Where each context keeps its data, and how its messages travel."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import attrs
from sqlalchemy import Engine, MetaData

from adapters.persistence.database import create_schema, prepare_data_dir, sqlite_engine
from adapters.persistence.messaging_tables import MessagingTables, messaging_tables
from application.shared.retry import RetryPolicy

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


_TUNABLE: dict[str, Callable[[str], Any]] = {
    "batch_size": int,
    "lease_seconds": float,
    "poll_seconds": float,
    "retention_seconds": float,
}
"""Settings an operator may set as TESSERA_<NAME> in the environment."""

_RETRY_TUNABLE: dict[str, Callable[[str], Any]] = {
    "max_attempts": int,
    "first_delay": float,
    "factor": float,
    "max_delay": float,
}
"""The retry policy, as TESSERA_RETRY_<NAME> in the environment."""


def _numeric_env(name: str, convert: Callable[[str], Any]) -> str | None:
    variable = f"TESSERA_RETRY_{name.upper()}"
    value = os.environ.get(variable)
    if value is not None:
        try:
            convert(value)
        except ValueError:
            raise ValueError(f"{variable} must be a number, not {value!r}") from None
    return value


def _as_path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _retention_outlasts_retries(settings: Settings, _: Any, value: float) -> None:
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
    lease_seconds: float = 30.0
    poll_seconds: float = 0.05
    batch_size: int = 200
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
        retry = {
            name: convert(value)
            for name, convert in _RETRY_TUNABLE.items()
            if (value := _numeric_env(name, convert)) is not None
        }
        if retry and "retry" not in options:
            options["retry"] = RetryPolicy(**retry)
        for name, convert in _TUNABLE.items():
            value = os.environ.get(f"TESSERA_{name.upper()}")
            if value is not None and name not in options:
                try:
                    options[name] = convert(value)
                except ValueError:
                    message = f"TESSERA_{name.upper()} must be a number, not {value!r}"
                    raise ValueError(message) from None
        chosen = Topology(topology or os.environ.get(TOPOLOGY_ENV) or Topology.MONOLITH.value)
        if chosen is Topology.MEMORY:
            return cls(data_dir=None, topology=chosen, **options)
        where = data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
        return cls(data_dir=where, topology=chosen, **options)

    @classmethod
    def in_memory(cls, **options: Any) -> Settings:
        return cls(data_dir=None, topology=Topology.MEMORY, **options)

    @property
    def delivers_inline(self) -> bool:
        """In one process, a command delivers the messages it caused before it returns."""
        if self.deliver_inline is not None:
            return self.deliver_inline
        return self.topology is not Topology.SPLIT

    def database_path(self, name: str) -> Path | None:
        if self.data_dir is None:
            return None
        return prepare_data_dir(self.data_dir) / f"{name}.db"


@attrs.define
class ContextDatabase:
    """One context's own database, with its outbox and inbox beside its aggregates."""

    name: str
    engine: Engine
    tables: MessagingTables

    @classmethod
    def open(cls, name: str, metadata: MetaData, settings: Settings) -> Self:
        tables = messaging_tables(metadata)
        engine = sqlite_engine(settings.database_path(name))
        create_schema(engine, metadata)
        return cls(name, engine, tables)
