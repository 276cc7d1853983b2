"""The notifier port: how loyalty tells a customer about the points an order earned."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Notifier(Protocol):
    def points_awarded(self, customer_id: str, points: int, balance: int) -> None:
        """Tell the customer; called once per rewarded order, and again if the message that
        rewarded it is redelivered before its change was stored (at least once)."""
