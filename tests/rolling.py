"""Tessera as its next release would ship it, for a rolling-upgrade test: ordering publishes
`PaymentRequested` version 2 (the amount renamed `total`, a change that needs a new version)
and version 1 beside it for the rollout's window; payments, on the new code, reacts to
version 2. Run as `python -m tests.rolling new|old TESSERA-ARGUMENTS...`: the `tessera`
command on that release's code."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from tessera.adapters.bootstrap import root
from tessera.adapters.cli.main import cli
from tessera.adapters.ordering.module import ordering
from tessera.adapters.payments.module import payments
from tessera.adapters.wiring import BoundedContext
from tessera.application.contracts.ordering import OrderCancelled, PaymentRequested
from tessera.application.ordering.publishing import integration_events
from tessera.application.payments.gateway import PaymentGateway
from tessera.application.payments.subscriptions import on_order_cancelled, on_payment_requested
from tessera.application.payments.unit_of_work import PaymentsUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.integration import integration_event, publish_alongside
from tessera.domain.shared.events import DomainEvent

WINDOW_ENDS = date(2999, 12, 31)


@integration_event("ordering", "PaymentRequested", version=2, subject="order_id")
@attrs.frozen
class PaymentRequestedV2:
    order_id: str
    total: Decimal
    currency: str
    card_token: str


def downcast(event: PaymentRequestedV2) -> PaymentRequested:
    return PaymentRequested(event.order_id, event.total, event.currency, event.card_token)


def upcast(event: PaymentRequested) -> PaymentRequestedV2:
    return PaymentRequestedV2(event.order_id, event.amount, event.currency, event.card_token)


def new_ordering_events(event: DomainEvent) -> Iterable[object]:
    """Ordering on the new code: version 2 of PaymentRequested, and version 1 beside it."""
    for published in integration_events(event):
        if isinstance(published, PaymentRequested):
            yield upcast(published)
        yield published


def new_payments_reactions(gateway: PaymentGateway) -> Reactions[PaymentsUnitOfWork]:
    """Payments on the new code: it reads version 2, and version 1 from an ordering still on
    the old code (a version 1 published beside a version 2 is passed over)."""
    return {
        PaymentRequestedV2: lambda event, uow: on_payment_requested(downcast(event), uow, gateway),
        PaymentRequested: lambda event, uow: on_payment_requested(event, uow, gateway),
        OrderCancelled: lambda event, uow: on_order_cancelled(event, uow, gateway),
    }


def new_release() -> None:
    publish_alongside(PaymentRequestedV2, PaymentRequested, until=WINDOW_ENDS)
    contexts: dict[str, BoundedContext[Any, Any]] = {
        "ordering": attrs.evolve(ordering, publishes=new_ordering_events),
        "payments": attrs.evolve(
            payments, reactions=lambda ports: new_payments_reactions(ports.payment_gateway)
        ),
    }
    installed = root.installed_contexts()
    root.installed_contexts = lambda: [contexts.get(c.name, c) for c in installed]


if __name__ == "__main__":
    release, *arguments = sys.argv[1:]
    if release == "new":
        new_release()
    cli.main(arguments, prog_name="tessera")
