"""A worker passes what one context caused straight to the next, within one round."""

from __future__ import annotations

from adapters.bootstrap import Settings, bootstrap
from application.catalog.commands import ListProduct
from application.inventory.commands import ReceiveStock
from application.ordering.commands import OrderLineRequest, PlaceOrder


def test_one_round_carries_an_order_as_far_as_the_contexts_order_allows() -> None:
    with bootstrap(Settings.in_memory(deliver_inline=False)) as app:
        app.handle(ListProduct(sku="MUG-1", name="Mug", price="10.00"))
        app.deliver()
        app.handle(ReceiveStock(sku="MUG-1", quantity=5))
        app.deliver()
        order = app.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 Main"))
        worker = app.worker()

        worker.run_once()

        # Inventory reserved, ordering asked for the payment, payments captured it: each
        # consumer's batch was relayed before the next consumer took its turn.
        handled = [
            (hop.type.split(".")[2], hop.subscription)
            for hop in app.operations.trace(order.id)
            if hop.state == "done"
        ]
        assert handled == [
            ("OrderPlaced", "inventory"),
            ("StockReserved", "ordering"),
            ("PaymentRequested", "payments"),
        ]
