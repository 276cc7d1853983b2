"""The payment-gateway port: the outside world that moves money."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs

from tessera.domain.shared.money import Money


class GatewayUnavailable(Exception):
    """The gateway could not answer this time; the same call may succeed later."""


@attrs.frozen
class ChargeResult:
    approved: bool
    reason: str = ""


@runtime_checkable
class PaymentGateway(Protocol):
    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        """Take the money. Asked again with the same key, it answers the same and charges once."""

    def refund(self, idempotency_key: str, amount: Money) -> None:
        """Give money back. Asked again with the same key, it refunds once."""
