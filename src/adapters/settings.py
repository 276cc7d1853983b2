"""The settings of a deployment: where each context keeps its data, how its messages travel,
its ports, retries and bounds; read from the environment under the names it documents."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs
from sqlalchemy.engine import URL

from tessera.adapters.persistence.database import UnusableSettings
from tessera.adapters.persistence.environment import (
    BROKER_URL_ENV,
    CONTEXTS_ENV,
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DEFAULT_DATA_DIR,
    TOPOLOGY_ENV,
    Topology,
)
from tessera.application.shared.retry import RETRY_BOUNDS, RetryPolicy
from tessera.application.shared.tunable import Bound

__all__ = [
    "BROKER_URL_ENV",
    "CONTEXTS_ENV",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_DATA_DIR",
    "TOPOLOGY_ENV",
    "Settings",
    "Topology",
    "UnusableSettings",
]

_DAY = 24 * 3600.0

TUNABLE: dict[str, Bound] = {
    "batch_size": Bound(int, 1, 10_000),
    "lease_seconds": Bound(float, 1, _DAY),
    "poll_seconds": Bound(float, 0.001, 60),
    "retention_seconds": Bound(float, 1, 3650 * _DAY),
    "connect_timeout_seconds": Bound(float, 1, 300),
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


_TUNED_BY = ("TESSERA_RETRY_", *(f"TESSERA_{name.upper()}" for name in TUNABLE))
"""The variables an operator tunes Tessera with, named in an error their values cause."""


def _topology(given: str | None, from_environment: str | None) -> Topology:
    if given:
        return Topology(given)
    try:
        return Topology(from_environment or Topology.MONOLITH.value)
    except ValueError:
        known = ", ".join(t.value for t in Topology if t is not Topology.MEMORY)
        raise ValueError(
            f"{TOPOLOGY_ENV} must be one of {known}, not {from_environment!r}"
        ) from None


def _as_path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _database_url(value: str | URL | None) -> URL | None:
    if value is None or isinstance(value, URL):
        return value
    from tessera.adapters.persistence import postgres

    return postgres.parse_url(value, "the database URL")


def _broker_url(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    shape = "amqp://USER:PASS@HOST:PORT/VHOST"
    scheme, separator, rest = text.partition("://")
    if not separator or scheme not in ("amqp", "amqps") or not rest.strip("/"):
        raise ValueError(
            f"the broker URL must name RabbitMQ as {shape}; leave it unset for the queue file"
        )
    try:
        port = urlsplit(text).port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(
            f"the broker URL's port must be a number from 1 to 65535; expected {shape}"
        )
    return text


def _database_urls(value: Mapping[str, str | URL]) -> dict[str, URL]:
    found = {}
    for context, url in value.items():
        if isinstance(url, URL):
            found[context] = url
        else:
            from tessera.adapters.persistence import postgres

            variable = f"{DATABASE_URL_ENV}_{context.upper()}"
            found[context] = postgres.parse_url(url, f"the database URL of {context} ({variable})")
    return found


def _per_context(variable: str) -> dict[str, str]:
    """`<VARIABLE>_<CONTEXT>` values of the environment, by context."""
    prefix = f"{variable}_"
    return {
        name.removeprefix(prefix).lower(): value
        for name, value in os.environ.items()
        if name.startswith(prefix) and value.strip()
    }


def _context_names(value: str | Sequence[str]) -> tuple[str, ...]:
    """`catalog,inventory` or a sequence of names: each a lower-case Python name, once."""
    names = value.split(",") if isinstance(value, str) else list(value)
    found: list[str] = []
    for name in (name.strip() for name in names):
        if not name.isidentifier() or name != name.lower():
            raise ValueError(f"{CONTEXTS_ENV}: a context's name is a lower-case word, not {name!r}")
        if name not in found:
            found.append(name)
    return tuple(found)


def _port_specs(value: Mapping[str, str]) -> dict[str, str]:
    """Ports named by the caller (the CLI's `--port NAME=package.module:factory`)."""
    found = {}
    for name, spec in value.items():
        if not name.isidentifier() or name != name.lower():
            raise ValueError(f"--port: a port's name is a lower-case Python name, not {name!r}")
        if spec.count(":") != 1 or not all(spec.split(":")):
            raise ValueError(f"--port {name}: {spec!r} is not package.module:factory")
        found[name] = spec
    return found


def _broker_urls(value: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for context, url in value.items():
        variable = f"{BROKER_URL_ENV}_{context.upper()}"
        try:
            found[context] = _broker_url(url) or ""
        except ValueError as error:
            raise ValueError(f"{variable}: {error}") from None
        user, vhost = broker_user_and_vhost(found[context])
        if user != broker_user(vhost, context):
            raise ValueError(
                f"{variable} must connect as {broker_user(vhost, context)}, the user of"
                f" {context}, not {user or 'no user'}"
            )
    return found


def broker_user_and_vhost(url: str) -> tuple[str, str]:
    """The user a broker URL connects as, and its virtual host."""
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.path[1:]) or "/"


def broker_user(vhost: str, context: str) -> str:
    """The broker user a context publishes and consumes as, in a virtual host."""
    return f"tessera_{vhost}_{context}"


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
    database_url: URL | None = attrs.field(default=None, converter=_database_url)
    """PostgreSQL (`postgresql://USER@HOST:PORT/DBNAME`, USER an administrator) for every
    context: a schema and a login role each. None: a SQLite file per context in `data_dir`."""
    database_urls: Mapping[str, URL] = attrs.field(factory=dict, converter=_database_urls)
    """Contexts on another PostgreSQL server than `database_url`'s, by context."""
    broker_url: str | None = attrs.field(default=None, converter=_broker_url)
    """RabbitMQ (`amqp://USER:PASS@HOST:PORT/VHOST`) carries the messages; None: the queue
    file in `data_dir`."""
    broker_urls: Mapping[str, str] = attrs.field(factory=dict, converter=_broker_urls)
    """Each context's own broker user, by context: where given, a context publishes and
    consumes as its own user, and a consumer believes a context's events only from its user."""
    contexts: tuple[str, ...] = attrs.field(default=(), converter=_context_names)
    """The contexts the shop is made of; empty: every installed context."""
    ports: Mapping[str, str] = attrs.field(factory=dict, converter=_port_specs)
    """Ports the caller names, `name: package.module:factory`, over `TESSERA_<NAME>`."""
    connect_timeout_seconds: float = attrs.field(
        default=10.0, validator=TUNABLE["connect_timeout_seconds"].validator
    )
    """How long a connection to a database server or the broker may take to be made."""

    def __attrs_post_init__(self) -> None:
        if (self.data_dir is None) != (self.topology is Topology.MEMORY):
            raise ValueError("the memory topology, and only it, has no data directory")
        if self.topology is Topology.MEMORY and (
            self.database_url or self.database_urls or self.on_broker
        ):
            raise ValueError("the memory topology keeps everything in memory: it takes no URL")

    def database_for(self, context: str) -> URL | None:
        """Where `context` keeps its data: a PostgreSQL URL (with the connect timeout, unless
        it names its own), or None for its SQLite file."""
        url = self.database_urls.get(context, self.database_url)
        if url is None or "connect_timeout" in url.query:
            return url
        # libpq counts whole seconds, and takes fewer than two as two
        seconds = max(2, math.ceil(self.connect_timeout_seconds))
        return url.update_query_dict({"connect_timeout": str(seconds)})

    @property
    def on_broker(self) -> bool:
        """Whether RabbitMQ carries the messages."""
        return self.broker_url is not None or bool(self.broker_urls)

    @property
    def on_servers(self) -> bool:
        """Whether any context keeps its data on a database server."""
        return self.database_url is not None or bool(self.database_urls)

    @classmethod
    def from_environment(
        cls, data_dir: str | Path | None = None, topology: str | None = None, **options: Any
    ) -> Settings:
        """Explicit values win over $TESSERA_DATA_DIR, $TESSERA_TOPOLOGY and
        $TESSERA_DATABASE_URL(_<CONTEXT>), then defaults."""
        retry = _from_environment("TESSERA_RETRY_", RETRY_BOUNDS)
        if retry and "retry" not in options:
            options["retry"] = RetryPolicy(**retry)
        options = _from_environment("TESSERA_", TUNABLE) | options
        chosen = _topology(topology, os.environ.get(TOPOLOGY_ENV))
        if not options.get("contexts") and os.environ.get(CONTEXTS_ENV, "").strip():
            options["contexts"] = os.environ[CONTEXTS_ENV]
        if chosen is Topology.MEMORY:
            return cls(data_dir=None, topology=chosen, **options)
        if options.get("database_url") is None:
            options["database_url"] = os.environ.get(DATABASE_URL_ENV, "").strip() or None
        if options.get("broker_url") is None:
            options["broker_url"] = os.environ.get(BROKER_URL_ENV, "").strip() or None
        options["database_urls"] = _per_context(DATABASE_URL_ENV) | dict(
            options.get("database_urls") or {}
        )
        options["broker_urls"] = _per_context(BROKER_URL_ENV) | dict(
            options.get("broker_urls") or {}
        )
        where = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
        if where is not None and not str(where).strip():
            raise ValueError(f"the data directory is empty; name one (--data-dir, {DATA_DIR_ENV})")
        try:
            return cls(data_dir=where or DEFAULT_DATA_DIR, topology=chosen, **options)
        except ValueError as error:
            given = sorted(name for name in os.environ if name.startswith(_TUNED_BY))
            raise ValueError(f"{error} (set in the environment: {', '.join(given)})" if given
                             else str(error)) from None  # fmt: skip

    @classmethod
    def in_memory(cls, **options: Any) -> Settings:
        return cls(data_dir=None, topology=Topology.MEMORY, **options)

    @property
    def delivers_inline(self) -> bool:
        """In one process, a command delivers the messages it caused before it returns."""
        if self.deliver_inline is not None:
            return self.deliver_inline
        return self.topology is not Topology.SPLIT
