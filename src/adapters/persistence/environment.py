"""The names a deployment is configured by, and its topologies: what the command line shows
in its help without loading a database library."""

from __future__ import annotations

import enum
from pathlib import Path

DATA_DIR_ENV = "TESSERA_DATA_DIR"
TOPOLOGY_ENV = "TESSERA_TOPOLOGY"
BROKER_URL_ENV = "TESSERA_BROKER_URL"
"""The broker; `TESSERA_BROKER_URL_<CONTEXT>` is the URL a context connects with, as its own
user (`tessera_<vhost>_<context>`): then each context speaks only for itself."""
DATABASE_URL_ENV = "TESSERA_DATABASE_URL"
"""Every context's database; `TESSERA_DATABASE_URL_<CONTEXT>` puts one context elsewhere."""
CONTEXTS_ENV = "TESSERA_CONTEXTS"
"""The contexts the shop is made of, comma-separated; unset: every installed context."""
DEFAULT_DATA_DIR = Path("var")


class Topology(enum.Enum):
    """How the contexts are deployed; the code is the same in each."""

    MEMORY = "memory"
    """One process, in-memory databases and queue: for tests."""
    MONOLITH = "monolith"
    """One process, a SQLite file per context and a SQLite queue file: the default."""
    SPLIT = "split"
    """A worker process per context over the same files; commands do not deliver messages."""
