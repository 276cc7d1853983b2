"""Payments' unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.payments.repository import PaymentRepository


class PaymentsUnitOfWork(ConsumingUnitOfWork, Protocol):
    @property
    def payments(self) -> PaymentRepository: ...
