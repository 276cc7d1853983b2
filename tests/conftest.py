from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from adapters.bootstrap import Settings, Tessera, bootstrap
from adapters.persistence.settings import ContextDatabase
from tests.databases import open_catalog, open_inventory
from tests.servers import postgres_database, rabbitmq_vhost

# Specifications, not stopwatches: a slow machine must not fail a property.
hypothesis_settings.register_profile("tessera", deadline=None)
hypothesis_settings.load_profile("tessera")


@pytest.fixture
def tessera() -> Iterator[Tessera]:
    """Every context wired as in production, on private in-memory databases."""
    with bootstrap(Settings.in_memory()) as app:
        yield app


@pytest.fixture
def data_settings(tmp_path: Path) -> Settings:
    """Settings on a data directory of the test's own."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def catalog_db(data_settings: Settings) -> ContextDatabase:
    return open_catalog(data_settings)


@pytest.fixture
def inventory_db(data_settings: Settings) -> ContextDatabase:
    return open_inventory(data_settings)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of the test's own (an administrator's URL), removed afterwards
    with the roles made for it."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def data_lives_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs a test twice: with every context in its SQLite file in the data directory, and in
    its schema of a PostgreSQL database of the test's own ($TESSERA_DATABASE_URL, which the
    CLI, `Settings.from_environment` and child processes read)."""
    if request.param == "sqlite":
        monkeypatch.delenv("TESSERA_DATABASE_URL", raising=False)
        yield "sqlite"
        return
    with postgres_database() as url:
        monkeypatch.setenv("TESSERA_DATABASE_URL", url)
        yield "postgresql"


@pytest.fixture
def broker_url() -> Iterator[str]:
    """A RabbitMQ virtual host of the test's own, removed afterwards."""
    with rabbitmq_vhost() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql", "scaled"])
def deployment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs a test three times: on SQLite files and the queue file; on PostgreSQL schemas and
    the queue file; and scaled, on PostgreSQL and RabbitMQ (through $TESSERA_DATABASE_URL and
    $TESSERA_BROKER_URL, which the CLI and child processes read), each of the test's own."""
    monkeypatch.delenv("TESSERA_DATABASE_URL", raising=False)
    monkeypatch.delenv("TESSERA_BROKER_URL", raising=False)
    if request.param == "sqlite":
        yield "sqlite"
        return
    with postgres_database() as url:
        monkeypatch.setenv("TESSERA_DATABASE_URL", url)
        if request.param == "postgresql":
            yield "postgresql"
            return
        with rabbitmq_vhost() as broker:
            monkeypatch.setenv("TESSERA_BROKER_URL", broker)
            yield "scaled"
