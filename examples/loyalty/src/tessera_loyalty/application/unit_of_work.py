"""Loyalty's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera_loyalty.domain.repository import Accounts, KnownOrders


class LoyaltyUnitOfWork(ConsumingUnitOfWork, Protocol):
    """One atomic change to loyalty's own database."""

    @property
    def accounts(self) -> Accounts: ...

    @property
    def orders(self) -> KnownOrders: ...
