"""Ordering's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.ordering.price_list import PriceList
from tessera.domain.ordering.repository import FulfilmentRepository, OrderRepository


class OrderingUnitOfWork(ConsumingUnitOfWork, Protocol):
    """One atomic change to ordering's own database."""

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def fulfilments(self) -> FulfilmentRepository: ...

    @property
    def prices(self) -> PriceList: ...
