"""Shipping's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.shipping.repository import ShipmentRepository


class ShippingUnitOfWork(ConsumingUnitOfWork, Protocol):
    @property
    def shipments(self) -> ShipmentRepository: ...
