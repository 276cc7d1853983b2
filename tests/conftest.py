from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tessera.adapters.bootstrap import Settings, Tessera, bootstrap
from tessera.adapters.payments.module import PAYMENT_GATEWAY
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.shipping.module import CARRIER
from tests import children, servers, tiers
from tests.databases import open_catalog, open_inventory
from tests.servers import postgres_database, rabbitmq_vhost

# Tests run the shop on the test adapters, by name (as a deployment names its own), so that
# no command warns that it runs on stand-ins; the processes the tests start inherit them.
for _port in (PAYMENT_GATEWAY, CARRIER):
    os.environ.setdefault(_port.variable, _port.default)

# Specifications, not stopwatches: a slow machine must not fail a property.
hypothesis_settings.register_profile("tessera", deadline=None)
hypothesis_settings.load_profile("tessera")

SERVER_FIXTURES = {"postgres_url", "broker_url", "server_inventory_db"}
"""Fixtures that give a test a server of its own."""
ON_SERVERS = {"postgresql", "scaled", "rabbitmq"}
"""A fixture parametrised by where the data lives or what carries messages: these are servers."""


def pytest_configure(config: pytest.Config) -> None:
    # An operator's or CI's SIGTERM unwinds the run as Ctrl-C does: every fixture is finalised,
    # every process a test started is ended.
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test is marked `server` by what it uses, as it is collected (for `-m`)."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    on_server = any(value in ON_SERVERS for value in params.values() if isinstance(value, str))
    if on_server or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.server)


@pytest.fixture(autouse=True)
def _tier_and_leftovers(request: pytest.FixtureRequest) -> Iterator[None]:
    """The test's marks, for `tests.tiers`; afterwards, any process it left is ended, and
    that fails the test."""
    tiers.marks = {mark.name for mark in request.node.iter_markers()}
    try:
        yield
    finally:
        tiers.marks = None
        left = children.end_all()
    assert not left, f"the test left processes running (ended now): {left}"


@pytest.hookimpl(trylast=True)  # after pytest has finalised the fixtures of a stopped run
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's own databases, roles and virtual hosts that a crashed worker left, removed
    (by the controller, or a run without workers)."""
    if hasattr(session.config, "workerinput") or "not server" in session.config.option.markexpr:
        return
    children.end_all()
    try:
        left = servers.remove_leftovers()
    except BaseException as error:  # a server gone by now: nothing of ours can be there
        left = {"unchecked": [f"{type(error).__name__}: {error}"]}
    if any(left.values()):
        print(f"\nremoved what the run left behind: {left}")


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
