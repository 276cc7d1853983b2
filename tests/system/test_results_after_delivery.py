"""In one process a command returns once what it caused was delivered, and its result says
where that left things, not where they stood when it was stored."""

from __future__ import annotations

from tessera.adapters.bootstrap import Settings, bootstrap
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder


def test_place_and_cancel_return_the_order_as_the_saga_left_it() -> None:
    with bootstrap(Settings.in_memory()) as shop:
        shop.handle(ListProduct("MUG-1", "Mug", "3.00"))
        shop.handle(ReceiveStock("MUG-1", 5))
        line = [OrderLineRequest("MUG-1", 1)]
        shipped = shop.handle(PlaceOrder("c-1", line, "tok_visa", "1 St"))
        assert (shipped.view.status, shipped.changed) == ("shipped", True)
        declined = shop.handle(PlaceOrder("c-2", line, "tok_chargeDeclined", "1 St"))
        assert (declined.view.status, declined.view.cancel_reason) == (
            "cancelled", "payment_declined"
        )  # fmt: skip
        again = shop.handle(PlaceOrder("c-1", line, "tok_visa", "1 St", shipped.view.id))
        assert (again.view.status, again.changed) == ("shipped", False)
        refused = shop.handle(CancelOrder(declined.view.id))
        assert (refused.view.status, refused.changed) == ("cancelled", False)
