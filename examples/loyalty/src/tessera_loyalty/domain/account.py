"""A customer's loyalty account, and what loyalty knows of the orders it gives points for."""

from __future__ import annotations

import enum
from decimal import ROUND_FLOOR

import attrs

from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import CUSTOMER_ID_LENGTH, checked_text
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money


class OrderProgress(enum.Enum):
    PLACED = "placed"
    REWARDED = "rewarded"
    CANCELLED = "cancelled"


@attrs.frozen
class PointsAwarded(DomainEvent):
    customer_id: str
    order_id: OrderId
    points: int


def points_for(total: Money) -> int:
    """One point per whole unit of the order's total."""
    return int(total.amount.to_integral_value(rounding=ROUND_FLOOR))


@attrs.define(slots=False, eq=False)
class KnownOrder(AggregateRoot):
    """An order as loyalty learnt of it from ordering's events: its own read model."""

    order_id: OrderId
    customer_id: str
    total: Money
    progress: OrderProgress = OrderProgress.PLACED

    @classmethod
    def placed(cls, order_id: OrderId, customer_id: str, total: Money) -> KnownOrder:
        return cls(order_id, checked_text("customer id", customer_id, CUSTOMER_ID_LENGTH), total)

    def cancel(self) -> None:
        """A cancelled order earns nothing; one already rewarded keeps what it earned."""
        if self.progress is OrderProgress.PLACED:
            self.progress = OrderProgress.CANCELLED
            self.version += 1

    def reward(self, account: Account) -> bool:
        """A completed order earns its points once, and a cancelled one none; whether this
        one earned them now."""
        if self.progress is not OrderProgress.PLACED:
            return False
        self.progress = OrderProgress.REWARDED
        self.version += 1  # a change that records no event moves the version on itself
        account.award(self.order_id, points_for(self.total))
        return True


@attrs.define(slots=False, eq=False)
class Account(AggregateRoot):
    """A customer's points: they only grow, by what each completed order earned."""

    customer_id: str
    points: int = 0
    orders: int = 0

    def award(self, order_id: OrderId, points: int) -> None:
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise BusinessRuleViolation(
                "PointsAreAWholeNumberNotBelowZero", f"cannot award {points!r} points"
            )
        self.points += points
        self.orders += 1
        self._record(PointsAwarded(self.customer_id, order_id, points))
