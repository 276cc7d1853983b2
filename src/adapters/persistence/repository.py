"""The SQLAlchemy repository every context's repositories are made from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from tessera.adapters.persistence.mapping import IdentityMap
from tessera.domain.shared.errors import BusinessRuleViolation

Entity = TypeVar("Entity")


class SqlAlchemyRepository(Generic[Entity]):
    """Aggregates of one class, by the attribute `identity` names.

    It remembers what was added through it, so a look-up needs no autoflush first: a
    transaction that adds many aggregates writes them in one batch when it commits. It also
    remembers what `preload` found, and did not find, for the rest of the transaction.
    """

    entity: ClassVar[type[Any]]
    """The aggregate's class."""
    identity: ClassVar[str]
    """The aggregate's attribute that identifies it (its primary key)."""
    key: ClassVar[type[Any]]
    """Makes a key of the identity's type from its text (`OrderId`, `Sku`, `str`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in ("entity", "identity", "key") if not hasattr(cls, name)]
        if missing:
            raise TypeError(f"{cls.__name__} must name its {', '.join(missing)}")

    def __init__(self, store: IdentityMap) -> None:
        self._store = store
        self._added: dict[Any, Entity] = {}
        self._known: dict[Any, Entity | None] = {}
        self._handed_out: list[Entity] = []

    def add(self, aggregate: Entity) -> None:
        self._store.add(aggregate)
        self._added[getattr(aggregate, self.identity)] = aggregate
        self._handed_out.append(aggregate)

    def get(self, key: Any) -> Entity | None:
        found: Entity | None
        self._store.send_queued()  # a preload still queued
        if key in self._added:
            found = self._added[key]
        elif key in self._known:
            found = self._known[key]
        else:
            found = self._store.get(self.entity, key)
        if found is not None:
            self._handed_out.append(found)
        return found

    def handed_out(self) -> list[Entity]:
        """The aggregates this repository gave out or took since the last call: only these can
        have changed since then."""
        given, self._handed_out = self._handed_out, []
        return given

    def preload(self, names: Iterable[str]) -> None:
        """Queue the load of the aggregates these texts name (the subjects of a batch of
        messages), so that looking them up later in this transaction, found or not, costs no
        query of its own. A text that is no key of this repository names nothing here."""
        keys = {key for name in names if (key := self._key(name)) is not None}
        self._load_into(self._known, self.identity, keys - self._added.keys())

    def _load_into(self, known: dict[Any, Entity | None], attribute: str, keys: set[Any]) -> None:
        """Queue the load of the aggregates whose `attribute` is one of `keys` into `known`,
        by that attribute (in a query of its own, sent with whatever reads next); a key that
        names none is remembered as None."""
        keys = keys - known.keys()
        if not keys:
            return

        def loaded(aggregates: list[Any]) -> None:
            for aggregate in aggregates:
                known[getattr(aggregate, attribute)] = aggregate
            for key in keys:
                known.setdefault(key, None)

        self._store.load_later(self.entity, attribute, keys, loaded)

    def _key(self, name: str) -> Any:
        try:
            return self.key(name)
        except (BusinessRuleViolation, ValueError):
            return None

    def all(self) -> Sequence[Entity]:
        return self._store.load(self.entity)
