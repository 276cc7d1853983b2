"""A unit of work declares its repositories, and a repository names its aggregate's identity:
nothing is found by looking, nothing is assumed."""

from __future__ import annotations

import pytest

from tessera.adapters.ordering.repository import (
    SqlAlchemyFulfilmentRepository,
    SqlAlchemyOrderRepository,
    SqlAlchemyPriceList,
)
from tessera.adapters.ordering.unit_of_work import SqlAlchemyOrderingUnitOfWork
from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.ordering.order import Order


def test_a_unit_of_work_s_repositories_are_those_its_class_declares() -> None:
    declared = SqlAlchemyOrderingUnitOfWork.declared_repositories()
    assert [(d.name, d.kind) for d in declared] == [
        ("orders", SqlAlchemyOrderRepository),
        ("fulfilments", SqlAlchemyFulfilmentRepository),
        ("prices", SqlAlchemyPriceList),
    ]


def test_a_repository_is_not_there_before_its_unit_of_work_begins() -> None:
    unit = SqlAlchemyOrderingUnitOfWork.__new__(SqlAlchemyOrderingUnitOfWork)
    with pytest.raises(AttributeError, match="orders: the unit of work has not begun"):
        _ = unit.orders


def test_a_repository_that_does_not_name_its_identity_is_refused() -> None:
    with pytest.raises(TypeError, match="Orders must name its identity, key"):

        class Orders(SqlAlchemyRepository[Order]):
            entity = Order
