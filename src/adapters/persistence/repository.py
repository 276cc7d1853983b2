"""The SQLAlchemy repository every context's repositories are made from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Entity = TypeVar("Entity")


class SqlAlchemyRepository(Generic[Entity]):
    """Aggregates of one class, by the attribute `identity` names.

    It remembers what was added through it, so a look-up needs no autoflush first: a
    transaction that adds many aggregates writes them in one batch when it commits.
    """

    entity: ClassVar[type[Any]]
    identity: ClassVar[str] = "sku"

    def __init__(self, session: Session) -> None:
        self._session = session
        self._added: dict[Any, Entity] = {}

    def add(self, aggregate: Entity) -> None:
        self._session.add(aggregate)
        self._added[getattr(aggregate, self.identity)] = aggregate

    def get(self, key: Any) -> Entity | None:
        if key in self._added:
            return self._added[key]
        with self._session.no_autoflush:
            found: Entity | None = self._session.get(self.entity, key)
        return found

    def all(self) -> Sequence[Entity]:
        return self._session.scalars(select(self.entity)).unique().all()
