"""What loyalty answers: a customer's balance."""

from __future__ import annotations

import attrs

from tessera.application.shared.bus import Query
from tessera_loyalty.domain.account import Account


@attrs.frozen
class GetBalance(Query["BalanceView"]):
    customer_id: str


@attrs.frozen
class BalanceView:
    customer_id: str
    points: int
    orders: int
    """How many completed orders earned points."""

    @classmethod
    def of(cls, account: Account) -> BalanceView:
        return cls(account.customer_id, account.points, account.orders)
