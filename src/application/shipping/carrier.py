"""The carrier port: whoever takes the parcels to the customers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Carrier(Protocol):
    def dispatch(self, shipment_id: str, address: str) -> str:
        """Hand the parcel over; returns its tracking number. Same shipment, same number."""
