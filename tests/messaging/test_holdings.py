"""A worker's answer to a status request, as the asking process reads it: what is not an
answer (from whoever may publish to the reply) counts for nothing."""

from __future__ import annotations

import json

import pytest

from tessera.adapters.messaging.rabbitmq.holdings import (
    MAX_ANSWER_BYTES,
    Holding,
    holding,
    read_answer,
)


def answer(holdings: object, by: str = "worker-1") -> bytes:
    return json.dumps({"by": by, "holdings": holdings}).encode()


def test_an_answer_says_how_many_each_subscription_holds_and_since_when() -> None:
    body = answer({"inventory": [3, 1700000000.5], "ordering": [0, None]})
    assert read_answer(body, by="me") == {
        "inventory": Holding(3, 1700000000.5),
        "ordering": Holding(0, None),
    }


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe",
        b"[1, 2]",
        b'{"by": "worker-1", "holdings": [1, 2]}',
        answer({"inventory": [3, 1.0]}, by="me"),  # this process's own
        b'{"by": "w", "holdings": {"inventory": [3, NaN]}}',
        answer({"inventory": [-1, 1.0]}),
        answer({"inventory": [True, 1.0]}),
        answer({"inventory": [3, "yesterday"]}),
        answer({"inventory": [3, 1.0, 7]}),
        answer({"inventory": {"in_flight": 3}}),
        b" " * (MAX_ANSWER_BYTES + 1),
    ],
)
def test_what_is_not_an_answer_counts_for_nothing(body: bytes) -> None:
    assert read_answer(body, by="me") == {}


def test_holdings_add_up_and_keep_the_oldest() -> None:
    assert Holding(2, 5.0) + Holding(1, None) + Holding(4, 3.0) == Holding(7, 3.0)


def test_a_held_message_whose_time_is_not_one_counts_without_an_age() -> None:
    assert holding([5.0, "soon", None, float("inf"), True, 4]) == Holding(6, 4.0)
