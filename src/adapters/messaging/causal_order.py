"""Order the messages of a conversation so that every cause comes before its effects."""

from __future__ import annotations

from collections.abc import Sequence

from tessera.adapters.messaging.operations import TraceHop


def in_causal_order(hops: Sequence[TraceHop]) -> list[TraceHop]:
    """Causes first; among messages with no order between them, the earlier written first."""
    by_id: dict[str, list[TraceHop]] = {}
    for hop in sorted(hops, key=lambda h: (h.written_at, h.message_id, h.subscription or "")):
        by_id.setdefault(hop.message_id, []).append(hop)
    placed: set[str] = set()
    ordered: list[TraceHop] = []

    def place(message_id: str) -> None:
        if message_id in placed:
            return
        placed.add(message_id)
        cause = by_id[message_id][0].causation_id
        if cause in by_id:
            place(cause)
        ordered.extend(by_id[message_id])

    for message_id in by_id:
        place(message_id)
    return ordered
