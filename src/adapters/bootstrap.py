"""The composition root: the one place that knows every context and wires them together.

Use it to drive Tessera from Python exactly as the CLI does::

    with bootstrap(Settings(data_dir="var")) as tessera:
        tessera.handle(ListProduct(sku="MUG-BLUE", name="Blue mug", price="12.50"))
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import injector

from adapters.catalog.module import CatalogModule
from adapters.inventory.module import InventoryModule
from adapters.persistence.settings import ContextDatabase, Settings
from application.shared.bus import Handlers, MessageBus

__all__ = ["Settings", "Tessera", "bootstrap"]


class Tessera:
    """A running Tessera: send it commands and queries with `handle`."""

    def __init__(self, bus: MessageBus, databases: list[ContextDatabase]) -> None:
        self._bus = bus
        self._databases = databases

    def handle(self, message: object) -> Any:
        """Carry out a command or answer a query of any context."""
        return self._bus.handle(message)

    def close(self) -> None:
        for database in self._databases:
            database.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class CoreModule(injector.Module):
    """Settings and the message bus that every context's handlers join."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @injector.provider
    def settings(self) -> Settings:
        return self._settings

    @injector.singleton
    @injector.provider
    def bus(self, handlers: Handlers) -> MessageBus:
        return MessageBus(handlers)

    @injector.provider
    def tessera(self, bus: MessageBus, databases: list[ContextDatabase]) -> Tessera:
        return Tessera(bus, databases)


CONTEXT_MODULES: tuple[type[injector.Module], ...] = (CatalogModule, InventoryModule)


def bootstrap(settings: Settings | None = None) -> Tessera:
    """Wire every context for the given settings (default: $TESSERA_DATA_DIR or ./var)."""
    modules: list[injector.Module] = [CoreModule(settings or Settings.from_environment())]
    modules += [module() for module in CONTEXT_MODULES]
    return injector.Injector(modules, auto_bind=False).get(Tessera)
