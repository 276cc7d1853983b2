"""Where each context keeps its data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Self

import attrs
from sqlalchemy import Engine, MetaData

from adapters.persistence.database import create_schema, prepare_data_dir, sqlite_engine

DATA_DIR_ENV = "TESSERA_DATA_DIR"
DEFAULT_DATA_DIR = Path("var")


def _as_path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


@attrs.frozen
class Settings:
    """`data_dir=None` keeps every context's database in memory (for tests)."""

    data_dir: Path | None = attrs.field(converter=_as_path, default=DEFAULT_DATA_DIR)

    @classmethod
    def from_environment(cls, data_dir: str | Path | None = None) -> Settings:
        """An explicit data directory wins over $TESSERA_DATA_DIR, which wins over ./var."""
        chosen = data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
        return cls(data_dir=chosen)

    @classmethod
    def in_memory(cls) -> Settings:
        return cls(data_dir=None)

    def database_path(self, context: str) -> Path | None:
        if self.data_dir is None:
            return None
        return prepare_data_dir(self.data_dir) / f"{context}.db"


@attrs.define
class ContextDatabase:
    """One context's own database."""

    name: str
    engine: Engine

    @classmethod
    def open(cls, name: str, metadata: MetaData, settings: Settings) -> Self:
        engine = sqlite_engine(settings.database_path(name))
        create_schema(engine, metadata)
        return cls(name, engine)
