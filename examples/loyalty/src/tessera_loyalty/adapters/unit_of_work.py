"""Loyalty's unit of work and repositories, on Tessera's SQLAlchemy base classes."""

from __future__ import annotations

from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository
from tessera.domain.shared.identifiers import OrderId
from tessera_loyalty.domain.account import Account, KnownOrder


class SqlAlchemyAccounts(SqlAlchemyRepository[Account]):
    entity = Account
    identity = "customer_id"
    key = str


class SqlAlchemyKnownOrders(SqlAlchemyRepository[KnownOrder]):
    entity = KnownOrder
    identity = "order_id"
    key = OrderId


class SqlAlchemyLoyaltyUnitOfWork(SqlAlchemyUnitOfWork):
    accounts = repository(SqlAlchemyAccounts)
    orders = repository(SqlAlchemyKnownOrders)
