"""Loyalty's use cases."""

from __future__ import annotations

from tessera.application.shared.bus import Handlers, use_cases
from tessera.domain.shared.bounds import CUSTOMER_ID_LENGTH, checked_text
from tessera_loyalty.application.queries import BalanceView, GetBalance
from tessera_loyalty.application.unit_of_work import LoyaltyUnitOfWork


def get_balance(query: GetBalance, uow: LoyaltyUnitOfWork) -> BalanceView:
    """A customer with no completed order yet has no points, and that is an answer."""
    customer_id = checked_text("customer id", query.customer_id, CUSTOMER_ID_LENGTH)
    with uow:
        account = uow.accounts.get(customer_id)
        return BalanceView(customer_id, 0, 0) if account is None else BalanceView.of(account)


def loyalty_handlers(uow: LoyaltyUnitOfWork) -> Handlers:
    return use_cases(uow, get_balance)
