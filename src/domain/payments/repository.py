"""The port through which payments keeps its payments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tessera.domain.payments.payment import Payment
from tessera.domain.shared.identifiers import OrderId


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> None: ...

    def get(self, order_id: OrderId) -> Payment | None: ...

    def all(self) -> Sequence[Payment]: ...
