"""The ports through which loyalty keeps its accounts and what it knows of orders."""

from __future__ import annotations

from typing import Protocol

from tessera.domain.shared.identifiers import OrderId
from tessera_loyalty.domain.account import Account, KnownOrder


class Accounts(Protocol):
    def add(self, account: Account) -> None: ...

    def get(self, customer_id: str) -> Account | None: ...


class KnownOrders(Protocol):
    def add(self, order: KnownOrder) -> None: ...

    def get(self, order_id: OrderId) -> KnownOrder | None: ...
