"""Shipping's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from application.shared.inbox import ConsumingUnitOfWork
from domain.shipping.repository import ShipmentRepository


class ShippingUnitOfWork(ConsumingUnitOfWork, Protocol):
    @property
    def shipments(self) -> ShipmentRepository: ...
