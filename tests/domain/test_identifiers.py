"""Order ids are time-ordered (UUID version 7): an id made later sorts later."""

from __future__ import annotations

import sys
import time
import uuid

import pytest

from tessera.domain.shared.identifiers import OrderId, uuid7
from tests import children


def test_a_new_order_id_is_a_uuid_version_7_of_this_moment() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid.UUID(OrderId.new().value)
    after = time.time_ns() // 1_000_000
    assert (made.version, made.variant) == (7, uuid.RFC_4122)
    assert before <= made.int >> 80 <= after + 1  # its first 48 bits: Unix milliseconds


def test_ids_one_process_makes_are_strictly_increasing_even_within_a_millisecond() -> None:
    made = [OrderId.new() for _ in range(20_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_more_than_a_millisecond_can_count_borrows_the_next_one() -> None:
    made = [uuid7() for _ in range(10_000)]  # far more than 4,096 in some millisecond
    assert made == sorted(made)
    assert all(u.version == 7 for u in made)


PRINT_ONE = "from tessera.domain.shared.identifiers import OrderId; print(OrderId.new())"


@pytest.mark.process
def test_ids_made_later_in_another_process_sort_later() -> None:
    made = []
    for _ in range(3):
        result = children.run([sys.executable, "-c", PRINT_ONE])
        assert result.returncode == 0, result.stderr
        made.append(result.stdout.strip())
        time.sleep(0.002)  # the clock's resolution across processes: a millisecond
    assert made == sorted(made)
