"""What a reaction reads of its event, from its first parameter's type: a Protocol reads only
its members (nested ones too), the event's own class or a lambda reads every field."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Protocol

import pytest

from tessera.application.contracts.ordering import OrderPlaced, ShipmentRequestedV1
from tessera.application.shared.reads import (
    AboutAnOrder,
    ReadsUnknownField,
    fields_of,
    read_by,
    unread,
)


class Sku(Protocol):
    @property
    def sku(self) -> str: ...


class Skus(Protocol):
    @property
    def order_id(self) -> str: ...
    @property
    def lines(self) -> Sequence[Sku]: ...


class Colour(Protocol):
    @property
    def colour(self) -> str: ...


def reads_skus(event: Skus, uow: object, clock: object = None) -> None: ...


def reads_all(event: OrderPlaced, uow: object) -> None: ...


def reads_an_order(event: AboutAnOrder, uow: object) -> None: ...


def reads_a_colour(event: Colour, uow: object) -> None: ...


def test_an_event_s_fields_are_named_by_path() -> None:
    assert fields_of(ShipmentRequestedV1) == {"order_id", "address", "lines[].sku",
                                            "lines[].quantity"}  # fmt: skip


def test_a_protocol_reads_its_members_and_the_members_of_what_they_hold() -> None:
    assert read_by(reads_skus, OrderPlaced) == {"order_id", "lines[].sku"}
    with_a_clock = functools.partial(reads_skus, clock=1)
    assert read_by(with_a_clock, OrderPlaced) == {"order_id", "lines[].sku"}
    assert read_by(reads_an_order, OrderPlaced) == {"order_id"}


def test_the_event_s_own_class_or_a_lambda_reads_everything() -> None:
    assert read_by(reads_all, OrderPlaced) == fields_of(OrderPlaced)
    assert read_by(lambda event, uow: None, OrderPlaced) == fields_of(OrderPlaced)


def test_what_no_reading_covers_is_named_whole_or_leaf_by_leaf() -> None:
    assert unread(OrderPlaced, [read_by(reads_skus, OrderPlaced)]) == [
        "customer_id", "lines[].quantity", "total", "currency",
    ]  # fmt: skip
    assert unread(OrderPlaced, []) == ["order_id", "customer_id", "lines", "total", "currency"]
    assert unread(OrderPlaced, [read_by(reads_all, OrderPlaced)]) == []


def test_a_reading_that_names_a_field_the_event_lacks_is_refused() -> None:
    with pytest.raises(ReadsUnknownField, match="Colour reads 'colour', which OrderPlaced"):
        read_by(reads_a_colour, OrderPlaced)
